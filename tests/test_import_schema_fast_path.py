"""The compiled schema check (fastjsonschema) decides alone only when it accepts a document: it must accept
nothing that jsonschema refuses, or an import could take a file the schema refuses. Where it refuses what
jsonschema accepts (a slug ending in a newline: its patterns' $ is stricter), jsonschema has the last word."""

import copy

import fastjsonschema
import jsonschema
import pytest
from hypothesis import given, settings

from events.interchange import SCHEMA, is_valid_fast, schema_errors
from tests.test_import_fuzz import DOCUMENT, damaged_documents

REFERENCE = jsonschema.Draft202012Validator(SCHEMA)


def accepted_fast(document):
    try:
        is_valid_fast(document)
    except fastjsonschema.JsonSchemaException:
        return False
    return True


@settings(max_examples=100, deadline=None)
@given(document=damaged_documents())
def test_the_compiled_check_accepts_nothing_jsonschema_refuses(document):
    assert not accepted_fast(document) or REFERENCE.is_valid(document)
    assert bool(schema_errors(document)) == (not REFERENCE.is_valid(document))


def damaged(section, field, value):
    document = copy.deepcopy(DOCUMENT)
    document[section][0][field] = value
    return document


@pytest.mark.parametrize(
    "document",
    [
        {**DOCUMENT, "version": True},  # equal to 1 in Python, not in JSON
        damaged("events", "slug", "secret-speech\n"),  # Python's $ matches before a final newline, in both
        damaged("events", "topics", ["economy", "economy"]),
        damaged("events", "date", "1956-02-25\n"),
        damaged("sources", "year", 1956.0),
        damaged("sources", "year", False),
        damaged("events", "title", "x" * 301),
        damaged("events", "status", "live"),
    ],
)
def test_on_edge_cases_the_import_refuses_what_jsonschema_refuses_and_no_more(document):
    assert not accepted_fast(document) or REFERENCE.is_valid(document)
    assert bool(schema_errors(document)) == (not REFERENCE.is_valid(document))


def test_the_shipped_era_passes_the_compiled_check_with_no_errors():
    assert accepted_fast(DOCUMENT)
    assert schema_errors(DOCUMENT) == []
