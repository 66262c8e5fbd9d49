"""Public lists that grow with the data show a page at a time: ?page=N, a 404 for a page that isn't there,
rel=prev/next links and "Page X of Y"; the timeline's JSON pages the same way with next/previous URLs."""

import re

import pytest

from events.views import SourceList
from people.views import FigureList
from thaw_site.public.pages import citing
from thaw_site.publishing.publications import Kind, Publication
from thaw_site.publishing.read_models import rebuild_read_models

pytestmark = pytest.mark.django_db

SOURCE = "/sources/wikipedia-ussr-1953-1964/"  # cited by 68 pages of the shipped era
PAGINATED_PAGES = [
    "/periods/khrushchev-era/",
    "/topics/party-politics/",
    "/people/nikita-khrushchev/",
    SOURCE,
    "/sources/",
    "/people/",
]


@pytest.fixture
def small_pages(monkeypatch):
    """Three items a page (one source: the era has four), so the shipped era fills several pages of each list."""
    for constant in [
        "events.views.EVENTS_PER_PAGE",
        "events.views.CITING_PAGES_PER_PAGE",
        "people.views.EVENTS_PER_PAGE",
        "thaw_site.public.machine.TIMELINE_EVENTS_PER_PAGE",
    ]:
        monkeypatch.setattr(constant, 3)
    monkeypatch.setattr(SourceList, "paginate_by", 1)
    monkeypatch.setattr(FigureList, "paginate_by", 3)


