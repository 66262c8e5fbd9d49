"""Schedules: a reviewer's approval of an item to go live at a set time, and perhaps to come down at another.

A schedule is a fact beside the item's status, not a status: the item stays in review until it is published, and
stays live until it comes down. `thaw_site.publishing.scheduling` makes schedules and runs what is due through the
workflow's services (`manage.py publish_scheduled`); this module holds the rows and the rules that drop them when
the workflow moves the item first (an edit, send back, publish or withdraw before its time).

A schedule is *open* while it waits (pending) or after its run failed (failed: shown until a reviewer reschedules,
publishes or cancels it); at most one is open per item. Done and cancelled ones stay as the record.
"""

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING, Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import dateformat, timezone

from thaw_site.publishing.items import Status
from thaw_site.publishing.notifications import notify
from thaw_site.publishing.publications import Kind, models_by_kind
from thaw_site.publishing.workflow import kind_of

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    from thaw_site.publishing.items import Publishable


class ScheduleState(models.TextChoices):
    PENDING = "pending", "Scheduled"
    FAILED = "failed", "Failed"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


OPEN = (ScheduleState.PENDING, ScheduleState.FAILED)


class ScheduleQuerySet(models.QuerySet["Schedule"]):
    def open(self) -> Self:
        return self.filter(state__in=OPEN)

    def of(self, item: "Publishable") -> Self:
        return self.filter(kind=kind_of(item), item_uid=item.uid)

    def due(self, now: datetime.datetime) -> Self:
        return self.filter(state=ScheduleState.PENDING, due_at__lte=now).order_by("due_at", "pk")


class Schedule(models.Model):
    kind = models.CharField(max_length=10, choices=Kind.choices)
    item_uid = models.UUIDField(help_text="The uid of the working copy scheduled.")
    publish_at = models.DateTimeField(
        null=True, blank=True, help_text="When the approved revision goes live; empty if it only comes down."
    )
    withdraw_at = models.DateTimeField(null=True, blank=True, help_text="When the item comes down, if ever.")
    revision_id = models.PositiveBigIntegerField(
        null=True, blank=True, help_text="The history row (revision) the reviewer approved to go live."
    )
    scheduled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    note = models.CharField(max_length=250, blank=True, help_text="The reviewer's note, recorded when it runs.")
    state = models.CharField(max_length=10, choices=ScheduleState.choices, default=ScheduleState.PENDING)
    went_live_at = models.DateTimeField(null=True, blank=True, help_text="When its publishing ran.")
    due_at = models.DateTimeField(null=True, blank=True, help_text="When its next step is due (while pending).")
    finished_at = models.DateTimeField(null=True, blank=True)
    message = models.CharField(max_length=500, blank=True, help_text="Why it failed or was cancelled.")

    objects = ScheduleQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "item_uid"], condition=Q(state__in=["pending", "failed"]), name="one_open_schedule"
            ),
            models.CheckConstraint(
                condition=Q(publish_at__isnull=False) | Q(withdraw_at__isnull=False), name="schedule_has_a_time"
            ),
            models.CheckConstraint(
                condition=Q(publish_at__isnull=True)
                | Q(withdraw_at__isnull=True)
                | Q(withdraw_at__gt=models.F("publish_at")),
                name="schedule_comes_down_after_it_goes_live",
            ),
        ]
        indexes = [models.Index(fields=["state", "due_at"], name="schedule_due")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.item_uid}: {self.describe()}"

    def save(self, *args: object, **kwargs: object) -> None:
        self.due_at = self.next_time() if self.state == ScheduleState.PENDING else None
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def publishes(self) -> bool:
        """Whether its publishing step is still to run."""
        return self.publish_at is not None and self.went_live_at is None

    def next_step(self) -> str:
        return "publish" if self.publishes else "withdraw"

    def next_time(self) -> datetime.datetime | None:
        return self.publish_at if self.publishes else self.withdraw_at

    def item(self) -> "Publishable | None":
        model = models_by_kind()[self.kind]
        return model.objects.filter(uid=self.item_uid).first()

    def describe(self) -> str:
        """What it does, when, in the site's time zone: "goes live 6 Dec 2026 09:00 UTC, comes down …"."""
        parts = []
        if self.publish_at is not None:
            parts.append(f"{'went' if self.went_live_at else 'goes'} live {local_time(self.publish_at)}")
        if self.withdraw_at is not None:
            parts.append(f"comes down {local_time(self.withdraw_at)}")
        return ", ".join(parts)

    def finish(self, state: str, message: str = "") -> None:
        self.state, self.message, self.finished_at = state, message[:500], timezone.now()
        self.save()


