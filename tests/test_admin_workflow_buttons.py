"""The workflow's buttons in the change form never lose work: with unsaved changes, Submit for review saves them
first (with the edit summary) and the others refuse, keeping everything typed. Restoring asks first."""

import pytest
from django.contrib.auth.models import Permission

from events.models import Event, Topic
from people.models import Figure
from thaw_site.publishing.items import Status
from thaw_site.publishing.services import submit_for_review

from .admin_forms import admin_url, form_data, logged_in
from .factories import StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def topic(author):
    return Topic.objects.create(slug="maize", name="Maize", description="The maize campaign.")


@pytest.fixture
def in_review(topic, author):
    submit_for_review(item=topic, by=author, note="")
    return topic


def press(client, item, transition, **changes):
    """Post the item's change form, with some fields changed, through one of its workflow buttons."""
    data = form_data(client, item, **changes)
    return client.post(admin_url(type(item), "change", item.pk), {**data, "_transition": transition})


def messages_of(response):
    return [str(message) for message in response.context["messages"]] if response.context else []


def test_submit_with_unsaved_changes_saves_them_with_the_summary_then_submits(client, author, topic):
    rows = topic.history.count()
    response = press(logged_in(client, author), topic, "submit", description="Corn", edit_summary="Say corn")
    assert response.status_code == 302 and response["Location"] == admin_url(Topic, "change", topic.pk)
    topic.refresh_from_db()
    assert (topic.status, topic.description) == (Status.IN_REVIEW, "Corn")
    saved, submitted = topic.history.all()[1], topic.history.first()
    assert topic.history.count() == rows + 2
    assert (saved.history_change_reason, saved.description, saved.status) == ("Say corn", "Corn", Status.DRAFT)
    assert submitted.history_change_reason == "Submitted for review: Say corn"


def test_submit_with_unsaved_changes_but_no_summary_saves_nothing_and_keeps_the_typing(client, author, topic):
    rows = topic.history.count()
    response = press(logged_in(client, author), topic, "submit", description="Corn, typed", edit_summary="")
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form["description"].value() == "Corn, typed" and "edit_summary" in form.errors
    topic.refresh_from_db()
    assert (topic.status, topic.description, topic.history.count()) == (Status.DRAFT, "The maize campaign.", rows)


@pytest.mark.parametrize("transition", ["publish", "send_back"])
def test_a_reviewers_button_with_unsaved_changes_refuses_and_keeps_the_typing(client, reviewer, in_review, transition):
    rows = in_review.history.count()
    client = logged_in(client, reviewer)
    response = press(client, in_review, transition, description="Boris's unsaved text", edit_summary="Looks good")
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form["description"].value() == "Boris's unsaved text" and form["edit_summary"].value() == "Looks good"
    assert "You have unsaved changes, so nothing was done" in response.content.decode()
    in_review.refresh_from_db()
    assert (in_review.status, in_review.description) == (Status.IN_REVIEW, "The maize campaign.")
    assert in_review.history.count() == rows


def test_withdraw_with_unsaved_changes_refuses_and_keeps_the_typing(client, reviewer, era):
    topic = Topic.objects.get(slug="space")
    response = press(logged_in(client, reviewer), topic, "withdraw", name="Cosmos", edit_summary="Outdated")
    assert response.status_code == 200 and response.context["adminform"].form["name"].value() == "Cosmos"
    topic.refresh_from_db()
    assert (topic.status, topic.name) == (Status.PUBLISHED, "Space")


def test_an_unsaved_change_to_an_inline_row_counts_as_unsaved(client, reviewer, era):
    figure = Figure.objects.get(slug="joseph-stalin")
    office = figure.offices.order_by("pk").first()
    client = logged_in(client, reviewer)
    data = form_data(client, figure, edit_summary="Publish")
    data[next(name for name, value in data.items() if value == office.title)] = "General Secretary"
    response = client.post(admin_url(Figure, "change", figure.pk), {**data, "_transition": "withdraw"})
    assert response.status_code == 200 and "You have unsaved changes" in response.content.decode()
    office.refresh_from_db()
    figure.refresh_from_db()
    assert office.title != "General Secretary" and figure.status == Status.PUBLISHED


def test_a_button_on_an_unchanged_form_acts_with_the_summary_as_its_note(client, reviewer, in_review):
    response = press(logged_in(client, reviewer), in_review, "send_back", edit_summary="Cite the 1954 plenum.")
    assert response.status_code == 302
    in_review.refresh_from_db()
    assert in_review.status == Status.DRAFT
    assert in_review.history.first().history_change_reason == "Sent back: Cite the 1954 plenum."


def test_send_back_from_the_form_without_a_comment_is_refused_plainly(client, reviewer, in_review):
    response = press(logged_in(client, reviewer), in_review, "send_back", edit_summary="")
    assert response.status_code == 302
    assert "Write a comment saying what needs to change." in messages_of(
        logged_in(client, reviewer).get(response["Location"])
    )
    in_review.refresh_from_db()
    assert in_review.status == Status.IN_REVIEW


def test_publish_from_the_form_keeps_the_four_eyes_rule(client, reviewer, in_review):
    """boris edits the item in review, then presses Publish on the saved version: not his own change."""
    client = logged_in(client, reviewer)
    assert (
        client.post(
            admin_url(Topic, "change", in_review.pk), form_data(client, in_review, name="Maize!", edit_summary="Boris")
        ).status_code
        == 302
    )
    response = press(client, in_review, "publish", edit_summary="")
    assert "another reviewer must publish it" in " ".join(messages_of(client.get(response["Location"])))
    in_review.refresh_from_db()
    assert in_review.status == Status.IN_REVIEW


