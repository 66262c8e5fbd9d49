"""Issue 17 item 1: watchlists. Editors watch what they create or edit, watch or unwatch any item with one click,
and read the recent changes to what they watch; nobody reads or changes another editor's watchlist."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events.interchange import export_document, import_document
from events.models import Event, Period, Topic
from people.models import Figure
from tests.admin_forms import admin_url, form_data, logged_in
from tests.editing import edit
from tests.factories import StaffFactory
from thaw_site.publishing import services
from thaw_site.publishing.notifications import Notification
from thaw_site.publishing.watchlists import Watch, is_watching, watch

pytestmark = pytest.mark.django_db

WATCHLIST = "/admin/watchlist/"


def test_an_editor_watches_what_they_create_in_the_admin(client, author):
    client = logged_in(client, author)
    data = {"slug": "virgin-lands", "name": "Virgin Lands", "description": "", "edit_summary": "New topic"}
    assert client.post(admin_url(Topic, "add"), data).status_code == 302
    assert is_watching(author, Topic.objects.get(slug="virgin-lands"))


def test_an_editor_watches_what_they_edit_in_the_admin_once(client, author, draft):
    other = StaffFactory(username="olga", groups=["Authors"])
    client = logged_in(client, other)
    for summary in ("Sharper", "Sharper still"):
        data = form_data(client, draft, description=f"{summary}.", edit_summary=summary)
        assert client.post(admin_url(Topic, "change", draft.pk), data).status_code == 302
    assert list(Watch.objects.filter(user=other).values_list("kind", "item_uid")) == [("topic", draft.uid)]


def test_an_unchanged_save_and_a_refused_save_add_no_watch(client, author, draft):
    other = StaffFactory(username="olga", groups=["Authors"])
    client = logged_in(client, other)
    client.post(admin_url(Topic, "change", draft.pk), form_data(client, draft, edit_summary="Nothing"))
    client.post(admin_url(Topic, "change", draft.pk), form_data(client, draft, name="", edit_summary="Blank"))
    assert not Watch.objects.filter(user=other).exists()


def test_restoring_a_revision_watches_the_item(author, reviewer, draft):
    edit(draft, author, "Second", description="Changed.")
    services.restore_revision(item=draft, revision=draft.history.last(), by=reviewer)
    assert is_watching(reviewer, draft)


def test_an_import_adds_no_watches(author, draft):
    document = export_document()
    document["topics"][0]["description"] = "Imported."
    import_document(document, source_name="era.json", user=author)
    assert not Watch.objects.exists()


def test_an_import_that_publishes_a_change_tells_the_watchers(
    django_capture_on_commit_callbacks, mailoutbox, author, reviewer, draft
):
    watcher = StaffFactory(username="wanda")
    watch(watcher, draft)
    services.submit_for_review(item=draft, by=author)
    services.publish(item=draft, by=reviewer)
    mailoutbox.clear()
    document = export_document()
    document["topics"][0]["description"] = "Imported."
    with django_capture_on_commit_callbacks(execute=True):
        import_document(document, source_name="era.json", user=reviewer)
    assert sorted((m.to[0], m.subject) for m in mailoutbox) == [
        ("anna@example.org", "[Thaw] boris published “Maize”"),
        ("wanda@example.org", "[Thaw] boris changed “Maize”, which you watch"),
    ]


def test_the_watch_button_watches_and_unwatches_for_the_signed_in_editor(client, author, reviewer, draft):
    client = logged_in(client, reviewer)
    page = client.get(admin_url(Topic, "change", draft.pk)).content.decode()
    assert f'action="{admin_url(Topic, "watch", draft.pk)}"' in page and ">Watch</button>" in page
    response = client.post(admin_url(Topic, "watch", draft.pk), {"watch": "1"})
    assert response.status_code == 302 and response["Location"] == admin_url(Topic, "change", draft.pk)
    assert is_watching(reviewer, draft)
    assert ">Unwatch</button>" in client.get(admin_url(Topic, "change", draft.pk)).content.decode()
    client.post(admin_url(Topic, "watch", draft.pk), {"watch": "0", "next": WATCHLIST})
    assert not is_watching(reviewer, draft)


def test_nobody_unwatches_for_someone_else(client, author, reviewer, draft):
    watch(author, draft)
    client = logged_in(client, reviewer)
    client.post(admin_url(Topic, "watch", draft.pk), {"watch": "0", "user": author.pk})
    assert is_watching(author, draft)
    assert not is_watching(reviewer, draft)


def test_watching_refuses_get_anonymous_visitors_and_staff_who_may_not_view(client, author, draft):
    url = admin_url(Topic, "watch", draft.pk)
    response = client.post(url, {"watch": "1"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))
    client.force_login(StaffFactory(username="sasha"))
    assert client.post(url, {"watch": "1"}).status_code == 403
    client.force_login(author)
    assert client.get(url).status_code == 405
    assert not Watch.objects.exists()


def test_watching_goes_back_only_to_this_site(client, author, draft):
    client = logged_in(client, author)
    response = client.post(admin_url(Topic, "watch", draft.pk), {"watch": "1", "next": "https://evil.example/"})
    assert response["Location"] == admin_url(Topic, "change", draft.pk)


def test_the_watchlist_lists_changes_with_who_when_summary_status_and_diff(client, author, reviewer, draft):
    watch(author, draft)
    edit(draft, reviewer, "Added the <b>1955</b> plenum", description="The 1955 plenum.")
    services.submit_for_review(item=draft, by=reviewer, note="Ready")
    _, edited, submitted = draft.history.order_by("history_date", "history_id")
    page = logged_in(client, author).get(WATCHLIST).content.decode()
    assert "Added the &lt;b&gt;1955&lt;/b&gt; plenum" in page  # escaped
    assert "Draft → In review" in page and "Submitted for review: Ready" in page
    diff = f"{admin_url(Topic, 'revisions', draft.pk)}?old={edited.history_id}&amp;new={submitted.history_id}"
    assert diff in page
    assert "Created (Draft)" in page and "boris" in page
    assert f'action="{admin_url(Topic, "watch", draft.pk)}"' in page  # Unwatch from the page


def test_the_watchlist_shows_only_the_editors_own_watches(client, author, reviewer, draft):
    hidden = Topic.objects.create(slug="secret", name="Zqxhidden")
    watch(reviewer, hidden)
    edit(hidden, reviewer, "Zqxsummary", description="x")
    watch(author, draft)
    page = logged_in(client, author).get(WATCHLIST).content.decode()
    assert "Maize" in page and "Zqxhidden" not in page and "Zqxsummary" not in page


def test_the_watchlist_shows_only_kinds_the_editor_may_view(client, draft, django_user_model):
    from django.contrib.auth.models import Permission

    viewer = StaffFactory(username="vika")
    viewer.user_permissions.add(Permission.objects.get(codename="view_event"))
    watch(viewer, draft)  # a topic: not viewable by them
    page = logged_in(client, viewer).get(WATCHLIST).content.decode()
    assert "Maize" not in page and "You watch no items." in page


def watched_world(user, count):
    """`count` items of each of three kinds, each watched by `user` and edited three times by another editor."""
    editor = StaffFactory(username=f"ed{count}")
    for n in range(count):
        items = [
            Topic.objects.create(slug=f"t{count}-{n}", name=f"Topic {n}"),
            Event.objects.create(slug=f"e{count}-{n}", title=f"Event {n}", date="1956"),
            Figure.objects.create(slug=f"f{count}-{n}", name=f"Figure {n}"),
        ]
        for item in items:
            watch(user, item)
            for round_ in range(3):
                edit(item, editor, f"Round {round_}", summary=f"Round {round_}")


def watchlist_queries(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(WATCHLIST)
    assert response.status_code == 200
    return len(queries)


def test_the_watchlist_costs_the_same_queries_for_two_or_twenty_items(client, author):
    client = logged_in(client, author)
    watched_world(author, 1)
    few = watchlist_queries(client)
    watched_world(author, 7)
    Period.objects.create(slug="p", name="P", start="1953", end="1964")
    assert watchlist_queries(client) == few
    assert few <= 15, few


def test_the_dashboard_counts_unread_notifications_and_the_page_marks_them_read(client, author, reviewer, draft):
    other_reviewer = StaffFactory(username="vera", groups=["Reviewers"])
    services.submit_for_review(item=draft, by=author, note="Ready")
    client = logged_in(client, reviewer)
    index = client.get(reverse("admin:index")).content.decode()
    assert "Notifications (1 unread)" in index and "anna submitted “Maize” for review" in index
    page = client.get("/admin/notifications/").content.decode()
    assert "1 unread" in page and "“Ready”" in page
    assert client.post("/admin/notifications/").status_code == 302
    assert "Notifications (0 unread)" in client.get(reverse("admin:index")).content.decode()
    assert Notification.objects.get(recipient=other_reviewer).read_at is None  # theirs stays unread


def test_nobody_sees_anothers_notifications(client, author, reviewer, draft):
    services.submit_for_review(item=draft, by=author, note="Zqxnote")
    client = logged_in(client, author)
    assert "Zqxnote" not in client.get("/admin/notifications/").content.decode()
    index = client.get(reverse("admin:index")).content.decode()
    assert "Notifications (0 unread)" in index and "submitted “Maize”" not in index


def test_preferences_are_saved_for_the_signed_in_editor_only(client, author, reviewer):
    client = logged_in(client, reviewer)
    page = client.get("/admin/notifications/preferences/").content.decode()
    assert "An item is submitted for review (reviewers)" in page and "boris@example.org" in page
    choices = {"submitted": "digest", "sent_back": "off", "published": "dashboard", "withdrawn": "email"}
    data = {**choices, "watched": "email", "schedule_cancelled": "email", "schedule_failed": "off", "user": author.pk}
    assert client.post("/admin/notifications/preferences/", data).status_code == 302
    saved = dict(reviewer.thaw_preferences.values_list("kind", "delivery"))
    assert {kind: saved[kind] for kind in choices} == choices
    assert not author.thaw_preferences.exists()


def test_a_bad_preference_is_refused_and_nothing_saved(client, reviewer):
    client = logged_in(client, reviewer)
    response = client.post("/admin/notifications/preferences/", {"submitted": "pigeon"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not reviewer.thaw_preferences.exists()


@pytest.mark.parametrize("url", [WATCHLIST, "/admin/notifications/", "/admin/notifications/preferences/"])
def test_the_editors_pages_send_anonymous_visitors_to_log_in_and_refuse_other_staff(client, url):
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))
    client.force_login(StaffFactory(username="sasha"))
    assert client.get(url).status_code == 403
    assert client.post(url).status_code == (405 if url == WATCHLIST else 403)
