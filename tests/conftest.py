import json
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache

from events.interchange import import_document

ERA_FILE = Path(__file__).resolve().parent.parent / "events" / "fixtures" / "thaw_era.json"


@pytest.fixture
def era_document():
    """The shipped era dataset as a fresh, mutable dict."""
    return json.loads(ERA_FILE.read_text(encoding="utf-8"))


@pytest.fixture
def era(db, era_document):
    """The database loaded with the shipped era dataset."""
    return import_document(era_document, source_name=ERA_FILE.name)


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


def member_of(django_user_model, username, group):
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user(username, f"{username}@example.org", "pw", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def author(db, django_user_model):
    return member_of(django_user_model, "anna", "Authors")


@pytest.fixture
def reviewer(db, django_user_model):
    return member_of(django_user_model, "boris", "Reviewers")


@pytest.fixture
def other_reviewer(db, django_user_model):
    return member_of(django_user_model, "vera", "Reviewers")


@pytest.fixture
def superuser(db, django_user_model):
    return django_user_model.objects.create_superuser("admin", "admin@example.org", "pw")


@pytest.fixture
def users_by_role(author, reviewer, superuser, django_user_model):
    """One user of each role the permission matrices try: anonymous, plain staff, two authors, reviewer, superuser."""
    return {
        "anonymous": AnonymousUser(),
        "staff": django_user_model.objects.create_user("sasha", "s@example.org", "pw", is_staff=True),
        "author": author,
        "other_author": member_of(django_user_model, "olga", "Authors"),
        "reviewer": reviewer,
        "superuser": superuser,
    }
