"""Imports under random damage: hypothesis breaks one field of one item of the shipped file (a wrong type, an
empty or odd value, a missing or unknown field), and the import either takes the file or refuses it naming the
item, with no traceback and nothing written."""

import copy
import io
import json
import re

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import ERA_FILE
from tests.test_import_era import ITEM_MODELS, export_text, total_history

pytestmark = pytest.mark.django_db

DOCUMENT = json.loads(ERA_FILE.read_text(encoding="utf-8"))
DELETE = object()
ODD_VALUES = st.one_of(
    st.just(DELETE),
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=False),
    st.text(max_size=40),
    st.sampled_from(["", " ", "1956-13-45", "99999", "../../etc", "<script>x</script>", "x" * 5000]),
    st.lists(st.one_of(st.text(max_size=8), st.integers()), max_size=3),
    st.dictionaries(st.text(max_size=8), st.one_of(st.text(max_size=8), st.integers()), max_size=2),
)
NAMES_AN_ITEM = re.compile(rf"\b(?:{'|'.join(ITEM_MODELS)})\[\d+\]")


@st.composite
def damaged_documents(draw):
    document = copy.deepcopy(DOCUMENT)
    section = draw(st.sampled_from(sorted(ITEM_MODELS)))
    target = draw(st.sampled_from(document[section]))
    field = draw(st.sampled_from([*sorted(target), "unexpected_field"]))
    value = draw(ODD_VALUES)
    if value is DELETE:
        target.pop(field, None)
    else:
        target[field] = value
    return document


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(document=damaged_documents())
def test_a_damaged_file_is_imported_whole_or_refused_naming_the_item_with_nothing_written(tmp_path, document):
    path = tmp_path / "damaged.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    with transaction.atomic():
        before = export_text(), total_history()
        errors = io.StringIO()
        try:
            call_command("import_era", str(path), stdout=io.StringIO(), stderr=errors)
        except CommandError as refusal:
            message = f"{refusal}\n{errors.getvalue()}"
            assert "damaged.json" in message and NAMES_AN_ITEM.search(message), message
            assert "Traceback" not in message
            assert (export_text(), total_history()) == before
        transaction.set_rollback(True)  # the next example starts from the same empty database
