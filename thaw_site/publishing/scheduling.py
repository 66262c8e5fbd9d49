"""Scheduled publishing and withdrawal: a reviewer approves an item to go live at a set time, and may set when it
comes down; `manage.py publish_scheduled`, run every minute, does what is due through the workflow's services.

Scheduling checks what publishing checks (permission, state, four eyes, the citation policy) and the run checks it
all again, as the reviewer who scheduled it: the approval is recorded for them. The run publishes only the revision
the reviewer approved; an item edited since fails, visibly, instead of going live unreviewed.

Two runs at once do each step once: each step runs in its own transaction, which first claims its schedule's row
(PostgreSQL: SELECT … FOR UPDATE SKIP LOCKED, so the other run takes the next row; SQLite has no row locks and
allows one writer at a time: the transaction's first statement writes the row, so the other run's claim waits for
it to commit and then finds it no longer due).
"""

import datetime
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import OperationalError, connection, transaction
from django.db.models import F
from django.utils import timezone

from thaw_site.publishing import services, workflow
from thaw_site.publishing.citing import citation_problems
from thaw_site.publishing.items import Status
from thaw_site.publishing.notifications import notify
from thaw_site.publishing.schedules import (
    Schedule,
    ScheduleState,
    cancel,
    cancel_publishing,
    local_time,
    open_schedule,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

    from thaw_site.publishing.items import Publishable

logger = logging.getLogger(__name__)


@transaction.atomic
def schedule(
    *,
    item: "Publishable",
    by: "User | AnonymousUser | None",
    publish_at: datetime.datetime | None,
    withdraw_at: datetime.datetime | None = None,
    note: str = "",
) -> Schedule:
    """Approve the item's current revision to go live at `publish_at`, and to come down at `withdraw_at`; or, with
    no `publish_at`, a live item to come down then. Replaces the item's open schedule, if any."""
    if publish_at is None and withdraw_at is None:
        raise ValidationError(f"“{item}”: give a time to go live, or to come down.", code="required")
    if publish_at is not None:
        services.check_permission(by, "publish", item)
    if withdraw_at is not None:
        services.check_permission(by, "withdraw", item)
    reviewer = cast("User", by)  # check_permission let only an active, signed-in user through
    services.lock(item)
    now = timezone.now()
    if publish_at is not None:
        services.require_state(item.status == Status.IN_REVIEW, item, "scheduled to go live")
        services.check_four_eyes(item, reviewer)
        if problems := citation_problems(item):
            raise ValidationError(problems, code="citation_policy")
        if publish_at <= now:
            raise ValidationError(
                f"“{item}”: the time to go live, {local_time(publish_at)}, has passed: publish it now, or choose a "
                "later time.",
                code="in_the_past",
            )
    else:
        on_site = workflow.live_publication(item) is not None
        services.require_state(on_site, item, "scheduled to come down (it is not on the public site)")
    if withdraw_at is not None and withdraw_at <= (publish_at or now):
        after = "after it goes live" if publish_at else "in the future"
        raise ValidationError(
            f"“{item}”: the time to come down, {local_time(withdraw_at)}, must be {after}.", code="invalid_order"
        )
    if (previous := open_schedule(item)) is not None:
        cancel(previous, by=reviewer, why=f"Replaced by {reviewer}'s schedule.")
    latest = workflow.latest_revision(item) if publish_at is not None else None
    return Schedule.objects.create(
        kind=workflow.kind_of(item),
        item_uid=item.uid,
        publish_at=publish_at,
        withdraw_at=withdraw_at,
        revision_id=latest.history_id if latest else None,
        scheduled_by=reviewer,
        created_at=now,
        note=note.strip()[:250],
    )


@transaction.atomic
def unschedule(*, item: "Publishable", by: "User | AnonymousUser | None", note: str = "") -> Schedule:
    """Cancel the item's open schedule (pending or failed): nothing happens at its time."""
    services.check_permission(by, "publish", item)
    services.lock(item)
    current = open_schedule(item)
    if current is None:
        raise ValidationError(f"“{item}” is not scheduled: it can't be unscheduled now.", code="invalid_state")
    cancel(current, by=by, why=workflow.reason_with(f"Cancelled by {by}", note.strip()))
    return current


def cancel_after_edit(item: "Publishable", *, by: "User | AnonymousUser | None") -> Schedule | None:
    """An edit after approval: the item goes back to review (it is still in review, no longer approved)."""
    return cancel_publishing(item, by=by, why=f"Edited by {by} after it was approved: it needs review again.")


@dataclass
class Outcome:
    """One step of one schedule, as a run did it (or failed to: `error`)."""

    schedule: Schedule
    item: "Publishable | None"
    step: str  # "publish" or "withdraw"
    error: str = ""

    def describe(self) -> str:
        what = f"{self.schedule.get_kind_display().lower()} “{self.item or self.schedule.item_uid}”"
        if self.error:
            return f"Could not {self.step} {what}: {self.error}"
        done = "Published" if self.step == "publish" else "Withdrew"
        return f"{done} {what}, as {self.schedule.scheduled_by} scheduled for {local_time(self.due())}."

    def due(self) -> datetime.datetime:
        when = self.schedule.publish_at if self.step == "publish" else self.schedule.withdraw_at
        return cast(datetime.datetime, when)


@dataclass
class Run:
    outcomes: list[Outcome]
    busy: bool = False  # SQLite: stopped because another writer kept the database; the rest waits for the next run


def run_due(*, now: datetime.datetime | None = None) -> Run:
    """Do every step due by `now` (by default, now), oldest first, each in its own transaction. Every step changes
    its schedule (the next step, done, or failed), so the loop ends."""
    now = now or timezone.now()
    run = Run([])
    while True:
        try:
            outcome = run_next(now)
        except OperationalError as error:
            # SQLite gives the write lock to whoever asks first when it frees: a run taking step after step can
            # starve another's claim past the busy timeout. The other run does the steps; nothing is lost.
            if connection.vendor != "sqlite" or "locked" not in str(error):
                raise
            run.busy = True
            return run
        if outcome is None:
            return run
        run.outcomes.append(outcome)


@transaction.atomic
def run_next(now: datetime.datetime) -> Outcome | None:
    current = claim_next(now)
    if current is None:
        return None
    step, item = current.next_step(), current.item()
    try:
        with transaction.atomic():
            if item is None:
                raise ValidationError("the item no longer exists.")
            if step == "publish":
                publish_step(current, item, now)
            else:
                withdraw_step(current, item)
    except (PermissionDenied, ValidationError) as error:
        reason = " ".join(getattr(error, "messages", None) or [str(error)])
    except Exception as error:  # a bug must not stop the other schedules, nor drop this one silently
        logger.exception("Scheduled %s of %s %s failed", step, current.kind, current.item_uid)
        reason = f"unexpected error ({type(error).__name__}: {error})"
    else:
        return Outcome(current, item, step)
    current = Schedule.objects.get(pk=current.pk)  # as it was before the step, which was rolled back
    current.finish(ScheduleState.FAILED, f"Could not {step}: {reason}")
    if item is not None and current.scheduled_by is not None:
        notify("schedule_failed", item, None, [current.scheduled_by], note=current.message)
    return Outcome(current, item, step, error=reason)


def claim_next(now: datetime.datetime) -> Schedule | None:
    """The oldest schedule due, held by this transaction until it commits; None when nothing more is due."""
    due = Schedule.objects.due(now)
    if connection.features.has_select_for_update_skip_locked:
        return due.select_for_update(skip_locked=True).first()
    # No FOR UPDATE: a write as the transaction's first statement takes SQLite's one write lock.
    if not Schedule.objects.filter(pk__in=due.values("pk")[:1]).update(due_at=F("due_at")):
        return None
    return due.first()


def publish_step(current: Schedule, item: "Publishable", now: datetime.datetime) -> None:
    reviewer = current.scheduled_by
    if reviewer is None:
        raise ValidationError("the reviewer who scheduled it no longer has an account.")
    latest = workflow.latest_revision(item)
    if latest is None or latest.history_id != current.revision_id:
        raise ValidationError(
            f"it was edited after {reviewer} approved it (revision {current.revision_id}, now "
            f"{latest.history_id if latest else 'none'}): it needs review again.",
            code="edited",
        )
    current.went_live_at = now
    if current.withdraw_at is None:
        current.state, current.finished_at = ScheduleState.DONE, now
    current.save()
    note = workflow.reason_with(f"as {reviewer} scheduled on {local_time(current.created_at)}", current.note)
    services.publish(item=item, by=reviewer, note=note[:250])


def withdraw_step(current: Schedule, item: "Publishable") -> None:
    reviewer = current.scheduled_by
    if reviewer is None:
        raise ValidationError("the reviewer who scheduled it no longer has an account.")
    current.finish(ScheduleState.DONE)  # first: withdrawing cancels whatever is still open for the item
    note = f"Came down as {reviewer} scheduled on {local_time(current.created_at)}"
    services.withdraw(item=item, by=reviewer, note=note)
