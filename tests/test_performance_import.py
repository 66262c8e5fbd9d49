"""Importing at scale: new items are written in bulk, with the same history a one-by-one import writes."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events.models import Citation, Event
from people.models import Figure, Office
from thaw_site.generator import generate_era
from thaw_site.interchange import import_document
from thaw_site.models import Publication

pytestmark = pytest.mark.django_db


def era(events):
    return generate_era(events=events, figures=30, sources=20, seed=5)


def import_queries(document):
    with CaptureQueriesContext(connection) as queries:
        import_document(document, source_name="generated.json")
    return len(queries)


def test_import_queries_grow_by_about_one_per_new_event():
    """One save per new item (its model derives fields on save); everything else is a bulk statement."""
    first = import_queries(era(20))  # 20 events and every figure, source, topic and period
    more = import_queries(era(220))  # the same, unchanged, and 200 more events
    assert more - first <= 200 * 1.2, (first, more)


def test_bulk_imported_items_each_have_one_history_row_with_reason_and_user():
    editor = get_user_model().objects.create_user("importer")
    document = era(40)
    import_document(document, source_name="generated.json", user=editor)
    for model, count in ((Event, 40), (Figure, 30), (Office, sum(len(f["offices"]) for f in document["figures"]))):
        rows = list(model.history.values_list("history_type", "history_change_reason", "history_user"))
        assert rows == [("+", "Imported from generated.json", editor.pk)] * count, model


def test_bulk_history_rows_snapshot_each_events_relations():
    document = era(30)
    import_document(document, source_name="generated.json")
    for item in document["events"]:
        revision = Event.history.get(slug=item["slug"])
        assert sorted(revision.topics.values_list("topic__slug", flat=True)) == item["topics"]
        assert sorted(revision.participants.values_list("figure__slug", flat=True)) == sorted(
            p["figure"] for p in item["participants"]
        )
        assert sorted(revision.related.values_list("to_event__slug", flat=True)) == item["related"]


def test_bulk_import_indexes_citations_and_publishes_only_published_items():
    document = era(30)
    import_document(document, source_name="generated.json")
    published = {e["slug"] for e in document["events"] if e["status"] == "published"}
    live = set(Publication.objects.live().of_kind("event").values_list("slug", flat=True))
    assert live == published
    for event in Event.objects.all():
        assert Citation.objects.filter(event=event).count() == len(event.cite()[0].citations)
    publication = Publication.objects.live().get(slug=next(iter(published)))
    assert publication.revision_id == Event.history.get(slug=publication.slug).history_id
    assert publication.note == "Imported from generated.json"


def test_reimporting_the_same_generated_era_changes_nothing():
    document = era(30)
    import_document(document, source_name="generated.json")
    history = Event.history.count()
    report = import_document(era(30), source_name="again.json")
    assert report.counts()["created"] == report.counts()["updated"] == 0
    assert Event.history.count() == history
