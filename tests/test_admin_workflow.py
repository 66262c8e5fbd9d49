"""The workflow over HTTP in the admin: edit summaries, no-op saves, buttons by role, conflicts, revisions."""

import pytest

from events.models import Event, Topic
from thaw_site.publishing.items import Status
from thaw_site.publishing.publications import Publication
from thaw_site.publishing.services import submit_for_review

from .admin_forms import admin_url, form_data, logged_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def topic(author):
    return Topic.objects.create(slug="maize", name="Maize", description="The maize campaign.")


def test_saving_needs_an_edit_summary(client, author, topic):
    client = logged_in(client, author)
    response = client.post(admin_url(Topic, "change", topic.pk), form_data(client, topic, name="Corn"))
    assert response.status_code == 200 and "This field is required" in response.content.decode()
    topic.refresh_from_db()
    assert topic.name == "Maize"


def test_a_save_writes_one_revision_with_the_summary_and_the_editor(client, author, era):
    client = logged_in(client, author)
    event = Event.objects.get(slug="secret-speech")
    rows = event.history.count()
    data = form_data(client, event, title="The Secret Speech", edit_summary="Capitalise")
    data["topics"] = [str(Topic.objects.get(slug="space").pk)]
    response = client.post(admin_url(Event, "change", event.pk), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert event.history.count() == rows + 1
    row = event.history.first()
    assert (row.history_change_reason, row.history_user) == ("Capitalise", author)
    assert [t.slug for t in Event.objects.get(pk=event.pk).topics.all()] == ["space"]


def test_saving_an_unchanged_form_writes_no_revision(client, author, era):
    client = logged_in(client, author)
    event = Event.objects.get(slug="secret-speech")
    rows = event.history.count()
    response = client.post(admin_url(Event, "change", event.pk), form_data(client, event, edit_summary="nothing"))
    assert response.status_code == 302
    assert event.history.count() == rows


def test_status_is_not_editable_in_the_form(client, author, topic):
    client = logged_in(client, author)
    data = form_data(client, topic, status="published", description="x", edit_summary="try")
    client.post(admin_url(Topic, "change", topic.pk), data)
    topic.refresh_from_db()
    assert topic.status == Status.DRAFT and topic.description == "x"


def test_a_stale_save_is_refused_showing_the_other_editors_change(client, author, reviewer, topic):
    client = logged_in(client, author)
    stale = form_data(client, topic, description="Anna's text", edit_summary="Anna")
    other = logged_in(type(client)(), reviewer)
    response = other.post(
        admin_url(Topic, "change", topic.pk), form_data(other, topic, name="Maize!", edit_summary="Boris")
    )
    assert response.status_code == 302
    response = client.post(admin_url(Topic, "change", topic.pk), stale)
    page = response.content.decode()
    assert response.status_code == 200 and "boris saved this item" in page
    assert '<th scope="row">Name</th><td>Maize!</td><td>Maize</td>' in page  # theirs beside Anna's
    topic.refresh_from_db()
    assert (topic.name, topic.description) == ("Maize!", "The maize campaign.")


def test_a_transition_by_someone_else_is_not_a_conflict(client, author, reviewer, topic):
    client = logged_in(client, author)
    data = form_data(client, topic, description="Anna's text", edit_summary="Anna")
    submit_for_review(item=topic, by=reviewer, note="")
    assert client.post(admin_url(Topic, "change", topic.pk), data).status_code == 302
    topic.refresh_from_db()
    assert topic.description == "Anna's text"


ROLES = ["anonymous", "author", "reviewer", "superuser"]
ALLOWED = {
    "submit": {"author", "reviewer", "superuser"},
    "send_back": {"reviewer", "superuser"},
    "publish": {"reviewer", "superuser"},
    "withdraw": {"reviewer", "superuser"},
}
START = {"submit": "draft", "send_back": "in_review", "publish": "in_review", "withdraw": "published"}
END = {"submit": "in_review", "send_back": "draft", "publish": "published", "withdraw": "withdrawn"}


@pytest.mark.parametrize("transition", list(ALLOWED))
@pytest.mark.parametrize("role", ROLES)
def test_transition_over_http_by_role(client, era, author, other_reviewer, superuser, role, transition):
    topic = Topic.objects.get(slug="space")
    if START[transition] != "published":
        Topic.objects.filter(pk=topic.pk).update(status=START[transition])
    if role != "anonymous":
        client.force_login({"author": author, "reviewer": other_reviewer, "superuser": superuser}[role])
    response = client.post(admin_url(Topic, "transition", topic.pk, transition), {"note": "because"})
    assert response.status_code == 302
    topic.refresh_from_db()
    expected = END[transition] if role in ALLOWED[transition] else START[transition]
    assert topic.status == expected


def test_transitions_refuse_get(client, reviewer, topic):
    client = logged_in(client, reviewer)
    assert client.get(admin_url(Topic, "transition", topic.pk, "submit")).status_code == 405


def test_buttons_shown_match_the_role_and_state(client, author, reviewer, topic):
    submit_for_review(item=topic, by=author, note="")
    page = logged_in(client, author).get(admin_url(Topic, "change", topic.pk)).content.decode()
    assert 'value="publish"' not in page and 'value="send_back"' not in page
    page = logged_in(client, reviewer).get(admin_url(Topic, "change", topic.pk)).content.decode()
    assert 'value="publish"' in page and 'value="send_back"' in page and 'value="submit"' not in page


def test_a_published_item_shows_its_unpublished_changes_in_list_and_form(client, author, era):
    client = logged_in(client, author)
    event = Event.objects.get(slug="secret-speech")
    client.post(admin_url(Event, "change", event.pk), form_data(client, event, place="Kremlin", edit_summary="Place"))
    page = client.get(admin_url(Event, "change", event.pk)).content.decode()
    assert "Unpublished changes" in page and "<ins>Kremlin</ins>" in page
    changelist = client.get(admin_url(Event, "changelist")).content.decode()
    row = changelist.split(f"/admin/events/event/{event.pk}/change/")[1].split("</tr>")[0]
    assert 'field-has_unpublished_changes"><img src="/static/admin/img/icon-yes.svg"' in row
    assert Publication.objects.live().get(item_uid=event.uid).data["place"] != "Kremlin"


def test_revisions_page_compares_any_two_and_restores(client, author, era):
    client = logged_in(client, author)
    event = Event.objects.get(slug="secret-speech")
    first = event.history.first()
    client.post(admin_url(Event, "change", event.pk), form_data(client, event, place="Kremlin", edit_summary="Place"))
    latest = event.history.first()
    url = admin_url(Event, "revisions", event.pk)
    page = client.get(url, {"old": first.history_id, "new": latest.history_id}).content.decode()
    assert "<ins>Kremlin</ins>" in page and "Place" in page
    response = client.post(
        admin_url(Event, "restore", event.pk, first.history_id), {"base_revision": latest.history_id}
    )
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.place == first.place and event.status == Status.DRAFT
    assert event.history.first().history_change_reason.startswith(f"Restored revision {first.history_id}")
