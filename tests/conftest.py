"""Shared fixtures. The shipped era dataset is imported once per session, not once per test: see shared_data.py."""

import json
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache

from events.interchange import import_document
from events.models import Topic
from tests.factories import StaffFactory, SuperuserFactory
from tests.hostile_era import hostile_document
from tests.shared_data import SHARED, is_transactional, shared_dataset
from thaw_site.publishing.revisions import one_revision

ERA_FILE = Path(__file__).resolve().parent.parent / "events" / "fixtures" / "thaw_era.json"
ERA_TEXT = ERA_FILE.read_text(encoding="utf-8")


@shared_dataset
def era():
    """The database loaded with the shipped era dataset; returns the ImportReport of its import.

    Imported once and shared by the tests that request it (tests/shared_data.py); a transactional test imports
    its own committed copy."""
    return import_document(json.loads(ERA_TEXT), source_name=ERA_FILE.name)


@shared_dataset
def hostile_era():
    """A generated era made hostile (tests/hostile_era.py), imported: drafts and items in review among the live."""
    return import_document(hostile_document(), source_name="hostile.json")


@pytest.fixture
def era_document():
    """The shipped era dataset as a fresh, mutable dict."""
    return json.loads(ERA_TEXT)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    """The tests of each shared dataset run together, after the other database tests: each dataset is written about
    once a session. This runs before pytest-django's own reordering (database tests, then transactional ones, then
    the rest), whose stable sort keeps the order made here within each of its groups."""
    items.sort(key=lambda item: SHARED.wanted(item) or "")


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """A transactional test rolls the shared dataset back before any of its fixtures starts: the live server's, or
    a browser's (whose event loop would give the test another connection than the one holding the dataset)."""
    if is_transactional(item):
        SHARED.release()


@pytest.fixture(scope="session")
def shared_data(django_db_setup, django_db_blocker):
    SHARED.blocker = django_db_blocker
    yield SHARED
    SHARED.release()


@pytest.fixture
def _shared_data_for_this_test(request, shared_data):
    shared_data.use(shared_data.wanted(request.node))


@pytest.fixture
def _django_db_helper(_shared_data_for_this_test, _django_db_helper):
    """pytest-django's per-test database setup, overridden to write or roll back the shared dataset first: outside
    the test's own transaction (tests/shared_data.py)."""
    return _django_db_helper


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
def draft(author):
    """A draft topic, Maize, that the author created."""
    topic = Topic(slug="maize", name="Maize", description="Khrushchev's maize campaign.")
    with one_revision(topic, user=author, reason="New topic", created=True):
        topic.save()
    return topic


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
