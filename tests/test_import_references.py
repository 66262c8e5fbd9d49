"""Sources from reference managers (CSL-JSON, BibTeX, RIS): mapped, checked, matched to existing sources, and the
site's own exports imported back change nothing."""

import json

import pytest

from events.models import Source
from tests.public_site import publish_now
from tests.test_import_spreadsheets import refused, run

ZOTERO = [
    {
        "id": "http://zotero.org/users/1/items/ABCD",
        "type": "book",
        "title": "Khrushchev: The Man and His Era",
        "author": [{"family": "Taubman", "given": "William"}],
        "publisher": "W. W. Norton",
        "publisher-place": "New York",
        "issued": {"date-parts": [[2003]]},
        "ISBN": "978-0-393-32484-6",
    },
    {
        "id": "zubok-2007",
        "type": "book",
        "title": "A Failed Empire",
        "author": [{"family": "Zubok", "given": "Vladislav"}],
        "issued": {"date-parts": [[2007]]},
        "DOI": "10.5149/9780807859582_zubok",
    },
]


def write(tmp_path, name, content):
    path = tmp_path / name
    path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    return path


def test_a_zotero_export_adds_its_books_as_draft_sources_and_again_changes_nothing(db, tmp_path):
    path = write(tmp_path, "zotero.json", ZOTERO)

    assert run(path).endswith("created 2, updated 0, unchanged 0.\n")
    assert run(path).endswith("created 0, updated 0, unchanged 2.\n")

    taubman = Source.objects.get(isbn="9780393324846")
    assert taubman.key.startswith("taubman-2003-")  # the Zotero id is no key: one is made, stably
    assert (taubman.authors, taubman.place, taubman.year, taubman.status) == (
        ["Taubman, William"],
        "New York",
        2003,
        "draft",
    )
    zubok = Source.objects.get(key="zubok-2007")
    assert (zubok.identifiers, zubok.url) == ({"doi": "10.5149/9780807859582_zubok"}, "")


@pytest.mark.parametrize("url_name", ["csl.json", "bibtex.bib", "ris.ris"])
def test_a_doi_goes_out_in_every_export_and_finds_its_source_on_the_way_back(era, client, tmp_path, url_name):
    source = Source.objects.filter(status="published").exclude(isbn="").first()
    source.identifiers = {**source.identifiers, "doi": "10.5149/9780807859582_Zubok"}
    source.isbn = ""  # so only the DOI can find it
    source.save()
    publish_now(source)
    live = Source.objects.filter(status="published").count()
    exported = client.get(f"/sources/{url_name}").content.decode()
    assert "10.5149/9780807859582_Zubok" in exported
    renamed = exported.replace(source.key, "renamed-in-the-file")

    assert run(write(tmp_path, "thaw-sources." + url_name.split(".")[1], renamed)).endswith(
        f"created 0, updated 0, unchanged {live}.\n"
    )
    assert not Source.objects.filter(key="renamed-in-the-file").exists()


def test_a_source_kept_with_a_doi_address_by_an_earlier_import_is_found_by_its_doi(db, tmp_path):
    Source.objects.create(key="zubok", title="A Failed Empire", url="https://doi.org/10.5149/9780807859582_ZUBOK")

    assert run(write(tmp_path, "zotero.json", ZOTERO[1:])).endswith("created 0, updated 1, unchanged 0.\n")
    assert Source.objects.get().identifiers == {"doi": "10.5149/9780807859582_zubok"}


def test_a_malformed_doi_is_named_and_nothing_is_written(db, tmp_path):
    errors = refused(write(tmp_path, "bad.json", [{**ZOTERO[1], "DOI": "doi:nonsense"}]))

    assert "field identifiers.doi: 'doi:nonsense' does not match" in errors
    assert not Source.objects.exists()


@pytest.mark.parametrize("url_name", ["csl.json", "bibtex.bib", "ris.ris"])
def test_importing_the_sites_own_bibliography_back_changes_nothing(era, client, tmp_path, url_name):
    live = Source.objects.filter(status="published").count()
    exported = client.get(f"/sources/{url_name}").content.decode()
    name = "thaw-sources." + url_name.split(".")[1]

    assert run(write(tmp_path, name, exported)).endswith(f"created 0, updated 0, unchanged {live}.\n")


