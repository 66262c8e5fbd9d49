"""Import batches: every import recorded (who, when, file, hash, counts), listed by `import_batches`, and undone
by `import_era --undo BATCH`, which puts the site and `export_era` back exactly as they were."""

import copy
import hashlib
import io
import json

import pytest
from django.core.management import CommandError, call_command

from events.imports.batches import UndoRefused, undo_batch
from events.imports.models import ImportBatch
from events.models import Event, Source, Topic
from tests.factories import UserFactory
from tests.test_import_era import export_text, find, history_of
from thaw_site.publishing import services
from thaw_site.publishing.publications import Publication
from thaw_site.publishing.read_models import CitingPage, LiveEventLink


def write(tmp_path, document, name="batch.json"):
    path = tmp_path / name
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def import_file(path, *args):
    """Import; return (stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    call_command("import_era", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def undo(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_era", "--undo", *map(str, args), stdout=out, stderr=err)
    return out.getvalue()


def refused_undo(*args):
    err = io.StringIO()
    with pytest.raises(CommandError) as refusal:
        call_command("import_era", "--undo", *map(str, args), stdout=io.StringIO(), stderr=err)
    return f"{refusal.value}\n{err.getvalue()}"


def public_state():
    """Everything the public site reads: the live publications and the live read models."""
    return (
        sorted(Publication.objects.live().values_list("kind", "slug", "pk", "data")),
        sorted(LiveEventLink.objects.values_list("publication_id", "relation", "target_slug", "position")),
        sorted(CitingPage.objects.values_list("publication_id", "source_slug")),
    )


def batch_document(era_document):
    """Creates a topic and an event, changes a published event's title and a source's title, leaves the rest."""
    document = copy.deepcopy(era_document)
    find(document, "events", "secret-speech")["title"] = "The Secret Speech, retitled"
    find(document, "sources", "baradat-1986")["title"] = "Changed title"
    document["topics"].append({"slug": "space-race", "name": "Space race", "status": "published"})
    document["events"].append(
        {
            "slug": "sputnik",
            "title": "Sputnik",
            "date": "1957-10-04",
            "topics": ["space-race"],
            "status": "published",
        }
    )
    return document


def test_an_import_is_recorded_with_user_file_hash_and_counts(era, era_document, tmp_path):
    editor = UserFactory(username="olga")
    path = write(tmp_path, batch_document(era_document))

    out, err = import_file(path, "--as-user", "olga")

    batch = ImportBatch.objects.get()
    assert (batch.user, batch.file_name, batch.file_format) == (editor, "batch.json", "thaw-era")
    assert batch.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert (batch.created, batch.updated) == (2, 2)
    assert (
        batch.unchanged == sum(len(era_document[s]) for s in ("periods", "topics", "sources", "figures", "events")) - 2
    )
    assert f"Recorded as import {batch.pk}" in err
    assert out.endswith(f"created 2, updated 2, unchanged {batch.unchanged}.\n")
    assert sorted(batch.items.values_list("action", "section", "ident")) == [
        ("created", "events", "sputnik"),
        ("created", "topics", "space-race"),
        ("updated", "events", "secret-speech"),
        ("updated", "sources", "baradat-1986"),
    ]


def test_a_dry_run_or_a_refused_file_records_no_batch(era, era_document, tmp_path):
    import_file(write(tmp_path, batch_document(era_document)), "--dry-run")
    bad = batch_document(era_document)
    find(bad, "events", "sputnik")["date"] = "1957-13"
    with pytest.raises(CommandError):
        import_file(write(tmp_path, bad, "bad.json"))

    assert not ImportBatch.objects.exists()


def test_import_batches_lists_newest_first_one_a_line_starting_with_the_id(era, era_document, tmp_path):
    import_file(write(tmp_path, batch_document(era_document), "first.json"))
    second = batch_document(era_document)
    find(second, "events", "sputnik")["title"] = "Sputnik 1"
    import_file(write(tmp_path, second, "second.json"))
    out = io.StringIO()

    call_command("import_batches", stdout=out)

    first_batch, second_batch = ImportBatch.objects.order_by("pk")
    lines = out.getvalue().splitlines()
    assert [line.split()[0] for line in lines] == [str(second_batch.pk), str(first_batch.pk)]
    assert "second.json" in lines[0] and "created 0, updated 1" in lines[0]
    assert "first.json" in lines[1] and "created 2, updated 2" in lines[1]


def test_import_then_undo_leaves_the_public_site_and_the_export_as_before(era, era_document, tmp_path):
    exported, public = export_text(), public_state()
    import_file(write(tmp_path, batch_document(era_document)))
    assert export_text() != exported
    assert Publication.objects.live().get(slug="secret-speech").title == "The Secret Speech, retitled"

    output = undo(ImportBatch.objects.get().pk)

    assert "removed 2 item(s) it created, restored 2 it changed" in output
    assert export_text() == exported
    assert public_state() == public
    assert not Event.objects.filter(slug="sputnik").exists() and not Topic.objects.filter(slug="space-race").exists()


def test_undo_keeps_the_history_of_the_batch_and_of_the_undo(era, era_document, tmp_path):
    import_file(write(tmp_path, batch_document(era_document)))
    batch = ImportBatch.objects.get()

    undo(batch.pk)

    reasons = list(history_of("events", "secret-speech").values_list("history_change_reason", flat=True))
    assert reasons[-2:] == ["Imported from batch.json", f"Undo of import {batch.pk} (batch.json)"]
    deleted = history_of("events", "sputnik").last()
    assert (deleted.history_type, deleted.history_change_reason) == ("-", f"Undo of import {batch.pk} (batch.json)")
    assert Publication.objects.filter(slug="secret-speech", title="The Secret Speech, retitled", is_live=False).exists()
    batch.refresh_from_db()
    assert batch.undone_at is not None


def test_undo_is_refused_naming_an_item_edited_after_the_import_and_changes_nothing(era, era_document, tmp_path):
    import_file(write(tmp_path, batch_document(era_document)))
    event = Event.objects.get(slug="sputnik")
    event.title = "Sputnik, edited by hand"
    event.save()
    exported, public = export_text(), public_state()

    message = refused_undo(ImportBatch.objects.get().pk)

    assert "events 'sputnik' was edited or deleted after import" in message
    assert "--force" in message
    assert export_text() == exported and public_state() == public
    assert ImportBatch.objects.get().undone_at is None


def test_undo_is_refused_naming_an_item_published_after_the_import(era, era_document, tmp_path):
    import_file(write(tmp_path, batch_document(era_document)))
    source = Source.objects.get(key="baradat-1986")
    services.take_down(source)

    message = refused_undo(ImportBatch.objects.get().pk)

    assert "sources 'baradat-1986' was published or withdrawn after import" in message


def test_a_forced_undo_overwrites_later_edits(era, era_document, tmp_path):
    exported = export_text()
    import_file(write(tmp_path, batch_document(era_document)))
    event = Event.objects.get(slug="secret-speech")
    event.title = "Edited by hand"
    event.save()

    undo(ImportBatch.objects.get().pk, "--force")

    assert export_text() == exported


def test_a_batch_is_undone_once(era, era_document, tmp_path):
    import_file(write(tmp_path, batch_document(era_document)))
    batch = ImportBatch.objects.get()
    undo_batch(batch)

    with pytest.raises(UndoRefused) as refusal:
        undo_batch(batch)
    assert "already undone" in refusal.value.problems[0]
    assert "already undone" in refused_undo(batch.pk)


def test_an_unknown_batch_or_a_file_with_undo_is_refused(db):
    assert "no import 999" in refused_undo(999)
    with pytest.raises(CommandError, match="not both"):
        call_command("import_era", "x.json", "--undo", "1", stdout=io.StringIO())
    with pytest.raises(CommandError, match="not both"):
        call_command("import_era", stdout=io.StringIO())


def test_an_undo_that_fails_part_way_changes_nothing(era, era_document, tmp_path):
    document = batch_document(era_document)
    document["sources"].append({"key": "new-source", "kind": "book", "title": "New", "status": "published"})
    import_file(write(tmp_path, document))
    event = Event.objects.get(slug="khrushchev-ouster")  # not in the batch: citing the new source blocks its removal
    event.body += " Cited. [@new-source]"
    event.save()
    exported, public = export_text(), public_state()

    with pytest.raises(UndoRefused) as refusal:
        undo_batch(ImportBatch.objects.get(), force=True)

    assert "sources 'new-source' is still referred to by [@new-source] in" in refusal.value.problems[0]
    assert export_text() == exported and public_state() == public  # the restored items were rolled back too
    assert ImportBatch.objects.get().undone_at is None
