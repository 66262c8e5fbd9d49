"""Prepared queries (thaw_site/public/prepared.py) answer as the ORM does, compiled once per shape."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events.generator import generate_era
from events.interchange import import_document
from thaw_site.public.pages import CITING, EVENT_LINKS, LIVE_ITEM, LIVE_TARGETS, CitingEntry, LiveItem, event_links
from thaw_site.public.prepared import Prepared
from thaw_site.publishing.publications import Publication
from thaw_site.publishing.read_models import CitingPage

pytestmark = pytest.mark.django_db


@pytest.fixture
def era():
    document = generate_era(events=60, figures=10, sources=5, seed=3)
    import_document(document, source_name="era.json")
    return document


def test_rows_are_converted_as_the_orm_converts_them(era):
    live = Publication.objects.live()
    slugs = [
        *live.filter(kind="event").values_list("slug", flat=True)[:4],
        *live.filter(kind="figure").values_list("slug", flat=True)[:3],
    ]
    prepared = LIVE_TARGETS.bind(["event", "figure"], slugs).fetch()
    expected = list(
        Publication.objects.live()
        .filter(kind__in=["event", "figure"], slug__in=slugs)
        .order_by()
        .values_list(*LiveItem.FIELDS)
    )
    assert len(prepared) == 7
    assert sorted(prepared) == sorted(expected)
    assert all(isinstance(row[4], datetime.date) for row in prepared if row[0] == "event"), "dates come back as dates"
    assert all(isinstance(row[6], dict) for row in prepared), "JSON comes back decoded"


def test_model_queries_give_instances_with_the_deferred_columns_left_out(era):
    live = Publication.objects.live().filter(kind="figure").first()
    (item,) = LIVE_ITEM.bind("figure", live.slug).fetch()
    assert (item.pk, item.title, item.data, item.published_at) == (live.pk, live.title, live.data, live.published_at)
    assert item.get_deferred_fields() == {"search_text", "search_vector"}
    assert LIVE_ITEM.bind("figure", "no-such-figure").fetch() == []


def test_slices_and_counts_follow_the_orm_and_each_shape_compiles_once(era):
    figure = max(
        Publication.objects.live().filter(kind="figure"),
        key=lambda f: event_links("figure", f.slug, "participant").count(),
    )
    ordered = list(event_links("figure", figure.slug, "participant"))
    bound = EVENT_LINKS.bind("figure", figure.slug, "participant")
    assert len(ordered) > 3
    assert bound.count() == len(bound) == len(ordered)
    assert bound[:2] == ordered[:2] and bound[2:] == ordered[2:] and bound[1] == ordered[1]
    assert list(bound) == ordered
    compiled = EVENT_LINKS.compiled.cache_info().currsize
    with CaptureQueriesContext(connection) as queries:
        assert EVENT_LINKS.bind("figure", "another-figure", "participant")[:2] == []
    assert len(queries) == 1
    assert EVENT_LINKS.compiled.cache_info().currsize == compiled, "the same shape is not compiled again"


def test_model_rows_by_slice(era):
    citing_pages = Prepared(lambda slug: CitingPage.objects.filter(source_slug=slug).only("kind", "slug", "title"))
    source = Publication.objects.live().filter(kind="source").first()
    rows = citing_pages.bind(source.slug)[:3]
    assert all(isinstance(page, CitingPage) for page in rows)
    assert [page.slug for page in rows] == [page.slug for page in citing_pages.build(source.slug)[:3]]


def test_rows_as_named_tuples_with_their_page_and_its_count_in_one_query(era):
    source = Publication.objects.live().filter(kind="source").first()
    ordered = list(CITING.build(source.slug))
    assert len(ordered) > 3
    with CaptureQueriesContext(connection) as queries:
        rows, count = CITING.bind(source.slug).fetch_counted(1, 3)
    assert len(queries) == 1 and count == len(ordered)
    assert rows == [CitingEntry(*row) for row in ordered[1:3]] and rows[0].get_absolute_url().endswith(
        f"/{rows[0].slug}/"
    )
    assert CITING.bind(source.slug).fetch_counted(len(ordered), len(ordered) + 3) == ([], None)
    assert CITING.bind("no-such-source").fetch_counted(0, 3) == ([], 0)


def test_a_value_the_orm_changes_on_its_way_to_the_sql_is_refused(db):
    contains = Prepared(lambda text: Publication.objects.filter(title__icontains=text).values_list("slug"))
    with pytest.raises(ValueError, match="do not reach the SQL unchanged"):
        contains.bind("thaw").fetch()


def test_backward_and_stepped_slices_are_refused(db):
    bound = LIVE_ITEM.bind("figure", "x")
    with pytest.raises(ValueError, match="plain forward slices"):
        bound[::2]
    with pytest.raises(ValueError, match="plain forward slices"):
        bound[-1:]
