import os

from django.db import connection


def test_the_suite_runs_on_the_database_it_was_asked_for():
    """A PostgreSQL run must never fall back to SQLite silently."""
    wanted = os.environ.get("DATABASE_URL", "sqlite")
    expected = "postgresql" if wanted.startswith(("postgres", "postgresql")) else "sqlite"
    assert connection.vendor == expected
