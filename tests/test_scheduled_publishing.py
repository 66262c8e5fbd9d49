"""Scheduled publishing and withdrawal (issue 17 item 3), with a frozen clock: a reviewer approves an item to go
live at a set time and perhaps to come down at another; `publish_scheduled` does what is due through the services."""

import datetime
import threading

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.db import connection

from events.models import Event, Source, Topic
from thaw_site.publishing.items import Status
from thaw_site.publishing.publications import Publication
from thaw_site.publishing.revisions import one_revision
from thaw_site.publishing.schedules import Schedule, ScheduleState
from thaw_site.publishing.scheduling import run_due, schedule, unschedule
from thaw_site.publishing.services import publish, restore_revision, send_back, submit_for_review, withdraw
from thaw_site.publishing.workflow import latest_revision, live_publication

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
TODAY = datetime.datetime(2026, 12, 5, 15, 0, tzinfo=UTC)
TOMORROW_9 = datetime.datetime(2026, 12, 6, 9, 0, tzinfo=UTC)
TOMORROW_17 = datetime.datetime(2026, 12, 6, 17, 0, tzinfo=UTC)
MINUTE = datetime.timedelta(minutes=1)


@pytest.fixture
def clock():
    """The clock frozen at today 15:00 UTC; `clock.move_to(moment)` moves it."""
    with time_machine.travel(TODAY, tick=False) as traveller:
        yield traveller


def edit(item, user, reason="An edit", **fields):
    for name, value in fields.items():
        setattr(item, name, value)
    with one_revision(item, user=user, reason=reason, created=False):
        item.save()


def new_event(author, slug="speech", body="Khrushchev spoke. [@taubman, p. 270]"):
    Source.objects.get_or_create(key="taubman", defaults={"title": "Khrushchev", "year": 2003})
    event = Event(slug=slug, title=f"The {slug}", date="1956-02-25", body=body)
    with one_revision(event, user=author, reason="New event", created=True):
        event.save()
    submit_for_review(item=event, by=author, note="Ready")
    return event


@pytest.fixture
def event(clock, author):
    return new_event(author)


def run(*args):
    """publish_scheduled's output, as the command prints it."""
    from io import StringIO

    out = StringIO()
    call_command("publish_scheduled", *args, stdout=out)
    return out.getvalue()


def refresh(item):
    item.refresh_from_db()
    return item


# Scheduling checks what publishing checks, on the server.


def test_scheduling_records_the_approved_revision_and_changes_nothing_public(event, reviewer):
    made = schedule(item=event, by=reviewer, publish_at=TOMORROW_9, note="For the anniversary")
    assert (made.state, made.due_at, made.scheduled_by) == (ScheduleState.PENDING, TOMORROW_9, reviewer)
    assert made.revision_id == latest_revision(event).history_id
    assert refresh(event).status == Status.IN_REVIEW
    assert not Publication.objects.exists()
    assert made.describe() == "goes live 6 Dec 2026 09:00 UTC"


def test_the_author_may_not_schedule_nor_anyone_without_the_right_to_publish(event, author, users_by_role):
    for role in ("anonymous", "staff", "author", "other_author"):
        with pytest.raises(PermissionDenied):
            schedule(item=event, by=users_by_role[role], publish_at=TOMORROW_9)
    assert not Schedule.objects.exists()


def test_a_reviewer_who_edited_the_item_may_not_schedule_it(event, reviewer, other_reviewer):
    edit(event, reviewer, summary="The reviewer's own words.")
    with pytest.raises(PermissionDenied, match="another reviewer"):
        schedule(item=event, by=reviewer, publish_at=TOMORROW_9)
    assert schedule(item=event, by=other_reviewer, publish_at=TOMORROW_9).scheduled_by == other_reviewer


def test_the_citation_policy_refuses_a_schedule_naming_the_problem(clock, author, reviewer):
    event = new_event(author, body="A claim. [@nosuch, p. 4]")
    with pytest.raises(ValidationError) as refused:
        schedule(item=event, by=reviewer, publish_at=TOMORROW_9)
    assert refused.value.messages == ["body: unknown source key 'nosuch' in [@nosuch]"]
    assert not Schedule.objects.exists()


