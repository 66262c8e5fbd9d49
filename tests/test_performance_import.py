"""Importing at scale: new items are written in bulk, with the same history a one-by-one import writes."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext

from events.generator import generate_era
from events.interchange import import_document, validate_document
from events.models import Citation, Event, Period, Source, Topic
from people.models import Figure, Office
from tests.shared_data import shared_dataset
from thaw_site.publishing.publications import Publication
from thaw_site.publishing.services import make_live
from thaw_site.text.markup import CitedDocument

pytestmark = pytest.mark.django_db


def era(events):
    return generate_era(events=events, figures=30, sources=20, seed=5)


@shared_dataset
def generated_era():
    """A generated era of 30 events imported: written once for the tests that read it; returns the document."""
    document = era(30)
    import_document(document, source_name="generated.json")
    return document


def import_queries(document):
    with CaptureQueriesContext(connection) as queries:
        import_document(document, source_name="generated.json")
    return len(queries)


def test_import_queries_do_not_grow_with_each_new_event():
    """New items are inserted in bulk, not saved one by one. SQLite's limit of 999 parameters per
    statement splits a bulk insert of 200 events into a few dozen statements; PostgreSQL needs one."""
    first = import_queries(era(20))  # 20 events and every figure, source, topic and period
    more = import_queries(era(220))  # the same, unchanged, and 200 more events
    assert more - first <= 50, (first, more)


def test_bulk_imported_items_each_have_one_history_row_with_reason_and_user():
    editor = get_user_model().objects.create_user("importer")
    document = era(40)
    import_document(document, source_name="generated.json", user=editor)
    for model, count in ((Event, 40), (Figure, 30), (Office, sum(len(f["offices"]) for f in document["figures"]))):
        rows = list(model.history.values_list("history_type", "history_change_reason", "history_user"))
        assert rows == [("+", "Imported from generated.json", editor.pk)] * count, model


@pytest.mark.parametrize("model", [Period, Topic, Source, Figure, Office, Event])
def test_bulk_imported_items_hold_exactly_what_save_would_derive(generated_era, model):
    """Rendered text, sortable dates, compact ISBNs, publication times: saving again changes none of them."""
    names = [field.attname for field in model._meta.concrete_fields if field.name != "updated_at"]
    imported = list(model.objects.order_by("pk").values_list(*names))
    assert imported
    for instance in model.objects.all():
        instance.save()
    assert list(model.objects.order_by("pk").values_list(*names)) == imported


def test_bulk_imported_publications_equal_what_publishing_the_saved_item_freezes(generated_era):
    """Title, summary and search text (the search vector is built from them), page data and links."""
    frozen = ["title", "summary", "search_text", "data", "sort_start", "sort_end", "revision_id"]
    for event in Event.objects.published()[:10]:
        imported = Publication.objects.live().get(item_uid=event.uid)
        event.save()
        again = make_live(event)
        assert [getattr(again, name) for name in frozen] == [getattr(imported, name) for name in frozen]
        assert list(again.links.values_list("relation", "target_slug", "detail", "position")) == list(
            imported.links.values_list("relation", "target_slug", "detail", "position")
        )


def test_bulk_history_rows_snapshot_each_events_relations(generated_era):
    for item in generated_era["events"]:
        revision = Event.history.get(slug=item["slug"])
        assert sorted(revision.topics.values_list("topic__slug", flat=True)) == item["topics"]
        assert sorted(revision.participants.values_list("figure__slug", flat=True)) == sorted(
            p["figure"] for p in item["participants"]
        )
        assert sorted(revision.related.values_list("to_event__slug", flat=True)) == item["related"]


def test_bulk_import_indexes_citations_and_publishes_only_published_items(generated_era):
    published = {e["slug"] for e in generated_era["events"] if e["status"] == "published"}
    live = set(Publication.objects.live().of_kind("event").values_list("slug", flat=True))
    assert live == published
    for event in Event.objects.all():
        assert Citation.objects.filter(event=event).count() == len(event.cite()[0].citations)
    publication = Publication.objects.live().get(slug=next(iter(published)))
    assert publication.revision_id == Event.history.get(slug=publication.slug).history_id
    assert publication.note == "Added to the archive."  # the history row names the file


def test_reimporting_the_same_generated_era_changes_nothing(generated_era):
    history = Event.history.count()
    report = import_document(era(30), source_name="again.json")
    assert report.counts()["created"] == report.counts()["updated"] == 0
    assert Event.history.count() == history


def test_writing_an_import_renders_no_text_that_validating_it_rendered(monkeypatch):
    """Validation renders every item's Markdown to check its citations; the items written take that rendering."""
    document = era(25)
    calls = []
    original = CitedDocument.render_body
    monkeypatch.setattr(CitedDocument, "render_body", lambda self, *a, **k: calls.append(1) or original(self, *a, **k))
    validate_document(document)
    validating = len(calls)
    calls.clear()
    import_document(document, source_name="generated.json")
    assert validating > 25
    assert len(calls) == validating


def test_an_import_with_debug_on_keeps_no_sql_but_counted_queries_still_are(settings):
    settings.DEBUG = True
    reset_queries()
    import_document(era(5), source_name="generated.json")
    assert connection.queries == []
    assert import_queries(era(6)) > 0  # CaptureQueriesContext asks for them
