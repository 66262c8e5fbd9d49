"""Every public page and every admin changelist runs as many queries with 1,000 events as with 10 (a list that
no longer fits on one page adds its count), and an item page runs only the queries it needs."""

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events.generator import generate_era
from events.interchange import import_document

pytestmark = pytest.mark.django_db

SIZES = {"figures": 40, "sources": 20, "seed": 1}  # the first 10 events are the same in both eras
PUBLIC_PAGES = [
    "/",
    "/timeline/",
    "/timeline.json",
    "/search/?q=conference",
    "/people/",
    "/topics/",
    "/sources/",
    "/periods/khrushchev-era/",
    "/sources/source-00001/",  # the most cited source: by 35 pages with 10 events, by 754 with 1,000
    "/citations/",
    "/citations/needed/",
    "/sources/csl.json",
    "/changes.atom",
    "/sitemap.xml",
    "/sitemap-items.xml",
]
PAGED_AT_1000_EVENTS = ["/periods/khrushchev-era/", "/sources/source-00001/", "/timeline/", "/citations/needed/"]
# Lists that fit on their first page with 10 events, which then tells their length: with 1,000 events they are
# paged, and count their entries in one more query. (The item pages' lists of events and citing pages read their
# count with their page, in the same query, however long they are: thaw_site/public/prepared.py.)
ONE_PAGE_AT_10_EVENTS = ["/timeline.json"]


def era(events):
    return generate_era(events=events, **SIZES)


def published_slugs(document, section):
    return [item["slug"] for item in document[section] if item["status"] == "published"]


def query_counts(client, urls):
    for url in urls:  # once to warm per-connection checks (e.g. the database's JSON support)
        client.get(url)
    counts = {}
    for url in urls:
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, url
        counts[url] = len(queries)
    return counts


def pages_of(document):
    """The fixed pages, and item pages of a first event, one of its topics and one of its people."""
    event = next(item for item in document["events"] if item["status"] == "published")
    figure = next(p["figure"] for p in event["participants"] if p["figure"] in published_slugs(document, "figures"))
    topic = event["topics"][0]
    event_url = f"/events/{event['slug']}/"
    return [*PUBLIC_PAGES, event_url, f"{event_url}history/", f"/people/{figure}/", f"/topics/{topic}/"]


def assert_lists_are_paged(client, urls):
    """With 1,000 events, each list that grows with them shows one page and links to the next."""
    figure_url, topic_url = urls[-2:]
    for url in [*PAGED_AT_1000_EVENTS, figure_url, topic_url]:
        assert 'rel="next" href="?page=2"' in client.get(url).content.decode(), url
    assert client.get("/timeline.json").json()["next"].endswith("/timeline.json?page=2")


def changelists():
    return [reverse(f"admin:{m._meta.app_label}_{m._meta.model_name}_changelist") for m in admin.site._registry]


def test_public_pages_and_admin_changelists_cost_the_same_queries_at_10_and_1000_events(client, settings):
    settings.THAW_MAIN_PERIOD = "khrushchev-era"
    small = era(10)
    import_document(small, source_name="small.json")
    staff = get_user_model().objects.create_superuser("budget", password="unused-password")
    public_small = query_counts(client, pages_of(small))
    client.force_login(staff)
    admin_small = query_counts(client, changelists())
    client.logout()

    report = import_document(era(1000), source_name="large.json")
    assert len(report.unchanged) >= 10, "the small era's items are part of the large one"

    assert query_counts(client, pages_of(small)) == {
        url: count + (url in ONE_PAGE_AT_10_EVENTS) for url, count in public_small.items()
    }
    assert_lists_are_paged(client, pages_of(small))
    client.force_login(staff)
    assert query_counts(client, changelists()) == admin_small


def test_item_pages_read_the_item_its_live_links_and_one_page_of_their_list(client, settings):
    """With page caching off: the publication, the live targets of its links (none for a source, which links
    nowhere), and the page of events or citing pages, which brings the count of the whole list with it; a source
    first reads the version of the cache tags, to keep the count of a long list (pages.cited_by)."""
    settings.MIDDLEWARE = [name for name in settings.MIDDLEWARE if not name.endswith("PublicPageCacheMiddleware")]
    document = era(10)
    import_document(document, source_name="small.json")
    event, _history, figure, _topic = pages_of(document)[-4:]
    source = "/sources/source-00001/"
    pages = {event: 3, figure: 3, source: 3}
    assert query_counts(client, pages) == pages
    for url in pages:
        assert 'rel="next"' not in client.get(url).content.decode(), f"{url} lists everything on one page"
    with CaptureQueriesContext(connection) as queries:
        client.get(source)  # a short list's count, kept as short: counted with its page again, and no tags read
    assert len(queries) == 2 and "COUNT(" in queries[-1]["sql"]

    import_document(era(1000), source_name="large.json")
    assert query_counts(client, [figure, source]) == {figure: 3, source: 3}
    assert 'rel="next"' in client.get(figure).content.decode()
    with CaptureQueriesContext(connection) as queries:
        html = client.get(source).content.decode()  # 754 citing pages: their count kept, its tags' versions read
    assert len(queries) == 3 and not any("COUNT(" in query["sql"] for query in queries)
    assert "(754 pages)" in html and "Page 1 of 16" in html
