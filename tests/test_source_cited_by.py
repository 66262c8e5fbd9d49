"""A source page's "cited by" is kept at publish time (CitingPage): each live citing page once, with its locators,
exactly what the live publications' citation links say, through publishing, withdrawing, restoring and migrating."""

import importlib
from collections import defaultdict

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events.models import Event, Source
from thaw_site.public import pages
from thaw_site.public.pages import citing
from thaw_site.publishing.publications import Publication
from thaw_site.publishing.read_models import CITING_KINDS, CitingPage, PublishedLink, rebuild_read_models
from thaw_site.publishing.services import publish, submit_for_review, withdraw

pytestmark = pytest.mark.django_db

WIKIPEDIA = "wikipedia-ussr-1953-1964"


def from_the_links():
    """{(source slug, publication pk): [locators in order]} worked out from the live pages' citation links."""
    found = defaultdict(list)
    rows = PublishedLink.objects.filter(
        relation="cites", publication__is_live=True, publication__kind__in=CITING_KINDS
    ).order_by("publication", "position")
    for source_slug, publication_pk, detail in rows.values_list("target_slug", "publication", "detail"):
        found[source_slug, publication_pk].append(detail)
    return dict(found)


def kept():
    return {(row.source_slug, row.publication_id): row.locators for row in CitingPage.objects.all()}


def cited_by(source_slug):
    return [row.slug for row in CitingPage.objects.filter(source_slug=source_slug)]


def republish(event, author, reviewer):
    event.save()
    submit_for_review(item=event, by=author, note="Citations changed")
    publish(item=event, by=reviewer, note="Citations changed")


def test_the_imported_era_keeps_one_entry_per_citing_page_and_source(era):
    expected = from_the_links()
    assert len(expected) == 68  # the article is cited by 68 live pages, the three books by none
    assert kept() == expected
    assert not CitingPage.objects.exclude(source_slug=WIKIPEDIA).exists()


def test_a_page_citing_a_source_twice_is_one_entry_with_both_locators(era, author, reviewer):
    event = Event.objects.get(slug="secret-speech")
    event.body += " Twice more. [@baradat-1986, p. 12] [@baradat-1986, ch. 3]"
    republish(event, author, reviewer)
    live = Publication.objects.live().get(kind="event", slug="secret-speech")
    assert CitingPage.objects.get(source_slug="baradat-1986").locators == ["p. 12", "ch. 3"]
    assert CitingPage.objects.get(source_slug="baradat-1986").publication == live
    assert kept() == from_the_links()


def test_publishing_a_change_replaces_the_old_versions_entries(era, author, reviewer):
    event = Event.objects.get(slug="secret-speech")
    event.body = "No citation left."
    event.date_citation = ""
    republish(event, author, reviewer)
    assert "secret-speech" not in cited_by(WIKIPEDIA)
    assert not CitingPage.objects.filter(publication__is_live=False).exists()
    assert kept() == from_the_links()


def test_withdrawing_a_page_takes_it_out_of_every_source_it_cited(era, reviewer):
    assert "secret-speech" in cited_by(WIKIPEDIA)
    withdraw(item=Event.objects.get(slug="secret-speech"), by=reviewer, note="Checking")
    assert "secret-speech" not in cited_by(WIKIPEDIA)
    assert kept() == from_the_links()


def test_pages_are_listed_periods_first_then_events_then_people_each_in_date_order(era):
    rows = list(citing(Publication(kind="source", slug=WIKIPEDIA)))
    kinds = [row.kind for row in rows]
    assert kinds == sorted(kinds, key=CITING_KINDS.index)
    events = [row.slug for row in rows if row.kind == "event"]
    in_date_order = Publication.objects.live().filter(kind="event", slug__in=events).in_order()
    assert len(events) > 10 and events == list(in_date_order.values_list("slug", flat=True))


def test_each_entry_shows_its_page_as_the_page_was_published(era):
    for row in CitingPage.objects.select_related("publication"):
        page = row.publication
        assert page.is_live
        assert (row.kind, row.slug, row.title, row.sort_start, row.sort_end) == (
            page.kind,
            page.slug,
            page.title,
            page.sort_start,
            page.sort_end,
        )
        assert row.get_absolute_url() == page.get_absolute_url()


def test_a_source_itself_is_never_listed_as_citing(era):
    assert set(CitingPage.objects.values_list("kind", flat=True)) == set(CITING_KINDS)
    assert Source.objects.filter(key=WIKIPEDIA).exists()


def test_rebuilding_gives_the_same_entries(era):
    before = kept()
    CitingPage.objects.all().delete()
    rebuild_read_models()
    assert kept() == before


def test_the_migration_fills_the_entries_from_the_live_pages(era):
    before = kept()
    CitingPage.objects.all().delete()
    importlib.import_module("thaw_site.migrations.0007_citing_pages").fill(apps, None)
    assert kept() == before


def test_a_long_lists_count_is_kept_until_a_page_citing_the_source_comes_or_goes(
    client, era, author, reviewer, settings, monkeypatch
):
    settings.MIDDLEWARE = [name for name in settings.MIDDLEWARE if not name.endswith("PublicPageCacheMiddleware")]
    monkeypatch.setattr(pages, "KEEP_COUNT_FROM", 10)  # the article's 68 citing pages make a long list
    url = f"/sources/{WIKIPEDIA}/"

    def shown(expected, counted):
        with CaptureQueriesContext(connection) as queries:
            html = client.get(url).content.decode()
        assert f"({expected} pages)" in html
        assert any("COUNT(" in query["sql"] for query in queries) == counted

    shown(68, counted=True)
    shown(68, counted=False)  # kept
    event = Event.objects.get(slug="secret-speech")
    withdraw(item=event, by=reviewer, note="Checking")
    shown(67, counted=True)
    shown(67, counted=False)
    republish(event, author, reviewer)
    shown(68, counted=True)
    event.body, event.date_citation = "No citation left.", ""
    republish(event, author, reviewer)
    shown(67, counted=True)
    shown(67, counted=False)