def test_a_source_with_the_same_isbn_is_updated_not_duplicated(era, tmp_path):
    existing = Source.objects.exclude(isbn="").first()
    bibtex = f"@book{{another-key,\n  title = {{A {{New}} Title}},\n  isbn = {{{existing.isbn}}},\n}}\n"

    output = run(write(tmp_path, "one.bib", bibtex))

    assert output.endswith("created 0, updated 1, unchanged 0.\n")
    existing.refresh_from_db()
    assert (existing.title, Source.objects.filter(key="another-key").exists()) == ("A New Title", False)


def test_bibtex_latex_and_brace_protected_names_are_read(db, tmp_path):
    bibtex = (
        "@book{schapiro-1971,\n  author = {Schapiro, Leonard and {Central Committee of the CPSU} and Roy Medvedev},\n"
        "  title = {The {Communist Party} of the {Soviet Union} \\& Others},\n  publisher = {Eyre {\\&} Spottiswoode},\n"
        "  year = {1971},\n  url = {https://example.org/a_b%20c},\n}\n"
    )

    run(write(tmp_path, "refs.bib", bibtex))

    source = Source.objects.get(key="schapiro-1971")
    assert source.authors == ["Schapiro, Leonard", "Central Committee of the CPSU", "Medvedev, Roy"]
    assert (source.title, source.publisher) == (
        "The Communist Party of the Soviet Union & Others",
        "Eyre & Spottiswoode",
    )
    assert source.url == "https://example.org/a_b%20c"


def test_ris_records_are_read(db, tmp_path):
    ris = "TY  - JOUR\r\nID  - nove-1959\r\nAU  - Nove, Alec\r\nTI  - The Soviet Economy\r\nPY  - 1959\r\nER  - \r\n"

    run(write(tmp_path, "refs.ris", ris))

    source = Source.objects.get(key="nove-1959")
    assert (source.kind, source.authors, source.year) == ("article-journal", ["Nove, Alec"], 1959)


def test_bad_fields_are_named_by_entry_and_field_and_nothing_is_written(db, tmp_path):
    bad_isbn = [{**ZOTERO[0], "ISBN": "978-0-393-32484-7"}, {"id": "x", "type": "song", "title": "T"}]
    errors = refused(write(tmp_path, "bad.json", bad_isbn))
    assert (
        "item 1 'http://zotero.org/users/1/items/ABCD', field ISBN: '978-0-393-32484-7' is not a valid ISBN" in errors
    )
    assert "item 2 'x', field type: 'song' is not a CSL type this site reads" in errors

    errors = refused(write(tmp_path, "bad.bib", "@book{ok,\n title={T},\n year={19x}\n}\n@book{broken, title={T}\n"))
    assert "entry 1 'ok' (line 1), field year: '19x' is not a year" in errors
    assert "line 5: not a BibTeX entry" in errors

    errors = refused(write(tmp_path, "bad.ris", "TY  - BOOK\r\nID  - k\r\nPY  - 19x\r\nTI  - T\r\nER  - \r\n"))
    assert "record 1 'k', field PY: '19x' is not a year" in errors
    assert not Source.objects.exists()


def test_a_misc_entry_is_a_web_page_when_new_and_keeps_an_existing_sources_kind(db, tmp_path):
    Source.objects.create(key="speech-1956", kind="speech", title="On the Cult of Personality")
    bibtex = (
        "@misc{speech-1956,\n  title = {{On the Cult of Personality}},\n  howpublished = {Online},\n}\n"
        "@misc{wiki,\n  title = {{History}},\n  howpublished = {Wikipedia},\n  url = {https://en.wikipedia.org/},\n}\n"
    )

    assert run(write(tmp_path, "misc.bib", bibtex)).endswith("created 1, updated 0, unchanged 1.\n")
    assert (Source.objects.get(key="wiki").kind, Source.objects.get(key="wiki").publisher) == ("webpage", "Wikipedia")
