import re

import pytest
from django.test.utils import override_script_prefix
from django.urls import reverse

from events.interchange import import_document
from events.models import Event, Period, Source, Topic
from people.models import Figure
from thaw_site.publishing.services import withdraw

pytestmark = pytest.mark.django_db


def page(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, url
    return response.content.decode()


@pytest.mark.parametrize(
    ("slug", "date_in_words"),
    [
        ("secret-speech", "25 February 1956"),
        ("hungarian-uprising", "1956"),
        ("sputnik-1", "October 1957"),
        ("khrushchev-ouster", "October 1964"),
    ],
)
def test_key_events_show_their_dates_footnotes_and_references(client, era, slug, date_in_words):
    html = page(client, f"/events/{slug}/")
    assert date_in_words in html
    assert re.search(r'<sup class="reference" id="cite-ref-1-a"><a href="#cite-note-1"', html)
    assert 'id="cite-note-1"' in html and 'href="#cite-ref-1-a"' in html
    assert 'href="/sources/wikipedia-ussr-1953-1964/"' in html


def test_the_articles_dated_flags_appear_with_their_dates_in_words(client, era):
    assert 'flagged <time datetime="2007-02">February 2007</time>' in page(client, "/events/gulag-releases/")
    assert "September 2009" in page(client, "/events/communists-shock-abroad/")
    assert "May 2010" in page(client, "/events/sovnarkhoz-reform/")
    assert 'since <time datetime="2011-02">February 2011</time>' in page(client, "/events/khrushchev-ouster/")
    assert 'since <time datetime="2010-05">May 2010</time>' in page(client, "/periods/khrushchev-era/")


def test_home_presents_the_main_period_with_key_figures_events_in_order_and_other_periods(client, era):
    html = page(client, "/")
    assert "The Khrushchev era" in html
    assert 'href="/people/nikita-khrushchev/"' in html
    events = html[html.index('id="events-heading"') :]
    positions = [
        events.index(f'href="/events/{slug}/"') for slug in ("secret-speech", "sputnik-1", "khrushchev-ouster")
    ]
    assert positions == sorted(positions)
    assert 'href="/periods/brezhnev-era/"' in html and 'href="/periods/post-brezhnev-era/"' in html


def test_home_lists_only_the_first_events_and_links_to_the_timeline_for_the_rest(client, era, monkeypatch):
    monkeypatch.setattr("thaw_site.public.views.HOME_EVENTS", 3)
    events = page(client, "/").split('id="events-heading"')[1].split("</section>")[0]
    assert events.count('href="/events/') == 3
    assert re.search(r'<a href="/timeline/">All \d+ events on the timeline</a>', events)


def test_periods_link_to_their_neighbours(client, era):
    html = page(client, "/periods/brezhnev-era/")
    assert 'rel="prev" href="/periods/khrushchev-era/"' in html
    assert 'rel="next" href="/periods/post-brezhnev-era/"' in html


def test_figure_page_shows_offices_events_with_roles_and_cited_dates(client, era):
    html = page(client, "/people/nikita-khrushchev/")
    assert "Никита Сергеевич Хрущёв" in html
    assert "First Secretary" in html
    assert 'href="/events/secret-speech/"' in html and "speaker" in html
    assert "15 April 1894" in html and "citation needed" in html


def test_source_pages_list_the_bibliography_and_who_cites_each_source(client, era):
    html = page(client, "/sources/")
    assert "ISBN 0-394-70745-1" in html and "ISBN 0-13-823592-9" in html
    assert "Nenarokov" in html
    cited = page(client, "/sources/wikipedia-ussr-1953-1964/")
    assert 'href="/events/secret-speech/"' in cited
    further_reading = page(client, "/sources/schapiro-1971/")
    assert "No published page cites this source" in further_reading


PAGES = [
    (Event, "sputnik-1", "/events/sputnik-1/"),
    (Figure, "yuri-gagarin", "/people/yuri-gagarin/"),
    (Period, "brezhnev-era", "/periods/brezhnev-era/"),
    (Topic, "space", "/topics/space/"),
    (Source, "wikipedia-ussr-1953-1964", "/sources/wikipedia-ussr-1953-1964/"),
]
LISTINGS = ["/", "/people/", "/sources/", "/periods/khrushchev-era/", "/events/gagarin-flight/", "/topics/space/"]


@pytest.mark.parametrize(("model", "ident", "url"), PAGES)
def test_withdrawn_items_are_404_and_appear_in_no_list(client, era, reviewer, model, ident, url):
    withdraw(item=model.objects.get_by_natural_key(ident), by=reviewer, note="test")
    assert_gone(client, url)


@pytest.mark.parametrize("status", ["draft", "in_review"])
@pytest.mark.parametrize(("model", "ident", "url"), PAGES)
def test_items_never_published_are_404_and_appear_in_no_list(client, db, era_document, model, ident, url, status):
    for section in ("periods", "topics", "sources", "figures", "events"):
        for item in era_document[section]:
            if item.get("slug", item.get("key")) == ident:
                item["status"] = status
    import_document(era_document, source_name="era.json")
    assert_gone(client, url)


def assert_gone(client, url):
    page(client, url, status=404)
    for listing in LISTINGS:
        if listing != url:
            assert f'href="{url}"' not in page(client, listing), listing


def test_the_home_page_is_404_until_its_period_is_published(client, db):
    page(client, "/", status=404)


def test_unknown_pages_get_the_sites_404_which_names_no_canonical_or_shareable_url(client, db):
    html = page(client, "/events/no-such-event/", status=404)
    assert "Page not found" in html
    assert "no-such-event" not in html  # a 404 has no canonical address and nothing to share


def test_every_public_url_name_resolves(era):
    assert reverse("events:sources") == "/sources/"
    assert reverse("people:figures") == "/people/"


def test_links_follow_the_script_prefix_the_site_is_served_under(client, era):
    with override_script_prefix("/thaw/"):  # as Django's WSGI handler sets it from SCRIPT_NAME
        mounted = client.get("/events/secret-speech/", SCRIPT_NAME="/thaw").content.decode()
    assert 'href="/thaw/sources/wikipedia-ussr-1953-1964/"' in mounted  # an item link
    assert 'href="/thaw/timeline/"' in mounted  # a link of the site's header
    at_the_root = page(client, "/events/secret-speech/")  # the remembered URLs are kept per prefix
    assert 'href="/sources/wikipedia-ussr-1953-1964/"' in at_the_root and 'href="/timeline/"' in at_the_root
    assert 'href="/thaw/sources/' not in at_the_root and 'href="/thaw/timeline/"' not in at_the_root