@pytest.mark.parametrize(
    ("publish_at", "withdraw_at", "code"),
    [
        (TODAY - MINUTE, None, "in_the_past"),
        (TODAY, None, "in_the_past"),
        (TOMORROW_9, TOMORROW_9, "invalid_order"),
        (TOMORROW_17, TOMORROW_9, "invalid_order"),
        (None, None, "required"),
    ],
)
def test_times_that_cant_be_kept_are_refused(event, reviewer, publish_at, withdraw_at, code):
    with pytest.raises(ValidationError) as refused:
        schedule(item=event, by=reviewer, publish_at=publish_at, withdraw_at=withdraw_at)
    assert refused.value.code == code
    assert "The speech" in refused.value.messages[0] or code == "required"
    assert not Schedule.objects.exists()


def test_only_an_item_in_review_is_scheduled_to_go_live_and_only_a_live_one_to_come_down(clock, author, reviewer):
    draft = Topic.objects.create(slug="maize", name="Maize")
    with pytest.raises(ValidationError) as refused:
        schedule(item=draft, by=reviewer, publish_at=TOMORROW_9)
    assert refused.value.code == "invalid_state"
    with pytest.raises(ValidationError) as refused:
        schedule(item=draft, by=reviewer, publish_at=None, withdraw_at=TOMORROW_17)
    assert refused.value.code == "invalid_state"
    assert not Schedule.objects.exists()


# The run: due, not yet due, catching up, expiry.


def test_nothing_happens_before_its_time(event, reviewer, clock):
    schedule(item=event, by=reviewer, publish_at=TOMORROW_9)
    clock.move_to(TOMORROW_9 - datetime.timedelta(seconds=1))
    assert run() == ""
    assert run("-v", "2") == "Nothing was due at 6 Dec 2026 08:59 UTC.\n"
    assert refresh(event).status == Status.IN_REVIEW
    assert live_publication(event) is None


def test_at_its_time_it_is_published_as_the_reviewer_who_scheduled_it_once(event, reviewer, clock):
    made = schedule(item=event, by=reviewer, publish_at=TOMORROW_9, note="For the anniversary")
    clock.move_to(TOMORROW_9)
    assert run() == "Published event “The speech”, as boris scheduled for 6 Dec 2026 09:00 UTC.\n"
    assert refresh(event).status == Status.PUBLISHED
    live = live_publication(event)
    assert (live.published_by, live.published_at) == (reviewer, TOMORROW_9)
    assert [row.history_change_reason[:9] for row in event.history.filter(history_id__gt=made.revision_id)] == [
        "Published"  # the approved revision, and only the approval since
    ]
    approval = event.history.get(history_change_reason__startswith="Published")
    assert approval.history_user == reviewer
    assert approval.history_change_reason == (
        "Published: as boris scheduled on 5 Dec 2026 15:00 UTC: For the anniversary"
    )
    made.refresh_from_db()
    assert (made.state, made.went_live_at, made.due_at) == (ScheduleState.DONE, TOMORROW_9, None)
    assert run() == ""  # idempotent
    assert Publication.objects.count() == 1


def test_a_run_catches_up_on_everything_missed_oldest_first(clock, author, reviewer):
    late, early = new_event(author, "late"), new_event(author, "early")
    schedule(item=late, by=reviewer, publish_at=TOMORROW_17)
    schedule(item=early, by=reviewer, publish_at=TOMORROW_9)
    clock.move_to(TOMORROW_17 + datetime.timedelta(days=2))
    assert run().splitlines() == [
        "Published event “The early”, as boris scheduled for 6 Dec 2026 09:00 UTC.",
        "Published event “The late”, as boris scheduled for 6 Dec 2026 17:00 UTC.",
    ]
    # The clock stands still, so both went live at the same moment: the rows' order is the order of publishing.
    assert [p.slug for p in Publication.objects.live().order_by("published_at", "pk")] == ["early", "late"]


def test_an_item_comes_down_at_its_expiry(event, reviewer, clock):
    made = schedule(item=event, by=reviewer, publish_at=TOMORROW_9, withdraw_at=TOMORROW_17)
    assert made.describe() == "goes live 6 Dec 2026 09:00 UTC, comes down 6 Dec 2026 17:00 UTC"
    clock.move_to(TOMORROW_9)
    run()
    made.refresh_from_db()
    assert (made.state, made.due_at) == (ScheduleState.PENDING, TOMORROW_17)
    clock.move_to(TOMORROW_17 - MINUTE)
    assert run() == ""
    assert live_publication(event) is not None
    clock.move_to(TOMORROW_17)
    assert run() == "Withdrew event “The speech”, as boris scheduled for 6 Dec 2026 17:00 UTC.\n"
    assert refresh(event).status == Status.WITHDRAWN and live_publication(event) is None
    withdrawal = event.history.get(history_change_reason__startswith="Withdrawn")
    assert withdrawal.history_user == reviewer
    made.refresh_from_db()
    assert made.state == ScheduleState.DONE


