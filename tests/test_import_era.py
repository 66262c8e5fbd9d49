"""`manage.py import_era`: the thaw-era JSON import, its history rows, and every way a file can be refused."""

import copy
import io
import json
import re
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from simple_history.models import HistoricalChanges

from events import interchange
from events.models import Event, Period, Source, Topic
from people.models import Figure, Office
from tests.conftest import ERA_FILE
from thaw_site.publishing.publications import Publication

ITEM_MODELS = {"periods": Period, "topics": Topic, "sources": Source, "figures": Figure, "events": Event}
IDENT = {"sources": "key"}  # every other section is identified by its slug


# --- helpers --------------------------------------------------------------------------------


def history_counts():
    """Rows in every history table (the five item models, offices, the m2m history tables) and publications,
    whose superseded versions are kept as history too."""
    counts = {
        model._meta.label: model.objects.count() for model in apps.get_models() if issubclass(model, HistoricalChanges)
    }
    counts[Publication._meta.label] = Publication.objects.count()
    return counts


def total_history():
    return sum(history_counts().values())


def export_text():
    out = io.StringIO()
    call_command("export_era", stdout=out)
    return out.getvalue()


def run_import(path, *args):
    """Import and return what the command printed."""
    out = io.StringIO()
    call_command("import_era", str(path), *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def refused_import(path, *args):
    """Import a file that must be refused; return the exception message and the error output together."""
    err = io.StringIO()
    with pytest.raises(CommandError) as refusal:
        call_command("import_era", str(path), *args, stdout=io.StringIO(), stderr=err)
    return f"{refusal.value}\n{err.getvalue()}"


def item_count(document):
    return sum(len(document[section]) for section in ITEM_MODELS)


def find(document, section, ident):
    return next(item for item in document[section] if item[IDENT.get(section, "slug")] == ident)


def history_of(section, ident):
    model = ITEM_MODELS[section]
    return model.history.filter(**{IDENT.get(section, "slug"): ident}).order_by("history_date", "history_id")


# --- the good file ------------------------------------------------------------------------------


def test_importing_the_shipped_file_creates_every_item_and_reports_the_count(db, era_document):
    output = run_import(ERA_FILE)

    assert output == f"created {item_count(era_document)}, updated 0, unchanged 0.\n"
    for section, model in ITEM_MODELS.items():
        ident = IDENT.get(section, "slug")
        assert set(model.objects.values_list(ident, flat=True)) == {item[ident] for item in era_document[section]}
    assert Office.objects.count() == sum(len(f.get("offices", [])) for f in era_document["figures"])


def test_each_imported_item_has_exactly_one_creation_history_row_naming_the_file(db, era_document):
    run_import(ERA_FILE)

    for section, model in ITEM_MODELS.items():
        rows = model.history.values_list(IDENT.get(section, "slug"), "history_type", "history_change_reason")
        expected = [
            (item[IDENT.get(section, "slug")], "+", "Imported from thaw_era.json") for item in era_document[section]
        ]
        assert sorted(rows) == sorted(expected), section
    assert not Event.history.exclude(history_user=None).exists()


def test_the_single_history_row_of_an_event_records_its_final_relations(db, era_document):
    run_import(ERA_FILE)

    events = era_document["events"]
    history = apps.get_model("events", "HistoricalEvent")
    assert apps.get_model("events", "HistoricalEvent_topics").objects.count() == sum(len(e["topics"]) for e in events)
    assert apps.get_model("events", "HistoricalEvent_related").objects.count() == sum(len(e["related"]) for e in events)
    assert apps.get_model("events", "HistoricalParticipation").objects.count() == sum(
        len(e["participants"]) for e in events
    )
    speech = history.objects.get(slug="secret-speech")
    assert sorted(speech.topics.values_list("topic__slug", flat=True)) == sorted(
        find(era_document, "events", "secret-speech")["topics"]
    )


def test_as_user_records_that_user_on_every_history_row_including_offices(db):
    editor = get_user_model().objects.create_user("editor")

    run_import(ERA_FILE, "--as-user", "editor")

    for model in [*ITEM_MODELS.values(), Office]:
        assert model.history.exists()
        assert set(model.history.values_list("history_user", flat=True)) == {editor.pk}, model


def test_an_unknown_as_user_is_refused_naming_the_user_and_writes_nothing(db):
    message = refused_import(ERA_FILE, "--as-user", "no-such-editor")

    assert "'no-such-editor'" in message
    assert "--as-user" in message
    assert not any(model.objects.exists() for model in ITEM_MODELS.values())
    assert total_history() == 0


# --- re-import and changes ---------------------------------------------------------------------------


def with_accessed_date(document):
    find(document, "sources", "wikipedia-ussr-1953-1964")["accessed"] = "2011-06-01"


def with_offices_out_of_date_order(document):
    find(document, "figures", "joseph-stalin")["offices"].reverse()


REIMPORTS = [
    pytest.param(lambda document: None, id="shipped file"),
    pytest.param(with_accessed_date, id="source with an accessed date"),
    pytest.param(with_offices_out_of_date_order, id="offices not in date order"),
]


@pytest.mark.parametrize("variant", REIMPORTS)
def test_reimporting_the_same_file_changes_nothing_and_adds_no_history(db, era_document, write_json, variant):
    variant(era_document)
    path = write_json(era_document)
    run_import(path)
    history, exported = history_counts(), export_text()

    output = run_import(path)

    assert output == f"created 0, updated 0, unchanged {item_count(era_document)}.\n"
    assert history_counts() == history
    assert export_text() == exported


def test_a_document_may_refer_to_items_already_in_the_database(era, era_document, write_json):
    """References resolve against the file or the database: a file of one event needs no other section."""
    event = find(era_document, "events", "secret-speech")
    event.update(slug="secret-speech-published-abroad", title="The Secret Speech is published abroad", date="1956-06")
    event["related"] = ["secret-speech"]
    path = write_json({"format": "thaw-era", "version": 1, "events": [event]})

    assert run_import(path) == "created 1, updated 0, unchanged 0.\n"
    added = Event.objects.get(slug="secret-speech-published-abroad")
    assert added.period.slug == "khrushchev-era"
    assert list(added.related.values_list("slug", flat=True)) == ["secret-speech"]


def set_field(section, ident, name, value):
    def change(document):
        find(document, section, ident)[name] = value

    return change


def drop_last_office(document):
    find(document, "figures", "joseph-stalin")["offices"].pop()


CHANGES = {
    "event title": (
        set_field("events", "secret-speech", "title", "The Secret Speech of 1956"),
        "events",
        "secret-speech",
        ["title"],
    ),
    "event topics": (
        set_field("events", "secret-speech", "topics", ["de-stalinization"]),
        "events",
        "secret-speech",
        ["topics"],
    ),
    "event participants": (
        set_field("events", "secret-speech", "participants", [{"figure": "nikita-khrushchev", "role": "speaker"}]),
        "events",
        "secret-speech",
        ["participants"],
    ),
    "figure offices": (drop_last_office, "figures", "joseph-stalin", ["offices"]),
    "period next": (set_field("periods", "brezhnev-era", "next", None), "periods", "brezhnev-era", ["next"]),
    "source publisher": (
        set_field("sources", "baradat-1986", "publisher", "Prentice Hall"),
        "sources",
        "baradat-1986",
        ["publisher"],
    ),
    "topic status": (set_field("topics", "religion", "status", "withdrawn"), "topics", "religion", ["status"]),
}


@pytest.mark.parametrize(("change", "section", "ident", "fields"), CHANGES.values(), ids=CHANGES.keys())
def test_a_changed_item_is_updated_with_one_history_row_naming_the_file(
    era, era_document, write_json, change, section, ident, fields
):
    before = json.loads(export_text())
    history = history_counts()
    change(era_document)
    path = write_json(era_document, name="corrections.json")

    output = run_import(path, "--verbosity", "2")

    assert output.splitlines()[-1] == f"created 0, updated 1, unchanged {item_count(era_document) - 1}."
    assert f"updated    {section} {ident}: {', '.join(fields)}" in output.splitlines()
    rows = list(history_of(section, ident).values_list("history_type", "history_change_reason"))
    assert rows == [("+", "Imported from thaw_era.json"), ("~", "Imported from corrections.json")]
    for other_section, model in ITEM_MODELS.items():
        label = model.history.model._meta.label
        assert history_counts()[label] == history[label] + (other_section == section), other_section
    after = json.loads(export_text())
    for other_section in ITEM_MODELS:
        changed = [i for i, (old, new) in enumerate(zip(before[other_section], after[other_section])) if old != new]
        assert len(changed) == (other_section == section), other_section
    exported = find(after, section, ident)
    wanted = find(era_document, section, ident)
    for name in fields:
        if name == "topics":
            assert exported[name] == sorted(wanted[name])
        else:
            assert exported[name] == wanted[name]


def test_changing_every_field_of_an_existing_item_is_an_update_not_a_creation(era, era_document, write_json):
    find(era_document, "topics", "religion").update(
        name="Faith", description="Churches and the state.", status="withdrawn"
    )
    path = write_json(era_document, name="corrections.json")

    output = run_import(path)

    assert output == f"created 0, updated 1, unchanged {item_count(era_document) - 1}.\n"
    assert list(history_of("topics", "religion").values_list("history_type", flat=True)) == ["+", "~"]


def test_a_dry_run_reports_each_item_and_writes_nothing(era, era_document, write_json):
    find(era_document, "events", "secret-speech")["title"] = "The Secret Speech of 1956"
    era_document["topics"].append({"slug": "sport", "name": "Sport"})
    path = write_json(era_document)
    exported, history = export_text(), history_counts()

    lines = run_import(path, "--dry-run").splitlines()

    assert "created    topics sport" in lines
    assert "updated    events secret-speech: title" in lines
    assert "unchanged  periods khrushchev-era" in lines
    assert len(lines) == item_count(era_document) + 1
    assert (
        lines[-1]
        == f"Dry run, nothing written: would have created 1, updated 1, unchanged {item_count(era_document) - 2}."
    )
    assert export_text() == exported
    assert history_counts() == history
    assert not Topic.objects.filter(slug="sport").exists()


def test_a_dry_run_into_an_empty_database_writes_no_rows_and_no_history(db, era_document):
    lines = run_import(ERA_FILE, "--dry-run").splitlines()

    assert sum(line.startswith("created    ") for line in lines) == item_count(era_document)
    assert not any(model.objects.exists() for model in ITEM_MODELS.values())
    assert not Office.objects.exists()
    assert total_history() == 0


# --- bad documents ----------------------------------------------------------------------------


@dataclass
class Bad:
    """A bad file made from the good document: `build` returns the document (mutated in place) or raw bytes."""

    build: object
    expect: tuple  # regular expressions the error output must match
    imported: bool = False  # True: the good document is already in the database
    max_bytes: int | None = None


def item(section, ident):
    return rf"{section}\[\d+\] '{re.escape(ident)}'"


def at(section, ident, field):
    return rf"{item(section, ident)}, field {re.escape(field)}: "


def mutate(section, ident, **fields):
    """Set fields of one item; a field given as `...` is deleted."""

    def build(document):
        target = find(document, section, ident)
        for name, value in fields.items():
            if value is ...:
                del target[name]
            else:
                target[name] = value
        return document

    return build


def office(figure, index, **fields):
    def build(document):
        find(document, "figures", figure)["offices"][index].update(fields)
        return document

    return build


def rename_field(section, ident, old, new):
    def build(document):
        target = find(document, section, ident)
        target[new] = target.pop(old)
        return document

    return build


def top_level(**fields):
    def build(document):
        document.update(fields)
        return document

    return build


def duplicate(section, ident):
    def build(document):
        document[section].append(copy.deepcopy(find(document, section, ident)))
        return document

    return build


def drop_slug_of_first_figure(document):
    del document["figures"][0]["slug"]
    return document


def append_to_body(section, ident, text):
    def build(document):
        target = find(document, section, ident)
        target["body"] = f"{target['body']} {text}"
        return document

    return build


BAD = {
    "invalid JSON": Bad(lambda d: json.dumps(d).encode()[:-40], (r"invalid JSON at line \d+, column \d+",)),
    "not UTF-8": Bad(
        lambda d: json.dumps(d, ensure_ascii=False).replace("Moscow", "Moscòw").encode("latin-1", "replace"),
        (r"not UTF-8 \(byte \d+ is 0xf2\)",),
    ),
    "wrong format": Bad(top_level(format="thaw-eras"), (r"document: not a thaw-era document \(the 'format' field",)),
    "wrong version": Bad(top_level(version=2), (r"document: version 2 is not supported",)),
    "unknown top-level field": Bad(top_level(comment="hello"), (r"document: unknown field\(s\): 'comment'",)),
    "unknown event field (typo)": Bad(
        rename_field("events", "secret-speech", "title", "titel"),
        (
            item("events", "secret-speech") + r": unknown field\(s\): 'titel'",
            item("events", "secret-speech") + r": 'title' is a required",
        ),
    ),
    "event without date": Bad(
        mutate("events", "secret-speech", date=...),
        (item("events", "secret-speech") + r": 'date' is a required property",),
    ),
    "source without title": Bad(
        mutate("sources", "schapiro-1971", title=...),
        (item("sources", "schapiro-1971") + r": 'title' is a required property",),
    ),
    "figure without slug": Bad(drop_slug_of_first_figure, (r"figures\[0\]: 'slug' is a required property",)),
    "year as string": Bad(
        mutate("sources", "baradat-1986", year="1986"), (at("sources", "baradat-1986", "year") + "'1986'",)
    ),
    "topics as string": Bad(
        mutate("events", "secret-speech", topics="de-stalinization"),
        (at("events", "secret-speech", "topics") + "'de-stalinization' is not of type 'array'",),
    ),
    "month 13": Bad(
        mutate("events", "secret-speech", date="1956-13"),
        (at("events", "secret-speech", "date") + "'1956-13' is not a calendar date",),
    ),
    "30 February": Bad(
        mutate("events", "secret-speech", date="1956-02-30"),
        (at("events", "secret-speech", "date") + "'1956-02-30' is not a calendar date",),
    ),
    "date in words": Bad(
        mutate("events", "secret-speech", date="about 1955"), (at("events", "secret-speech", "date") + "'about 1955'",)
    ),
    "office date not EDTF": Bad(
        office("joseph-stalin", 0, start="1922-13"),
        (at("figures", "joseph-stalin", "offices[0].start") + "'1922-13'",),
        imported=True,
    ),
    "event ends before it starts": Bad(
        mutate("events", "secret-speech", end="1955"),
        (at("events", "secret-speech", "end") + "'1955' is before date '1956-02-25'",),
        imported=True,
    ),
    "period ends before it starts": Bad(
        mutate("periods", "khrushchev-era", end="1950"),
        (at("periods", "khrushchev-era", "end") + "'1950' is before start",),
        imported=True,
    ),
    "figure dies before birth": Bad(
        mutate("figures", "joseph-stalin", died="1870"), (at("figures", "joseph-stalin", "died") + "'1870'",)
    ),
    "ISBN check digit": Bad(
        mutate("sources", "schapiro-1971", isbn="0-394-70745-2"),
        (at("sources", "schapiro-1971", "isbn") + "'0-394-70745-2' is not a valid ISBN",),
        imported=True,
    ),
    "unknown event period": Bad(
        mutate("events", "secret-speech", period="no-such-period"),
        (at("events", "secret-speech", "period") + "no period 'no-such-period' in the file or the database",),
        imported=True,
    ),
    "unknown event topic": Bad(
        mutate("events", "secret-speech", topics=["de-stalinization", "no-such-topic"]),
        (at("events", "secret-speech", "topics") + "no topic 'no-such-topic'",),
        imported=True,
    ),
    "unknown related event": Bad(
        mutate("events", "secret-speech", related=["no-such-event"]),
        (at("events", "secret-speech", "related") + "no event 'no-such-event'",),
        imported=True,
    ),
    "unknown participant": Bad(
        mutate("events", "secret-speech", participants=[{"figure": "no-such-figure"}]),
        (at("events", "secret-speech", "participants[0].figure") + "no figure 'no-such-figure'",),
        imported=True,
    ),
    "unknown next period": Bad(
        mutate("periods", "khrushchev-era", next="no-such-period"),
        (at("periods", "khrushchev-era", "next") + "no period 'no-such-period'",),
    ),
    "two events with one slug": Bad(
        duplicate("events", "secret-speech"),
        (at("events", "secret-speech", "slug") + "duplicate slug 'secret-speech'",),
        imported=True,
    ),
    "two sources with one key": Bad(
        duplicate("sources", "baradat-1986"), (at("sources", "baradat-1986", "key") + "duplicate key 'baradat-1986'",)
    ),
    "citation of a missing source in a body": Bad(
        append_to_body("events", "secret-speech", "A claim. [@no-such-source, p. 3]"),
        (at("events", "secret-speech", "body") + r"citation \[@no-such-source\] names no source",),
        imported=True,
    ),
    "citation of a missing source in date_citation": Bad(
        mutate("events", "secret-speech", date_citation="[@no-such-source]"),
        (at("events", "secret-speech", "date_citation") + r"citation \[@no-such-source\] names no source",),
    ),
    "malformed citation": Bad(
        append_to_body("periods", "khrushchev-era", "A claim. [@ bad]"),
        (at("periods", "khrushchev-era", "body") + r"malformed citation '\[@ bad\]'",),
        imported=True,
    ),
    "malformed flag": Bad(
        append_to_body("figures", "joseph-stalin", "A claim. [citation needed: 2010]"),
        (at("figures", "joseph-stalin", "body") + r"malformed flag '\[citation needed: 2010\]'",),
        imported=True,
    ),
    "office ends before it starts": Bad(
        office("joseph-stalin", 0, end="1900"),
        (at("figures", "joseph-stalin", "offices[0].end") + "'1900' is before its start",),
        imported=True,
    ),
    "one figure twice in an event": Bad(
        mutate("events", "secret-speech", participants=[{"figure": "joseph-stalin"}, {"figure": "joseph-stalin"}]),
        (at("events", "secret-speech", "participants[1].figure") + "'joseph-stalin' is listed twice",),
        imported=True,
    ),
    "name longer than the column": Bad(
        mutate("periods", "khrushchev-era", name="N" * 201),
        (at("periods", "khrushchev-era", "name") + "'N+' is too long",),
        imported=True,
    ),
    "integer with 5000 digits": Bad(
        lambda d: json.dumps(d).replace('"year": 1986', '"year": ' + "1" * 5000).encode(), (r"bad\.json: invalid JSON",)
    ),
    "deeply nested JSON": Bad(lambda d: b"[" * 100_000 + b"]" * 100_000, (r"the JSON is nested too deeply",)),
    "file over the size cap": Bad(
        lambda d: d, (r"the file is [\d,]+ bytes; the limit is 1,000",), imported=True, max_bytes=1_000
    ),
}


INTO_EMPTY = {name: case for name, case in BAD.items() if not case.imported}
OVER_THE_ERA = {name: case for name, case in BAD.items() if case.imported}


@pytest.mark.parametrize("case", INTO_EMPTY.values(), ids=INTO_EMPTY.keys())
def test_a_bad_file_is_refused_naming_the_problem_and_changes_nothing(db, era_document, tmp_path, monkeypatch, case):
    assert_refused_changing_nothing(case, era_document, tmp_path, monkeypatch)


@pytest.mark.parametrize("case", OVER_THE_ERA.values(), ids=OVER_THE_ERA.keys())
def test_a_bad_file_over_the_era_is_refused_naming_the_problem_and_changes_nothing(
    era, era_document, tmp_path, monkeypatch, case
):
    assert_refused_changing_nothing(case, era_document, tmp_path, monkeypatch)


def assert_refused_changing_nothing(case, era_document, tmp_path, monkeypatch):
    if case.max_bytes is not None:
        monkeypatch.setattr(interchange, "MAX_BYTES", case.max_bytes)
    content = case.build(era_document)
    path = tmp_path / "bad.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")
    exported, history = export_text(), total_history()

    message = refused_import(path)

    assert "bad.json" in message
    for pattern in case.expect:
        assert re.search(pattern, message), f"{pattern!r} not in:\n{message}"
    assert "Traceback" not in message
    assert "RecursionError" not in message
    assert export_text() == exported
    assert total_history() == history


