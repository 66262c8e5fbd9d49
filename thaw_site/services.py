"""Publication services: the only code that changes what the public sees.

Each is atomic. The workflow (who may publish what, review, four eyes) is
built on these; nothing else writes Publication rows.
"""

from django.db import transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone

from .cache import bump_generation
from .models import Publication, PublishedLink
from .publishing import Status

# What each kind's snapshot() reads, fetched once for a whole batch of items.
SNAPSHOT_RELATIONS = {
    "event": ["period", "topics", "related", "participations__figure"],
    "figure": ["offices"],
    "period": ["previous", "next"],
}


def kind_of(item):
    return item._meta.model_name


def live_publication(item):
    return Publication.objects.live().filter(kind=kind_of(item), item_uid=item.uid).first()


def interchange_item(kind, item):
    """The item as one entry of the thaw-era format, frozen with it so /<kind>/<slug>.json serves the live version."""
    from .interchange import export_item  # interchange imports this module to publish what it imports

    return export_item(f"{kind}s", item)


@transaction.atomic
def make_live(item, *, by=None, note=""):
    """Freeze the item as it is now into its live publication; the previous one stays as history."""
    return make_live_many([item], by=by, note=note)[0]


@transaction.atomic
def make_live_many(items, *, by=None, note="", revisions=None):
    """`make_live` for many items of one kind at once, in a fixed number of queries (imports use it).

    `revisions` maps an item's pk to its newest history row when the caller has it at hand.
    """
    if not items:
        return []
    kind = kind_of(items[0])
    revisions = revisions or {item.pk: item.history.order_by("-history_date", "-history_id").first() for item in items}
    bump_generation()
    now = timezone.now()
    Publication.objects.filter(kind=kind, item_uid__in=[item.uid for item in items], is_live=True).update(is_live=False)
    prefetch_related_objects(items, *SNAPSHOT_RELATIONS.get(kind, []))
    snapshots = [item.snapshot() for item in items]
    publications = Publication.objects.bulk_create(
        Publication(
            kind=kind,
            item_uid=item.uid,
            revision_id=revision.history_id if revision else None,
            slug=item.natural_key()[0],
            title=snapshot.title,
            summary=snapshot.summary,
            sort_start=snapshot.sort_start,
            sort_end=snapshot.sort_end,
            data={**snapshot.data, "interchange": interchange_item(kind, item)},
            search_text=snapshot.search_text,
            published_at=now,
            published_by=by,
            note=(note or (revision.history_change_reason if revision else "") or "")[:300],
            is_live=True,
        )
        for item, snapshot, revision in (
            (item, snapshot, revisions.get(item.pk)) for item, snapshot in zip(items, snapshots, strict=True)
        )
    )
    PublishedLink.objects.bulk_create(
        (
            PublishedLink(
                publication=publication,
                relation=relation,
                target_kind=target_kind,
                target_slug=target_slug,
                detail=detail[:300],
                position=position,
            )
            for publication, snapshot in zip(publications, snapshots, strict=True)
            for position, (relation, target_kind, target_slug, detail) in enumerate(snapshot.links)
        ),
        batch_size=2000,
    )
    return publications


def take_down(item):
    """Remove the item's live version from the public site; its publications stay as history."""
    bump_generation()
    return Publication.objects.filter(kind=kind_of(item), item_uid=item.uid, is_live=True).update(is_live=False)


def record_status(item, status, *, by, reason):
    """Save a status change as one revision naming who and why."""
    item.status = status
    if status == Status.PUBLISHED:
        item.published_at = timezone.now()
    item._history_user = by
    item._change_reason = reason
    try:
        item.save()
    finally:
        del item._history_user, item._change_reason


@transaction.atomic
def publish(item, *, by=None, note=""):
    record_status(item, Status.PUBLISHED, by=by, reason=f"Published{': ' + note if note else ''}")
    return make_live(item, by=by, note=note)


@transaction.atomic
def withdraw(item, *, by=None, note=""):
    record_status(item, Status.WITHDRAWN, by=by, reason=f"Withdrawn{': ' + note if note else ''}")
    take_down(item)
