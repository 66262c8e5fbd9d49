"""In Chromium through the real admin: a reviewer works the queue (reads the changes, publishes in place), two
editors collide and lose nothing, and axe finds nothing serious on the admin pages the project adds or changes."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from events.models import Event, Topic
from people.models import Figure
from tests.browser.admin_session import save, signed_in
from tests.browser.axe import serious_violations
from tests.editing import edit
from thaw_site.publishing.items import Status
from thaw_site.publishing.publications import Publication
from thaw_site.publishing.scheduling import schedule
from thaw_site.publishing.services import submit_for_review

pytestmark = pytest.mark.browser


@pytest.fixture
def waiting(era_site, author):
    """secret-speech retitled by anna and submitted for review."""
    event = Event.objects.get(slug="secret-speech")
    edit(event, author, "Name the congress", title="The speech to the 20th Congress")
    submit_for_review(item=event, by=author, note="Ready")
    return event


def test_a_reviewer_reads_the_changes_and_publishes_from_the_queue(chromium, era_site, waiting, reviewer, screenshot):
    boris = signed_in(chromium, era_site, "boris")
    boris.get_by_role("link", name="Review queue").click()
    entry = boris.locator("article.thaw-queue-entry", has_text="The speech to the 20th Congress")
    expect(entry.get_by_role("heading", level=2)).to_have_text("The speech to the 20th Congress")
    expect(entry).to_contain_text("anna")
    expect(entry).to_contain_text("Name the congress")

    entry.get_by_text("Show changes here").click()
    expect(entry.locator(".thaw-diff ins")).to_have_text(["speech", "to the 20th Congress"])
    screenshot(boris, "review-queue")

    with boris.expect_navigation():
        entry.get_by_role("link", name="Show changes against the live version").click()
    expect(boris.locator(".thaw-diff")).to_contain_text("20th Congress")
    boris.go_back()

    entry = boris.locator("article.thaw-queue-entry", has_text="The speech to the 20th Congress")
    entry.get_by_label("Publishing note (optional)").fill("Approved")
    with boris.expect_navigation():
        entry.get_by_role("button", name="Publish").click()
    assert boris.url == f"{era_site}/admin/review/"
    expect(boris.locator("ul.messagelist")).to_contain_text("is now published")
    expect(boris.get_by_text("Nothing waits for review.")).to_be_visible()
    assert Publication.objects.live().get(item_uid=waiting.uid).title == "The speech to the 20th Congress"
    boris.context.close()


def test_two_editors_collide_and_lose_nothing(chromium, era_site, author, reviewer, screenshot):
    topic = Topic.objects.get(slug="space")
    change = f"{era_site}/admin/events/topic/{topic.pk}/change/"
    anna, boris = signed_in(chromium, era_site, "anna"), signed_in(chromium, era_site, "boris")
    anna.goto(change)
    boris.goto(change)
    long_text = topic.description + " The race began with Sputnik in October 1957."

    boris.fill("#id_description", long_text + " Boris adds the Moon.")
    save(boris, "Boris: the Moon")
    anna.fill("#id_description", long_text + " Anna adds Gagarin.")
    save(anna, "Anna: Gagarin")

    expect(anna.locator(".errornote + ul.errorlist")).to_contain_text("boris saved this item")
    conflict = anna.locator("section.thaw-conflict")
    row = conflict.locator("tr", has_text="Description").first
    expect(row.locator("td").nth(0)).to_contain_text("Boris adds the Moon.")  # theirs, in full
    expect(row.locator("td").nth(1)).to_contain_text("Anna adds Gagarin.")  # hers
    expect(conflict.locator("ins")).to_contain_text(["Gagarin."])
    expect(anna.locator("#id_description")).to_have_value(long_text + " Anna adds Gagarin.")
    expect(anna.locator("#id_edit_summary")).to_have_value("Anna: Gagarin")
    screenshot(anna, "edit-conflict")

    # She keeps Boris's sentence and her own, and saves on top of his revision.
    anna.fill("#id_description", long_text + " Boris adds the Moon. Anna adds Gagarin.")
    save(anna, "Anna: Gagarin, keeping the Moon")
    expect(anna.locator("ul.messagelist")).to_contain_text("was changed successfully")
    topic.refresh_from_db()
    assert topic.description.endswith("Boris adds the Moon. Anna adds Gagarin.")
    assert [row.history_change_reason for row in topic.history.all()[:2]] == [
        "Anna: Gagarin, keeping the Moon",
        "Boris: the Moon",
    ]
    anna.context.close()
    boris.context.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_axe_finds_nothing_serious_on_the_editors_admin_pages(chromium, era_site, waiting, reviewer, author, width):
    boris = signed_in(chromium, era_site, "boris", width)
    anna = signed_in(chromium, era_site, "anna", width)
    event, topic = waiting, Topic.objects.get(slug="space")
    first, latest = event.history.last(), event.history.first()
    pages = {
        "dashboard": "/admin/",
        "queue": "/admin/review/",
        "event form": f"/admin/events/event/{event.pk}/change/",
        "new event form": "/admin/events/event/add/",
        "figure form": f"/admin/people/figure/{Figure.objects.get(slug='nikita-khrushchev').pk}/change/",
        "history and compare": f"/admin/events/event/{event.pk}/history/?old={first.history_id}&new={latest.history_id}",
        "restore confirmation": f"/admin/events/event/{event.pk}/revisions/{first.history_id}/restore/",
    }
    found = {}
    for name, path in pages.items():
        boris.goto(era_site + path)
        if serious := serious_violations(boris):
            found[name] = serious

    # The same pages showing a schedule (thaw_site.publishing.scheduling).
    schedule(item=event, by=reviewer, publish_at=timezone.now() + datetime.timedelta(days=1), withdraw_at=None)
    for name in ("queue", "event form"):
        boris.goto(era_site + pages[name])
        expect(boris.locator(".thaw-schedule").first).to_be_visible()
        if serious := serious_violations(boris):
            found[f"{name}, scheduled"] = serious

    # The conflict page: anna's stale save after boris's.
    change = f"{era_site}/admin/events/topic/{topic.pk}/change/"
    anna.goto(change)
    boris.goto(change)
    boris.fill("#id_name", "Space race")
    save(boris, "Boris")
    anna.fill("#id_name", "The space race")
    save(anna, "Anna")
    expect(anna.locator("section.thaw-conflict")).to_be_visible()
    if serious := serious_violations(anna):
        found["conflict"] = serious
    topic.refresh_from_db()
    assert topic.status == Status.PUBLISHED and topic.name == "Space race"
    anna.context.close()
    boris.context.close()
    assert found == {}
