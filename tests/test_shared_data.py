"""The era written once (tests/shared_data.py) still gives each test the same fresh era, and nothing to the others.

The two era tests below each change the era's rows and its report, and would fail if the other's changes leaked
into them, whichever runs first.
"""

import pytest

from events.models import Event, Topic
from tests.shared_data import SHARED

pytestmark = pytest.mark.django_db

LEAK = "shared-data-leak-check"


def change_the_era_and_check_it_was_fresh(era):
    assert not Topic.objects.filter(slug=LEAK).exists()
    assert Event.objects.get(slug="secret-speech").title == "The Secret Speech"
    assert era.counts() == {"created": len(era.created), "updated": 0, "unchanged": 0} and era.created
    Topic.objects.create(slug=LEAK, name="Leak check")
    Event.objects.filter(slug="secret-speech").update(title="Changed by a test")
    era.created.clear()


def test_an_era_test_sees_the_era_as_imported(era):
    change_the_era_and_check_it_was_fresh(era)


def test_another_era_test_sees_none_of_the_first_ones_changes(era):
    change_the_era_and_check_it_was_fresh(era)


def test_the_era_was_written_once_for_its_tests(era):
    assert SHARED.name == "era" and SHARED.writes["era"] == 1


def test_a_test_without_the_era_sees_an_empty_database():
    assert SHARED.name is None
    assert not Event.objects.exists() and not Topic.objects.exists()
