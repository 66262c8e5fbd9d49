"""For machines: sitemap, Atom feed, canonical and Open Graph tags, JSON-LD, one item's JSON, TimelineJS JSON."""

import json
import re

import pytest

from thaw_site.publishing.publications import Kind, Publication

pytestmark = pytest.mark.django_db


def json_ld(html):
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(blocks) == 1
    return json.loads(blocks[0])


def test_sitemap_index_lists_sections_holding_fixed_pages_and_every_live_item(client, era):
    index = client.get("/sitemap.xml").content.decode()
    assert "<loc>http://testserver/sitemap-pages.xml</loc>" in index
    assert "<loc>http://testserver/sitemap-items.xml</loc>" in index
    pages = client.get("/sitemap-pages.xml").content.decode()
    assert "<loc>http://testserver/timeline/</loc>" in pages and pages.count("<url>") == 5
    items = client.get("/sitemap-items.xml").content.decode()
    assert "<loc>http://testserver/events/secret-speech/</loc>" in items
    assert "<loc>http://testserver/people/nikita-khrushchev/</loc>" in items
    assert items.count("<url>") == Publication.objects.live().count()
    assert "<lastmod>" in items


def test_a_large_archive_splits_its_sitemap_into_pages(client, era, monkeypatch):
    from thaw_site.public.sitemaps import PublicationsSitemap

    monkeypatch.setattr(PublicationsSitemap, "limit", 30)
    index = client.get("/sitemap.xml").content.decode()
    assert "sitemap-items.xml?p=3" in index
    assert client.get("/sitemap-items.xml?p=3").status_code == 200


def test_atom_feed_lists_published_changes_newest_first(client, era):
    response = client.get("/changes.atom")
    assert response["Content-Type"].startswith("application/atom+xml")
    xml = response.content.decode()
    assert xml.count("<entry>") == 50
    assert "http://testserver/events/khrushchev-ouster/" in xml


def test_atom_entries_have_permanent_absolute_ids_an_author_their_own_times_and_what_changed(client, era):
    xml = client.get("/changes.atom").content.decode()
    ids = re.findall(r"<id>([^<]+)</id>", xml)[1:]  # the first is the feed's own
    live = Publication.objects.live().get(kind=Kind.EVENT, slug="khrushchev-ouster")
    assert f"http://testserver/events/khrushchev-ouster/history/{live.pk}/" in ids
    assert all(id.startswith("http://testserver/") for id in ids)
    assert "<author><name>Thaw editors</name></author>" in xml
    updated = re.findall(r"<entry>.*?<updated>([^<]+)</updated>", xml)
    assert len(updated) == 50 and len(set(updated)) == 50
    assert "Imported from" not in xml and xml.count('<summary type="html">Added to the archive.</summary>') == 50


def test_machine_data_may_be_read_by_pages_on_any_site(client, era):
    for url in ["/timeline.json", "/events/secret-speech.json", "/people/nikita-khrushchev.json"]:
        assert client.get(url)["Access-Control-Allow-Origin"] == "*", url
    for url in ["/sources/csl.json", "/sources/bibtex.bib", "/sources/ris.ris"]:
        assert client.get(url)["Access-Control-Allow-Origin"] == "*", url
    assert not client.get("/events/secret-speech/").has_header("Access-Control-Allow-Origin")


def test_robots_txt_names_the_sitemap(client, db):
    response = client.get("/robots.txt")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "User-agent: *" in response.content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in response.content.decode()


def test_item_pages_carry_canonical_url_and_open_graph_tags(client, era):
    html = client.get("/events/secret-speech/?utm=x").content.decode()
    assert '<link rel="canonical" href="http://testserver/events/secret-speech/">' in html
    assert '<meta property="og:title" content="The Secret Speech">' in html
    assert '<meta property="og:type" content="article">' in html


