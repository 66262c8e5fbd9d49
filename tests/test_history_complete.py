"""History is complete: one row per changed object on every write path, none when nothing changed,
and every old revision opens after the rows it pointed at were deleted."""

import pytest
from django.apps import apps
from django.urls import reverse

from events.interchange import import_document
from events.models import Event, Period, Source, Topic
from people.models import Figure, Office
from thaw_site.publishing import services

pytestmark = pytest.mark.django_db

TRACKED = [Period, Topic, Source, Event, Figure, Office]


def history_counts():
    return {
        (model.__name__, row["id"]): row["n"]
        for model in TRACKED
        for row in _grouped(model.history.model.objects.all(), "id")
    }


def _grouped(queryset, key):
    from django.db.models import Count

    return queryset.values(key).annotate(n=Count("history_id")).order_by()


def added_rows(before, after):
    return {key: after.get(key, 0) - before.get(key, 0) for key in after if after.get(key, 0) != before.get(key, 0)}


def test_every_tracked_model_is_covered():
    tracked = {m for m in apps.get_models() if hasattr(m._meta, "simple_history_manager_attribute")}
    assert tracked == set(TRACKED)


def test_an_import_writes_one_row_per_created_item(era):
    counts = history_counts()
    items = sum(len(rows) for rows in (era.created,))
    assert set(counts.values()) == {1}
    assert len([key for key in counts if key[0] != "Office"]) == items


def test_importing_the_same_file_again_writes_no_history(era, era_document):
    before = history_counts()
    report = import_document(era_document, source_name="again.json")
    assert report.counts()["updated"] == 0
    assert added_rows(before, history_counts()) == {}


def test_an_import_changing_one_event_writes_one_row_for_it_alone(era, era_document):
    before = history_counts()
    event = next(e for e in era_document["events"] if e["slug"] == "secret-speech")
    event["summary"] += " Revised."
    event["topics"] = event["topics"][:1]
    import_document(era_document, source_name="revised.json")
    secret_speech = Event.objects.get(slug="secret-speech")
    assert added_rows(before, history_counts()) == {("Event", secret_speech.pk): 1}


def test_a_save_that_changes_nothing_writes_no_row(era):
    for model in TRACKED:
        item = model.objects.first()
        before = item.history.count()
        item.save()
        model.objects.get(pk=item.pk).save()
        assert item.history.count() == before, model.__name__


CHANGED_FIELD = {Period: "summary", Topic: "description", Source: "publisher", Event: "place", Figure: "native_name"}


def test_a_save_that_changes_a_field_writes_exactly_one_row(era):
    for model, name in CHANGED_FIELD.items():
        item = model.objects.first()
        before = history_counts()
        setattr(item, name, "Changed.")
        item.save()
        assert added_rows(before, history_counts()) == {(model.__name__, item.pk): 1}, model.__name__


def test_publish_and_withdraw_each_write_one_row(era, superuser):
    event = Event.objects.get(slug="secret-speech")
    before = history_counts()
    services.withdraw(item=event, by=superuser, note="checking")
    assert added_rows(before, history_counts()) == {("Event", event.pk): 1}
    services.submit_for_review(item=event, by=superuser)
    before = history_counts()
    services.publish(item=event, by=superuser)
    assert added_rows(before, history_counts()) == {("Event", event.pk): 1}


def test_an_admin_save_of_an_untouched_form_writes_no_row(admin_client, era):
    topic = Topic.objects.get(slug="de-stalinization")
    url = reverse("admin:events_topic_change", args=[topic.pk])
    form = admin_client.get(url).context["adminform"].form
    before = topic.history.count()
    data = {name: form[name].value() or "" for name in form.fields}
    response = admin_client.post(url, {**data, "edit_summary": "Looked, changed nothing"})
    assert response.status_code == 302
    assert topic.history.count() == before


def delete_what_old_revisions_point_at(event, figure, period):
    """Topics and related events (m2m), an office, a neighbouring period (foreign key)."""
    period.previous = Period.objects.create(slug="before", name="Before", start="1945", end="1953")
    period.save()
    event.summary = "A second revision."
    event.save()
    for topic in list(event.topics.all()):
        topic.delete()
    for other in list(event.related.all()):
        other.participations.all().delete()
        other.delete()
    figure.offices.first().delete()
    period.previous.delete()


@pytest.fixture
def orphaned_revisions(era):
    items = (
        Event.objects.get(slug="secret-speech"),
        Figure.objects.get(slug="nikita-khrushchev"),
        Period.objects.first(),
    )
    delete_what_old_revisions_point_at(*items)
    return items


def test_old_revisions_open_in_the_admin_after_their_related_rows_are_deleted(admin_client, orphaned_revisions):
    opened = 0
    for item in orphaned_revisions:
        info = item._meta.app_label, item._meta.model_name
        assert admin_client.get(reverse("admin:{}_{}_history".format(*info), args=[item.pk])).status_code == 200
        for revision in item.history.all():
            assert str(revision.instance)
            url = reverse("admin:{}_{}_simple_history".format(*info), args=[item.pk, revision.history_id])
            assert admin_client.get(url).status_code == 200, url
            opened += 1
    assert opened >= 5


def test_old_revisions_can_be_snapshotted_and_compared_after_their_related_rows_are_deleted(
    admin_client, orphaned_revisions
):
    compared = 0
    for item in orphaned_revisions:
        info = item._meta.app_label, item._meta.model_name
        latest = item.history.first()
        for revision in item.history.all():
            revision.instance.snapshot()
            url = reverse("admin:{}_{}_revisions".format(*info), args=[item.pk])
            response = admin_client.get(url, {"old": revision.history_id, "new": latest.history_id})
            assert response.status_code == 200, url
            compared += 1
    assert compared >= 5
