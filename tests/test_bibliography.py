"""Bibliography exports of live sources (CSL-JSON, BibTeX, RIS), parsed back; and "cite this page"."""

import json

import bibtexparser
import pytest
from pybtex.database import parse_string
from pybtex.plugin import find_plugin

from events.bibliography import bibtex_entry, latex_escape
from events.models import Source
from thaw_site.publishing.services import make_live, take_down

pytestmark = pytest.mark.django_db

BOOKS = {
    "baradat-1986": ("Soviet Political Society", "0-13-823592-9"),
    "schapiro-1971": ("The Communist Party of the Soviet Union", "0-394-70745-1"),
    "nenarokov-1968": ("Russia in the Twentieth Century: The View of a Soviet Historian", None),
}


def test_csl_json_parses_and_holds_the_further_reading_books(client, era):
    response = client.get("/sources/csl.json")
    assert response["Content-Type"].startswith("application/vnd.citationstyles.csl+json")
    assert "attachment" in response["Content-Disposition"]
    items = {item["id"]: item for item in json.loads(response.content)}
    assert set(items) == {*BOOKS, "wikipedia-ussr-1953-1964"}
    for key, (title, isbn) in BOOKS.items():
        assert items[key]["type"] == "book" and items[key]["title"] == title
        assert items[key].get("ISBN") == isbn
    assert items["schapiro-1971"]["author"] == [{"family": "Schapiro", "given": "Leonard"}]
    assert items["schapiro-1971"]["issued"] == {"date-parts": [[1971]]}
    assert items["schapiro-1971"]["publisher-place"] == "New York"
    assert items["wikipedia-ussr-1953-1964"]["author"] == [{"literal": "Wikipedia contributors"}]
    assert items["wikipedia-ussr-1953-1964"]["type"] == "webpage"


def test_bibtex_parses_back_with_stable_keys_and_isbns(client, era):
    response = client.get("/sources/bibtex.bib")
    assert response["Content-Type"].startswith("application/x-bibtex")
    library = bibtexparser.parse_string(response.content.decode())
    assert library.failed_blocks == []
    entries = {entry.key: entry for entry in library.entries}
    assert set(entries) == {*BOOKS, "wikipedia-ussr-1953-1964"}
    for key, (title, isbn) in BOOKS.items():
        assert entries[key].entry_type == "book"
        assert entries[key]["title"] == f"{{{title}}}"  # braced whole: styles keep its capitals
        isbn_field = entries[key].fields_dict.get("isbn")
        assert (isbn_field.value if isbn_field else None) == isbn
    assert entries["baradat-1986"]["author"] == "Baradat, Leon P."
    wikipedia = entries["wikipedia-ussr-1953-1964"]
    assert wikipedia.entry_type == "misc" and wikipedia["author"] == "{Wikipedia contributors}"
    assert wikipedia["url"].endswith("(1953%E2%80%931964)&action=history&offset=20120101000000")  # c. 2011
    assert (
        wikipedia["howpublished"] == "Wikipedia, The Free Encyclopedia"
        and wikipedia["note"] == "Online; accessed 2026-11-26"
    )


def test_a_standard_bibtex_style_keeps_the_titles_capitals(client, era):
    data = parse_string(client.get("/sources/bibtex.bib").content.decode(), "bibtex")
    style = find_plugin("pybtex.style.formatting", "plain")()
    printed = {entry.key: entry.text.render_as("text") for entry in style.format_entries(data.entries.values())}
    assert (
        "History of the Soviet Union (1953–1964), version of c. 2011. Wikipedia, The Free Encyclopedia, 2011."
        in (printed["wikipedia-ussr-1953-1964"])
    )
    assert "The Communist Party of the Soviet Union. Vintage Books" in printed["schapiro-1971"]


def test_a_source_lacking_what_its_bibtex_type_requires_is_misc():
    article = {"key": "a", "kind": "article-journal", "authors": [], "title": "T", "year": 1990}
    report = {"key": "r", "kind": "report", "authors": [], "title": "T", "publisher": "RAND", "year": 1960}
    assert bibtex_entry(article).startswith("@misc{a,")
    assert bibtex_entry(report).startswith("@techreport{r,") and "institution = {RAND}" in bibtex_entry(report)


def test_bibtex_escapes_tex_specials():
    assert latex_escape("50% & $5 #1 a_b {x} ~ ^ \\") == (
        r"50\% \& \$5 \#1 a\_b \{x\} \textasciitilde{} \textasciicircum{} \textbackslash{}"
    )
    source = {"key": "k", "kind": "report", "authors": ["O'Brien & Co"], "title": "100% {sure}", "url": "http://x/{y}"}
    library = bibtexparser.parse_string(bibtex_entry(source))
    [entry] = library.entries
    assert entry.entry_type == "misc"  # a report without its institution
    assert entry["title"] == r"{100\% \{sure\}}"
    assert entry["author"] == r"{O'Brien \& Co}"
    assert entry["url"] == "http://x/%7By%7D"


def test_ris_has_one_record_per_source(client, era):
    text = client.get("/sources/ris.ris").content.decode()
    records = [record for record in text.split("ER  - ") if record.strip()]
    assert len(records) == 4
    schapiro = next(record for record in records if "ID  - schapiro-1971" in record)
    assert "TY  - BOOK" in schapiro and "SN  - 0-394-70745-1" in schapiro and "AU  - Schapiro, Leonard" in schapiro


def test_exports_list_live_sources_only(client, era):
    Source.objects.create(key="draft-source", title="CANARY draft")
    take_down(Source.objects.get(key="baradat-1986"))
    for url in ("/sources/csl.json", "/sources/bibtex.bib", "/sources/ris.ris"):
        text = client.get(url).content.decode()
        assert "CANARY" not in text and "baradat-1986" not in text and "schapiro-1971" in text, url


def test_the_sources_page_links_the_exports(client, era):
    html = client.get("/sources/").content.decode()
    for url in ("/sources/csl.json", "/sources/bibtex.bib", "/sources/ris.ris"):
        assert f'href="{url}"' in html


def test_isbns_are_hyphenated_everywhere(client, era):
    source = Source.objects.get(key="schapiro-1971")
    source.isbn = "0394707451"
    source.save()
    make_live(source)
    assert "0-394-70745-1" in client.get("/sources/schapiro-1971/").content.decode()
    assert "0-394-70745-1" in client.get("/sources/csl.json").content.decode()


def test_every_item_page_offers_cite_this_page_in_the_site_style(client, era):
    for url in ("/events/secret-speech/", "/people/nikita-khrushchev/", "/periods/khrushchev-era/"):
        html = client.get(url).content.decode()
        cite = html.split('id="cite-heading"')[1]
        assert "Chicago" in cite and "Last modified" in cite
        assert f"http://testserver{url}" in cite, url
