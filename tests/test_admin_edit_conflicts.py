"""A refused stale save helps: the other editor's full values beside the editor's own, field by field (a word diff
for long text, offices and participants included), everything typed kept, and a second save on top of theirs."""

import pytest

from events.models import Event, Topic
from people.models import Figure
from tests.validators import nu_html_errors

from .admin_forms import admin_url, form_data, logged_in

pytestmark = pytest.mark.django_db

LONG = "The maize campaign began in 1954 and spread maize across the Union, far north of where it could grow"


@pytest.fixture
def topic(author):
    return Topic.objects.create(slug="maize", name="Maize", description=LONG + ".")


@pytest.fixture
def anna(client, author):
    return logged_in(client, author)


@pytest.fixture
def boris(client, reviewer):
    return logged_in(type(client)(), reviewer)


def conflict_of(response):
    assert response.status_code == 200, response.status_code
    return response.content.decode().split('id="conflict-heading"')[1].split("</section>")[0]


def collide(anna, boris, item, mine, theirs):
    """Anna opens the item; Boris saves `theirs`; Anna then posts `mine` from her stale form."""
    stale = form_data(anna, item, **mine)
    assert boris.post(admin_url(type(item), "change", item.pk), form_data(boris, item, **theirs)).status_code == 302
    return anna.post(admin_url(type(item), "change", item.pk), stale)


def test_a_change_at_the_end_of_a_long_text_shows_in_full_with_a_word_diff(anna, boris, topic):
    response = collide(
        anna,
        boris,
        topic,
        {"description": LONG + ", says Anna.", "edit_summary": "Anna"},
        {"description": LONG + " at all.", "edit_summary": "Boris"},
    )
    conflict = conflict_of(response)
    assert f"<td>{LONG} at all.</td><td>{LONG}, says Anna.</td>" in conflict  # nothing cut at 80 characters
    assert "<del>at</del><ins>says</ins> <del>all.</del><ins>Anna.</ins>" in conflict
    assert "boris saved this item" in response.content.decode()


def test_the_conflict_page_keeps_everything_typed(anna, boris, topic):
    response = collide(
        anna,
        boris,
        topic,
        {"name": "Corn", "description": "Anna's long text", "edit_summary": "Anna's summary"},
        {"name": "Maize!", "edit_summary": "Boris"},
    )
    form = response.context["adminform"].form
    assert (form["name"].value(), form["description"].value()) == ("Corn", "Anna's long text")
    assert form["edit_summary"].value() == "Anna's summary"
    topic.refresh_from_db()
    assert (topic.name, topic.description) == ("Maize!", LONG + ".")


def test_saving_again_after_the_conflict_replaces_their_revision(anna, boris, topic):
    response = collide(
        anna, boris, topic, {"name": "Corn", "edit_summary": "Anna"}, {"name": "Maize!", "edit_summary": "Boris"}
    )
    theirs = topic.history.first()
    assert f'name="base_revision" value="{theirs.history_id}"' in response.content.decode()
    again = {**form_data(anna, topic), **response.context["adminform"].form.data.dict()}
    assert again["name"] == "Corn"
    assert anna.post(admin_url(Topic, "change", topic.pk), again).status_code == 302
    topic.refresh_from_db()
    assert topic.name == "Corn" and topic.history.first().history_change_reason == "Anna"


def test_a_third_editor_saving_in_between_is_a_conflict_again(anna, boris, topic, other_reviewer):
    response = collide(
        anna, boris, topic, {"name": "Corn", "edit_summary": "Anna"}, {"name": "Maize!", "edit_summary": "Boris"}
    )
    again = response.context["adminform"].form.data.dict()
    vera = logged_in(type(anna)(), other_reviewer)
    vera.post(admin_url(Topic, "change", topic.pk), form_data(vera, topic, name="Kukuruza", edit_summary="Vera"))
    response = anna.post(admin_url(Topic, "change", topic.pk), {**form_data(anna, topic), **again})
    assert "vera saved this item" in response.content.decode() and "<td>Kukuruza</td><td>Corn</td>" in conflict_of(
        response
    )
    topic.refresh_from_db()
    assert topic.name == "Kukuruza"


