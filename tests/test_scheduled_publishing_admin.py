"""Scheduled publishing in the admin: from the item's action bar and from the review queue, shown until it runs,
refused on the server to whoever may not publish; the public sees nothing before its time; and the story of issue 17's
"Done when", end to end with a frozen clock."""

import datetime
from io import StringIO

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from events.models import Event, Period, Source
from tests.admin_forms import admin_url, form_data, logged_in
from thaw_site.publishing.items import Status
from thaw_site.publishing.notifications import Notification
from thaw_site.publishing.schedules import Schedule, ScheduleState
from thaw_site.publishing.watchlists import watch
from thaw_site.publishing.workflow import live_publication

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
TODAY = datetime.datetime(2026, 12, 5, 15, 0, tzinfo=UTC)
TOMORROW_9 = datetime.datetime(2026, 12, 6, 9, 0, tzinfo=UTC)
CANARY = "zqxscheduledcanary"


@pytest.fixture
def clock():
    with time_machine.travel(TODAY, tick=False) as traveller:
        yield traveller


@pytest.fixture
def commits(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def said(response):
    return " ".join(str(message) for message in get_messages(response.wsgi_request))


def add_event(client, author, title="The secret speech"):
    """The author writes an event in the admin and submits it, as a new user would."""
    Source.objects.get_or_create(key="taubman", defaults={"title": "Khrushchev", "year": 2003})
    data = {
        "slug": "secret-speech",
        "title": title,
        "date": "1956-02-25",
        "summary": f"{title}.",
        "body": "Khrushchev denounced Stalin. [@taubman, p. 270]",
        "edit_summary": "New event",
        "_transition": "submit",
        "participations-TOTAL_FORMS": "0",
        "participations-INITIAL_FORMS": "0",
    }
    response = logged_in(client, author).post(admin_url(Event, "add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    event = Event.objects.get(slug="secret-speech")
    assert event.status == Status.IN_REVIEW
    return event


def schedule_from_the_form(client, event, **times):
    data = {**form_data(client, event), "_transition": "schedule", "edit_summary": "For the anniversary", **times}
    return client.post(admin_url(Event, "change", event.pk), data)


def run():
    out = StringIO()
    call_command("publish_scheduled", stdout=out)
    return out.getvalue()


@pytest.fixture
def event(clock, client, author):
    return add_event(type(client)(), author)


def test_a_reviewer_schedules_from_the_action_bar_and_the_item_shows_it(client, event, reviewer):
    reviewer_client = logged_in(client, reviewer)
    page = reviewer_client.get(admin_url(Event, "change", event.pk)).content.decode()
    assert 'value="schedule"' in page and 'name="schedule_publish_at"' in page
    response = schedule_from_the_form(reviewer_client, event, schedule_publish_at="2026-12-06T09:00")
    assert response.status_code == 302
    assert said(response) == "“The secret speech” is scheduled: it goes live 6 Dec 2026 09:00 UTC."
    made = Schedule.objects.get()
    assert (made.publish_at, made.scheduled_by, made.note) == (TOMORROW_9, reviewer, "For the anniversary")
    page = reviewer_client.get(admin_url(Event, "change", event.pk)).content.decode()
    assert "Scheduled:</strong> approved by boris to go live" in page
    assert '<time datetime="2026-12-06T09:00:00+00:00">6 Dec 2026 09:00 UTC</time>' in page
    assert 'value="unschedule"' in page


def test_times_are_read_and_shown_in_the_sites_time_zone(client, event, reviewer, settings):
    settings.TIME_ZONE = "Europe/Moscow"
    response = schedule_from_the_form(logged_in(client, reviewer), event, schedule_publish_at="2026-12-06T12:00")
    assert said(response) == "“The secret speech” is scheduled: it goes live 6 Dec 2026 12:00 MSK."
    assert Schedule.objects.get().publish_at == TOMORROW_9


def test_a_bad_time_is_refused_naming_item_and_field(client, event, reviewer):
    response = schedule_from_the_form(logged_in(client, reviewer), event, schedule_publish_at="tomorrow-ish")
    assert said(response) == "“The secret speech”: Go live at: Enter a valid date/time."
    assert not Schedule.objects.exists()


def test_scheduling_with_unsaved_changes_does_nothing_and_keeps_the_typing(client, event, reviewer):
    reviewer_client = logged_in(client, reviewer)
    data = {
        **form_data(reviewer_client, event),
        "title": "Typed, not saved",
        "_transition": "schedule",
        "schedule_publish_at": "2026-12-06T09:00",
        "edit_summary": "x",
    }
    response = reviewer_client.post(admin_url(Event, "change", event.pk), data)
    assert response.status_code == 200 and "Schedule acts on the saved version" in response.content.decode()
    assert not Schedule.objects.exists()


@pytest.mark.parametrize("role", ["author", "other_author"])
def test_authors_are_refused_on_the_server_and_see_no_button(client, event, users_by_role, role):
    user_client = logged_in(client, users_by_role[role])
    page = user_client.get(admin_url(Event, "change", event.pk)).content.decode()
    assert 'value="schedule"' not in page and "schedule_publish_at" not in page
    forged = schedule_from_the_form(user_client, event, schedule_publish_at="2026-12-06T09:00")
    assert "You may not publish items" in said(forged)
    url = admin_url(Event, "transition", event.pk, "schedule")
    from_the_queue = user_client.post(url, {"schedule_publish_at": "2026-12-06T09:00"})
    assert "You may not publish items" in said(from_the_queue)
    assert not Schedule.objects.exists()


def test_staff_without_a_role_are_forbidden(client, event, users_by_role):
    url = admin_url(Event, "transition", event.pk, "schedule")
    response = logged_in(client, users_by_role["staff"]).post(url, {"schedule_publish_at": "2026-12-06T09:00"})
    assert response.status_code == 403
    assert not Schedule.objects.exists()


def test_the_review_queue_schedules_shows_and_cancels(client, event, reviewer, other_reviewer):
    reviewer_client = logged_in(client, reviewer)
    queue = reverse("review-queue")
    page = reviewer_client.get(queue).content.decode()
    schedule_url = admin_url(Event, "transition", event.pk, "schedule")
    assert f'action="{schedule_url}"' in page
    response = reviewer_client.post(schedule_url, {"schedule_publish_at": "2026-12-06T09:00", "next": queue})
    assert response["Location"] == queue
    page = reviewer_client.get(queue).content.decode()
    assert "Scheduled (1)" in page and "goes live 6 Dec 2026 09:00 UTC, scheduled by boris" in page
    assert "approved by boris to go live" in page  # on the entry too
    vera = logged_in(type(client)(), other_reviewer)
    vera.post(admin_url(Event, "transition", event.pk, "unschedule"), {"next": queue})
    assert Schedule.objects.get().state == ScheduleState.CANCELLED
    assert "Scheduled (" not in vera.get(queue).content.decode()


def test_a_failed_schedule_stays_visible_in_the_queue_and_on_the_item(client, event, reviewer, clock):
    reviewer_client = logged_in(client, reviewer)
    schedule_from_the_form(reviewer_client, event, schedule_publish_at="2026-12-06T09:00")
    Source.objects.filter(key="taubman").update(key="taubman-2003")
    clock.move_to(TOMORROW_9)
    with pytest.raises(Exception, match="Could not publish event “The secret speech”"):
        run()
    reviewer_client = logged_in(type(client)(), reviewer)  # a new day, a new session
    for url in (reverse("review-queue"), admin_url(Event, "change", event.pk)):
        page = reviewer_client.get(url).content.decode()
        assert "failed" in page and "unknown source key" in page, url


def test_nothing_of_a_scheduled_item_is_public_before_its_time(client, event, reviewer, clock):
    Period.objects.create(slug="thaw", name="The Thaw", start="1953", end="1964")
    event.title = f"The {CANARY} speech"
    event.save()
    schedule_from_the_form(logged_in(type(client)(), reviewer), event, schedule_publish_at="2026-12-06T09:00")
    public = [
        event.get_absolute_url(),
        reverse("home"),
        reverse("timeline"),
        reverse("timeline-json"),
        reverse("feed"),
        reverse("sitemap"),
        reverse("sitemap-section", args=["events"]),
        f"{reverse('search')}?q=speech",
    ]

    def shown():
        return {url: client.get(url, secure=True) for url in public}

    clock.move_to(TOMORROW_9 - datetime.timedelta(seconds=1))
    run()
    before = shown()
    assert before[event.get_absolute_url()].status_code == 404
    assert [url for url, r in before.items() if CANARY.encode() in (r.content if not r.streaming else b"")] == []
    clock.move_to(TOMORROW_9)
    run()
    after = shown()
    seen = {url for url, r in after.items() if r.status_code == 200 and CANARY.encode() in r.content}
    assert {event.get_absolute_url(), reverse("feed"), f"{reverse('search')}?q=speech"} <= seen


def test_done_when_submit_schedule_publish_at_nine_and_an_edit_after_scheduling_cancels(
    client, clock, commits, author, reviewer, other_reviewer, users_by_role
):
    """Issue 17's "Done when", tried as a new user would, with the clock frozen."""
    with commits():
        event = add_event(type(client)(), author)
    assert sorted(m.to[0] for m in mail.outbox) == ["boris@example.org", "vera@example.org"]  # one each
    watcher = users_by_role["other_author"]
    watch(watcher, event)

    # A reviewer schedules it for tomorrow at 09:00; at 09:00 publish_scheduled publishes it.
    boris = logged_in(type(client)(), reviewer)
    schedule_from_the_form(boris, event, schedule_publish_at="2026-12-06T09:00")
    clock.move_to(TOMORROW_9)
    mail.outbox.clear()
    with commits():
        assert run() == "Published event “The secret speech”, as boris scheduled for 6 Dec 2026 09:00 UTC.\n"
    assert live_publication(event).published_by == reviewer
    assert sorted(m.to[0] for m in mail.outbox) == ["anna@example.org", "olga@example.org"]  # author and watcher

    # Changes submitted and scheduled again; an edit after scheduling cancels it, and the reviewer hears.
    anna = logged_in(type(client)(), author)
    anna.post(
        admin_url(Event, "change", event.pk),
        {**form_data(anna, event), "summary": "A correction.", "edit_summary": "Fix", "_transition": "submit"},
    )
    boris = logged_in(type(client)(), reviewer)  # a new day, a new session
    schedule_from_the_form(boris, event, schedule_publish_at="2026-12-07T09:00")
    mail.outbox.clear()
    with commits():
        response = anna.post(
            admin_url(Event, "change", event.pk),
            {**form_data(anna, event), "summary": "Another correction.", "edit_summary": "Fix again"},
        )
    assert "Your edit cancelled the schedule" in said(response)
    assert Schedule.objects.get(state=ScheduleState.CANCELLED).message == (
        "Edited by anna after it was approved: it needs review again."
    )
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["boris@example.org"], "[Thaw] anna's change cancelled your schedule of “The secret speech”")
    ]
    assert Notification.objects.filter(recipient=reviewer, kind="schedule_cancelled").count() == 1
    event.refresh_from_db()
    assert event.status == Status.IN_REVIEW
    clock.move_to(datetime.datetime(2026, 12, 7, 9, 0, tzinfo=UTC))
    assert run() == ""
    assert live_publication(event).data["summary"] != "Another correction."