@pytest.mark.parametrize("name", ["absent.json", "."], ids=["missing file", "directory"])
def test_a_path_that_cannot_be_read_is_refused_naming_it(db, tmp_path, name):
    message = refused_import(tmp_path / name)

    assert str(tmp_path / name) in message
    assert "cannot read the file" in message


def test_more_than_fifty_problems_are_listed_up_to_the_cap_with_a_count_of_the_rest(db, era_document, write_json):
    for event in era_document["events"][:30]:
        event["date"] = "1956-13"
        event["date_citation"] = "[@no-such-source]"
    path = write_json(era_document)

    message = refused_import(path)

    assert message.count("error: ") == interchange.MAX_ERRORS
    assert "… and 10 more" in message
    assert not Event.objects.exists()


# --- unsafe markup is stored, and rendered harmlessly -------------------------------------------------------

UNSAFE_BODIES = {
    "script tag": '<script>alert("body")</script>',
    "inline event handler": '<img src="x" onerror="alert(1)">',
    "raw anchor": '<a href="javascript:alert(1)">raw</a>',
    "markdown link": "[click](javascript:alert(1))",
    "mixed case scheme": "[click](JaVaScRiPt:alert(1))",
    "entity-encoded scheme": "[click](&#106;avascript:alert(1))",
    "autolink": "<javascript:alert(1)>",
    "reference link": "[click][x]\n\n[x]: javascript:alert(1)",
}


@pytest.mark.parametrize("markup", UNSAFE_BODIES.values(), ids=UNSAFE_BODIES.keys())
def test_raw_html_and_javascript_links_in_a_body_are_imported_and_rendered_harmlessly(
    era, era_document, write_json, client, markup
):
    event = find(era_document, "events", "secret-speech")
    event["body"] = f"Before the markup.\n\n{markup}\n\nAfter the markup."
    path = write_json(era_document)

    assert run_import(path).startswith("created 0, updated 1,")
    assert Event.objects.get(slug="secret-speech").body == event["body"]

    html = client.get("/events/secret-speech/").content.decode()
    body = html.split('<div class="body">', 1)[1].split("</div>", 1)[0]
    assert "Before the markup." in body
    assert "After the markup." in body
    assert "<script" not in body.lower()
    assert "<img" not in body.lower()
    assert re.findall(r"<script[^>]*>", html.lower()) == ['<script type="application/ld+json">']
    assert 'href="javascript:' not in html.lower()
