"""Publication services: the only code that changes what the public sees.

Each is atomic. The workflow (who may publish what, review, four eyes) is
built on these; nothing else writes Publication rows.
"""

from django.db import transaction
from django.utils import timezone

from .models import Publication, PublishedLink
from .publishing import Status


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
    snapshot = item.snapshot()
    kind = kind_of(item)
    revision = item.history.order_by("-history_date", "-history_id").first()
    now = timezone.now()
    Publication.objects.filter(kind=kind, item_uid=item.uid, is_live=True).update(is_live=False)
    publication = Publication.objects.create(
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
    PublishedLink.objects.bulk_create(
        PublishedLink(
            publication=publication,
            relation=relation,
            target_kind=target_kind,
            target_slug=target_slug,
            detail=detail[:300],
            position=position,
        )
        for position, (relation, target_kind, target_slug, detail) in enumerate(snapshot.links)
    )
    return publication


def take_down(item):
    """Remove the item's live version from the public site; its publications stay as history."""
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
