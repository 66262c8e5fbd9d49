"""The generate_era command: deterministic, realistic, and accepted by import_era."""

import json

import pytest
from django.core.management import CommandError, call_command

from events.generator import generate_era
from events.interchange import import_document, validate_document
from thaw_site.text.markup import CitedDocument


def small(seed=1):
    return generate_era(events=60, figures=20, sources=15, seed=seed)


def test_same_seed_gives_byte_identical_output(tmp_path):
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    for path in (first, second):
        call_command("generate_era", events=40, figures=10, sources=8, seed=3, output=str(path), stderr=None)
    assert first.read_bytes() == second.read_bytes()


def test_another_seed_gives_another_era():
    assert small(seed=1) != small(seed=2)


def test_generated_era_has_the_requested_sizes():
    document = small()
    assert (len(document["events"]), len(document["figures"]), len(document["sources"])) == (60, 20, 15)


def test_generated_era_is_realistic():
    document = generate_era(events=400, figures=60, sources=40, seed=1)
    events = document["events"]
    uses = []
    for event in events:
        cited = CitedDocument()
        cited.render_body(event["body"])
        uses.append(len(cited.citations))
    assert 4 <= sum(uses) / len(uses) <= 6
    assert 2.5 <= sum(len(e["participants"]) for e in events) / len(events) <= 3.5
    assert all(e["body"].count("\n\n") >= 1 for e in events)
    precisions = {len(e["date"].rstrip("~?%")) for e in events}
    assert precisions == {4, 7, 10}
    assert any(e["date"][-1] in "~?%" for e in events)
    statuses = [e["status"] for e in events]
    assert statuses.count("published") > len(statuses) * 0.8
    assert {"draft", "in_review", "withdrawn"} <= set(statuses)
    assert all(e["topics"] for e in events)
    assert any(f["offices"] for f in document["figures"])


def test_generated_era_passes_import_validation(db):
    validate_document(small())


def test_generated_era_imports(db):
    report = import_document(json.loads(json.dumps(small())), source_name="generated.json")
    assert report.counts()["created"] == 3 + 20 + 15 + 20 + 60


def test_unwritable_output_is_a_command_error(tmp_path):
    with pytest.raises(CommandError, match="--output: cannot write"):
        call_command("generate_era", events=1, figures=1, sources=1, output=str(tmp_path / "missing" / "x.json"))


def test_negative_sizes_are_refused():
    with pytest.raises(CommandError, match="must not be negative"):
        call_command("generate_era", events=-1)
