"""Cached pages are kept per scheme, host, path and the query parameters the page reads, with a bound per path."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db


def served_from_cache(client, url, **extra):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **extra)
    assert response.status_code == 200
    return len(queries) == 1  # the check of what was purged since it was kept


def test_utm_and_unknown_parameters_are_served_the_one_copy(client, era):
    client.get("/events/sputnik-1/")
    for number in range(20):
        url = f"/events/sputnik-1/?utm_source=x{number}&fbclid={number}&whatever={number}"
        assert served_from_cache(client, url), url


def test_parameters_a_page_reads_make_their_own_copy_in_any_order(client, era):
    first = client.get("/timeline/?topic=space&start=1957").content
    assert served_from_cache(client, "/timeline/?start=1957&utm_medium=mail&topic=space")
    assert client.get("/timeline/?topic=space").content != first


def test_dropped_parameters_never_reach_the_page(client, era):
    document = client.get("/timeline.json?utm_campaign=leak&page=1").json()
    assert document["next"] is None or "utm_campaign" not in document["next"]
    assert b"utm_campaign" not in client.get("/search/?q=sputnik&utm_campaign=leak").content


def test_each_host_gets_its_own_copy_with_its_own_absolute_urls(client, era):
    local = client.get("/sitemap-items.xml", HTTP_HOST="localhost").content
    loopback = client.get("/sitemap-items.xml", HTTP_HOST="127.0.0.1").content
    assert b"http://localhost/events/" in local and b"127.0.0.1" not in local
    assert b"http://127.0.0.1/events/" in loopback and b"localhost" not in loopback


def test_each_scheme_gets_its_own_copy(client, era):
    plain = client.get("/sitemap-items.xml").content
    secure = client.get("/sitemap-items.xml", secure=True).content
    assert b"http://testserver/" in plain and b"https://testserver/" in secure
    assert served_from_cache(client, "/sitemap-items.xml", secure=True)


def test_query_strings_kept_per_path_are_bounded(client, era, settings):
    settings.THAW_PAGE_VARIANTS = 3
    words = ["sputnik", "stalin", "khrushchev", "virgin", "gagarin"]
    for word in words:
        client.get(f"/search/?q={word}")
    kept = [served_from_cache(client, f"/search/?q={word}") for word in words]
    assert kept == [True, True, True, False, False]
    assert served_from_cache(client, "/timeline/?topic=space") is False, "another path has its own bound"
    assert served_from_cache(client, "/timeline/?topic=space")
