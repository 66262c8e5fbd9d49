"""Imports in the admin: upload → dry-run preview → confirm, the Imports list, undo; who may do each."""

import datetime
import json
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from events.imports.models import ImportBatch, PendingUpload
from events.models import Event
from tests.factories import StaffFactory, UserFactory
from tests.test_import_batches_undo import batch_document, public_state
from tests.test_import_era import export_text, find

UPLOAD = reverse("admin:imports_importbatch_upload")


def upload_file(document, name="batch.json"):
    return SimpleUploadedFile(name, json.dumps(document).encode(), content_type="application/json")


@pytest.fixture
def reviewer(db, client):
    user = UserFactory(username="rita", is_staff=True, groups=["Reviewers"])
    client.force_login(user)
    return user


def preview(client, document, name="batch.json"):
    return client.post(UPLOAD, {"file": upload_file(document, name)})


def test_the_preview_lists_created_updated_with_changes_and_unchanged_and_writes_nothing(
    era, era_document, client, reviewer
):
    exported = export_text()

    page = preview(client, batch_document(era_document)).content.decode()

    assert "Importing it would create 2, update 2 and leave" in page
    assert "events sputnik" in page and "topics space-race" in page
    assert "<del>The Secret Speech" in page and "<ins>The Secret Speech, retitled</ins>" in page
    assert "Unchanged (" in page
    assert export_text() == exported and not ImportBatch.objects.exists()


def test_confirming_imports_as_that_user_and_keeps_the_file_with_its_batch(era, era_document, client, reviewer):
    document = batch_document(era_document)
    preview(client, document)
    pending = PendingUpload.objects.get()

    response = client.post(reverse("admin:imports_importbatch_confirm", args=[pending.pk]))

    batch = ImportBatch.objects.get()
    assert response.url == reverse("admin:imports_importbatch_change", args=[batch.pk])
    assert (batch.user, batch.file_name, bytes(batch.content)) == (reviewer, "batch.json", bytes(pending.content))
    assert Event.history.filter(slug="sputnik").get().history_user == reviewer
    assert not PendingUpload.objects.exists()
    download = client.get(reverse("admin:imports_importbatch_file", args=[batch.pk]))
    assert json.loads(b"".join(download.streaming_content if download.streaming else [download.content])) == document
    listing = client.get(reverse("admin:imports_importbatch_changelist")).content.decode()
    assert "batch.json" in listing and "Import a file" in listing


def test_a_bad_file_shows_every_error_by_place_and_writes_nothing(era, era_document, client, reviewer):
    document = batch_document(era_document)
    find(document, "events", "sputnik")["date"] = "1957-13"
    find(document, "events", "sputnik")["titel"] = "typo"

    page = preview(client, document).content.decode()

    assert "batch.json was not imported: 1 problem" in page
    assert "events[49] &#x27;sputnik&#x27;: unknown field(s): &#x27;titel&#x27;" in page
    assert not PendingUpload.objects.exists() and not ImportBatch.objects.exists()


def test_an_upload_over_the_size_limit_is_refused(db, era_document, client, reviewer, settings):
    settings.THAW_IMPORT_MAX_UPLOAD = 100

    page = preview(client, era_document).content.decode()

    assert "the limit is 100." in page
    assert not PendingUpload.objects.exists()


def test_a_file_of_another_kind_is_refused_by_name(db, client, reviewer):
    page = client.post(UPLOAD, {"file": SimpleUploadedFile("notes.txt", b"hello")}).content.decode()

    assert "notes.txt: not a file this site reads" in page


def test_undo_from_the_admin_puts_the_site_back(era, era_document, client, reviewer):
    exported, public = export_text(), public_state()
    preview(client, batch_document(era_document))
    client.post(reverse("admin:imports_importbatch_confirm", args=[PendingUpload.objects.get().pk]))
    batch = ImportBatch.objects.get()
    undo_url = reverse("admin:imports_importbatch_undo", args=[batch.pk])
    assert "Undo this import" in client.get(reverse("admin:imports_importbatch_change", args=[batch.pk])).text

    client.post(undo_url)

    assert export_text() == exported and public_state() == public
    batch.refresh_from_db()
    assert batch.undone_by == reviewer