def local_time(moment: datetime.datetime) -> str:
    """A moment as the site's editors read it: in the site's time zone (settings.TIME_ZONE), named."""
    return dateformat.format(timezone.localtime(moment), "j M Y H:i T")


def open_schedule(item: "Publishable") -> Schedule | None:
    return Schedule.objects.open().of(item).first()


def cancel(schedule: Schedule, *, by: "AbstractBaseUser | AnonymousUser | None", why: str) -> None:
    """Cancel an open schedule; the reviewer who made it hears why, unless they cancelled it themselves."""
    schedule.finish(ScheduleState.CANCELLED, why)
    item = schedule.item()
    if schedule.scheduled_by is not None and item is not None:
        notify("schedule_cancelled", item, by, [schedule.scheduled_by], note=why)


def cancel_publishing(
    item: "Publishable", *, by: "AbstractBaseUser | AnonymousUser | None", why: str
) -> Schedule | None:
    """The workflow moved the item away from what the reviewer approved (an edit, send back, a restore): its
    scheduled publishing, and the coming down that went with it, are cancelled. Returns the schedule cancelled.
    An item already live on its schedule keeps its time to come down: that is about the live version."""
    schedule = Schedule.objects.open().of(item).filter(publish_at__isnull=False, went_live_at__isnull=True).first()
    if schedule is not None:
        cancel(schedule, by=by, why=why)
    return schedule


def settle_on_publish(item: "Publishable", *, by: "AbstractBaseUser | AnonymousUser | None") -> None:
    """A reviewer published the item by hand: a scheduled publishing has nothing left to do, and a failed one is
    resolved. A time to come down stays."""
    schedule = open_schedule(item)
    if schedule is None or not (schedule.publishes or schedule.state == ScheduleState.FAILED):
        return
    if schedule.withdraw_at is not None and schedule.withdraw_at > timezone.now():
        schedule.went_live_at, schedule.state, schedule.message = timezone.now(), ScheduleState.PENDING, ""
        schedule.save()
    else:
        cancel(schedule, by=by, why=f"Published by {by} before its time.")


def cancel_after_import(
    items: Iterable["Publishable"], *, by: "AbstractBaseUser | AnonymousUser | None", reason: str
) -> None:
    """An import changed these items, as an edit would: scheduled publishing of what the reviewer approved is
    cancelled, and whatever was scheduled for an item the import withdrew. Open schedules are few: one query reads
    them all, however many items the import changed."""
    changed = {(kind_of(item), item.uid): item for item in items}
    for schedule in Schedule.objects.open() if changed else []:
        item = changed.get((schedule.kind, schedule.item_uid))
        if item is None:
            continue
        if item.status == Status.WITHDRAWN:
            cancel(schedule, by=by, why=f"Withdrawn before its time: {reason}.")
        elif schedule.publishes:
            cancel(schedule, by=by, why=f"Changed after it was approved ({reason}): it needs review again.")


def cancel_on_withdraw(item: "Publishable", *, by: "AbstractBaseUser | AnonymousUser | None") -> None:
    """Withdrawn before its time: nothing scheduled for the item happens."""
    if (schedule := open_schedule(item)) is not None:
        cancel(schedule, by=by, why=f"Withdrawn by {by} before its time.")
