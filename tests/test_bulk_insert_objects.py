"""insert_objects writes what bulk_create writes, ids included, without going through bulk_create."""

import datetime

import pytest
from django.contrib.auth import get_user_model

from events.imports.models import ImportBatch, ImportedItem
from thaw_site.publishing.bulk import insert_objects, reserve_ids

pytestmark = pytest.mark.django_db

FIELDS = ["user", "file_name", "sha256", "file_format", "content", "created", "updated", "unchanged", "undone_at"]


def batches(user, tag, n=3):
    undone = datetime.datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=datetime.UTC)
    return [
        ImportBatch(user=user, file_name=f"{tag}-{n}.json", sha256="ab" * 32, file_format="thaw-era", created=n),
        ImportBatch(
            file_name=f"{tag}-ё.csv", sha256="cd" * 32, file_format="csv", content=b"\x00\xff", undone_at=undone
        ),
    ]


def stored(pks):
    rows = ImportBatch.objects.filter(pk__in=pks).order_by("pk").values_list(*FIELDS)
    return [(*row[:4], bytes(row[4]) if row[4] is not None else None, *row[5:]) for row in rows]


def test_insert_objects_stores_the_rows_bulk_create_stores():
    user = get_user_model().objects.create_user("importer")
    made = ImportBatch.objects.bulk_create(batches(user, "same"))
    inserted = insert_objects(batches(user, "same"))
    assert [batch.pk for batch in inserted] == [made[-1].pk + 1, made[-1].pk + 2]
    assert stored([b.pk for b in made]) == stored([b.pk for b in inserted])
    for batch in inserted:
        assert not batch._state.adding and batch._state.db == "default"
        assert batch.created_at is not None  # auto_now_add, as bulk_create's pre_save sets it
        assert ImportBatch.objects.get(pk=batch.pk).created_at == batch.created_at


def test_insert_objects_takes_ids_after_every_id_given_even_deleted_ones():
    first = insert_objects(batches(None, "a"))
    ImportBatch.objects.filter(pk=first[-1].pk).delete()
    second = insert_objects(batches(None, "b"))
    assert second[0].pk == first[-1].pk + 1  # never reused, as the database's own sequence would not
    assert ImportBatch.objects.create(file_name="c", sha256="", file_format="csv").pk == second[-1].pk + 1
    assert reserve_ids(ImportBatch, 0) == []


def test_insert_objects_fills_foreign_keys_from_related_objects_and_refuses_saved_ones():
    batch = ImportBatch(file_name="x", sha256="", file_format="csv")
    item = ImportedItem(batch=batch, section="events", ident="e", action="created", revision_id=1)
    batch.save()  # after the item was made: its batch_id is taken from the batch, as bulk_create does
    insert_objects([item])
    assert ImportedItem.objects.get(pk=item.pk).batch_id == batch.pk
    with pytest.raises(ValueError):
        insert_objects([item])
