"""Revision history: one history row per change, however many rows the change touches.

simple-history writes a row on every save() and on every many-to-many
change, so an item saved with its relations would get several rows. Writes
that span an item and its relations go through `one_revision`, which
silences those and records a single row with the editor and the reason.
"""

from contextlib import contextmanager

from django.db.models.signals import post_save, pre_save


@contextmanager
def one_revision(instance, *, user, reason, created):
    """Save `instance` and its relations inside the block; record one history row after it."""
    instance.skip_history_when_saving = True
    instance._change_reason = reason
    instance._history_user = user
    try:
        yield instance
    finally:
        del instance.skip_history_when_saving
    # The same signal a save() sends, so the history row (and the citation index) see the final state.
    post_save.send(
        sender=type(instance),
        instance=instance,
        created=created,
        raw=False,
        using=instance._state.db,
        update_fields=None,
    )
    del instance._change_reason, instance._history_user


def silence_history_for_raw_saves(sender, instance, raw=False, **kwargs):
    """loaddata saves raw and then sets many-to-many relations, which simple-history would record as
    anonymous changes: a restored object keeps the history it was dumped with and gains none."""
    if raw and hasattr(sender._meta, "simple_history_manager_attribute"):
        instance.skip_history_when_saving = True


def silence_history_for_unchanged_saves(sender, instance, raw=False, **kwargs):
    """simple-history records every save(), even one that changes nothing (an admin "Save" on an untouched form):
    such a save gets no history row. Timestamps set on every save (auto_now) do not count as a change."""
    if raw or instance._state.adding or hasattr(instance, "skip_history_when_saving"):
        return
    if not hasattr(sender._meta, "simple_history_manager_attribute"):
        return
    names = [f.attname for f in sender._meta.concrete_fields if not getattr(f, "auto_now", False)]
    stored = sender._base_manager.using(kwargs.get("using")).filter(pk=instance.pk).values(*names).first()
    if stored is not None and all(stored[name] == getattr(instance, name) for name in names):
        instance.skip_history_when_saving = True
        instance._history_skipped_as_unchanged = True


def restore_history_after_unchanged_saves(sender, instance, **kwargs):
    if instance.__dict__.pop("_history_skipped_as_unchanged", False):
        del instance.skip_history_when_saving


def connect_signals():
    pre_save.connect(silence_history_for_raw_saves, dispatch_uid="silence-history-for-raw-saves")
    pre_save.connect(silence_history_for_unchanged_saves, dispatch_uid="silence-history-for-unchanged-saves")
    post_save.connect(restore_history_after_unchanged_saves, dispatch_uid="restore-history-after-unchanged-saves")