def html_of(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def section(html, heading_id):
    return html.split(f'id="{heading_id}"')[1].split("</section>")[0]


def linked_urls(html):
    return re.findall(r'<a href="(/(?:events|periods|people|sources)/[^"]+)"', html)


def live(kind, slug):
    return Publication.objects.live().get(kind=kind, slug=slug)


def urls(publications):
    return [publication.get_absolute_url() for publication in publications]


def events_linking_to(kind, slug, relation):
    """The live events linking to this item by `relation`, in date order, from their publications' own links."""
    events = Publication.objects.live().of_kind(Kind.EVENT)
    return events.filter(links__relation=relation, links__target_kind=kind, links__target_slug=slug).in_order()


def test_period_page_shows_its_events_a_page_at_a_time_in_order(client, era, small_pages):
    in_order = urls(events_linking_to(Kind.PERIOD, "khrushchev-era", "period"))
    assert len(in_order) == 49
    first = html_of(client, "/periods/khrushchev-era/")
    second = html_of(client, "/periods/khrushchev-era/?page=2")
    assert linked_urls(section(first, "events-heading")) == in_order[:3]
    assert linked_urls(section(second, "events-heading")) == in_order[3:6]
    assert "Page 1 of 17" in first and "Page 2 of 17" in second


def test_topic_page_counts_all_its_events_and_lists_a_page(client, era, small_pages):
    in_order = urls(events_linking_to(Kind.TOPIC, "party-politics", "topic"))
    html = html_of(client, "/topics/party-politics/?page=5")
    assert "15 events" in html and "Page 5 of 5" in html
    assert linked_urls(section(html, "events-heading")) == in_order[12:]


def test_figure_page_lists_its_events_a_page_at_a_time(client, era, small_pages):
    in_order = urls(events_linking_to(Kind.FIGURE, "nikita-khrushchev", "participant"))
    html = html_of(client, "/people/nikita-khrushchev/?page=2")
    assert linked_urls(section(html, "events-heading")) == in_order[3:6]
    assert f"Page 2 of {len(in_order) // 3}" in html


def test_source_page_lists_each_citing_page_once_a_page_at_a_time(client, era, small_pages):
    citing_pages = urls(citing(live(Kind.SOURCE, "wikipedia-ussr-1953-1964")))
    assert len(citing_pages) == len(set(citing_pages)) == 68
    assert citing_pages[0].startswith("/periods/") and citing_pages[-1].startswith("/people/")
    first, second = html_of(client, SOURCE), html_of(client, f"{SOURCE}?page=2")
    assert linked_urls(section(first, "cited-by-heading")) == citing_pages[:3]
    assert linked_urls(section(second, "cited-by-heading")) == citing_pages[3:6]
    assert "(68 pages)" in first and "Page 2 of 23" in second


def test_a_citing_page_shows_the_locator_of_each_of_its_citations(client, era):
    html = html_of(client, "/sources/wikipedia-ussr-1953-1964/")
    entry = section(html, "cited-by-heading").split('href="/events/secret-speech/"')[1].split("</li>")[0]
    event_links = Publication.objects.live().get(kind=Kind.EVENT, slug="secret-speech").links
    cites = event_links.filter(relation="cites", target_slug="wikipedia-ussr-1953-1964").count()
    assert cites > 1
    assert f"({cites} citations)" in entry


@pytest.mark.parametrize(("url", "view", "per_page"), [("/sources/", SourceList, 1), ("/people/", FigureList, 3)])
def test_bibliography_and_people_lists_show_the_second_page(client, era, small_pages, url, view, per_page):
    expected = urls(Publication.objects.live().of_kind(view.kind).order_by(*view.ordering)[per_page : 2 * per_page])
    html = html_of(client, f"{url}?page=2")
    assert re.findall(rf'<a href="({url}[^"?#]+/)"', html.split("<main")[1].split("</main>")[0]) == expected
    assert "Page 2 of" in html


@pytest.mark.parametrize("url", PAGINATED_PAGES)
def test_prev_and_next_links_lead_to_the_neighbouring_pages(client, era, small_pages, url):
    first = html_of(client, url)
    assert 'rel="next" href="?page=2"' in first and "Page 1 of" in first
    assert 'rel="prev" href="?page=' not in first
    middle = html_of(client, f"{url}?page=2")
    assert 'rel="prev" href="?page=1"' in middle and 'rel="next" href="?page=3"' in middle
    last_number = int(re.search(r"Page 2 of (\d+)", middle).group(1))
    last = html_of(client, f"{url}?page={last_number}")
    assert f'rel="prev" href="?page={last_number - 1}"' in last and 'rel="next" href="?page=' not in last


@pytest.mark.parametrize("url", [*PAGINATED_PAGES, "/timeline.json"])
@pytest.mark.parametrize("bad_page", ["0", "-1", "999", "two", "1.5", "%00"])
def test_a_page_that_is_not_there_is_404(client, era, small_pages, url, bad_page):
    assert client.get(f"{url}?page={bad_page}").status_code == 404


def test_each_page_after_the_first_is_its_own_canonical_page(client, era, small_pages):
    canonical = '<link rel="canonical" href="http://testserver/periods/khrushchev-era/{}">'
    assert canonical.format("") in html_of(client, "/periods/khrushchev-era/?page=1")
    assert canonical.format("?page=2") in html_of(client, "/periods/khrushchev-era/?page=2&utm_source=x")


def test_a_short_list_is_one_page_without_page_links(client, era):
    html = html_of(client, "/topics/space/")
    assert "2 events" in html and "Page 1 of" not in html and 'rel="next"' not in html
    assert client.get("/topics/space/?page=1").status_code == 200
    assert client.get("/topics/space/?page=2").status_code == 404


def test_timeline_json_pages_keep_timelinejs_keys_and_link_next_and_previous(client, era, small_pages):
    first = client.get("/timeline.json").json()
    assert first["title"]["text"]["headline"] and len(first["events"]) == 3
    assert first["count"] == 49 and first["previous"] is None
    assert first["next"] == "http://testserver/timeline.json?page=2"
    second = client.get("/timeline.json?page=2").json()
    assert second["previous"] == "http://testserver/timeline.json?page=1"
    assert second["next"] == "http://testserver/timeline.json?page=3"
    last = client.get("/timeline.json?page=17").json()
    assert len(last["events"]) == 1 and last["next"] is None
    every_event = [
        e["unique_id"] for n in range(1, 18) for e in client.get(f"/timeline.json?page={n}").json()["events"]
    ]
    assert every_event == [p.slug for p in Publication.objects.live().of_kind(Kind.EVENT).in_order()]


def test_timeline_json_next_link_carries_only_the_parameters_it_reads(client, era, small_pages):
    """Unknown parameters (utm_*, lang) are dropped before the view sees them, so links don't spread them."""
    document = client.get("/timeline.json?utm_source=x&page=2&lang=en").json()
    assert document["next"] == "http://testserver/timeline.json?page=3"
    assert document["previous"] == "http://testserver/timeline.json?page=1"


def test_an_event_page_shows_only_the_earliest_events_that_name_it_as_related(client, era, monkeypatch):
    monkeypatch.setattr("events.views.RELATED_FROM_OTHERS", 3)
    event = live(Kind.EVENT, "secret-speech")
    own = {slug for relation, _, slug, _ in event.data["links"] if relation == "related"}
    events = Publication.objects.live().filter(kind=Kind.EVENT).exclude(slug__in={event.slug, *own})
    naming_it = events.filter(links__relation="related", links__target_kind=Kind.EVENT, links__target_slug=event.slug)
    for other in events.exclude(pk__in=naming_it):
        other.data["links"].append(["related", Kind.EVENT, event.slug, ""])
        other.save(update_fields=["data"])
    rebuild_read_models()  # as if each had been published naming it
    others = list(events.in_order())

    shown = set(linked_urls(section(html_of(client, "/events/secret-speech/"), "related-heading")))

    earliest = {other.get_absolute_url() for other in others[:3]}
    assert earliest <= shown and len(others) > 3
    assert shown - earliest == {live(Kind.EVENT, slug).get_absolute_url() for slug in own}
