"""The review queue to work from: readable entries with kind, submitter, age and edit summaries, links to the
changes, and Publish / Send back in place through the same services (four eyes, citation policy)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events.models import Event, Topic
from thaw_site.publishing.items import Status
from thaw_site.publishing.publications import Publication
from thaw_site.publishing.services import submit_for_review

from .admin_forms import admin_url, logged_in
from .editing import edit

pytestmark = pytest.mark.django_db

QUEUE = "/admin/review/"


@pytest.fixture
def waiting(era, author):
    """secret-speech, retitled by anna in two edits and submitted."""
    event = Event.objects.get(slug="secret-speech")
    edit(event, author, "Name the congress", title="Khrushchev's speech to the 20th Congress")
    edit(event, author, "Add the hall", place="Great Kremlin Palace")
    submit_for_review(item=event, by=author, note="Ready")
    return event


def entry_of(page, title):
    return page.split(title.replace("'", "&#x27;"), 1)[1].split("</article>")[0]


def test_each_entry_reads_its_title_kind_submitter_age_and_edit_summaries(client, reviewer, waiting):
    page = logged_in(client, reviewer).get(QUEUE).content.decode()
    assert f'<h2 id="entry-1"><a href="{admin_url(Event, "change", waiting.pk)}">' in page
    assert 'class="module thaw-queue-entry"' not in page  # no link on the module headings' blue
    entry = entry_of(page, "Khrushchev's speech to the 20th Congress")
    assert "<dt>Kind</dt><dd>Event</dd>" in entry and "<dt>Submitted by</dt><dd>anna</dd>" in entry
    assert "<dt>Waiting</dt><dd><time datetime=" in entry and "minute" in entry
    assert "“Submitted for review: Ready”" in entry
    assert "<li>Name the congress</li><li>Add the hall</li>" in entry


def test_each_entry_links_to_its_preview(client, reviewer, waiting):
    client = logged_in(client, reviewer)
    entry = entry_of(client.get(QUEUE).content.decode(), "20th Congress")
    preview = reverse("editorial:preview", args=["event", waiting.pk])
    assert f'<a href="{preview}">Preview as the public would see it</a>' in entry
    page = client.get(preview).content.decode()
    assert "Preview — not published" in page and "20th Congress" in page


def test_show_changes_compares_the_live_revision_with_the_latest(client, reviewer, waiting):
    live = Publication.objects.live().get(item_uid=waiting.uid)
    latest = waiting.history.first()
    entry = entry_of(logged_in(client, reviewer).get(QUEUE).content.decode(), "20th Congress")
    compare = f"{admin_url(Event, 'revisions', waiting.pk)}?old={live.revision_id}&amp;new={latest.history_id}"
    assert f'href="{compare}"' in entry
    assert "<summary>Show changes here</summary>" in entry and "<ins>Great Kremlin Palace</ins>" in entry


def test_a_new_item_says_it_is_new(client, reviewer, author):
    topic = Topic.objects.create(slug="maize", name="Maize")
    submit_for_review(item=topic, by=author, note="")
    page = logged_in(client, reviewer).get(QUEUE).content.decode()
    assert "Not yet on the public site: the whole item is new." in entry_of(page, "Maize")


def test_a_reviewer_publishes_in_place_and_returns_to_the_queue(client, other_reviewer, waiting):
    client = logged_in(client, other_reviewer)
    response = client.post(admin_url(Event, "transition", waiting.pk, "publish"), {"note": "Fine", "next": QUEUE})
    assert response.status_code == 302 and response["Location"] == QUEUE
    waiting.refresh_from_db()
    assert waiting.status == Status.PUBLISHED
    assert Publication.objects.live().get(item_uid=waiting.uid).title == "Khrushchev's speech to the 20th Congress"
    page = client.get(QUEUE).content.decode()
    assert "is now published" in page and "Nothing waits for review." in page


@pytest.mark.parametrize(
    ("edit_by", "changes", "refusal"),
    [
        ("boris", {"place": "Kremlin"}, "another reviewer must publish it"),  # four eyes
        ("anna", {"body": "Cites a ghost. [@no-such-source]"}, "no-such-source"),  # the citation policy
    ],
)
def test_publishing_in_place_keeps_the_services_rules(client, author, reviewer, waiting, edit_by, changes, refusal):
    edit(waiting, {"anna": author, "boris": reviewer}[edit_by], "Edit", **changes)
    client = logged_in(client, reviewer)
    response = client.post(admin_url(Event, "transition", waiting.pk, "publish"), {"next": QUEUE}, follow=True)
    assert refusal in response.content.decode()
    waiting.refresh_from_db()
    assert waiting.status == Status.IN_REVIEW


def test_sending_back_in_place_needs_a_comment_and_records_it(client, other_reviewer, waiting):
    client = logged_in(client, other_reviewer)
    url = admin_url(Event, "transition", waiting.pk, "send_back")
    response = client.post(url, {"note": " ", "next": QUEUE}, follow=True)
    assert "Write a comment saying what needs to change." in response.content.decode()
    waiting.refresh_from_db()
    assert waiting.status == Status.IN_REVIEW
    client.post(url, {"note": "Cite the hall.", "next": QUEUE})
    waiting.refresh_from_db()
    assert waiting.status == Status.DRAFT
    assert waiting.history.first().history_change_reason == "Sent back: Cite the hall."


def test_an_author_sees_the_queue_without_the_reviewers_buttons_and_cannot_use_them(client, author, waiting):
    client = logged_in(client, author)
    page = client.get(QUEUE).content.decode()
    assert "20th Congress" in page and "/workflow/publish/" not in page and "/workflow/send_back/" not in page
    client.post(admin_url(Event, "transition", waiting.pk, "publish"), {"next": QUEUE})
    waiting.refresh_from_db()
    assert waiting.status == Status.IN_REVIEW


def test_a_reviewer_sees_both_buttons(client, reviewer, waiting):
    page = logged_in(client, reviewer).get(QUEUE).content.decode()
    entry = entry_of(page, "20th Congress")
    assert f'action="{admin_url(Event, "transition", waiting.pk, "publish")}"' in entry
    assert f'action="{admin_url(Event, "transition", waiting.pk, "send_back")}"' in entry
    assert '<textarea id="send-back-comment-1" name="note" rows="2" required>' in entry


@pytest.mark.parametrize("target", ["https://elsewhere.example/", "//elsewhere.example/admin/"])
def test_a_next_address_on_another_host_is_ignored(client, other_reviewer, waiting, target):
    client = logged_in(client, other_reviewer)
    response = client.post(admin_url(Event, "transition", waiting.pk, "send_back"), {"note": "x", "next": target})
    assert response["Location"] == admin_url(Event, "change", waiting.pk)


def test_the_queue_reads_a_fixed_number_of_queries_per_entry(client, reviewer, author, era):
    client = logged_in(client, reviewer)
    topics = list(Topic.objects.order_by("pk")[:3])

    def queries_with(count):
        for topic in topics[:count]:
            if topic.status != Status.IN_REVIEW:
                edit(topic, author, "Edit", description=topic.description + " More.")
                submit_for_review(item=topic, by=author, note="")
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("review-queue")).status_code == 200
        return len(queries)

    one, two, three = queries_with(1), queries_with(2), queries_with(3)
    assert two - one == three - two <= 8, (one, two, three)