def test_undo_from_the_admin_names_items_edited_since_and_needs_a_second_confirmation(
    era, era_document, client, reviewer
):
    preview(client, batch_document(era_document))
    client.post(reverse("admin:imports_importbatch_confirm", args=[PendingUpload.objects.get().pk]))
    batch = ImportBatch.objects.get()
    event = Event.objects.get(slug="sputnik")
    event.place = "Baikonur"
    event.save()
    undo_url = reverse("admin:imports_importbatch_undo", args=[batch.pk])

    assert "events &#x27;sputnik&#x27; was edited or deleted after import" in client.get(undo_url).text
    assert "events &#x27;sputnik&#x27; was edited" in client.post(undo_url).text
    assert ImportBatch.objects.get().undone_at is None

    client.post(undo_url, {"force": "1"})

    assert ImportBatch.objects.get().undone_at is not None
    assert not Event.objects.filter(slug="sputnik").exists()


@pytest.mark.parametrize("groups", [[], ["Authors"]])
def test_staff_who_may_not_import_are_refused_on_the_server(era, era_document, client, groups):
    reviewer = UserFactory(username="rita", is_staff=True, groups=["Reviewers"])
    client.force_login(reviewer)
    preview(client, batch_document(era_document))
    pending = PendingUpload.objects.get()
    client.post(reverse("admin:imports_importbatch_confirm", args=[pending.pk]))
    batch = ImportBatch.objects.get()
    preview(client, batch_document(era_document))
    pending = PendingUpload.objects.get()
    client.force_login(StaffFactory(username="other", groups=groups))
    exported = export_text()

    assert client.get(UPLOAD).status_code == 403
    assert client.post(UPLOAD, {"file": upload_file(era_document)}).status_code == 403
    assert client.post(reverse("admin:imports_importbatch_confirm", args=[pending.pk])).status_code == 403
    assert client.post(reverse("admin:imports_importbatch_undo", args=[batch.pk])).status_code == 403
    assert client.get(reverse("admin:imports_importbatch_file", args=[batch.pk])).status_code == 403
    assert export_text() == exported and ImportBatch.objects.get().undone_at is None


def test_one_reviewer_cannot_confirm_another_ones_upload(era, era_document, client):
    client.force_login(UserFactory(username="rita", is_staff=True, groups=["Reviewers"]))
    preview(client, batch_document(era_document))
    client.force_login(UserFactory(username="vera", is_staff=True, groups=["Reviewers"]))

    response = client.post(reverse("admin:imports_importbatch_confirm", args=[PendingUpload.objects.get().pk]))

    assert response.status_code == 404 and not ImportBatch.objects.exists()


def test_an_importer_without_the_undo_permission_may_not_undo(era, era_document, client):
    from django.contrib.auth.models import Permission

    importer = StaffFactory(username="ivan")
    importer.user_permissions.add(Permission.objects.get(codename="import_file"))
    client.force_login(importer)
    preview(client, batch_document(era_document))
    client.post(reverse("admin:imports_importbatch_confirm", args=[PendingUpload.objects.get().pk]))
    batch = ImportBatch.objects.get()

    assert client.post(reverse("admin:imports_importbatch_undo", args=[batch.pk])).status_code == 403
    assert "Undo this import" not in client.get(reverse("admin:imports_importbatch_change", args=[batch.pk])).text
    assert ImportBatch.objects.get().undone_at is None


class SameThread:
    """threading.Thread that runs its target at start(), in the test's transaction."""

    def __init__(self, target, args, **kwargs):
        self.target, self.args = target, args

    def start(self):
        self.target(*self.args)


def test_a_large_upload_is_checked_and_imported_in_the_background_with_a_status_page(
    era, era_document, client, reviewer, settings, monkeypatch
):
    from events.imports import background

    settings.THAW_IMPORT_IN_BACKGROUND_OVER = 10
    monkeypatch.setattr(
        background.threading, "Thread", lambda target, args, **kw: SameThread(background.run_pending, args)
    )

    response = preview(client, batch_document(era_document))

    pending = PendingUpload.objects.get()
    status_url = reverse("admin:imports_importbatch_status", args=[pending.pk])
    assert response.url == status_url and not ImportBatch.objects.exists()
    assert "Importing it would create 2, update 2" in client.get(status_url).text

    response = client.post(reverse("admin:imports_importbatch_confirm", args=[pending.pk]))

    assert response.url == status_url
    batch = ImportBatch.objects.get()
    assert (batch.user, batch.created, batch.updated) == (reviewer, 2, 2)
    assert client.get(status_url).url == reverse("admin:imports_importbatch_change", args=[batch.pk])
    assert not PendingUpload.objects.exists()


