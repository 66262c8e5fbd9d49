"""Every read model agrees with the publications it copies (thaw_site.publishing.read_models).

The home of an item's links is its publication's frozen data["links"]. PublishedLink, LiveEventLink and
CitingPage copy them; whatever changes what is published (import, publish, withdraw, restore, a re-import of a
changed file), each table must hold exactly what the publications say, worked out here from the publications
alone, not from the code that writes the tables.
"""

import pytest
from django.core.management import call_command

from events.interchange import import_document
from events.models import Event, Source
from people.models import Figure
from thaw_site.publishing.publications import Publication
from thaw_site.publishing.read_models import CitingPage, LiveEventLink, PublishedLink, rebuild_read_models
from thaw_site.publishing.services import publish, submit_for_review, withdraw

pytestmark = pytest.mark.django_db

LISTED = {"period", "topic", "participant", "related"}
CITING = ["period", "event", "figure"]


def links_of(publications):
    return [
        (publication, position, link)
        for publication in publications
        for position, link in enumerate(publication.data["links"])
    ]


def expected_published_links():
    return sorted((p.pk, position, *link) for p, position, link in links_of(Publication.objects.all()))


def expected_live_event_links():
    live_events = Publication.objects.live().filter(kind="event")
    return sorted(
        (p.pk, position, *link, p.slug, p.title, p.summary, p.sort_start, p.sort_end, p.list_data)
        for p, position, link in links_of(live_events)
        if link[0] in LISTED
    )


def expected_citing_pages():
    pages = {}
    for p, _position, (relation, _kind, source, locator) in links_of(
        Publication.objects.live().filter(kind__in=CITING)
    ):
        if relation == "cites":
            entry = pages.setdefault((source, p.pk), (CITING.index(p.kind), p.kind, p.slug, p.title, p.sort_start, []))
            entry[-1].append(locator)
    return sorted((source, pk, *entry) for (source, pk), entry in pages.items())


def kept_published_links():
    fields = ("publication", "position", "relation", "target_kind", "target_slug", "detail")
    return sorted(PublishedLink.objects.values_list(*fields))


def kept_live_event_links():
    fields = ("publication", "position", "relation", "target_kind", "target_slug", "detail")
    fields += ("slug", "title", "summary", "sort_start", "sort_end", "list_data")
    return sorted(LiveEventLink.objects.values_list(*fields), key=repr)


def kept_citing_pages():
    fields = ("source_slug", "publication", "kind_order", "kind", "slug", "title", "sort_start", "locators")
    return sorted(CitingPage.objects.values_list(*fields))


def assert_every_read_model_agrees():
    assert kept_published_links() == expected_published_links()
    assert kept_live_event_links() == sorted(expected_live_event_links(), key=repr)
    assert kept_citing_pages() == expected_citing_pages()


def revise(item, author, reviewer):
    item.summary += " Revised."
    item.save()
    submit_for_review(item=item, by=author, note="Revised")
    publish(item=item, by=reviewer, note="Revised")


def test_every_read_model_agrees_after_an_import(era):
    assert len(expected_published_links()) > 400
    assert len(expected_live_event_links()) > 200
    assert len(expected_citing_pages()) > 50
    assert_every_read_model_agrees()


def test_every_read_model_agrees_after_publishing_changes(era, author, reviewer):
    for item in (Event.objects.get(slug="secret-speech"), Figure.objects.get(slug="nikita-khrushchev")):
        revise(item, author, reviewer)
    assert_every_read_model_agrees()


def test_every_read_model_agrees_after_withdrawals(era, reviewer):
    withdraw(item=Event.objects.get(slug="secret-speech"), by=reviewer, note="Under review")
    withdraw(item=Figure.objects.get(slug="nikita-khrushchev"), by=reviewer, note="Under review")
    withdraw(item=Source.objects.filter(status="published").first(), by=reviewer, note="Under review")
    assert_every_read_model_agrees()


def test_every_read_model_agrees_after_a_re_import_of_a_changed_file(era, era_document):
    event = next(e for e in era_document["events"] if e["slug"] == "secret-speech")
    event["summary"] += " Revised."
    event["topics"] = event["topics"][:1]
    import_document(era_document, source_name="changed.json")
    assert_every_read_model_agrees()


@pytest.mark.django_db(transaction=True)  # restore flushes: PostgreSQL won't truncate inside a test's transaction
def test_every_read_model_agrees_after_a_restore(era, author, reviewer, tmp_path):
    revise(Event.objects.get(slug="secret-speech"), author, reviewer)
    backup = tmp_path / "thaw.backup"
    call_command("backup", str(backup))
    call_command("flush", interactive=False, verbosity=0)
    call_command("restore", str(backup))
    assert_every_read_model_agrees()


def test_rebuilding_gives_back_what_publishing_wrote(era):
    before = kept_published_links(), kept_live_event_links(), kept_citing_pages()
    PublishedLink.objects.all().delete()
    LiveEventLink.objects.all().delete()
    CitingPage.objects.all().delete()
    rebuild_read_models()
    assert (kept_published_links(), kept_live_event_links(), kept_citing_pages()) == before
    assert_every_read_model_agrees()
