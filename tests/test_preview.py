"""Issue 15 item 1: staff preview the working copy of any item, in any state, as the public page would show it.

Permissions for every role × state × kind are in test_security_permission_matrix_http.py (actions preview and
changes); here, what a preview shows, and what it never does: reach the page cache, the public, or a search engine.
"""

import pytest
from django.core.cache import cache
from django.urls import reverse

from events.models import Event, Period, Source, Topic
from people.models import Figure
from tests.admin_forms import admin_url
from tests.factories import StaffFactory
from tests.test_workflow_queues_and_history import edit
from thaw_site.public.cache import page_key
from thaw_site.publishing.publications import Publication
from thaw_site.publishing.revisions import one_revision
from thaw_site.publishing.services import publish, submit_for_review

pytestmark = pytest.mark.django_db


def preview_of(item, name="editorial:preview"):
    return reverse(name, args=[item._meta.model_name, item.pk])


@pytest.fixture
def draft_event(era, author):
    """A new draft event citing a live source, with a live participant, topic and period."""
    event = Event.objects.create(
        slug="maize-campaign",
        title="The maize campaign",
        date="1955",
        period=Period.objects.get(slug="khrushchev-era"),
        body="Khrushchev urged maize everywhere. [@wikipedia-ussr-1953-1964, p. 7] It failed. [citation needed]",
    )
    event.topics.add(Topic.objects.get(slug="de-stalinization"))
    event.participations.create(figure=Figure.objects.get(slug="nikita-khrushchev"), role="campaigner")
    with one_revision(event, user=author, reason="New event", created=False):
        event.save()
    return event


def test_a_draft_is_previewed_as_its_public_page_would_show_it(client, author, draft_event):
    client.force_login(author)
    response = client.get(preview_of(draft_event))
    page = response.content.decode()
    assert response.status_code == 200
    assert response.template_name == ["events/event_detail.html"]
    assert "<h1>The maize campaign</h1>" in page
    assert 'href="#cite-note-1"' in page and 'id="cite-note-1"' in page and "p. 7" in page  # footnote, reference
    assert "citation needed" in page
    assert 'href="/people/nikita-khrushchev/"' in page and "campaigner" in page  # people, live
    assert 'href="/topics/de-stalinization/"' in page and 'href="/periods/khrushchev-era/"' in page
    assert "Preview — not published" in page and "(draft)" in page and "It is not on the public site." in page
    assert (
        '<meta name="robots" content="noindex, nofollow">' in page and response["X-Robots-Tag"] == "noindex, nofollow"
    )
    assert not Publication.objects.filter(slug="maize-campaign").exists()
    assert client.get("/events/maize-campaign/").status_code == 404


@pytest.mark.parametrize(
    ("model", "key", "shows"),
    [
        (Period, "khrushchev-era", "Khrushchev"),
        (Topic, "space", "Space"),
        (Source, "wikipedia-ussr-1953-1964", "History of the Soviet Union"),
        (Figure, "yuri-gagarin", "Gagarin"),
    ],
)
def test_every_kind_has_a_preview_with_its_own_public_template(client, reviewer, era, model, key, shows):
    item = model.objects.get(**{model.natural_key_field: key})
    client.force_login(reviewer)
    response = client.get(preview_of(item))
    assert response.status_code == 200 and shows in response.content.decode()
    live = client.get(item.get_absolute_url())
    assert response.template_name == live.template_name


def test_a_preview_is_never_stored_in_or_served_from_the_page_cache(client, settings, author, draft_event):
    settings.THAW_CACHE_PAGES = True
    url = preview_of(draft_event)
    client.force_login(author)
    response = client.get(url)
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    client.logout()
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("admin:login"))
    assert "maize" not in anonymous.content.decode()
    assert cache.get(page_key(response.wsgi_request)) is None and cache.get(page_key(anonymous.wsgi_request)) is None


def test_staff_who_may_not_view_the_item_get_a_404_that_names_nothing(client, draft_event):
    client.force_login(StaffFactory(username="sasha"))
    response = client.get(preview_of(draft_event))
    assert response.status_code == 404 and "maize" not in response.content.decode().lower()


@pytest.mark.parametrize("path", ["/admin/preview/event/999999/", "/admin/preview/citation/1/", "/admin/preview/x/1/"])
def test_a_preview_of_nothing_or_of_what_is_not_an_item_is_a_404(client, superuser, era, path):
    client.force_login(superuser)
    assert client.get(path).status_code == 404


def test_view_on_site_goes_to_the_preview_for_an_item_that_is_not_live(client, author, draft_event):
    client.force_login(author)
    page = client.get(admin_url(Event, "change", draft_event.pk)).content.decode()
    assert f'href="{preview_of(draft_event)}" class="viewsitelink"' in page


def test_view_on_site_goes_to_the_live_page_and_preview_to_the_working_copy(client, author, era):
    event = Event.objects.get(slug="secret-speech")
    client.force_login(author)
    page = client.get(admin_url(Event, "change", event.pk)).content.decode()
    assert 'href="/events/secret-speech/" class="viewsitelink"' in page
    assert f'href="{preview_of(event)}">Preview working copy</a>' in page


def test_a_published_item_with_changes_previews_its_working_copy_and_shows_the_changes(client, author, reviewer, era):
    event = Event.objects.get(slug="secret-speech")
    edit(event, author, "Name the congress", title="Khrushchev's speech to the 20th Congress")
    client.force_login(reviewer)
    page = client.get(preview_of(event)).content.decode()
    assert (
        "20th Congress</h1>" in page
        and "The Secret Speech</h1>" in client.get("/events/secret-speech/").content.decode()
    )
    assert f'href="{preview_of(event, "editorial:preview-changes")}">Show changes</a>' in page
    assert 'href="/events/secret-speech/">view the live page</a>' in page
    changes = client.get(preview_of(event, "editorial:preview-changes")).content.decode()
    assert (
        "Changes from the live version" in changes
        and "<ins>to the 20th Congress</ins>" in changes
        and "<del>Secret</del>" in changes
    )
    assert "20th Congress</h1>" in changes  # and the preview below


def test_a_published_item_without_changes_offers_no_changes_and_matches_the_live_page(client, reviewer, era):
    event = Event.objects.get(slug="secret-speech")
    client.force_login(reviewer)
    preview = client.get(preview_of(event)).content.decode()
    assert "Show changes" not in preview
    live = client.get("/events/secret-speech/").content.decode()
    article = lambda page: page.split('<article class="item">')[1].split("</article>")[0]  # noqa: E731
    assert article(preview).split('<p class="published')[0] == article(live).split('<p class="published')[0]


def test_an_item_in_review_is_previewed_by_its_reviewer_before_publishing(client, author, reviewer, draft_event):
    submit_for_review(item=draft_event, by=author, note="Ready")
    client.force_login(reviewer)
    page = client.get(preview_of(draft_event)).content.decode()
    assert "(in review)" in page and "The maize campaign" in page
    publish(item=draft_event, by=reviewer, note="Checked")
    live = client.get("/events/maize-campaign/").content.decode()
    article = lambda page: page.split('<article class="item">')[1].split("</article>")[0]  # noqa: E731
    assert article(page).split('<p class="published')[0] == article(live).split('<p class="published')[0]