def test_a_live_item_may_be_given_only_a_time_to_come_down(event, reviewer, other_reviewer, clock):
    publish(item=event, by=reviewer)
    made = schedule(item=event, by=other_reviewer, publish_at=None, withdraw_at=TOMORROW_17)
    assert made.describe() == "comes down 6 Dec 2026 17:00 UTC"
    clock.move_to(TOMORROW_17)
    assert run() == "Withdrew event “The speech”, as vera scheduled for 6 Dec 2026 17:00 UTC.\n"
    assert live_publication(event) is None


def test_a_run_that_missed_both_times_publishes_then_withdraws(event, reviewer, clock):
    schedule(item=event, by=reviewer, publish_at=TOMORROW_9, withdraw_at=TOMORROW_17)
    clock.move_to(TOMORROW_17 + datetime.timedelta(hours=1))
    assert [line.split(" event")[0] for line in run().splitlines()] == ["Published", "Withdrew"]
    assert refresh(event).status == Status.WITHDRAWN
    assert Publication.objects.filter(is_live=False).count() == 1  # the version that was due stays as history


def test_the_time_shown_is_the_sites_time_zone(event, reviewer, settings):
    settings.TIME_ZONE = "Europe/Moscow"
    made = schedule(item=event, by=reviewer, publish_at=TOMORROW_9)
    assert made.describe() == "goes live 6 Dec 2026 12:00 MSK"


# What cancels a schedule: an edit, send back, withdrawal, a reviewer; publishing by hand settles it.


def test_an_edit_after_approval_sends_it_back_to_review_and_nothing_goes_live(event, author, reviewer, clock):
    from thaw_site.publishing.scheduling import cancel_after_edit

    made = schedule(item=event, by=reviewer, publish_at=TOMORROW_9)
    edit(event, author, summary="A late change.")
    assert cancel_after_edit(event, by=author) == made
    made.refresh_from_db()
    assert made.state == ScheduleState.CANCELLED
    assert made.message == "Edited by anna after it was approved: it needs review again."
    assert refresh(event).status == Status.IN_REVIEW
    clock.move_to(TOMORROW_9)
    assert run() == ""
    assert live_publication(event) is None


def test_an_edit_that_cancelled_nothing_still_stops_the_unreviewed_revision_going_live(event, author, reviewer, clock):
    """An edit that came another way (an import, a script): the run publishes only the approved revision."""
    made = schedule(item=event, by=reviewer, publish_at=TOMORROW_9)
    edit(event, author, summary="Unreviewed words.")
    clock.move_to(TOMORROW_9)
    with pytest.raises(CommandError) as failed:
        run()
    revision = latest_revision(event).history_id
    assert str(failed.value) == (
        f"Could not publish event “The speech”: it was edited after boris approved it (revision {made.revision_id}, "
        f"now {revision}): it needs review again. Its schedule is marked failed, in the admin."
    )
    made.refresh_from_db()
    assert made.state == ScheduleState.FAILED and made.message.startswith("Could not publish: it was edited")
    assert live_publication(event) is None


def test_a_failed_run_tells_the_reviewer_who_scheduled_it(
    event, author, reviewer, clock, django_capture_on_commit_callbacks, mailoutbox
):
    from thaw_site.publishing.notifications import Notification

    made = schedule(item=event, by=reviewer, publish_at=TOMORROW_9)
    edit(event, author, summary="Unreviewed words.")
    clock.move_to(TOMORROW_9)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(CommandError):
        run()
    made.refresh_from_db()
    told = Notification.objects.get(kind="schedule_failed")
    assert (told.recipient, told.note) == (reviewer, made.message)
    assert [message.to for message in mailoutbox] == [[reviewer.email]]
    assert "could not go live or come down as you scheduled" in mailoutbox[0].subject


