"""`manage.py export_era`: the thaw-era JSON export, its round trip, and Django's own dump and load beside it."""

import io
import json
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from jsonschema import Draft202012Validator
from simple_history.models import HistoricalChanges

from events.interchange import import_document
from events.models import Event, Source
from tests.conftest import ERA_FILE
from thaw_site.publishing.publications import Publication

SECTIONS = ("periods", "topics", "sources", "figures", "events")
SCHEMA_FILE = Path(__file__).resolve().parent.parent / "events" / "schemas" / "thaw-era-1.schema.json"


def export_text(*args):
    out = io.StringIO()
    call_command("export_era", *args, stdout=out)
    return out.getvalue()


def import_file(path):
    out = io.StringIO()
    call_command("import_era", str(path), stdout=out, stderr=io.StringIO())
    return out.getvalue()


def schema_problems(document):
    validator = Draft202012Validator(json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))
    return [f"{list(error.absolute_path)}: {error.message}" for error in validator.iter_errors(document)]


def history_total():
    """Rows of every history table, and publications (superseded versions stay as history)."""
    tables = [model for model in apps.get_models() if issubclass(model, HistoricalChanges)] + [Publication]
    return sum(model.objects.count() for model in tables)


@pytest.mark.parametrize("loaded", [True, False], ids=["shipped data", "empty database"])
def test_export_to_stdout_is_a_thaw_era_version_1_document_valid_against_the_schema(db, era_document, loaded):
    if loaded:
        import_document(era_document, source_name=ERA_FILE.name)

    document = json.loads(export_text())

    assert document["format"] == "thaw-era"
    assert document["version"] == 1
    assert schema_problems(document) == []
    assert [len(document[section]) for section in SECTIONS] == [
        len(era_document[section]) if loaded else 0 for section in SECTIONS
    ]


def test_an_export_with_empty_optional_dates_is_valid_and_imports_again(db, write_json):
    undated = {"format": "thaw-era", "version": 1, "periods": [{"slug": "undated", "name": "Undated"}]}
    import_document(undated, source_name="undated.json")
    exported = json.loads(export_text())

    assert schema_problems(exported) == []
    assert exported["periods"][0]["start"] is None
    assert import_file(write_json(exported)) == "created 0, updated 0, unchanged 1.\n"


def test_export_with_output_writes_the_file_and_prints_nothing(era, tmp_path):
    path = tmp_path / "era.json"

    printed = export_text("--output", str(path))

    assert printed == ""
    assert path.read_text(encoding="utf-8") == export_text()
    assert json.loads(path.read_text(encoding="utf-8"))["format"] == "thaw-era"


@pytest.mark.django_db(transaction=True)
def test_an_export_imported_into_an_empty_database_exports_byte_for_byte_the_same(era_document, tmp_path):
    import_file(ERA_FILE)
    first = tmp_path / "a.json"
    first.write_text(export_text(), encoding="utf-8")
    assert import_file(first).startswith("created 0, updated 0, unchanged ")  # the export is the canonical form

    call_command("flush", interactive=False)
    output = import_file(first)
    second = export_text()

    items = sum(len(era_document[section]) for section in SECTIONS)
    assert output == f"created {items}, updated 0, unchanged 0.\n"
    assert second.encode() == first.read_bytes()


@pytest.mark.parametrize(
    ("written", "stored", "exported"),
    [
        ("0-394-70745-1", "0394707451", "0-394-70745-1"),
        ("0138235929", "0138235929", "0-13-823592-9"),
        ("978-0-394-70745-7", "9780394707457", "978-0-394-70745-7"),
        ("9780394707457", "9780394707457", "978-0-394-70745-7"),
    ],
)
def test_isbns_are_stored_compact_and_exported_hyphenated(era, era_document, write_json, written, stored, exported):
    source = next(s for s in era_document["sources"] if s["key"] == "schapiro-1971")
    source["isbn"] = written
    import_file(write_json(era_document))

    assert Source.objects.get(key="schapiro-1971").isbn == stored
    document = json.loads(export_text())
    assert next(s for s in document["sources"] if s["key"] == "schapiro-1971")["isbn"] == exported


def test_the_shipped_isbns_are_stored_compact_and_exported_hyphenated(era, era_document):
    exported = {s["key"]: s["isbn"] for s in json.loads(export_text())["sources"]}

    for source in era_document["sources"]:
        assert exported[source["key"]] == source["isbn"]
        assert Source.objects.get(key=source["key"]).isbn == source["isbn"].replace("-", "")
    assert exported["schapiro-1971"] == "0-394-70745-1"


def dump_flush_and_load(path):
    """Django's own backup and restore, natural keys throughout: every app but Django's own bookkeeping.

    That is the events and people apps (the working copies and their history) and thaw_site, whose
    publications are what the public pages are built from.
    """
    call_command(
        "dumpdata",
        natural_foreign=True,
        natural_primary=True,
        exclude=["contenttypes", "auth", "admin", "sessions"],
        output=str(path),
        verbosity=0,
    )
    call_command("flush", interactive=False)
    call_command("loaddata", str(path), verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_dumpdata_flush_loaddata_gives_the_same_export_and_the_same_event_page(client, tmp_path):
    import_file(ERA_FILE)
    exported, page = export_text(), client.get("/events/secret-speech/")
    assert page.status_code == 200

    dump_flush_and_load(tmp_path / "dump.json")

    assert export_text() == exported
    again = client.get("/events/secret-speech/")
    assert again.status_code == 200
    assert again.content.decode() == page.content.decode()


@pytest.mark.django_db(transaction=True)
def test_dumpdata_flush_loaddata_restores_the_history_without_adding_rows(tmp_path):
    import_file(ERA_FILE)
    history = history_total()

    dump_flush_and_load(tmp_path / "dump.json")

    assert history_total() == history


@pytest.mark.django_db(transaction=True)
def test_after_a_natural_key_restore_an_edited_event_can_be_published_again(client, era_document, write_json, tmp_path):
    placeholder = {
        "format": "thaw-era",
        "version": 1,
        "events": [{"slug": "placeholder", "title": "P", "date": "1950"}],
    }
    import_file(write_json(placeholder, name="placeholder.json"))
    import_file(ERA_FILE)
    Event.objects.filter(slug="placeholder").delete()  # a gap in the primary keys, as years of editing leave
    dump_flush_and_load(tmp_path / "dump.json")
    next(e for e in era_document["events"] if e["slug"] == "secret-speech")["title"] = (
        "The Speech to the Twentieth Congress"
    )

    import_file(write_json(era_document))

    assert "The Speech to the Twentieth Congress" in client.get("/events/secret-speech/").content.decode()


def test_an_event_with_more_people_than_sqlite_takes_in_one_expression_is_exported(db):
    """SQLite refuses an expression deeper than 1,000 terms: prefetching a thousand figures by id was one."""
    figures = [{"slug": f"person-{n:04}", "name": f"Person {n}"} for n in range(1100)]
    crowd = {
        "slug": "crowd",
        "title": "A crowd",
        "date": "1957",
        "participants": [{"figure": f["slug"]} for f in figures],
    }
    document = {"format": "thaw-era", "version": 1, "figures": figures, "events": [crowd]}
    import_document(document, source_name="crowd.json")

    (event,) = json.loads(export_text())["events"]
    assert [p["figure"] for p in event["participants"]] == [f["slug"] for f in figures]