def test_an_author_cannot_publish_from_the_form(client, author, in_review):
    response = press(logged_in(client, author), in_review, "publish", edit_summary="Mine now")
    assert response.status_code == 302
    in_review.refresh_from_db()
    assert in_review.status == Status.IN_REVIEW


def test_a_staff_member_who_may_not_see_the_item_cannot_press_its_buttons(client, in_review):
    response = logged_in(client, StaffFactory()).post(
        admin_url(Topic, "change", in_review.pk), {"_transition": "send_back", "edit_summary": "x"}
    )
    assert response.status_code == 403
    in_review.refresh_from_db()
    assert in_review.status == Status.IN_REVIEW


def test_an_unknown_button_is_not_found(client, reviewer, in_review):
    assert press(logged_in(client, reviewer), in_review, "delete_everything", edit_summary="x").status_code == 404


def test_the_buttons_are_the_states_actions_beside_the_edit_summary(client, author, reviewer, in_review):
    page = logged_in(client, reviewer).get(admin_url(Topic, "change", in_review.pk)).content.decode()
    bar = page.split('class="thaw-action-bar"')[1].split("</form>")[0]
    assert bar.index('name="edit_summary"') < bar.index('name="_save"') < bar.index('value="publish"')
    assert 'value="send_back"' in bar and 'value="submit"' not in bar and 'value="withdraw"' not in bar
    assert 'aria-describedby="id_edit_summary_helptext"' in bar and 'id="id_edit_summary_helptext"' in bar
    assert page.count('name="edit_summary"') == 1 and page.count('name="_save"') == 1  # one bar, not two
    page = logged_in(client, author).get(admin_url(Topic, "change", in_review.pk)).content.decode()
    assert 'name="_transition"' not in page  # nothing an author may do to an item in review


def test_save_and_submit_a_new_item_from_the_add_form(client, author):
    client = logged_in(client, author)
    assert 'value="submit"' in client.get(admin_url(Topic, "add")).content.decode()
    data = {"slug": "virgin-lands", "name": "Virgin Lands", "description": "", "edit_summary": "New topic"}
    response = client.post(admin_url(Topic, "add"), {**data, "_transition": "submit"})
    topic = Topic.objects.get(slug="virgin-lands")
    assert response.status_code == 302 and response["Location"] == admin_url(Topic, "change", topic.pk)
    assert topic.status == Status.IN_REVIEW
    assert [row.history_change_reason for row in topic.history.all()] == [
        "Submitted for review: New topic",
        "New topic",
    ]


def test_restore_asks_for_confirmation_showing_what_will_change(client, author, era):
    event = Event.objects.get(slug="secret-speech")
    first = event.history.first()
    client = logged_in(client, author)
    client.post(admin_url(Event, "change", event.pk), form_data(client, event, place="Kremlin", edit_summary="Place"))
    rows = event.history.count()
    revisions = client.get(admin_url(Event, "revisions", event.pk)).content.decode()
    confirm_url = admin_url(Event, "restore", event.pk, first.history_id)
    assert f'href="{confirm_url}"' in revisions and 'method="post"' not in revisions.split('id="revisions"')[1]
    page = client.get(confirm_url).content.decode()
    assert f"Yes, restore revision {first.history_id}" in page and "<del>Kremlin</del>" in page
    assert event.history.count() == rows
    event.refresh_from_db()
    assert event.place == "Kremlin"


def test_the_restore_confirmation_needs_the_change_permission(client, era):
    event = Event.objects.get(slug="secret-speech")
    viewer = StaffFactory()
    viewer.user_permissions.add(Permission.objects.get(codename="view_event"))
    client = logged_in(client, viewer)
    assert client.get(admin_url(Event, "revisions", event.pk)).status_code == 200
    assert client.get(admin_url(Event, "restore", event.pk, event.history.first().history_id)).status_code == 403


def test_history_is_one_page_listing_comparing_reading_and_restoring(client, author, era):
    event = Event.objects.get(slug="secret-speech")
    imported = event.history.first()
    client = logged_in(client, author)
    client.post(admin_url(Event, "change", event.pk), form_data(client, event, place="Kremlin", edit_summary="Place"))
    change_page = client.get(admin_url(Event, "change", event.pk)).content.decode()
    assert f'href="{admin_url(Event, "history", event.pk)}"' in change_page
    assert "Revisions and compare" not in change_page  # no second way in
    page = client.get(admin_url(Event, "history", event.pk)).content.decode()
    assert 'name="old"' in page and "Restore…" in page and "Place" in page
    assert f'href="{admin_url(Event, "simple_history", event.pk, imported.history_id)}"' in page


def test_confirming_restores_the_revision_as_a_draft(client, reviewer, era):
    event = Event.objects.get(slug="secret-speech")
    first = event.history.first()
    client = logged_in(client, reviewer)
    client.post(admin_url(Event, "change", event.pk), form_data(client, event, place="Kremlin", edit_summary="Place"))
    confirm = client.get(admin_url(Event, "restore", event.pk, first.history_id))
    base = confirm.context["latest"].history_id
    response = client.post(
        admin_url(Event, "restore", event.pk, first.history_id), {"base_revision": base, "note": "Undo"}
    )
    assert response.status_code == 302
    event.refresh_from_db()
    assert (event.place, event.status) == (first.place, Status.DRAFT)
