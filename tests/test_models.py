import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from events.models import Citation, CitationNeeded, Event, Period, Source
from people.models import Figure, Office
from thaw_site.publishing.items import Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def wp(db):
    return Source.objects.create(key="wp", kind="webpage", title="History of the Soviet Union (1953–1964)")


def test_saving_an_item_derives_its_html_and_citation_index(wp):
    event = Event.objects.create(
        slug="e",
        title="E",
        date="1956-02-25",
        date_citation="[@wp, sec. Intro]",
        body="A claim. [@wp, p. 4] An unsourced one. [citation needed: 2007-02]",
    )
    assert '<sup class="reference"' in event.rendered["body"]
    assert "[1]" in event.rendered["date_citation"]
    assert list(Citation.objects.of_item(event).values_list("field", "locator", "number")) == [
        ("date_citation", "sec. Intro", 1),
        ("body", "p. 4", 1),
    ]
    flag = CitationNeeded.objects.get(event=event)
    assert (flag.flagged, str(flag.flagged_on), flag.sentence) == ("2007-02", "2007-02-01", "An unsourced one.")


def test_editing_the_text_replaces_the_index_rows(wp):
    event = Event.objects.create(slug="e", title="E", date="1956", body="A. [@wp] B. [@wp]")
    event.body = "Only one now. [@wp]"
    event.save()
    assert Citation.objects.of_item(event).count() == 1


def test_dates_keep_a_sortable_range(db):
    event = Event.objects.create(slug="e", title="E", date="1956-02", end="1956-11~")
    assert (str(event.date_earliest), str(event.date_latest)) == ("1956-02-01", "1956-11-30")
    assert event.when == "February 1956 – c. November 1956"


def test_the_database_refuses_an_end_before_the_start(db):
    event = Event.objects.create(slug="e", title="E", date="1956")
    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.filter(pk=event.pk).update(date_latest="1950-01-01")


def test_an_end_before_the_start_is_refused_however_it_arrives(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.create(slug="e", title="E", date="1957", end="1956")


@pytest.mark.parametrize(
    ("given", "stored", "shown"),
    [
        ("0-394-70745-1", "0394707451", "0-394-70745-1"),
        ("978-0-13-823592-5", "9780138235925", "978-0-13-823592-5"),
    ],
)
def test_isbns_are_checked_and_stored_normalised(given, stored, shown):
    source = Source(key="s", kind="book", title="T", isbn=given)
    source.full_clean()
    source.save()
    assert source.isbn == stored and source.isbn_hyphenated == shown


@pytest.mark.parametrize("isbn", ["0-394-70745-2", "12345", "978-0-13-823592-1"])
def test_an_isbn_with_a_wrong_check_digit_is_refused(isbn):
    with pytest.raises(ValidationError) as error:
        Source(key="s", kind="book", title="T", isbn=isbn).full_clean()
    assert "isbn" in error.value.message_dict


def test_clean_names_unknown_keys_and_malformed_markup_by_field(wp):
    event = Event(slug="e", title="E", date="1956", date_citation="[@nope]", body="A. [@wp] B. [@ghost] C. [@ bad]")
    with pytest.raises(ValidationError) as error:
        event.full_clean()
    messages = error.value.message_dict
    assert any("'nope'" in m for m in messages["date_citation"])
    assert any("'ghost'" in m for m in messages["body"])
    assert any("[@ bad]" in m for m in messages["body"])


def test_every_save_writes_history_with_user_and_reason(wp):
    editor = get_user_model().objects.create_user("editor")
    figure = Figure(slug="f", name="F")
    figure._history_user = editor
    figure._change_reason = "First draft"
    figure.save()
    record = figure.history.get()
    assert (record.history_type, record.history_user, record.history_change_reason) == ("+", editor, "First draft")


def test_offices_and_event_relations_are_tracked(wp):
    figure = Figure.objects.create(slug="f", name="F")
    Office.objects.create(figure=figure, title="Premier", start="1958-03-27", end="1964-10")
    assert Office.history.count() == 1
    event = Event.objects.create(slug="e", title="E", date="1956")
    event.participants.add(figure, through_defaults={"role": "speaker"})
    latest = event.history.first()
    assert [(p.figure_id, p.role) for p in latest.participants.all()] == [(figure.pk, "speaker")]


def test_natural_keys_identify_items_by_slug_or_key(wp):
    period = Period.objects.create(slug="p", name="P", start="1953")
    assert Period.objects.get_by_natural_key("p") == period
    assert Source.objects.get_by_natural_key("wp") == wp
    assert wp.natural_key() == ("wp",)


def test_published_queryset_holds_only_published_items(db):
    for status in Status.values:
        Event.objects.create(slug=status.replace("_", "-"), title=status, date="1956", status=status)
    assert list(Event.objects.published().values_list("status", flat=True)) == ["published"]


def test_publication_time_is_stamped_once(db):
    event = Event.objects.create(slug="e", title="E", date="1956", status=Status.PUBLISHED)
    first = event.published_at
    assert first is not None
    event.save()
    assert event.published_at == first
