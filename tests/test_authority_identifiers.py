"""Authority identifiers (Wikidata, VIAF, GND, Library of Congress; DOI and OCLC for sources): checked by pattern
wherever they arrive, kept through import and export, shown as links, emitted as sameAs, found by search."""

import json
import re
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from events.interchange import ImportFailed, export_document, import_document
from events.models import Event, Source, Topic
from people.models import Figure
from thaw_site.text.identifiers import SCHEMES, identifier_problems, identifier_url

pytestmark = pytest.mark.django_db

SCHEMA = json.loads(
    (Path(__file__).resolve().parent.parent / "events" / "schemas" / "thaw-era-1.schema.json").read_text()
)
GOOD = {
    "wikidata": ["Q1000", "Q35236"],
    "viaf": ["66477450", "1"],
    "gnd": ["118561219", "4005728-8", "1012345678", "2015066-1"],
    "loc": ["n79021400", "sh85018505", "no2001012345"],
    "doi": ["10.1000/182", "10.2307/2500963"],
    "oclc": ["1340562", "9"],
}
BAD = {
    "wikidata": ["Q0", "q1000", "1000", "Q10a", "P31", " Q1000"],
    "viaf": ["0123", "viaf66477450", "12 34"],
    "gnd": ["abc", "118561219-", "0-1"],
    "loc": ["79021400", "x79021400", "n7902", "N79021400"],
    "doi": ["doi:10.1000/182", "https://doi.org/10.1000/182", "10.1/x", "10.1000/"],
    "oclc": ["ocm1340562", "0", "12a"],
}


def document(**sections):
    return {"format": "thaw-era", "version": 1, **sections}


def khrushchev(**fields):
    return {"slug": "nikita-khrushchev", "name": "Nikita Khrushchev", "status": "published", **fields}


@pytest.mark.parametrize(("scheme", "value"), [(s, v) for s, values in GOOD.items() for v in values])
def test_good_identifiers_pass_the_python_check_and_the_schema_pattern_alike(scheme, value):
    assert identifier_problems({scheme: value}, SCHEMES) == []
    assert re.search(SCHEMA["$defs"][f"{scheme}_id"]["pattern"], value)


@pytest.mark.parametrize(("scheme", "value"), [(s, v) for s, values in BAD.items() for v in values])
def test_bad_identifiers_fail_the_python_check_and_the_schema_pattern_alike(scheme, value):
    assert identifier_problems({scheme: value}, SCHEMES) == [
        f"{scheme}: {value!r} is not a {SCHEMES[scheme].label} identifier (e.g. {SCHEMES[scheme].example})"
    ]
    assert not re.search(SCHEMA["$defs"][f"{scheme}_id"]["pattern"], value)


def test_an_import_with_bad_identifiers_names_each_item_and_field_and_writes_nothing():
    bad = document(
        figures=[khrushchev(identifiers={"wikidata": "Khrushchev", "viaf": "66477450"})],
        topics=[{"slug": "thaw", "name": "Thaw", "identifiers": {"doi": "10.1000/182"}}],
        sources=[{"key": "book", "kind": "book", "title": "A book", "identifiers": {"oclc": "ocm1"}}],
    )
    with pytest.raises(ImportFailed) as failure:
        import_document(bad, source_name="bad.json")

    errors = failure.value.errors
    assert any(e.startswith("figures[0] 'nikita-khrushchev', field identifiers.wikidata: 'Khrushchev'") for e in errors)
    assert any(e.startswith("topics[0] 'thaw', field identifiers: unknown field(s): 'doi'") for e in errors)
    assert any(e.startswith("sources[0] 'book', field identifiers.oclc: 'ocm1'") for e in errors)
    assert len(errors) == 3
    assert not Figure.objects.exists() and not Topic.objects.exists() and not Source.objects.exists()


def test_identifiers_are_checked_in_the_admin_by_scheme_and_by_kind():
    figure = Figure(slug="nikita-khrushchev", name="Nikita Khrushchev", identifiers={"wikidata": "Q0", "doi": "10.1/x"})
    with pytest.raises(ValidationError) as failure:
        figure.full_clean()
    assert failure.value.message_dict["identifiers"] == [
        "wikidata: 'Q0' is not a Wikidata identifier (e.g. Q1000)",
        "doi: not an identifier here; use wikidata, viaf, gnd, loc",
    ]
    source = Source(key="a-book", title="A book", identifiers={"doi": "10.1000/182", "oclc": "1340562"})
    source.full_clean()  # sources may carry a DOI and an OCLC number


def test_identifiers_survive_import_and_export_and_a_file_without_them_imports_unchanged():
    import_document(document(figures=[khrushchev(identifiers={"wikidata": "Q35236"})]), source_name="a.json")
    exported = export_document()
    assert exported["figures"][0]["identifiers"] == {"wikidata": "Q35236"}

    report = import_document(exported, source_name="again.json")
    assert report.counts() == {"created": 0, "updated": 0, "unchanged": 1}
    without = import_document(document(topics=[{"slug": "thaw", "name": "Thaw"}]), source_name="v1.json")
    assert without.counts()["created"] == 1 and Topic.objects.get().identifiers == {}


def test_a_figure_imported_with_a_wikidata_identifier_has_it_as_same_as_and_as_a_link(client):
    import_document(
        document(figures=[khrushchev(identifiers={"wikidata": "Q35236", "viaf": "66477450"})]), source_name="a.json"
    )
    html = client.get("/people/nikita-khrushchev/").content.decode()
    ld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))

    assert ld["about"]["sameAs"] == ["https://www.wikidata.org/wiki/Q35236", "https://viaf.org/viaf/66477450"]
    assert '<a href="https://www.wikidata.org/wiki/Q35236" rel="noopener">Wikidata Q35236</a>' in html
    assert client.get("/people/nikita-khrushchev.json").json()["figures"][0]["identifiers"]["wikidata"] == "Q35236"


def test_a_source_has_its_url_and_its_doi_as_same_as(client):
    import_document(
        document(
            sources=[
                {
                    "key": "an-article",
                    "kind": "article-journal",
                    "title": "An article",
                    "url": "https://example.org/article",
                    "identifiers": {"doi": "10.2307/2500963"},
                    "status": "published",
                }
            ]
        ),
        source_name="a.json",
    )
    html = client.get("/sources/an-article/").content.decode()
    ld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))
    assert ld["sameAs"] == ["https://example.org/article", "https://doi.org/10.2307/2500963"]
    assert 'href="https://doi.org/10.2307/2500963"' in html


def test_a_search_for_an_identifier_finds_its_item(client):
    import_document(document(figures=[khrushchev(identifiers={"wikidata": "Q35236"})]), source_name="a.json")
    assert 'href="/people/nikita-khrushchev/"' in client.get("/search/", {"q": "Q35236"}).content.decode()


def test_library_of_congress_subjects_and_names_link_to_their_own_lists():
    assert identifier_url("loc", "sh85018505") == "https://id.loc.gov/authorities/subjects/sh85018505"
    assert identifier_url("loc", "n79021400") == "https://id.loc.gov/authorities/names/n79021400"


def test_the_shipped_era_carries_no_identifier_that_cannot_be_checked(era):
    """Never guessed: the seed article gives no authority identifier, so the shipped era carries none."""
    for model in (Event, Figure, Source, Topic):
        assert list(model.objects.exclude(identifiers={}).values_list("pk", flat=True)) == []
