"""Shared fixtures. The shipped era dataset is imported once per session, not once per test: see EraLoader."""

import copy
import json
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction

from events.interchange import import_document
from tests.factories import StaffFactory, SuperuserFactory

ERA_FILE = Path(__file__).resolve().parent.parent / "events" / "fixtures" / "thaw_era.json"
ERA_TEXT = ERA_FILE.read_text(encoding="utf-8")

TRANSACTIONAL_FIXTURES = {"transactional_db", "live_server", "django_db_reset_sequences"}


def is_transactional(item):
    """Whether pytest-django runs the test as a TransactionTestCase (committed data, a flush afterwards)."""
    marker = item.get_closest_marker("django_db")
    if marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")):
        return True
    return bool(TRANSACTIONAL_FIXTURES & set(getattr(item, "fixturenames", ())))


def shares_the_era(item):
    """Whether the test reads the era loaded once for the session: it requests `era` (directly or through another
    fixture) and is not transactional. Other tests see an empty database, as before."""
    return "era" in getattr(item, "fixturenames", ()) and not is_transactional(item)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    """Tests that share the era run after the other database tests, so the era is loaded about once a session.

    This runs before pytest-django's own reordering (database tests, then transactional ones, then the rest),
    whose stable sort keeps the order made here within each of its groups."""
    items.sort(key=shares_the_era)


class EraLoader:
    """The era imported once into an outer transaction that each test's own transaction nests into, as a savepoint
    rolled back after the test (what Django's TestCase.setUpTestData does for a class, here for the session).

    Loaded when a test that requests `era` starts; rolled back when a database test that doesn't starts, and before
    a transactional test sets up anything (it can't run inside a transaction: it imports its own committed copy)."""

    def __init__(self):
        self.blocker = None  # pytest-django's django_db_blocker, set by the era_loader fixture
        self.connection = None  # the connection whose outer transaction holds the era
        self.atomic = None
        self.report = None
        self.loads = 0

    @property
    def loaded(self):
        return self.atomic is not None

    def check_intact(self):
        """The outer transaction is still the first atomic block of the connection the test uses, and usable.

        Django gives a thread a separate connection while an event loop runs in it (Playwright's sync API runs one):
        that connection doesn't see the era."""
        current = connections[DEFAULT_DB_ALIAS]
        if current is not self.connection or current.atomic_blocks[:1] != [self.atomic] or current.needs_rollback:
            raise RuntimeError("The era's outer transaction was ended, or this test runs on another connection")

    def load(self):
        if self.loaded:
            self.check_intact()
            return
        with self.blocker.unblock():
            if connection.in_atomic_block:
                raise RuntimeError("The era must be loaded outside any transaction")
            atomic = transaction.atomic()
            atomic.__enter__()
            try:
                self.report = import_document(json.loads(ERA_TEXT), source_name=ERA_FILE.name)
            except BaseException:
                transaction.set_rollback(True)
                atomic.__exit__(None, None, None)
                raise
        self.connection, self.atomic = connections[DEFAULT_DB_ALIAS], atomic
        self.loads += 1
        cache.clear()  # what the import cached (the publication generation) belongs to no test

    def unload(self):
        if not self.loaded:
            return
        self.check_intact()
        with self.blocker.unblock():
            transaction.set_rollback(True)
            self.atomic.__exit__(None, None, None)
        self.connection = self.atomic = self.report = None
        cache.clear()


ERA_LOADER = EraLoader()


@pytest.fixture(scope="session")
def era_loader(django_db_setup, django_db_blocker):
    ERA_LOADER.blocker = django_db_blocker
    yield ERA_LOADER
    ERA_LOADER.unload()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """A transactional test rolls the era back before any of its fixtures: the live server's, or a browser's
    (which would give the test another connection than the one holding the era)."""
    if is_transactional(item):
        ERA_LOADER.unload()


@pytest.fixture
def _era_for_this_test(request, era_loader):
    if shares_the_era(request.node):
        era_loader.load()
    else:
        era_loader.unload()


@pytest.fixture
def _django_db_helper(_era_for_this_test, _django_db_helper):
    """pytest-django's per-test database setup (reached from `db`, `transactional_db` and the django_db marker),
    overridden to load or roll back the era first: outside the test's own transaction."""
    return _django_db_helper


@pytest.fixture
def era_document():
    """The shipped era dataset as a fresh, mutable dict."""
    return json.loads(ERA_TEXT)


@pytest.fixture
def era(request, db, era_loader):
    """The database loaded with the shipped era dataset; returns the ImportReport of its import.

    Shared by the tests in one outer transaction (see EraLoader); a transactional test imports its own copy."""
    if shares_the_era(request.node):
        era_loader.check_intact()
        return copy.deepcopy(era_loader.report)
    return import_document(json.loads(ERA_TEXT), source_name=ERA_FILE.name)


@pytest.fixture
def write_json(tmp_path):
    """Write a document to a file and return its path."""

    def write(document, name="era.json"):
        path = tmp_path / name
        path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
        return path

    return write


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: cached pages must not leak from one test's data to another's."""
    cache.clear()


@pytest.fixture
def author(db):
    return StaffFactory(username="anna", groups=["Authors"])


@pytest.fixture
def reviewer(db):
    return StaffFactory(username="boris", groups=["Reviewers"])


@pytest.fixture
def other_reviewer(db):
    return StaffFactory(username="vera", groups=["Reviewers"])


@pytest.fixture
def superuser(db):
    return SuperuserFactory()


@pytest.fixture
def users_by_role(author, reviewer, superuser):
    """One user of each role the permission matrices try: anonymous, plain staff, two authors, reviewer, superuser."""
    return {
        "anonymous": AnonymousUser(),
        "staff": StaffFactory(username="sasha"),
        "author": author,
        "other_author": StaffFactory(username="olga", groups=["Authors"]),
        "reviewer": reviewer,
        "superuser": superuser,
    }
