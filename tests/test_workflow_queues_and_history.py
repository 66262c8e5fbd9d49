"""The review queue, the editor's dashboard, and the public history of published versions."""

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import Event, Topic
from thaw_site.public.history import ItemHistory
from thaw_site.publishing.publications import Publication
from thaw_site.publishing.revisions import one_revision
from thaw_site.publishing.services import publish, send_back, submit_for_review, withdraw

from .editing import edit

pytestmark = pytest.mark.django_db


@pytest.fixture
def republished(era, author, reviewer):
    """secret-speech edited by an author and published again by a reviewer: two publications."""
    event = Event.objects.get(slug="secret-speech")
    edit(event, author, "Name the congress", title="Khrushchev's speech to the 20th Congress")
    submit_for_review(item=event, by=author, note="")
    publish(item=event, by=reviewer, note="Name the congress")
    return event


def test_review_queue_lists_items_in_review_oldest_first_with_submitter_and_diff(client, era, author, reviewer):
    event = Event.objects.get(slug="secret-speech")
    topic = Topic.objects.get(slug="space")
    edit(topic, author, "Space", description="The space race.")
    submit_for_review(item=topic, by=author, note="Space first")
    edit(event, author, "Retitle", title="The secret speech, retitled")
    submit_for_review(item=event, by=author, note="Event second")
    client.force_login(reviewer)
    page = client.get(reverse("review-queue")).content.decode()
    assert page.index("Space first") < page.index("Event second")
    assert "<dt>Submitted by</dt><dd>anna</dd>" in page and "<del>Speech</del><ins>speech, retitled</ins>" in page


