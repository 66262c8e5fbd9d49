"""Revision history: one history row per change, however many rows the change touches.

simple-history writes a row on every save() and on every many-to-many
change, so an item saved with its relations would get several rows. Writes
that span an item and its relations go through `one_revision`, which
silences those and records a single row with the editor and the reason.
"""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import models
from django.db.models.signals import post_save, pre_save
from django.utils import timezone
from simple_history.models import HistoricalRecords
from simple_history.utils import get_change_reason_from_object

from thaw_site.publishing.bulk import insert_objects, insert_rows

# A model instance that simple-history records. It reads the private attributes set here (who, why, skip this
# save), which no model declares, and its managers (`history`) are added at run time: the checker can't see them.
Tracked = Any


@contextmanager
def one_revision(
    instance: Tracked, *, user: AbstractBaseUser | AnonymousUser | None, reason: str, created: bool
) -> Iterator[Tracked]:
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


def silence_history_for_raw_saves(
    sender: type[models.Model], instance: Tracked, raw: bool = False, **kwargs: Any
) -> None:
    """loaddata saves raw and then sets many-to-many relations, which simple-history would record as
    anonymous changes: a restored object keeps the history it was dumped with and gains none."""
    if raw and hasattr(sender._meta, "simple_history_manager_attribute"):
        instance.skip_history_when_saving = True


def silence_history_for_unchanged_saves(
    sender: type[models.Model], instance: Tracked, raw: bool = False, **kwargs: Any
) -> None:
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


def restore_history_after_unchanged_saves(sender: type[models.Model], instance: Tracked, **kwargs: Any) -> None:
    if instance.__dict__.pop("_history_skipped_as_unchanged", False):
        del instance.skip_history_when_saving


def connect_signals() -> None:
    pre_save.connect(silence_history_for_raw_saves, dispatch_uid="silence-history-for-raw-saves")
    pre_save.connect(silence_history_for_unchanged_saves, dispatch_uid="silence-history-for-unchanged-saves")
    post_save.connect(restore_history_after_unchanged_saves, dispatch_uid="restore-history-after-unchanged-saves")


def record_revisions(
    instances: Sequence[Tracked], *, user: AbstractBaseUser | AnonymousUser | None, reason: str, created: bool
) -> list[Any]:
    """One history row for each of many saved instances of one model, written in bulk.

    The bulk equivalent of `one_revision` for imports: the rows (and, for models
    whose history follows many-to-many fields, the snapshot of those relations)
    record each instance as it is now. Returns the history rows, in order.
    """
    if not instances:
        return []
    model: Any = type(instances[0])
    history_model = model.history.model
    # The rows simple-history's bulk_history_create would make, written by insert_objects rather than its
    # bulk_create: the history of a large import was an eighth of its time, most of it bulk_create's.
    rows = [
        history_model(
            history_date=getattr(instance, "_history_date", timezone.now()),
            history_user=getattr(instance, "_history_user", user or history_model.get_default_history_user(instance)),
            history_change_reason=get_change_reason_from_object(instance) or reason,
            history_type="+" if created else "~",
            **{field.attname: getattr(instance, field.attname) for field in history_model.tracked_fields},
        )
        for instance in instances
    ]
    if hasattr(history_model, "history_relation"):
        for row, instance in zip(rows, instances, strict=True):
            row.history_relation_id = instance.pk
    insert_objects(rows)
    for field in getattr(history_model, "_history_m2m_fields", []):
        through = field.remote_field.through
        names = [f.attname for f in through._meta.fields]
        owner = names.index(f"{field.m2m_field_name()}_id")
        by_owner: dict[int, list[tuple[Any, ...]]] = {}
        for link in through.objects.filter(**{f"{field.m2m_field_name()}__in": [i.pk for i in instances]}).values_list(
            *names
        ):
            by_owner.setdefault(link[owner], []).append(link)
        insert_rows(
            HistoricalRecords.m2m_models[field],
            ["history_id", *names],
            (
                (row.pk, *link)
                for row, instance in zip(rows, instances, strict=True)
                for link in by_owner.get(instance.pk, [])
            ),
        )
    return rows
