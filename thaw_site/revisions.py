"""Revision history: one history row per change, however many rows the change touches.

simple-history writes a row on every save() and on every many-to-many
change, so an item saved with its relations would get several rows. Writes
that span an item and its relations go through `one_revision`, which
silences those and records a single row with the editor and the reason.
"""

from contextlib import contextmanager

from django.db.models.signals import post_save


@contextmanager
def one_revision(instance, *, user, reason, created):
    """Save `instance` and its relations inside the block; record one history row after it."""
    instance.skip_history_when_saving = True
    instance._change_reason = reason
    try:
        yield instance
    finally:
        del instance.skip_history_when_saving
    instance._history_user = user
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