def test_review_queue_needs_staff(client, era):
    response = client.get(reverse("review-queue"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_dashboard_shows_my_drafts_items_sent_back_with_the_comment_and_recent_changes(client, author, reviewer):
    topic = Topic(slug="maize", name="Maize")
    with one_revision(topic, user=author, reason="New topic", created=True):
        topic.save()
    other = Topic(slug="virgin-lands", name="Virgin Lands")
    with one_revision(other, user=author, reason="Another", created=True):
        other.save()
    submit_for_review(item=topic, by=author, note="")
    send_back(item=topic, by=reviewer, comment="Cite the 1954 plenum.")
    client.force_login(author)
    page = client.get(reverse("admin:index")).content.decode()
    sent_back = page.split('id="sent-back-heading"')[1].split("</section>")[0]
    assert "Maize" in sent_back and "Cite the 1954 plenum." in sent_back and "Virgin Lands" not in sent_back
    drafts = page.split('id="drafts-heading"')[1].split("</section>")[0]
    assert "Maize" in drafts and "Virgin Lands" in drafts
    recent = page.split('id="recent-changes"')[1]
    assert "Sent back: Cite the 1954 plenum." in recent and "Another" in recent


def test_recent_changes_filter_by_editor_and_kind(client, era, author, reviewer):
    topic = Topic.objects.get(slug="space")
    edit(topic, author, "Anna topic edit", description="x")
    event = Event.objects.get(slug="secret-speech")
    edit(event, reviewer, "Boris event edit", place="Moscow, Kremlin")
    client.force_login(author)
    page = client.get(reverse("admin:index"), {"user": reviewer.pk}).content.decode().split('id="recent-changes"')[1]
    assert "Boris event edit" in page and "Anna topic edit" not in page
    page = client.get(reverse("admin:index"), {"model": "topic"}).content.decode().split('id="recent-changes"')[1]
    assert "Anna topic edit" in page and "Boris event edit" not in page


def test_item_page_links_to_its_history_listing_each_publication(client, republished):
    page = client.get("/events/secret-speech/").content.decode()
    assert 'href="/events/secret-speech/history/"' in page and "Last published" in page
    history = client.get("/events/secret-speech/history/").content.decode()
    publications = Publication.objects.filter(item_uid=republished.uid)
    assert publications.count() == 2
    for publication in publications:
        assert f'href="/events/secret-speech/history/{publication.pk}/"' in history
    assert "Name the congress" in history and "boris" not in history


def test_history_lists_versions_a_page_at_a_time_numbered_from_the_oldest(client, republished, monkeypatch):
    monkeypatch.setattr(ItemHistory, "paginate_by", 1)
    newest, oldest = Publication.objects.filter(item_uid=republished.uid)
    first = client.get("/events/secret-speech/history/").content.decode()
    assert 'reversed start="2"' in first and f"/history/{newest.pk}/" in first and f"/history/{oldest.pk}/" not in first
    assert 'rel="next" href="?page=2"' in first and "Page 1 of 2" in first
    second = client.get("/events/secret-speech/history/?page=2").content.decode()
    assert 'reversed start="1"' in second and f"/history/{oldest.pk}/" in second
    assert 'rel="prev" href="?page=1"' in second
    assert client.get("/events/secret-speech/history/?page=3").status_code == 404


def test_history_names_editors_only_when_the_setting_allows(client, settings, republished):
    settings.THAW_SHOW_EDITORS = True
    assert "published by boris" in client.get("/events/secret-speech/history/").content.decode()


def test_an_old_publication_is_shown_as_it_was(client, republished):
    old = Publication.objects.filter(item_uid=republished.uid, is_live=False).get()
    page = client.get(f"/events/secret-speech/history/{old.pk}/").content.decode()
    assert old.title.replace("'", "&#x27;") in page and "20th Congress" not in page.split("<h1>")[1].split("</h1>")[0]
    assert "An earlier version" in page and 'href="/events/secret-speech/"' in page
    assert old.data["references"] and 'class="references"' in page


@pytest.mark.parametrize(
    ("model_url", "kind"),
    [("/periods/khrushchev-era/", "period"), ("/topics/space/", "topic"), ("/people/nikita-khrushchev/", "figure")],
)
def test_every_kind_has_a_history_page(client, era, model_url, kind):
    assert client.get(model_url + "history/").status_code == 200
    publication = Publication.objects.live().get(kind=kind, slug=model_url.strip("/").split("/")[1])
    assert client.get(f"{model_url}history/{publication.pk}/").status_code == 200


def test_sources_have_a_history_page(client, era):
    publication = Publication.objects.live().filter(kind="source").first()
    assert client.get(f"/sources/{publication.slug}/history/").status_code == 200


def test_a_publication_of_another_item_is_404_under_this_slug(client, republished):
    other = Publication.objects.live().filter(kind="event").exclude(item_uid=republished.uid).first()
    assert client.get(f"/events/secret-speech/history/{other.pk}/").status_code == 404


def test_withdrawn_items_have_no_public_history(client, republished, reviewer):
    old = Publication.objects.filter(item_uid=republished.uid).first()
    withdraw(item=republished, by=reviewer, note="gone")
    assert client.get("/events/secret-speech/history/").status_code == 404
    assert client.get(f"/events/secret-speech/history/{old.pk}/").status_code == 404


# Issue 15 item 8: an earlier public version says so at the top, and "Cite this page" cites that version.


def old_version(event):
    return Publication.objects.filter(item_uid=event.uid, is_live=False).get()


def cite_section(page):
    return page.split('<section class="cite-this-page"')[1].split("</section>")[0]


def test_an_earlier_version_says_so_before_anything_else(client, republished):
    old = old_version(republished)
    page = client.get(f"/events/secret-speech/history/{old.pk}/").content.decode()
    notice = page.index("An earlier version")
    assert notice < page.index("<h1>") and page.index('<main id="content"') < notice
    top = page[notice : page.index("<h1>")]
    assert 'href="/events/secret-speech/">See the current version</a>' in top
    assert 'href="/events/secret-speech/history/">every version</a>' in top


def test_cite_this_page_on_an_earlier_version_cites_its_permanent_address_and_date(client, republished):
    old = old_version(republished)
    old.published_at = timezone.make_aware(timezone.datetime(2020, 3, 5, 12, 0))
    old.save(update_fields=["published_at"])
    page = client.get(f"/events/secret-speech/history/{old.pk}/").content.decode()
    cite = cite_section(page)
    assert f"http://testserver/events/secret-speech/history/{old.pk}/" in cite
    assert "Last modified 5 March 2020" in cite and "last modified 5 March 2020" in cite
    assert (
        "http://testserver/events/secret-speech/<" not in cite
        and "http://testserver/events/secret-speech/," not in cite
    )


def test_the_live_page_cites_its_own_address_and_has_no_notice(client, republished):
    page = client.get("/events/secret-speech/").content.decode()
    live = Publication.objects.live().get(item_uid=republished.uid)
    cite = cite_section(page)
    assert "http://testserver/events/secret-speech/</a>" in cite
    assert f"Last modified {timezone.localtime(live.published_at):%-d %B %Y}" in cite
    assert "An earlier version" not in page


def test_after_a_change_of_slug_an_earlier_version_links_to_the_current_addresses(
    client, republished, author, reviewer
):
    edit(republished, author, "Rename", slug="the-secret-speech")
    submit_for_review(item=republished, by=author, note="")
    publish(item=republished, by=reviewer, note="Rename")
    first = Publication.objects.filter(item_uid=republished.uid).order_by("published_at", "pk").first()
    page = client.get(f"/events/the-secret-speech/history/{first.pk}/").content.decode()
    assert 'href="/events/the-secret-speech/">See the current version</a>' in page
    assert f"http://testserver/events/the-secret-speech/history/{first.pk}/" in cite_section(page)
    assert 'href="/events/secret-speech/' not in page
