"""Varnish in front (deploy/varnish/thaw.vcl, started for real): it keeps anonymous pages, and a withdrawal or a
publish purges them by tag before the service returns."""

import time
import urllib.error
import urllib.request
from urllib.parse import urlsplit

import pytest

from events.models import Event
from thaw_site.management.varnish import running_varnish, varnishd

from .public_site import publish_now, withdraw_now

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        varnishd() is None, reason="varnishd is not installed (apt-get install varnish varnish-modules)"
    ),
]

SPUTNIK = "/events/sputnik-1/"
UNRELATED = "/events/secret-speech/"


def fetch(url, **headers):
    request = urllib.request.Request(url, headers={"Host": "localhost", **headers})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


@pytest.fixture
def varnish(live_server, settings, era):
    with running_varnish(urlsplit(live_server.url).port) as url:
        settings.THAW_FRONTEND_CACHES = [{"BACKEND": "thaw_site.publishing.frontend_caches.Varnish", "URLS": [url]}]
        settings.THAW_PAGE_SHARED_MAX_AGE = 3600
        yield url


def test_varnish_keeps_anonymous_pages_and_passes_signed_in_readers_through(varnish):
    first, second = fetch(varnish + SPUTNIK), fetch(varnish + SPUTNIK + "?utm_source=mail")
    assert (first[0], first[1]["X-Cache"]) == (200, "MISS")
    assert (second[0], second[1]["X-Cache"]) == (200, "HIT"), "tracking parameters make no new copy"
    assert "xkey" not in second[1] and "s-maxage" not in second[1]["Cache-Control"]
    assert fetch(varnish + SPUTNIK, Cookie="sessionid=anything")[1]["X-Cache"] == "MISS"
    request = urllib.request.Request(varnish + "/", method="PURGE")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 400, "a purge names its tags"


def test_a_publish_and_a_withdrawal_purge_the_pages_showing_the_item_at_once(varnish):
    for url in (SPUTNIK, UNRELATED, "/"):
        fetch(varnish + url)
        assert fetch(varnish + url)[1]["X-Cache"] == "HIT"
    event = Event.objects.get(slug="sputnik-1")
    event.summary = "A sphere with four antennas."
    event.save()
    publish_now(event)
    status, headers, body = fetch(varnish + SPUTNIK)
    assert headers["X-Cache"] == "MISS" and b"A sphere with four antennas." in body
    withdraw_now(event)
    withdrawn = time.monotonic()
    status, headers, _ = fetch(varnish + SPUTNIK)
    assert (status, headers["X-Cache"]) == (404, "MISS"), "gone from Varnish by the first request after"
    assert time.monotonic() - withdrawn < 1
    assert b"/events/sputnik-1/" not in fetch(varnish + "/")[2], "the lists that showed it are purged too"
    assert fetch(varnish + UNRELATED)[1]["X-Cache"] == "HIT", "a page not showing it stays in Varnish"
