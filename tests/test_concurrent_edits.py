"""No lost updates: a save based on a revision the editor has not seen is refused, however the other change came
(another admin session at the same moment, an import, a restore), and restoring never publishes."""

import threading
import time

import pytest
from django.db import connection, transaction

from events.interchange import import_document
from events.models import Event, Topic
from people.models import Figure
from thaw_site.publishing.items import Status
from thaw_site.publishing.publications import Publication
from thaw_site.publishing.services import publish, submit_for_review

from .admin_forms import admin_url, form_data, logged_in

TRIALS = 100
LINK_TRIALS = 20

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs two real connections racing on PostgreSQL"
)


def post_together(posts):
    """Send the posts at the same moment, each from its own thread and so its own database connection."""
    barrier = threading.Barrier(len(posts))
    responses = [None] * len(posts)

    def send(index, client, url, data):
        try:
            barrier.wait()
            responses[index] = client.post(url, data)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(i, *post)) for i, post in enumerate(posts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return responses


def refused_as_conflict(response):
    return response.status_code == 200 and "saved this item" in response.content.decode()


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_stale_saves_on_postgresql_never_overwrite_silently(client, author, reviewer):
    topic = Topic.objects.create(slug="maize", name="Maize", description="The maize campaign.")
    url = admin_url(Topic, "change", topic.pk)
    anna, boris = logged_in(client, author), logged_in(type(client)(), reviewer)
    silent_overwrites, conflicts = 0, 0
    for trial in range(TRIALS):
        texts = {"anna": f"Anna's text {trial}", "boris": f"Boris's text {trial}"}
        posts = [
            (anna, url, form_data(anna, topic, description=texts["anna"], edit_summary=f"Anna {trial}")),
            (boris, url, form_data(boris, topic, description=texts["boris"], edit_summary=f"Boris {trial}")),
        ]
        outcome = dict(zip(texts, post_together(posts), strict=True))
        saved = [name for name, response in outcome.items() if response.status_code == 302]
        refused = [name for name, response in outcome.items() if refused_as_conflict(response)]
        topic.refresh_from_db()
        if len(saved) == 2:
            silent_overwrites += 1
            continue
        assert len(saved) == 1 and len(refused) == 1, (trial, {n: r.status_code for n, r in outcome.items()})
        conflicts += 1
        assert topic.description == texts[saved[0]]
        loser_form = outcome[refused[0]].context["adminform"].form
        assert loser_form["description"].value() == texts[refused[0]]  # shown back to its editor, not lost
    assert (silent_overwrites, conflicts) == (0, TRIALS)


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_saves_of_two_events_linking_each_other_both_succeed_on_postgresql(client, author, reviewer, era):
    """Each save locks its own event and references the other: a lock that also blocked references would deadlock."""
    first, second = Event.objects.get(slug="secret-speech"), Event.objects.get(slug="sputnik-1")
    anna, boris = logged_in(client, author), logged_in(type(client)(), reviewer)
    for trial in range(LINK_TRIALS):
        posts = []
        for editor, event, other in ((anna, first, second), (boris, second, first)):
            related = [str(pk) for pk in event.related.exclude(pk=other.pk).values_list("pk", flat=True)]
            if trial % 2 == 0:
                related.append(str(other.pk))
            data = form_data(editor, event, edit_summary=f"Link {trial}")
            posts.append((editor, admin_url(Event, "change", event.pk), {**data, "related": related}))
        assert [response.status_code for response in post_together(posts)] == [302, 302], trial
        assert first.related.filter(pk=second.pk).exists() == (trial % 2 == 0)


@pytest.fixture
def topic(author):
    return Topic.objects.create(slug="maize", name="Maize", description="The maize campaign.")


@pytest.mark.django_db
def test_a_save_without_its_base_revision_is_refused(client, author, topic):
    client = logged_in(client, author)
    data = form_data(client, topic, description="Anna's text", edit_summary="Anna")
    del data["base_revision"]
    response = client.post(admin_url(Topic, "change", topic.pk), data)
    assert response.status_code == 200 and "did not say which revision you started from" in response.content.decode()
    topic.refresh_from_db()
    assert topic.description == "The maize campaign."


@pytest.mark.django_db
def test_a_new_item_needs_no_base_revision(client, author):
    client = logged_in(client, author)
    data = {"slug": "virgin-lands", "name": "Virgin Lands", "description": "", "edit_summary": "New topic"}
    response = client.post(admin_url(Topic, "add"), data)
    assert response.status_code == 302
    assert Topic.objects.get(slug="virgin-lands").history.count() == 1


@pytest.mark.django_db
def test_a_base_revision_of_another_item_is_refused(client, author, topic):
    other = Topic.objects.create(slug="space", name="Space", description="")
    client = logged_in(client, author)
    data = form_data(client, topic, description="Anna's text", edit_summary="Anna")
    data["base_revision"] = other.history.first().history_id
    response = client.post(admin_url(Topic, "change", topic.pk), data)
    assert refused_as_conflict(response)
    topic.refresh_from_db()
    assert topic.description == "The maize campaign."


@pytest.mark.django_db
def test_a_stale_save_is_refused_after_an_office_change_showing_the_offices(client, author, reviewer, era):
    figure = Figure.objects.get(slug="joseph-stalin")
    office = figure.offices.order_by("pk").first()
    client = logged_in(client, author)
    stale = form_data(client, figure, summary="Anna's summary", edit_summary="Anna")
    other = logged_in(type(client)(), reviewer)
    boris = form_data(other, figure, edit_summary="Boris")
    boris[next(name for name, value in boris.items() if value == office.title)] = "General Secretary"
    assert other.post(admin_url(Figure, "change", figure.pk), boris).status_code == 302

    response = client.post(admin_url(Figure, "change", figure.pk), stale)
    conflict = response.content.decode().split('id="conflict-heading"')[1].split("</section>")[0]
    assert refused_as_conflict(response) and '<th scope="row">Offices</th>' in conflict
    assert "General Secretary" in conflict and office.title in conflict  # theirs, and Anna's rows as she has them
    office.refresh_from_db()
    assert office.title == "General Secretary"
    assert Figure.objects.get(pk=figure.pk).summary != "Anna's summary"


@pytest.mark.django_db
def test_an_import_during_an_edit_makes_the_edit_refused_at_save(client, author, era, era_document):
    topic = Topic.objects.get(slug="de-stalinization")
    client = logged_in(client, author)
    stale = form_data(client, topic, name="Destalinisation", edit_summary="Anna")
    next(t for t in era_document["topics"] if t["slug"] == topic.slug)["description"] = "Imported text."
    assert import_document(era_document, source_name="update.json").updated

    response = client.post(admin_url(Topic, "change", topic.pk), stale)
    page = response.content.decode()
    assert refused_as_conflict(response) and "Imported from update.json" in page and "Imported text." in page
    topic.refresh_from_db()
    assert (topic.name, topic.description) == ("De-Stalinization", "Imported text.")


@pytest.mark.django_db
def test_the_revert_form_of_simple_history_cannot_write(client, superuser, era):
    event = Event.objects.get(slug="secret-speech")
    topics = set(event.topics.values_list("pk", flat=True))
    revision = event.history.first()
    client = logged_in(client, superuser)
    url = admin_url(Event, "simple_history", event.pk, revision.history_id)
    data = form_data(client, event, edit_summary="Sneaky")
    data["topics"] = [str(Topic.objects.exclude(pk__in=topics).first().pk)]
    response = client.post(url, data)
    assert response.status_code == 405
    assert set(event.topics.values_list("pk", flat=True)) == topics


@pytest.mark.django_db
@pytest.mark.parametrize("status", [Status.DRAFT, Status.IN_REVIEW, Status.PUBLISHED, Status.WITHDRAWN])
def test_restoring_a_revision_makes_a_draft_and_publishes_nothing(client, reviewer, era, status):
    event = Event.objects.get(slug="secret-speech")
    published = event.history.first()  # the import's revision, recorded as published
    assert published.status == Status.PUBLISHED
    event.place = "Kremlin"
    event._change_reason = "Place"
    event.save()
    Event.objects.filter(pk=event.pk).update(status=status)
    publications = list(Publication.objects.filter(item_uid=event.uid).values("pk", "is_live", "revision_id"))

    client = logged_in(client, reviewer)
    restore = admin_url(Event, "restore", event.pk, published.history_id)
    response = client.post(restore, {"note": "back", "base_revision": event.history.first().history_id})
    assert response.status_code == 302
    event.refresh_from_db()
    assert (event.status, event.place) == (Status.DRAFT, published.place)
    assert list(Publication.objects.filter(item_uid=event.uid).values("pk", "is_live", "revision_id")) == publications


@pytest.mark.django_db
def test_a_restore_from_a_stale_revisions_page_is_refused(client, author, reviewer, era):
    event = Event.objects.get(slug="secret-speech")
    first = event.history.first()
    client = logged_in(client, author)
    client.post(
        admin_url(Event, "change", event.pk), form_data(client, event, place="Kremlin, Moscow", edit_summary="Anna")
    )
    seen = event.history.first()
    page = client.get(admin_url(Event, "restore", event.pk, first.history_id))  # the confirmation
    assert f'name="base_revision" value="{seen.history_id}"' in page.content.decode()
    other = logged_in(type(client)(), reviewer)
    other.post(
        admin_url(Event, "change", event.pk),
        form_data(other, event, place="Great Kremlin Palace", edit_summary="Boris"),
    )

    response = client.post(
        admin_url(Event, "restore", event.pk, first.history_id), {"base_revision": seen.history_id}, follow=True
    )
    assert "Boris saved this item" in response.content.decode()  # messages start with a capital
    event.refresh_from_db()
    assert event.place == "Great Kremlin Palace" and event.history.first().history_change_reason == "Boris"


@pytest.mark.django_db
def test_a_restore_without_its_base_revision_is_refused(client, author, era):
    event = Event.objects.get(slug="secret-speech")
    rows = event.history.count()
    response = logged_in(client, author).post(admin_url(Event, "restore", event.pk, event.history.first().history_id))
    assert response.status_code == 302
    assert event.history.count() == rows


def in_thread(work):
    """Start `work` in a thread with its own database connection; returns the thread and where its result goes."""
    result = {}

    def run():
        try:
            result["value"] = work()
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, result


def wait_until_another_connection_waits_for_a_lock():
    """Poll PostgreSQL's activity view (a fresh snapshot each time) until a connection waits for a row lock."""
    with connection.cursor() as cursor:
        for _ in range(1000):
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                return
            time.sleep(0.01)
    raise AssertionError("the other connection never waited for the lock")


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_an_admin_save_during_an_import_waits_for_it_and_is_refused_on_postgresql(client, author, era, era_document):
    topic = Topic.objects.get(slug="de-stalinization")
    client = logged_in(client, author)
    stale = form_data(client, topic, name="Destalinisation", edit_summary="Anna")
    next(t for t in era_document["topics"] if t["slug"] == topic.slug)["description"] = "Imported text."
    with transaction.atomic():
        import_document(era_document, source_name="update.json")
        thread, result = in_thread(lambda: client.post(admin_url(Topic, "change", topic.pk), stale))
        wait_until_another_connection_waits_for_a_lock()
    thread.join()
    assert refused_as_conflict(result["value"]) and "Imported from update.json" in result["value"].content.decode()
    topic.refresh_from_db()
    assert (topic.name, topic.description) == ("De-Stalinization", "Imported text.")


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_an_import_during_an_admin_save_waits_for_it_and_reports_what_it_overwrites_on_postgresql(
    client, author, era, era_document
):
    topic = Topic.objects.get(slug="de-stalinization")
    client = logged_in(client, author)
    next(t for t in era_document["topics"] if t["slug"] == topic.slug)["name"] = "Destalinisation"
    with transaction.atomic():
        data = form_data(client, topic, description="Anna's text", edit_summary="Anna")
        assert client.post(admin_url(Topic, "change", topic.pk), data).status_code == 302
        thread, result = in_thread(lambda: import_document(era_document, source_name="update.json"))
        wait_until_another_connection_waits_for_a_lock()
    thread.join()
    # The file wins, as imports do, but it compared against Anna's committed save, so the report names her field.
    assert result["value"].updated == [("topics", topic.slug, ["name", "description"])]
    assert [row.history_change_reason for row in topic.history.all()[:2]] == ["Imported from update.json", "Anna"]


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_an_edit_saved_while_a_reviewer_publishes_keeps_the_published_status_on_postgresql(client, author, reviewer):
    topic = Topic.objects.create(slug="maize", name="Maize", description="The maize campaign.")
    submit_for_review(item=topic, by=author, note="")
    client = logged_in(client, author)
    data = form_data(client, topic, description="Anna's text", edit_summary="Anna")
    with transaction.atomic():
        publish(item=topic, by=reviewer, note="")
        thread, result = in_thread(lambda: client.post(admin_url(Topic, "change", topic.pk), data))
        wait_until_another_connection_waits_for_a_lock()
    thread.join()
    assert result["value"].status_code == 302  # a transition in between is not a conflict
    topic.refresh_from_db()
    assert (topic.status, topic.description) == (Status.PUBLISHED, "Anna's text")
