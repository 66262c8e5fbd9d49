"""A large import refreshes PostgreSQL's planner statistics, so the next page views are planned for the data."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import ERA_FILE

pytestmark = pytest.mark.django_db


def statistics_queries(**options):
    with CaptureQueriesContext(connection) as queries:
        call_command("import_era", str(ERA_FILE), stdout=io.StringIO(), **options)
    return [query["sql"] for query in queries if "ANALYZE" in query["sql"]]


def analyzed(**options):
    return statistics_queries(**options) == ["ANALYZE"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="planner statistics are PostgreSQL's")
def test_an_import_of_many_items_analyzes_the_tables(monkeypatch):
    monkeypatch.setattr("events.management.commands.import_era.ANALYZE_AFTER", 50)
    assert not analyzed(dry_run=True)
    assert analyzed()  # the shipped file's items, created
    assert not analyzed()  # the same again: nothing written


@pytest.mark.skipif(connection.vendor != "postgresql", reason="planner statistics are PostgreSQL's")
def test_a_small_import_leaves_the_statistics_to_autovacuum():
    assert not analyzed()  # the shipped file has fewer items than ANALYZE_AFTER


@pytest.mark.skipif(connection.vendor != "postgresql", reason="VACUUM is PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_an_import_outside_a_transaction_also_vacuums_so_counts_read_the_indexes_alone(monkeypatch):
    monkeypatch.setattr("events.management.commands.import_era.ANALYZE_AFTER", 50)
    assert statistics_queries() == ["VACUUM (ANALYZE)"]