def test_event_json_ld_describes_the_event_its_people_and_citations(client, era):
    data = json_ld(client.get("/events/secret-speech/").content.decode())
    assert data["@type"] == "Article" and data["about"]["@type"] == "Event"
    assert data["about"]["startDate"] == "1956-02-25"
    people = [attendee.get("attendee", attendee) for attendee in data["about"]["attendee"]]
    assert "Nikita Khrushchev" in [person["name"] for person in people]
    roles = [attendee for attendee in data["about"]["attendee"] if attendee["@type"] == "Role"]
    assert roles and all(role["roleName"] and role["attendee"]["@type"] == "Person" for role in roles)
    assert data["citation"][0]["url"] == "http://testserver/sources/wikipedia-ussr-1953-1964/"


def test_figure_and_source_json_ld(client, era):
    person = json_ld(client.get("/people/nikita-khrushchev/").content.decode())["about"]
    assert person["@type"] == "Person" and person["birthDate"] == "1894-04-15"
    book = json_ld(client.get("/sources/schapiro-1971/").content.decode())
    assert book["@type"] == "Book" and book["isbn"]
    assert book["author"] == [{"@type": "Person", "name": "Leonard Schapiro"}]  # natural order
    office = json_ld(client.get("/people/nikita-khrushchev/").content.decode())["about"]["memberOf"][0]
    assert office["@type"] == "Role" and office["roleName"] and office["memberOf"]["@type"] == "Organization"


def test_json_ld_cannot_close_its_script_element(client, era):
    Publication.objects.filter(kind=Kind.EVENT, slug="sputnik-1").update(summary="</script><script>alert(1)</script>")
    html = client.get("/events/sputnik-1/").content.decode()
    assert "</script><script>alert(1)" not in html
    assert json_ld(html)["description"] == "</script><script>alert(1)</script>"


def test_one_item_in_the_interchange_format_is_importable_as_it_is(client, era):
    response = client.get("/events/secret-speech.json")
    document = response.json()
    assert document["format"] == "thaw-era" and document["version"] == 1
    (event,) = document["events"]
    assert event["slug"] == "secret-speech" and event["date"] == "1956-02-25"
    assert client.get("/people/nikita-khrushchev.json").json()["figures"][0]["born"] == "1894-04-15"
    assert client.get("/sources/schapiro-1971.json").json()["sources"][0]["key"] == "schapiro-1971"


def test_item_json_of_a_missing_or_withdrawn_item_is_404(client, era):
    assert client.get("/events/no-such-event.json").status_code == 404
    Publication.objects.filter(kind=Kind.EVENT, slug="sputnik-1").update(is_live=False)
    assert client.get("/events/sputnik-1.json").status_code == 404


def test_timeline_json_is_what_timelinejs_reads(client, era):
    document = client.get("/timeline.json").json()
    assert document["title"]["text"]["headline"]
    assert len(document["events"]) == 49
    speech = next(e for e in document["events"] if e["unique_id"] == "secret-speech")
    assert speech["start_date"] == {"year": 1956, "month": 2, "day": 25, "display_date": "25 February 1956"}
    about = next(e for e in document["events"] if e["unique_id"] == "end-of-forced-labour")
    assert about["start_date"]["display_date"] == "c. 1953" and about["end_date"]["year"] == 1957


def test_not_found_page_is_in_the_sites_style_with_a_search_box(client, era):
    response = client.get("/events/no-such-event/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "site.css" in html and 'role="search"' in html and "Page not found" in html


def test_server_error_page_stands_alone_without_inline_style_or_script(client):
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert "site.css" in html and "<style" not in html and "<script" not in html and "style=" not in html


def test_pages_have_no_inline_script_or_style_for_a_strict_csp(client, era):
    for url in ["/", "/timeline/", "/events/secret-speech/", "/people/", "/topics/", "/search/?q=speech"]:
        html = client.get(url).content.decode()
        assert "style=" not in html and "<style" not in html, url
        assert re.findall(r"<script(?![^>]*application/ld\+json)", html) == [], url
