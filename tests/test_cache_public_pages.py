"""Anonymous public pages are cached, retired the moment a publish or withdrawal changes what they show."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events.models import Event
from tests.factories import StaffFactory, UserFactory

from .public_site import publish_now, withdraw_now

pytestmark = pytest.mark.django_db

EVENT = "/events/secret-speech/"
PERIOD = "/periods/khrushchev-era/"


def get(client, url, **headers):
    response = client.get(url, headers=headers)
    return response


def test_second_anonymous_request_is_served_from_the_cache_with_one_query(client, era):
    first = get(client, EVENT)
    with CaptureQueriesContext(connection) as queries:
        second = get(client, EVENT)
    assert first.status_code == second.status_code == 200
    assert second.content == first.content
    assert len(queries) == 1, "only the check of what was purged since it was kept"


def test_each_page_of_a_list_is_cached_under_its_own_key(client, era, monkeypatch):
    monkeypatch.setattr("events.views.EVENTS_PER_PAGE", 10)
    first, second = get(client, PERIOD), get(client, f"{PERIOD}?page=2")
    assert first.content != second.content
    with CaptureQueriesContext(connection) as queries:
        assert get(client, f"{PERIOD}?page=2").content == second.content
        assert get(client, PERIOD).content == first.content
    assert len(queries) == 2, "one check each"


def test_publishing_a_change_shows_at_once(client, era):
    assert b"A rewritten summary" not in get(client, EVENT).content
    event = Event.objects.get(slug="secret-speech")
    event.summary = "A rewritten summary."
    event.save()
    assert b"A rewritten summary" not in get(client, EVENT).content, "a working copy edit is not public"
    publish_now(event)
    assert b"A rewritten summary" in get(client, EVENT).content


def test_withdrawing_takes_the_page_down_at_once(client, era):
    assert get(client, EVENT).status_code == 200
    withdraw_now(Event.objects.get(slug="secret-speech"))
    assert get(client, EVENT).status_code == 404


def test_anonymous_pages_carry_etag_and_public_cache_control(client, era, settings):
    for response in (get(client, EVENT), get(client, EVENT)):
        assert response["ETag"]
        control = response["Cache-Control"]
        assert "public" in control
        assert f"max-age={settings.THAW_PAGE_MAX_AGE}" in control
        assert f"s-maxage={settings.THAW_PAGE_SHARED_MAX_AGE}" in control


def test_matching_if_none_match_answers_304(client, era):
    etag = get(client, EVENT)["ETag"]
    assert get(client, EVENT, if_none_match=etag).status_code == 304
    assert get(client, EVENT, if_none_match='"something-else"').status_code == 200


def test_staff_pages_are_never_cached_nor_served_from_the_cache(client, era):
    staff = StaffFactory(username="editor")
    anonymous = get(client, EVENT)
    client.force_login(staff)
    with CaptureQueriesContext(connection) as queries:
        response = get(client, EVENT)
    assert len(queries) > 0, "a signed-in reader is not served the anonymous copy"
    assert "private" in response["Cache-Control"] and "no-cache" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]
    client.logout()
    assert get(client, EVENT).content == anonymous.content


def test_a_signed_in_readers_page_is_not_stored_for_anonymous_readers(client, era):
    client.force_login(UserFactory(username="reader"))
    get(client, EVENT)
    client.logout()
    with CaptureQueriesContext(connection) as queries:
        get(client, EVENT)
    assert len(queries) > 0


def test_post_is_never_cached(client, era):
    get(client, EVENT)
    response = client.post(EVENT)
    assert response.status_code == 405
    assert "ETag" not in response


def test_not_found_pages_are_not_cached(client, era):
    get(client, "/events/no-such-event/")
    with CaptureQueriesContext(connection) as queries:
        assert get(client, "/events/no-such-event/").status_code == 404
    assert len(queries) > 0


def test_admin_is_never_cached(client, era):
    response = get(client, "/admin/")
    assert response.status_code == 302
    assert "public" not in response.get("Cache-Control", "")