def imported(change, user):
    """Export the site, change one event in the document, and import it back as `user`."""
    from events.interchange import export_document, import_document

    document = export_document()
    change(next(item for item in document["events"] if item["slug"] == "speech"))
    return import_document(document, source_name="corrections.json", user=user)


def test_an_import_that_changes_a_scheduled_item_cancels_its_schedule_and_tells_the_reviewer(
    event, author, reviewer, clock
):
    from thaw_site.publishing.notifications import Notification

    made = schedule(item=event, by=reviewer, publish_at=TOMORROW_9)
    report = imported(lambda item: item.update(summary="A corrected summary."), author)
    assert report.updated == [("events", "speech", ["summary"])]
    made.refresh_from_db()
    assert made.state == ScheduleState.CANCELLED
    assert made.message == ("Changed after it was approved (Imported from corrections.json): it needs review again.")
    assert Notification.objects.filter(recipient=reviewer, kind="schedule_cancelled").count() == 1
    clock.move_to(TOMORROW_9)
    assert run() == ""
    assert live_publication(event) is None


def test_an_import_that_leaves_a_scheduled_item_as_it_is_keeps_its_schedule(event, author, reviewer, clock):
    made = schedule(item=event, by=reviewer, publish_at=TOMORROW_9)
    assert imported(lambda item: None, author).updated == []
    made.refresh_from_db()
    assert made.state == ScheduleState.PENDING


def test_an_import_that_withdraws_a_live_item_cancels_its_time_to_come_down(event, author, reviewer, clock):
    made = schedule(item=event, by=reviewer, publish_at=TOMORROW_9, withdraw_at=TOMORROW_17)
    clock.move_to(TOMORROW_9)
    run()
    imported(lambda item: item.update(status="withdrawn"), reviewer)
    made.refresh_from_db()
    assert (made.state, made.message) == (
        ScheduleState.CANCELLED,
        "Withdrawn before its time: Imported from corrections.json.",
    )
    clock.move_to(TOMORROW_17)
    assert run() == ""


def test_withdrawing_before_its_time_cancels_the_schedule(event, reviewer, other_reviewer, clock):
    made = schedule(item=event, by=reviewer, publish_at=TOMORROW_9, withdraw_at=TOMORROW_17)
    clock.move_to(TOMORROW_9)
    run()
    clock.move_to(TOMORROW_9 + datetime.timedelta(hours=2))
    withdraw(item=event, by=other_reviewer, note="A mistake in it.")
    made.refresh_from_db()
    assert (made.state, made.message) == (ScheduleState.CANCELLED, "Withdrawn by vera before its time.")
    clock.move_to(TOMORROW_17)
    assert run() == ""
    assert event.history.filter(history_change_reason__startswith="Withdrawn").count() == 1


def test_a_reviewer_may_cancel_a_schedule_before_its_time(event, author, reviewer, other_reviewer, clock):
    made = schedule(item=event, by=reviewer, publish_at=TOMORROW_9)
    with pytest.raises(PermissionDenied):
        unschedule(item=event, by=author)
    unschedule(item=event, by=other_reviewer, note="Not yet")
    made.refresh_from_db()
    assert (made.state, made.message) == (ScheduleState.CANCELLED, "Cancelled by vera: Not yet")
    with pytest.raises(ValidationError, match="is not scheduled: it can't be unscheduled"):
        unschedule(item=event, by=other_reviewer)
    clock.move_to(TOMORROW_9)
    assert run() == "" and live_publication(event) is None


def test_sending_back_or_restoring_cancels_the_schedule(event, author, reviewer, other_reviewer):
    made = schedule(item=event, by=reviewer, publish_at=TOMORROW_9)
    send_back(item=event, by=other_reviewer, comment="Cite the speech itself.")
    made.refresh_from_db()
    assert (made.state, made.message) == (ScheduleState.CANCELLED, "Sent back by vera.")
    submit_for_review(item=event, by=author)
    again = schedule(item=event, by=reviewer, publish_at=TOMORROW_9)
    first = event.history.order_by("history_id").first()
    restore_revision(item=event, revision=first, by=author)
    again.refresh_from_db()
    assert again.state == ScheduleState.CANCELLED and "restored revision" in again.message