def test_a_form_that_named_no_revision_is_not_offered_a_save_on_top(anna, topic):
    data = form_data(anna, topic, name="Corn", edit_summary="Anna")
    del data["base_revision"]
    response = anna.post(admin_url(Topic, "change", topic.pk), data)
    page = response.content.decode()
    assert "did not say which revision you started from" in page and 'name="base_revision" value=""' not in page
    assert response.context["adminform"].form["base_revision"].value() in (None, "")


def test_a_conflict_over_items_chosen_names_them_and_the_participants(anna, boris, era):
    event = Event.objects.get(slug="secret-speech")
    anna_data = form_data(anna, event, place="Anna's place", edit_summary="Anna")
    boris_data = form_data(boris, event, edit_summary="Boris")
    boris_data["topics"] = [str(Topic.objects.get(slug="space").pk)]
    role_field = next(name for name in boris_data if name.startswith("participations-0-role"))
    boris_data[role_field] = "Boris's role"
    assert boris.post(admin_url(Event, "change", event.pk), boris_data).status_code == 302
    conflict = conflict_of(anna.post(admin_url(Event, "change", event.pk), anna_data))
    assert '<th scope="row">Topics</th><td>Space</td>' in conflict
    assert '<th scope="row">Participations</th>' in conflict and "Boris&#x27;s role" in conflict
    assert "Anna's place" not in conflict  # only what they changed is compared


def test_office_rows_are_shown_as_each_editor_has_them(anna, boris, era):
    figure = Figure.objects.get(slug="nikita-khrushchev")
    offices = list(figure.offices.order_by("start_earliest", "pk"))
    stale = form_data(anna, figure, edit_summary="Anna")
    stale[next(name for name, value in stale.items() if value == offices[0].title)] = "Anna's office"
    theirs = form_data(boris, figure, edit_summary="Boris")
    theirs[next(name for name, value in theirs.items() if value == offices[-1].title)] = "Boris's office"
    assert boris.post(admin_url(Figure, "change", figure.pk), theirs).status_code == 302
    conflict = conflict_of(anna.post(admin_url(Figure, "change", figure.pk), stale))
    theirs_cell, yours_cell = conflict.split('<th scope="row">Offices</th>')[1].split("</tr>")[0].split("</td>")[:2]
    assert "Boris&#x27;s office" in theirs_cell and "Anna&#x27;s office" not in theirs_cell
    assert "Anna&#x27;s office" in yours_cell and "Boris&#x27;s office" not in yours_cell


def test_their_values_are_escaped(anna, boris, topic):
    response = collide(
        anna,
        boris,
        topic,
        {"name": "Corn", "edit_summary": "Anna"},
        {"name": "<script>alert(1)</script>", "edit_summary": "<b>Boris</b>"},
    )
    page = response.content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in conflict_of(response)
    assert "<b>Boris</b>" not in page


def test_the_conflict_page_is_valid_html(anna, boris, era, tmp_path):
    figure = Figure.objects.get(slug="nikita-khrushchev")
    office = figure.offices.order_by("pk").first()
    stale = form_data(anna, figure, summary="Anna's summary", edit_summary="Anna")
    theirs = form_data(boris, figure, summary="Boris's summary", edit_summary="Boris")
    theirs[next(name for name, value in theirs.items() if value == office.title)] = "Boris's office"
    assert boris.post(admin_url(Figure, "change", figure.pk), theirs).status_code == 302
    response = anna.post(admin_url(Figure, "change", figure.pk), stale)
    assert "Offices" in conflict_of(response)
    assert nu_html_errors({"/conflict/": response.content}, tmp_path / "pages") == []
