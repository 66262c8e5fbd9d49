"""The publishing policy's checks: citation_problems blocks publishing."""

import pytest
from django.core.exceptions import ValidationError

from events.models import Event, Source, Topic
from people.models import Figure
from thaw_site.publishing.citing import citation_problems

pytestmark = pytest.mark.django_db


@pytest.fixture
def wp(db):
    return Source.objects.create(key="wp", title="Wikipedia")


def event(body="", **fields):
    """An unsaved event: the checks read the text, not the database row."""
    return Event(slug="e", title="E", date="1956", body=body, **fields)


def test_a_cleanly_cited_item_has_no_problems(wp):
    item = event("A claim. [@wp, p. 4] Another. [citation needed: 2010-05]")
    assert citation_problems(item) == []


def test_an_unknown_key_is_a_problem_quoting_it(wp):
    assert citation_problems(event("A claim. [@nosuch, p. 4]")) == ["body: unknown source key 'nosuch' in [@nosuch]"]


@pytest.mark.parametrize("fragment", ["[@wp; oops]", "[citation needed: May 2010]", "[@wp"])
def test_a_malformed_citation_or_flag_is_a_problem_quoting_it(wp, fragment):
    [problem] = citation_problems(event(f"A claim. {fragment} More."))
    assert problem.startswith("body: ") and fragment in problem


def test_fact_citations_are_checked_too(wp):
    figure = Figure.objects.create(slug="f", name="F", born="1894", born_citation="[@gone]", died_citation="@wp")
    problems = citation_problems(figure)
    assert "born_citation: unknown source key 'gone' in [@gone]" in problems
    assert any(problem.startswith("died_citation: ") for problem in problems)


def test_the_policy_can_be_turned_off(wp, settings):
    settings.THAW_CITATION_POLICY = False
    assert citation_problems(event("A claim. [@nosuch]")) == []


def test_clean_still_refuses_what_the_policy_reports(wp):
    item = event("A claim. [@nosuch]")
    with pytest.raises(ValidationError) as refused:
        item.clean()
    assert "unknown source key 'nosuch'" in str(refused.value)


def test_items_that_cite_nothing_by_nature_pass(wp):
    topic = Topic.objects.create(slug="t", name="T")
    assert citation_problems(topic) == []
    assert citation_problems(wp) == []