def test_publishing_by_hand_settles_the_schedule_and_keeps_its_time_to_come_down(
    event, reviewer, other_reviewer, clock
):
    made = schedule(item=event, by=reviewer, publish_at=TOMORROW_9, withdraw_at=TOMORROW_17)
    publish(item=event, by=other_reviewer)
    made.refresh_from_db()
    assert (made.state, made.due_at, made.went_live_at) == (ScheduleState.PENDING, TOMORROW_17, TODAY)
    clock.move_to(TOMORROW_9)
    assert run() == ""
    assert Publication.objects.count() == 1
    clock.move_to(TOMORROW_17)
    assert run().startswith("Withdrew event")


def test_a_new_schedule_replaces_the_open_one(event, reviewer, other_reviewer):
    first = schedule(item=event, by=reviewer, publish_at=TOMORROW_9)
    second = schedule(item=event, by=other_reviewer, publish_at=TOMORROW_17)
    first.refresh_from_db()
    assert (first.state, first.message) == (ScheduleState.CANCELLED, "Replaced by vera's schedule.")
    assert list(Schedule.objects.open()) == [second]


# An item that can no longer be published is reported, not dropped.


def test_an_item_that_became_unpublishable_is_reported_and_left_failed(clock, author, reviewer):
    cited, fine = new_event(author, "cited"), new_event(author, "fine", body="Khrushchev spoke.")
    made = schedule(item=cited, by=reviewer, publish_at=TOMORROW_9)
    schedule(item=fine, by=reviewer, publish_at=TOMORROW_9)
    Source.objects.filter(key="taubman").update(key="taubman-2003")  # the cited key is gone
    clock.move_to(TOMORROW_9)
    with pytest.raises(CommandError) as failed:
        run()
    assert str(failed.value) == (
        "Could not publish event “The cited”: body: unknown source key 'taubman' in [@taubman] "
        "Its schedule is marked failed, in the admin."
    )
    made.refresh_from_db()
    assert made.state == ScheduleState.FAILED
    assert made.message == "Could not publish: body: unknown source key 'taubman' in [@taubman]"
    assert refresh(cited).status == Status.IN_REVIEW and live_publication(cited) is None
    assert refresh(fine).status == Status.PUBLISHED  # one failure stops nothing else
    assert list(Schedule.objects.open()) == [made]
    assert run() == ""  # not retried every minute: a reviewer reschedules, publishes or cancels it


def test_a_reviewer_who_lost_the_right_to_publish_is_reported(event, reviewer, clock):
    made = schedule(item=event, by=reviewer, publish_at=TOMORROW_9)
    reviewer.groups.remove(Group.objects.get(name="Reviewers"))
    clock.move_to(TOMORROW_9)
    with pytest.raises(CommandError, match="Could not publish event “The speech”: You may not publish items"):
        run()
    made.refresh_from_db()
    assert made.state == ScheduleState.FAILED and live_publication(event) is None


def test_publishing_by_hand_resolves_a_failed_schedule(event, reviewer, other_reviewer, clock):
    made = schedule(item=event, by=reviewer, publish_at=TOMORROW_9)
    edit(event, reviewer.__class__.objects.get(username="anna"), summary="Unreviewed.")
    clock.move_to(TOMORROW_9)
    with pytest.raises(CommandError):
        run()
    publish(item=event, by=other_reviewer)
    made.refresh_from_db()
    assert made.state == ScheduleState.CANCELLED and not Schedule.objects.open().exists()


# Two runs at once publish each item once.


postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs two connections racing")


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_publish_each_item_once_on_postgresql(author, reviewer):
    with time_machine.travel(TODAY, tick=False) as clock:
        events = [new_event(author, f"race-{n}") for n in range(12)]
        for event in events:
            schedule(item=event, by=reviewer, publish_at=TOMORROW_9, withdraw_at=TOMORROW_17)
        clock.move_to(TOMORROW_17)
        barrier = threading.Barrier(2)
        outcomes = [None, None]

        def race(index):
            try:
                barrier.wait()
                outcomes[index] = run_due().outcomes
            finally:
                connection.close()

        threads = [threading.Thread(target=race, args=(n,)) for n in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    steps = [(o.item.slug, o.step) for ran in outcomes for o in ran]
    assert not [o.error for ran in outcomes for o in ran if o.error]
    assert sorted(steps) == sorted((e.slug, step) for e in events for step in ("publish", "withdraw"))
    assert Publication.objects.count() == len(events)  # each published once, then withdrawn once
    for event in events:
        assert event.history.filter(history_change_reason__startswith="Published").count() == 1
        assert event.history.filter(history_change_reason__startswith="Withdrawn").count() == 1
    print(f"steps taken by each run: {[len(ran) for ran in outcomes]}")


SQLITE_SETUP = """
import datetime
from django.contrib.auth.models import Group, User
from django.utils import timezone
from events.models import Event
from thaw_site.publishing.revisions import one_revision
from thaw_site.publishing.schedules import Schedule
from thaw_site.publishing.services import submit_for_review
from thaw_site.publishing.workflow import latest_revision

author = User.objects.create(username="anna", is_staff=True)
author.groups.add(Group.objects.get(name="Authors"))
reviewer = User.objects.create(username="boris", is_staff=True)
reviewer.groups.add(Group.objects.get(name="Reviewers"))
due = timezone.now() - datetime.timedelta(hours=1)
for n in range({count}):
    event = Event(slug=f"race-{{n}}", title=f"Race {{n}}", date="1956")
    with one_revision(event, user=author, reason="New event", created=True):
        event.save()
    submit_for_review(item=event, by=author)
    Schedule.objects.create(
        kind="event", item_uid=event.uid, publish_at=due, withdraw_at=due + datetime.timedelta(minutes=1),
        revision_id=latest_revision(event).history_id, scheduled_by=reviewer, created_at=due,
    )
"""

SQLITE_RUN = """
import os, time
from django.core.management import call_command
while not os.path.exists({go!r}):
    time.sleep(0.005)
call_command("publish_scheduled")
"""

SQLITE_COUNT = """
from events.models import Event
from thaw_site.publishing.publications import Publication
print("COUNT", Publication.objects.count(), Publication.objects.filter(is_live=True).count(), *sorted(
    (event.history.filter(history_change_reason__startswith="Published").count(),
     event.history.filter(history_change_reason__startswith="Withdrawn").count()) for event in Event.objects.all()
))
"""


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite claim; PostgreSQL's is raced above")
def test_two_runs_at_once_publish_each_item_once_on_sqlite(tmp_path):
    """Two real processes on one SQLite file: each step is claimed by a write as its transaction's first statement."""
    import os
    import subprocess
    import sys
    import time
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "DJANGO_DEBUG": "1", "DATABASE_URL": f"sqlite:///{tmp_path / 'race.sqlite3'}"}
    env.pop("DJANGO_SETTINGS_MODULE", None)

    def manage(*args):
        return subprocess.run([sys.executable, "manage.py", *args], cwd=root, env=env, capture_output=True, text=True)

    count = 25
    assert manage("migrate", "-v0").returncode == 0
    assert manage("shell", "-c", SQLITE_SETUP.format(count=count)).returncode == 0
    go = tmp_path / "go"
    command = [sys.executable, "manage.py", "shell", "-v", "0", "-c", SQLITE_RUN.format(go=str(go))]
    runs = [
        subprocess.Popen(command, cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    time.sleep(1)
    go.touch()  # both have started Django by now (they wait for this file): they run at once
    outputs = [run.communicate(timeout=300) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], [err for _, err in outputs]
    lines = [line for out, _ in outputs for line in out.splitlines() if not line.startswith("Stopped")]
    assert len(lines) == len(set(lines))  # no step twice
    third = manage("publish_scheduled").stdout.splitlines()  # what a run that yielded left, if any
    assert len(lines) + len(third) == 2 * count
    counted = manage("shell", "-c", SQLITE_COUNT).stdout.split("COUNT")[-1].split()
    assert counted == [str(count), "0", *["(1,", "1)"] * count]  # each published once, then withdrawn once
    print(f"steps taken by each run: {[len(out.splitlines()) for out, _ in outputs]}, then {len(third)}")


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's busy database")
def test_a_run_kept_waiting_by_another_writer_stops_and_leaves_the_rest_pending(event, reviewer, clock, monkeypatch):
    from django.db import OperationalError

    from thaw_site.publishing import scheduling

    made = schedule(item=event, by=reviewer, publish_at=TOMORROW_9)
    clock.move_to(TOMORROW_9)

    def busy(now):
        raise OperationalError("database is locked")

    monkeypatch.setattr(scheduling, "run_next", busy)
    assert run() == "Stopped: another run (or writer) kept the database busy; it does what is due.\n"
    made.refresh_from_db()
    assert made.state == ScheduleState.PENDING
    monkeypatch.undo()
    assert run().startswith("Published event “The speech”")
