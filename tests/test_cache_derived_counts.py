"""Figures summed over the whole archive (events per topic, the main period's event count and key figures) are
counted once per publication generation, and counted again the moment a publish or withdrawal changes them."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events.models import Event
from tests.factories import UserFactory
from thaw_site.public.pages import live_topics_with_counts

from .public_site import publish_now, withdraw_now

pytestmark = pytest.mark.django_db


def events_per_topic():
    return {topic.slug: topic.event_count for topic in live_topics_with_counts()}


def queries_of(function):
    with CaptureQueriesContext(connection) as queries:
        function()
    return len(queries)


def test_the_counts_are_counted_once_until_something_is_published(era):
    first = queries_of(live_topics_with_counts)
    assert queries_of(live_topics_with_counts) == first - 1  # the topics themselves are still read


def test_withdrawing_an_event_counts_its_topics_again_at_once(era):
    event = Event.objects.get(slug="secret-speech")
    topics = list(event.topics.values_list("slug", flat=True))
    before = events_per_topic()
    withdraw_now(event)
    after = events_per_topic()
    assert topics and all(after[slug] == before[slug] - 1 for slug in topics)
    publish_now(event)
    assert events_per_topic() == before


def all_events_link(client):
    return int(re.search(r"All (\d+) events on the timeline", client.get("/").content.decode()).group(1))


def test_the_home_page_counts_the_main_period_again_after_a_withdrawal(client, era, monkeypatch):
    monkeypatch.setattr("thaw_site.public.views.HOME_EVENTS", 5)
    # Signed in: the whole page is never cached for the user, so only the derived counts are.
    client.force_login(UserFactory(username="reader"))
    before = all_events_link(client)
    assert all_events_link(client) == before > 5
    withdraw_now(Event.objects.get(slug="secret-speech"))
    assert all_events_link(client) == before - 1
