"""The public sees live publications only: the live version stays until a change is published."""

import pytest

from events.models import Event, Source, Topic
from people.models import Figure
from thaw_site.publishing.publications import Publication
from thaw_site.publishing.services import make_live, publish, submit_for_review, withdraw

pytestmark = pytest.mark.django_db


def html(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_editing_a_published_item_changes_nothing_public_until_it_is_published(client, era, author, reviewer):
    event = Event.objects.get(slug="secret-speech")
    before = html(client, "/events/secret-speech/")
    event.title = "CANARY draft title"
    event.body = "CANARY draft body. [@wikipedia-ussr-1953-1964, p. 999]"
    event.save()
    event.topics.set([Topic.objects.get(slug="space")])
    event.participations.all().delete()
    assert html(client, "/events/secret-speech/") == before
    assert "CANARY" not in html(client, "/")
    submit_for_review(item=event, by=author, note="New wording")
    publish(item=event, by=reviewer, note="New wording")
    after = html(client, "/events/secret-speech/")
    assert "CANARY draft title" in after and "p. 999" in after
    assert 'href="/topics/space/"' in after and 'href="/people/nikita-khrushchev/"' not in after


def test_a_renamed_figure_shows_its_live_name_on_event_pages(client, era, author, reviewer):
    figure = Figure.objects.get(slug="nikita-khrushchev")
    figure.name = "CANARY unpublished name"
    figure.save()
    assert "CANARY" not in html(client, "/events/secret-speech/")
    submit_for_review(item=figure, by=author, note="Rename")
    publish(item=figure, by=reviewer, note="Rename")
    assert "CANARY unpublished name" in html(client, "/events/secret-speech/")


def test_links_to_withdrawn_items_disappear_from_live_pages(client, era, reviewer):
    withdraw(item=Figure.objects.get(slug="nikita-khrushchev"), by=reviewer, note="test")
    assert 'href="/people/nikita-khrushchev/"' not in html(client, "/events/secret-speech/")


def test_references_to_an_unpublished_source_do_not_show_it(client, era, reviewer):
    withdraw(item=Source.objects.get(key="wikipedia-ussr-1953-1964"), by=reviewer, note="test")
    page = html(client, "/events/secret-speech/")
    assert "A source not yet published." in page and "/sources/wikipedia-ussr-1953-1964/" not in page


def test_each_publication_is_kept_and_only_the_newest_is_live(era):
    event = Event.objects.get(slug="secret-speech")
    first = Publication.objects.live().get(kind="event", slug="secret-speech")
    event.title = "Second title"
    event.save()
    second = make_live(event, note="second")
    first.refresh_from_db()
    assert not first.is_live and second.is_live
    assert Publication.objects.filter(kind="event", item_uid=event.uid).count() == 2
    assert second.revision_id == event.history.first().history_id


def test_each_transition_writes_one_history_row_naming_the_reason(era, reviewer):
    topic = Topic.objects.get(slug="space")
    rows = topic.history.count()
    withdraw(item=topic, by=reviewer, note="off topic")
    submit_for_review(item=topic, by=reviewer, note="again")
    publish(item=topic, by=reviewer, note="back")
    assert topic.history.count() == rows + 3
    assert [h.history_change_reason for h in topic.history.all()[:3]] == [
        "Published: back",
        "Submitted for review: again",
        "Withdrawn: off topic",
    ]