def test_the_status_page_of_a_running_import_shows_its_counts_and_refreshes(era_document, client, reviewer):
    from events.imports import background

    pending = PendingUpload.objects.create(user=reviewer, file_name="big.json", content=b"{}", state="running")
    background.cache.set(background.progress_key(pending.pk), (250, 1000))

    page = client.get(reverse("admin:imports_importbatch_status", args=[pending.pk])).text

    assert "Written 250 of 1000 items." in page and 'http-equiv="refresh"' in page


def stale_upload(user, state):
    """A background check or import begun an hour ago, as a stopped server would have left it."""
    return PendingUpload.objects.create(
        user=user,
        file_name="big.json",
        content=b"{}",
        state=state,
        started_at=timezone.now() - datetime.timedelta(hours=1),
    )


@pytest.mark.parametrize(("state", "doing"), [("running", "importing it"), ("checking", "checking the file")])
def test_a_background_import_whose_server_stopped_is_reported_as_failed(db, client, reviewer, state, doing):
    pending = stale_upload(reviewer, state)

    page = client.get(reverse("admin:imports_importbatch_status", args=[pending.pk])).text

    assert "big.json was not imported" in page
    assert f"The server stopped while it was {doing}; nothing was imported. Upload the file again." in page
    assert not PendingUpload.objects.exists() and not ImportBatch.objects.exists()


def test_a_background_import_still_holding_its_lock_is_shown_running_however_long_it_takes(client, reviewer):
    from events.imports import background

    pending = stale_upload(reviewer, "running")
    holding, done = threading.Event(), threading.Event()

    def import_elsewhere():  # as the import's thread does, on its own connection (it reads no rows)
        try:
            with background.running(pending.pk):
                holding.set()
                done.wait(10)
        finally:
            connection.close()

    thread = threading.Thread(target=import_elsewhere)
    thread.start()
    try:
        assert holding.wait(10)
        page = client.get(reverse("admin:imports_importbatch_status", args=[pending.pk])).text
        assert "Importing big.json" in page and 'http-equiv="refresh"' in page
    finally:
        done.set()
        thread.join()
    # Its thread gone (as when its process dies), the lock is free: the next look reports it stopped.
    assert "The server stopped" in client.get(reverse("admin:imports_importbatch_status", args=[pending.pk])).text


def test_a_thread_starting_after_its_upload_was_given_up_does_nothing(db, reviewer):
    from events.imports import background

    pending = PendingUpload.objects.create(user=reviewer, file_name="big.json", content=b"{", state="failed")

    background.run_pending(pending.pk)

    pending.refresh_from_db()
    assert (pending.state, pending.errors, pending.batch) == ("failed", [], None)


def test_a_failed_background_import_shows_its_errors(db, client, reviewer):
    from events.imports import background

    pending = PendingUpload.objects.create(user=reviewer, file_name="bad.json", content=b"{", state="running")
    background.run_pending(pending.pk)

    page = client.get(reverse("admin:imports_importbatch_status", args=[pending.pk])).text

    assert "bad.json was not imported" in page and "invalid JSON" in page


def test_a_background_thread_that_cannot_reach_the_database_logs_it_and_ends_quietly(db, monkeypatch, caplog):
    from django.db import OperationalError

    from events.imports import background

    def database_gone(pending_id):
        raise OperationalError("server closed the connection")

    monkeypatch.setattr(background, "check_or_import", database_gone)
    monkeypatch.setattr(background.connection, "close", lambda: None)  # the test's own connection stays
    background.in_thread(41)
    assert "The background import of upload 41 stopped" in caplog.text
    assert "server closed the connection" in caplog.text
