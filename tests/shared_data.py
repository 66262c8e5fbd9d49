"""Datasets written once and shared by the tests that request them, like Django's TestCase.setUpTestData.

`@shared_dataset` turns a function that writes rows (and returns something, e.g. an import's report) into a
fixture of the same name. The rows are written once, in an outer transaction; each test's own transaction
(pytest-django's TestCase atomic) nests into it as a savepoint and is rolled back after the test, as before, so
every test starts from the same rows. The outer transaction is rolled back when a test that doesn't request the
dataset starts, so other tests see an empty database. tests/conftest.py does the wiring:

- `_django_db_helper` (pytest-django's per-test database setup, reached from `db`, `transactional_db` and the
  django_db marker) is overridden to call SHARED.use() first: outside the test's own atomic;
- pytest_collection_modifyitems runs the tests of each dataset together, after the other database tests, so each
  dataset is written about once a session;
- pytest_runtest_setup rolls the dataset back before a transactional test sets anything up.

A transactional test (transaction=True, transactional_db, live_server) can't run inside a transaction: it calls
the function itself and gets its own committed rows, flushed after it as before.
"""

import copy

import pytest
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections, transaction

TRANSACTIONAL_FIXTURES = {"transactional_db", "live_server", "django_db_reset_sequences"}


def is_transactional(item):
    """Whether pytest-django runs the test as a TransactionTestCase (committed data, a flush afterwards)."""
    marker = item.get_closest_marker("django_db")
    if marker and marker_is_transactional(*marker.args, **marker.kwargs):
        return True
    return bool(TRANSACTIONAL_FIXTURES & set(getattr(item, "fixturenames", ())))


def marker_is_transactional(transaction=False, reset_sequences=False, *args, **kwargs):
    """The django_db marker's arguments, as pytest-django reads them."""
    return bool(transaction or reset_sequences)


class SharedData:
    """At most one shared dataset at a time, in an outer transaction of the default database's connection."""

    def __init__(self):
        self.builders = {}  # fixture name -> the function writing its rows
        self.blocker = None  # pytest-django's django_db_blocker, set by the shared_data fixture
        self.name = None  # the dataset written now, if any
        self.value = None  # what its function returned
        self.connection = None  # the connection whose outer transaction holds it
        self.atomic = None
        self.writes = {}  # name -> how many times it was written this session

    def wanted(self, item):
        """The name of the shared dataset the test reads, if any (requested directly or through a fixture)."""
        if is_transactional(item):
            return None
        names = [name for name in self.builders if name in getattr(item, "fixturenames", ())]
        if len(names) > 1:
            raise pytest.UsageError(f"{item.nodeid} requests two shared datasets: {names}")
        return names[0] if names else None

    def check_intact(self):
        """The outer transaction is still the first atomic block of the connection the test uses, and usable.

        Django gives a thread another connection while an event loop runs in it (Playwright's sync API runs one):
        that connection doesn't see the dataset."""
        current = connections[DEFAULT_DB_ALIAS]
        if current is not self.connection or current.atomic_blocks[:1] != [self.atomic] or current.needs_rollback:
            raise RuntimeError(f"The outer transaction of {self.name!r} was ended, or the test uses another connection")

    def use(self, name):
        """Make `name`'s rows (or none, for None) what the database holds outside the test's own transaction."""
        if name == self.name:
            if name is not None:
                self.check_intact()
            return
        self.release()
        if name is None:
            return
        with self.blocker.unblock():
            connection = connections[DEFAULT_DB_ALIAS]
            if connection.in_atomic_block:
                raise RuntimeError(f"{name!r} must be written outside any transaction")
            atomic = transaction.atomic()
            atomic.__enter__()
            try:
                value = self.builders[name]()
                # Check the rows' deferred constraints now, once, in the outer transaction. Otherwise each test's
                # teardown would check them again (pytest-django's TestCase checks constraints before its rollback,
                # and a rolled-back savepoint un-marks the deferred checks it ran).
                connection.check_constraints()
            except BaseException:
                transaction.set_rollback(True)
                atomic.__exit__(None, None, None)
                raise
        self.name, self.value, self.connection, self.atomic = name, value, connection, atomic
        self.writes[name] = self.writes.get(name, 0) + 1
        cache.clear()  # what writing the rows cached (pages, the publication generation) belongs to no test

    def release(self):
        """Roll the current dataset back, if any."""
        if self.name is None:
            return
        self.check_intact()
        with self.blocker.unblock():
            transaction.set_rollback(True)
            self.atomic.__exit__(None, None, None)
        self.name = self.value = self.connection = self.atomic = None
        cache.clear()


SHARED = SharedData()


def shared_dataset(build):
    """Decorator: `build()` writes rows and returns a value; the fixture of the same name gives that value (a deep
    copy, so a test may change it) with the rows in the database, written once for the tests that share them."""
    name = build.__name__
    if name in SHARED.builders:
        raise ValueError(f"two shared datasets are named {name!r}")
    SHARED.builders[name] = build

    def fixture(request, db):
        if SHARED.wanted(request.node) == name:
            SHARED.check_intact()
            return copy.deepcopy(SHARED.value)
        return build()  # a transactional test's own committed copy

    fixture.__doc__ = build.__doc__
    return pytest.fixture(name=name)(fixture)
