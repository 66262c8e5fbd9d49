"""The lists of events on period, topic, people and event pages are kept at publish time (LiveEventLink): one row
per listed link of each live event, exactly what the live events' own links say, through publishing, withdrawing,
restoring and migrating."""

import importlib

import pytest
from django.apps import apps

from events.models import Event
from people.models import Figure
from thaw_site.public.pages import as_events, as_linked, events_linking_to
from thaw_site.publishing.publications import Kind, Publication
from thaw_site.publishing.read_models import LISTED_EVENT_LINKS, LiveEventLink, PublishedLink, rebuild_read_models
from thaw_site.publishing.services import publish, submit_for_review, withdraw

pytestmark = pytest.mark.django_db


def from_the_links():
    """{(publication pk, position): (relation, target kind, target slug, detail)} of the live events' links."""
    rows = PublishedLink.objects.filter(
        relation__in=LISTED_EVENT_LINKS, publication__is_live=True, publication__kind=Kind.EVENT
    )
    return {
        (pk, position): tuple(link)
        for pk, position, *link in rows.values_list(
            "publication", "position", "relation", "target_kind", "target_slug", "detail"
        )
    }


def kept():
    rows = LiveEventLink.objects.values_list(
        "publication", "position", "relation", "target_kind", "target_slug", "detail"
    )
    return {(pk, position): tuple(link) for pk, position, *link in rows}


def events_of(kind, slug, relation):
    return [entry.slug for entry in as_events(events_linking_to(Publication(kind=kind, slug=slug), relation))]


def republish(item, author, reviewer):
    item.summary += " Revised."
    item.save()
    submit_for_review(item=item, by=author, note="Links changed")
    publish(item=item, by=reviewer, note="Links changed")


def test_the_imported_era_keeps_one_row_per_listed_link_of_each_live_event(era):
    expected = from_the_links()
    assert len(expected) > 200
    assert kept() == expected
    assert {relation for relation, *_ in expected.values()} == set(LISTED_EVENT_LINKS)


def test_each_row_shows_its_event_as_the_event_was_published(era):
    for row in LiveEventLink.objects.select_related("publication"):
        event = row.publication
        assert event.is_live and event.kind == Kind.EVENT
        assert (row.slug, row.title, row.summary, row.sort_start, row.sort_end, row.list_data) == (
            event.slug,
            event.title,
            event.summary,
            event.sort_start,
            event.sort_end,
            event.list_data,
        )


def test_an_items_events_are_listed_in_date_order_as_their_own_links_say(era):
    in_the_period = Publication.objects.live().filter(
        kind=Kind.EVENT, links__relation="period", links__target_kind=Kind.PERIOD, links__target_slug="khrushchev-era"
    )
    expected = list(in_the_period.in_order().values_list("slug", flat=True))
    assert len(expected) == 49
    assert events_of(Kind.PERIOD, "khrushchev-era", "period") == expected


def test_a_persons_events_carry_the_role_they_had(era):
    linked = as_linked(events_linking_to(Publication(kind=Kind.FIGURE, slug="nikita-khrushchev"), "participant"))
    roles = dict(
        PublishedLink.objects.filter(
            relation="participant", target_slug="nikita-khrushchev", publication__is_live=True
        ).values_list("publication__slug", "detail")
    )
    assert len(linked) > 10
    assert {item.target.slug: item.detail for item in linked} == roles
    assert all(item.target.get_absolute_url() == f"/events/{item.target.slug}/" for item in linked)


def test_publishing_a_change_replaces_the_old_versions_rows(era, author, reviewer):
    event = Event.objects.get(slug="secret-speech")
    assert "secret-speech" in events_of(Kind.TOPIC, "de-stalinization", "topic")
    event.topics.clear()
    republish(event, author, reviewer)
    assert "secret-speech" not in events_of(Kind.TOPIC, "de-stalinization", "topic")
    assert not LiveEventLink.objects.filter(publication__is_live=False).exists()
    assert kept() == from_the_links()


def test_withdrawing_an_event_takes_it_off_every_page_that_listed_it(era, reviewer):
    assert "secret-speech" in events_of(Kind.FIGURE, "nikita-khrushchev", "participant")
    withdraw(item=Event.objects.get(slug="secret-speech"), by=reviewer, note="Checking")
    assert "secret-speech" not in events_of(Kind.FIGURE, "nikita-khrushchev", "participant")
    assert "secret-speech" not in events_of(Kind.PERIOD, "khrushchev-era", "period")
    assert kept() == from_the_links()


def test_a_person_republished_keeps_the_events_that_name_them(era, author, reviewer):
    before = events_of(Kind.FIGURE, "nikita-khrushchev", "participant")
    republish(Figure.objects.get(slug="nikita-khrushchev"), author, reviewer)
    assert events_of(Kind.FIGURE, "nikita-khrushchev", "participant") == before


def test_rebuilding_gives_the_same_rows(era):
    before = kept()
    LiveEventLink.objects.all().delete()
    rebuild_read_models()
    assert kept() == before


def test_the_migration_fills_the_rows_from_the_live_events(era):
    before = kept()
    LiveEventLink.objects.all().delete()
    importlib.import_module("thaw_site.migrations.0008_live_event_links").fill(apps, None)
    assert kept() == before
