"""Publishing or withdrawing an item retires only the cached pages that show it, by the tags kept with each page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events.models import Event
from people.models import Figure
from thaw_site.public.cache import HIT_HEADER
from thaw_site.publishing.generation import CHANGES, LISTS, item_tag, page_tag, purge, tags_changed
from thaw_site.publishing.publications import Publication
from thaw_site.publishing.read_models import PublishedLink

from .public_site import publish_now, withdraw_now

pytestmark = pytest.mark.django_db

SPUTNIK = "/events/sputnik-1/"
UNRELATED = "/events/secret-speech/"  # neither links to the other
SPACE = "/topics/space/"
DE_STALINIZATION = "/topics/de-stalinization/"


def served_from_cache(client, url):
    """Whether the page came from the cache: one query, the check of what was purged since it was kept."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code in (200, 404)
    return len(queries) == 1


def warm(client, *urls):
    for url in urls:
        client.get(url)
        assert served_from_cache(client, url), url


def edit_summary(slug, text):
    event = Event.objects.get(slug=slug)
    event.summary = text
    event.save()
    publish_now(event)


def test_an_edit_retires_the_items_pages_and_those_showing_it_and_keeps_the_others(client, era):
    showing = [SPUTNIK, "/events/sputnik-1.json", SPACE, "/events/gagarin-flight/", "/changes.atom"]
    others = [UNRELATED, "/events/secret-speech.json", DE_STALINIZATION, "/topics/", "/people/"]
    warm(client, *showing, *others)
    edit_summary("sputnik-1", "A beeping sphere in orbit.")
    for url in others:
        assert served_from_cache(client, url), f"{url} does not show the event: it stays cached"
    for url in showing:
        assert not served_from_cache(client, url), f"{url} shows the event: it is built again"
    assert b"A beeping sphere in orbit." in client.get(SPUTNIK).content
    assert b"A beeping sphere in orbit." in client.get(SPACE).content


def test_a_withdrawal_retires_every_list_and_the_pages_of_what_it_links_to(client, era):
    lists = ["/", "/timeline/", "/timeline.json", "/sitemap-items.xml", SPACE]
    warm(client, *lists, UNRELATED)
    withdraw_now(Event.objects.get(slug="sputnik-1"))
    for url in lists:
        assert not served_from_cache(client, url), url
        assert b"/events/sputnik-1/" not in client.get(url).content, url
    assert served_from_cache(client, UNRELATED)
    assert client.get(SPUTNIK).status_code == 404


def test_an_edit_that_keeps_the_items_place_keeps_the_lists_that_do_not_show_it(client, era, monkeypatch):
    monkeypatch.setattr("thaw_site.public.views.EVENTS_PER_PAGE", 5)
    sputnik_page = next(n for n in range(1, 20) if b"/events/sputnik-1/" in client.get(f"/timeline/?page={n}").content)
    other_page = 1 if sputnik_page != 1 else 2
    warm(client, f"/timeline/?page={sputnik_page}", f"/timeline/?page={other_page}")
    edit_summary("sputnik-1", "Another summary.")
    assert not served_from_cache(client, f"/timeline/?page={sputnik_page}")
    assert served_from_cache(client, f"/timeline/?page={other_page}")


def hit_queries(client, url):
    """The SQL of a request for a kept page, asserting it was a hit."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response[HIT_HEADER] == "hit", url
    return [query["sql"] for query in queries]


def test_a_hit_reads_only_its_own_tags_however_many_others_were_purged(client, era):
    warm(client, SPUTNIK, UNRELATED)
    alone = hit_queries(client, SPUTNIK)
    purge({item_tag("event", f"elsewhere-{n}") for n in range(3000)})
    edit_summary("secret-speech", "Read out in closed session.")
    after = hit_queries(client, SPUTNIK)
    assert len(alone) == len(after) == 1, "one query before and after 3,000 other tags were purged"
    (check,) = after
    assert "'of:event:sputnik-1'" in check and "LIMIT 1" in check.upper(), "it names the page's own tags"
    assert "elsewhere" not in check and "secret-speech" not in check, "and no other tag"


def test_a_publish_retires_only_the_pages_tagged_with_the_item(client, era):
    warm(client, SPUTNIK, UNRELATED, "/events/secret-speech.json")
    purge({item_tag("event", f"elsewhere-{n}") for n in range(3000)})
    edit_summary("secret-speech", "Read out in closed session.")
    assert served_from_cache(client, SPUTNIK), "an unrelated page stays a hit"
    assert not served_from_cache(client, UNRELATED) and not served_from_cache(client, "/events/secret-speech.json")
    assert b"Read out in closed session." in client.get(UNRELATED).content


def live(slug):
    return Publication.objects.live().get(kind="event", slug=slug)


def test_tags_of_an_edit_name_the_item_and_not_the_lists(era):
    before = live("sputnik-1")
    after = live("sputnik-1")
    after.summary = "Changed."
    assert tags_changed([before], [after]) == {CHANGES, item_tag("event", "sputnik-1"), page_tag("event", "sputnik-1")}


def test_tags_of_a_move_name_the_lists_and_what_it_linked_to_before_and_after(era):
    before = live("sputnik-1")
    after = live("sputnik-1")
    after.data = {**after.data, "links": [["topic", "topic", "de-stalinization", ""]]}
    tags = tags_changed([before], [after])
    assert {LISTS, page_tag("topic", "space"), page_tag("topic", "de-stalinization")} <= tags
    assert page_tag("period", "khrushchev-era") in tags, "its period lost it"


def test_tags_of_a_withdrawal_or_a_first_publication_name_the_lists(era):
    publication = live("sputnik-1")
    for before, after in (([publication], []), ([], [publication])):
        tags = tags_changed(before, after)
        assert {LISTS, CHANGES, item_tag("event", "sputnik-1"), page_tag("topic", "space")} <= tags


def test_an_item_coming_live_retires_the_pages_linking_to_it(client, era):
    link = PublishedLink.objects.filter(relation="participant", publication__is_live=True).select_related(
        "publication"
    )[0]
    figure = Figure.objects.get(slug=link.target_slug)
    withdraw_now(figure)
    event_page = link.publication.get_absolute_url()
    warm(client, event_page)
    assert f"/people/{figure.slug}/".encode() not in client.get(event_page).content
    publish_now(figure)
    assert not served_from_cache(client, event_page)
    assert f"/people/{figure.slug}/".encode() in client.get(event_page).content, "it links to the person again"
