"""On PostgreSQL at 10,000 events, the public pages' timeline, link, list and search queries use their indexes."""

import datetime
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.shared_data import shared_dataset
from thaw_site.public.pages import citing, events_linking_to, live_targets
from thaw_site.public.search import search
from thaw_site.public.views import filtered_events
from thaw_site.publishing.publications import Kind, Publication
from thaw_site.publishing.read_models import CitingPage, LiveEventLink, PublishedLink
from thaw_site.publishing.search_vectors import store_search_vectors

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="EXPLAIN output is PostgreSQL's"),
]
EVENTS = 10_000


@shared_dataset
def ten_thousand_events():
    """10,000 live events with their links and citing pages, analyzed: written once for the module's tests."""
    now, first = timezone.now(), datetime.date(1953, 3, 5)
    Publication.objects.bulk_create(
        (
            Publication(
                kind=Kind.EVENT,
                item_uid=uuid.UUID(int=number),
                slug=f"event-{number:05d}",
                title=f"Event {number}",
                sort_start=first + datetime.timedelta(days=number % 4000),
                sort_end=first + datetime.timedelta(days=number % 4000),
                data={"date": "1956", "when": "1956"},
                published_at=now,
            )
            for number in range(EVENTS)
        ),
        batch_size=2000,
    )
    period = Publication.objects.create(
        kind=Kind.PERIOD, item_uid=uuid.uuid4(), slug="khrushchev-era", title="The Khrushchev era", published_at=now
    )
    PublishedLink.objects.bulk_create(
        (
            PublishedLink(publication=event, relation="topic", target_kind=Kind.TOPIC, target_slug=f"topic-{n % 20}")
            for n, event in enumerate(Publication.objects.of_kind(Kind.EVENT))
        ),
        batch_size=2000,
    )
    LiveEventLink.objects.bulk_create(
        (
            LiveEventLink(
                publication=event,
                relation="topic",
                target_kind=Kind.TOPIC,
                target_slug=f"topic-{n % 20}",
                position=0,
                slug=event.slug,
                sort_start=event.sort_start,
                sort_end=event.sort_end,
            )
            for n, event in enumerate(Publication.objects.of_kind(Kind.EVENT))
        ),
        batch_size=2000,
    )
    CitingPage.objects.bulk_create(
        (
            CitingPage(
                source_slug=f"source-{n % 3}",
                publication=event,
                kind_order=1,
                sort_start=event.sort_start,
                slug=event.slug,
            )
            for n, event in enumerate(Publication.objects.of_kind(Kind.EVENT))
        ),
        batch_size=2000,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        # Settled as autovacuum would leave it: the search index's pending list (these rows' entries, and those
        # earlier tests rolled back) moved into the index, so a test's own updates are all that is pending.
        cursor.execute("SELECT gin_clean_pending_list('publication_search_vector')")
    return period


def test_a_window_of_the_timeline_reads_the_in_order_index(ten_thousand_events):
    plan = Publication.objects.live().of_kind(Kind.EVENT).in_order()[:50].explain()
    assert "publication_in_order" in plan, plan


def test_the_citation_reports_filters_find_links_to_an_item_through_the_link_index(ten_thousand_events):
    rows = PublishedLink.objects.filter(relation="topic", target_kind=Kind.TOPIC, target_slug="topic-3")
    plan = rows.explain()
    assert "link_target" in plan, plan


def test_a_page_of_an_items_events_is_read_in_date_order_from_its_index(ten_thousand_events):
    topic = Publication(kind=Kind.TOPIC, slug="topic-3")
    plan = events_linking_to(topic, "topic")[60:120].explain()
    assert "event_links_in_order" in plan and "Sort" not in plan, plan


def test_the_timeline_narrowed_to_a_topic_reads_its_events_in_date_order_from_the_same_index(ten_thousand_events):
    plan = filtered_events({"topic": "topic-3", "start": 1955})[60:120].explain()
    assert "event_links_in_order" in plan and "Sort" not in plan, plan


def test_an_item_page_finds_its_live_publication_by_index(ten_thousand_events):
    plan = Publication.objects.live().filter(kind=Kind.EVENT, slug="event-00042").explain()
    assert "Index" in plan and "Seq Scan" not in plan, plan


def test_a_window_of_an_alphabetical_list_reads_the_title_index(ten_thousand_events):
    plan = Publication.objects.live().of_kind(Kind.EVENT).order_by("title")[:50].explain()
    assert "publication_by_title" in plan, plan


def test_a_pages_links_are_resolved_through_an_index(ten_thousand_events):
    links = [["related", Kind.EVENT, slug, ""] for slug in ("event-00001", "event-00002", "event-09999")]
    with CaptureQueriesContext(connection) as queries:
        found = live_targets([*links, ["topic", Kind.TOPIC, "x", ""]])
    assert sorted(slug for _, slug in found) == ["event-00001", "event-00002", "event-09999"]
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + queries[0]["sql"])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Seq Scan" not in plan, plan


def test_a_page_of_a_sources_citing_pages_is_read_in_order_from_its_index(ten_thousand_events):
    source = Publication(kind=Kind.SOURCE, slug="source-1")
    with CaptureQueriesContext(connection) as queries:
        citing(source)[50:100]
    with connection.cursor() as cursor:  # the prepared query's own SQL, as the page runs it
        cursor.execute("EXPLAIN " + queries[0]["sql"])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "citing_in_order" in plan and "Sort" not in plan, plan


def test_search_matches_and_ranks_through_the_stored_vector_and_its_gin_index(ten_thousand_events):
    store_search_vectors(Publication.objects.all())
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    plan = search("4242").explain()
    assert "publication_search_vector" in plan, plan
    assert "to_tsvector" not in plan, f"the vector is rebuilt per row: {plan}"
    assert [p.slug for p in search("4242")] == ["event-04242"]
