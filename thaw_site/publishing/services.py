"""Workflow and publication services: the only code that changes an item's status or what the public sees.

Each transition is atomic, keyword-only, checks the user's permission and the item's current state on the
server, and records one history row whose change reason names the transition and the editor's note:

    draft ──submit──▶ in review ──publish──▶ published ──withdraw──▶ withdrawn ──submit──▶ in review
                     in review ──send back (with a comment)──▶ draft

A published item edited afterwards keeps its live publication (the public sees that) and is submitted like a
draft. Each transition notifies whoever should hear of it (thaw_site.publishing.notifications). The four-eyes
rule (setting THAW_FOUR_EYES, on by default): nobody publishes changes they made themselves, superusers excepted.
"""

import datetime
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, cast

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet, prefetch_related_objects
from django.utils import timezone

from thaw_site.publishing import notifications, workflow
from thaw_site.publishing.bulk import insert_objects
from thaw_site.publishing.citing import citation_problems
from thaw_site.publishing.generation import MANY, retire
from thaw_site.publishing.items import Status, listing_prefetch
from thaw_site.publishing.publications import Publication, list_data
from thaw_site.publishing.read_models import remove_live_rows, write_live_rows, write_read_models
from thaw_site.publishing.revisions import one_revision
from thaw_site.publishing.schedules import cancel_on_withdraw, cancel_publishing, settle_on_publish
from thaw_site.publishing.search_vectors import searchable_text, store_search_vectors
from thaw_site.publishing.watchlists import watch
from thaw_site.publishing.workflow import kind_of, live_publication, reason_with
from thaw_site.text.identifiers import valid_identifiers

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User
    from simple_history.models import HistoricalChanges

    from thaw_site.publishing.items import Publishable, Snapshot

PERMISSIONS = {
    "submit": "thaw_site.submit_item",
    "send_back": "thaw_site.send_back_item",
    "publish": "thaw_site.publish_item",
    "withdraw": "thaw_site.withdraw_item",
}


# What retiring cached pages reads of the publications that stop being live (generation.tags_changed).
PLACEMENT_FIELDS = ("kind", "item_uid", "slug", "title", "sort_start", "sort_end", "data")


def frozen_links(snapshot: "Snapshot") -> list[list[str]]:
    """The snapshot's links as stored with the publication: [relation, kind, slug, detail] in order."""
    return [[relation, kind, slug, detail[:300]] for relation, kind, slug, detail in snapshot.links]


def frozen(
    item: "Publishable",
    *,
    revision: "HistoricalChanges | None",
    by: "User | None",
    note: str,
    now: "datetime.datetime",
) -> Publication:
    """The item as it is now, frozen into a live publication, not yet saved (its publishing_prefetch read first).
    Publishing saves it; a preview (thaw_site.public.preview) renders it as the public page would."""
    kind = kind_of(item)
    snapshot = item.snapshot()
    identifiers = valid_identifiers(item.identifiers, item.identifier_schemes)
    return Publication(
        kind=kind,
        item_uid=item.uid,
        revision_id=revision.history_id if revision else None,
        slug=item.natural_key()[0],
        title=snapshot.title,
        summary=snapshot.summary,
        sort_start=snapshot.sort_start,
        sort_end=snapshot.sort_end,
        data={
            **snapshot.data,
            "identifiers": identifiers,
            "links": frozen_links(snapshot),
            "interchange": item.to_interchange(),
        },
        list_data=list_data(kind, snapshot.data),
        search_text=searchable_text(snapshot.search_text, identifiers.values()),
        published_at=now,
        published_by=by,
        note=(note or (revision.history_change_reason if revision else "") or "")[:300],
        is_live=True,
    )


MICROSECOND = datetime.timedelta(microseconds=1)


@transaction.atomic
def make_live(item: "Publishable", *, by: "User | None" = None, note: str = "") -> Publication:
    """Freeze the item as it is now into its live publication; the previous one stays as history."""
    return make_live_many([item], by=by, note=note)[0]


@transaction.atomic
def make_live_many(
    items: Sequence["Publishable"],
    *,
    by: "User | None" = None,
    note: str = "",
    revisions: "Mapping[int, HistoricalChanges] | None" = None,
) -> list[Publication]:
    """`make_live` for many items of one kind at once, in a fixed number of queries (imports use it).

    `revisions` maps an item's pk to its newest history row when the caller has it at hand.
    """
    if not items:
        return []
    kind = kind_of(items[0])
    revisions = revisions or {item.pk: workflow.latest_revision(item) for item in items}
    now = timezone.now()
    live = Publication.objects.filter(kind=kind, item_uid__in=[item.uid for item in items], is_live=True)
    before = list(live.only(*PLACEMENT_FIELDS)[: MANY + 1])  # more than MANY retire every page anyway
    if before:  # none live (new items, as an import's are): nothing to take down, and three queries saved
        stop_being_live(live)
    lookups, listed = listing_prefetch(type(items[0]))
    prefetch_related_objects(items, *lookups)
    try:
        made = [
            # Each its own instant, a microsecond apart in the order made: a feed reader tells an import's entries
            # apart by their time (Atom's `updated`), and the feed's order stays the order made.
            frozen(item, revision=revisions.get(item.pk), by=by, note=note, now=now + index * MICROSECOND)
            for index, item in enumerate(items)
        ]
    finally:
        for item in items:  # read for this freezing only: a later one lists the relations as they are then
            for attribute in listed:
                item.__dict__.pop(attribute, None)
    publications = insert_objects(made)
    store_search_vectors(Publication.objects.filter(pk__in=[publication.pk for publication in publications]))
    write_read_models(publications)
    retire(before, publications)
    return publications


def stop_being_live(publications: QuerySet[Publication]) -> int:
    """Take these live publications off the site: they stay as history, and leave the live read models."""
    remove_live_rows(publications)
    return publications.update(is_live=False)


def make_live_again(publications: Sequence[Publication]) -> None:
    """Put these older publications back on the site as their items' live versions (undoing an import): whatever
    is live for those items now stays as history."""
    if not publications:
        return
    before: list[Publication] = []
    for kind in {publication.kind for publication in publications}:
        uids = [publication.item_uid for publication in publications if publication.kind == kind]
        live = Publication.objects.filter(kind=kind, item_uid__in=uids, is_live=True)
        before += live.only(*PLACEMENT_FIELDS)[: MANY + 1]  # more than MANY retire every page anyway
        stop_being_live(live)
    Publication.objects.filter(pk__in=[publication.pk for publication in publications]).update(is_live=True)
    for publication in publications:
        publication.is_live = True
    write_live_rows(publications)
    retire(before, publications)


@transaction.atomic
def take_down(item: "Publishable") -> int:
    """Remove the item's live version from the public site; its publications stay as history."""
    return take_down_live(Publication.objects.filter(kind=kind_of(item), item_uid=item.uid, is_live=True))


def take_down_live(live: QuerySet[Publication]) -> int:
    """Remove these live publications, of any number of items, from the public site; they stay as history."""
    retire(list(live.only(*PLACEMENT_FIELDS)[: MANY + 1]), [])  # more than MANY retire every page anyway
    return stop_being_live(live)


def record_status(item: "Publishable", status: str, *, by: "User | AnonymousUser | None", reason: str) -> None:
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


def check_permission(user: "User | AnonymousUser | None", transition: str, item: "Publishable") -> None:
    if user is None or not user.is_authenticated or not user.is_active:
        raise PermissionDenied("Sign in to change an item's status.")
    if not user.has_perm(PERMISSIONS[transition]):
        raise PermissionDenied(f"You may not {transition.replace('_', ' ')} items: ask a reviewer.")


def has_unpublished_changes(item: "Publishable") -> bool:
    """Any revision since the live one counts, including changes the item's own history can't diff (offices)."""
    live = live_publication(item)
    latest = workflow.latest_revision(item)
    return live is None or (latest is not None and latest.history_id != live.revision_id)


def lock(item: "Publishable") -> None:
    """Hold the item's row until the transaction commits and read its status from it, not from a stale copy:
    two reviewers clicking Publish at once make one publication, two editors saving at once make one revision.
    The lock leaves rows that refer to the item free to be written (no_key): two events linked to each other can
    be saved at once without a deadlock."""
    current = type(item).objects.select_for_update(no_key=True).only("status", "published_at").get(pk=item.pk)
    item.status, item.published_at = current.status, current.published_at


def can_submit(item: "Publishable") -> bool:
    if item.status in (Status.DRAFT, Status.WITHDRAWN):
        return True
    return item.status == Status.PUBLISHED and has_unpublished_changes(item)


def require_state(ok: bool, item: "Publishable", action: str) -> None:
    if not ok:
        raise ValidationError(
            f"“{item}” is {item.get_status_display().lower()}: it can't be {action} now.", code="invalid_state"
        )


def require_note(text: str | None, what: str) -> None:
    if not (text or "").strip():
        raise ValidationError(f"Write {what}.", code="required")


@transaction.atomic
def submit_for_review(*, item: "Publishable", by: "User | AnonymousUser | None", note: str = "") -> None:
    """Ask for review: a draft, a withdrawn item, or a published item with unpublished changes."""
    check_permission(by, "submit", item)
    lock(item)
    require_state(can_submit(item), item, "submitted for review")
    record_status(item, Status.IN_REVIEW, by=by, reason=reason_with(workflow.SUBMITTED, note))
    notifications.submitted(item, by=by, note=note)


@transaction.atomic
def send_back(*, item: "Publishable", by: "User | AnonymousUser | None", comment: str) -> None:
    """Return an item in review to its authors as a draft, with the reviewer's comment."""
    check_permission(by, "send_back", item)
    lock(item)
    require_state(item.status == Status.IN_REVIEW, item, "sent back")
    require_note(comment, "a comment saying what needs to change")
    cancel_publishing(item, by=by, why=f"Sent back by {by}.")
    record_status(item, Status.DRAFT, by=by, reason=reason_with(workflow.SENT_BACK, comment.strip()))
    notifications.sent_back(item, by=by, comment=comment.strip())


def check_four_eyes(item: "Publishable", by: "User") -> None:
    if by.is_superuser or not settings.THAW_FOUR_EYES:
        return
    if by.pk in workflow.editors_since_live(item):
        raise PermissionDenied("You edited this item since it was last published: another reviewer must publish it.")


@transaction.atomic
def publish(*, item: "Publishable", by: "User | AnonymousUser | None", note: str = "") -> Publication:
    """Publish an item in review: its current revision becomes the live version."""
    check_permission(by, "publish", item)
    lock(item)
    require_state(item.status == Status.IN_REVIEW, item, "published")
    # check_permission let only an active, signed-in user through: a User, not an AnonymousUser or None.
    check_four_eyes(item, cast("User", by))
    if problems := citation_problems(item):
        raise ValidationError(problems, code="citation_policy")
    settle_on_publish(item, by=by)
    record_status(item, Status.PUBLISHED, by=by, reason=reason_with(workflow.PUBLISHED, note))
    notifications.published(item, by=by, note=note)
    return make_live(item, by=cast("User", by), note=note)


@transaction.atomic
def withdraw(*, item: "Publishable", by: "User | AnonymousUser | None", note: str = "") -> None:
    """Take an item's live version off the public site; the item and its history stay."""
    check_permission(by, "withdraw", item)
    lock(item)
    require_state(live_publication(item) is not None, item, "withdrawn (it is not on the public site)")
    require_note(note, "why the item is withdrawn")
    cancel_on_withdraw(item, by=by)
    record_status(item, Status.WITHDRAWN, by=by, reason=reason_with(workflow.WITHDRAWN, note))
    notifications.withdrawn(item, by=by, note=note)
    take_down(item)


def restore_fields(item: "Publishable", revision: "HistoricalChanges") -> None:
    old = revision.instance
    for field in item._meta.concrete_fields:
        if field.editable and not field.primary_key and field.name not in workflow.WORKFLOW_FIELDS:
            setattr(item, field.attname, getattr(old, field.attname))


def restore_related(item: "Publishable", revision: "HistoricalChanges") -> None:
    for model_field in revision._history_m2m_fields:
        through = model_field.remote_field.through
        own_name = next(f.name for f in through._meta.fields if f.is_relation and f.related_model is type(item))
        names = [f.attname for f in through._meta.fields if not f.primary_key and f.name != own_name]
        through.objects.filter(**{own_name: item}).delete()
        through.objects.bulk_create(
            through(**{own_name: item}, **{name: getattr(row, name) for name in names})
            for row in getattr(revision, model_field.name).all()
        )


@transaction.atomic
def restore_revision(
    *, item: "Publishable", revision: "HistoricalChanges", by: "User | AnonymousUser | None", note: str = ""
) -> "HistoricalChanges | None":
    """Make a new revision equal to an old one. It is a draft: restoring never publishes."""
    if by is None or not by.is_authenticated or not by.has_perm(f"{item._meta.app_label}.change_{kind_of(item)}"):
        raise PermissionDenied("You may not edit this item.")
    if revision.instance_type is not type(item) or revision.id != item.pk:
        raise ValidationError("That revision belongs to another item.", code="wrong_item")
    restore_fields(item, revision)
    item.full_clean(exclude=["uid"])
    item.status = Status.DRAFT
    cancel_publishing(item, by=by, why=f"{by} restored revision {revision.history_id}: a draft again.")
    with one_revision(
        item, user=by, reason=reason_with(f"{workflow.RESTORED} {revision.history_id}", note), created=False
    ):
        item.save()
        restore_related(item, revision)
    watch(by, item)
    return workflow.latest_revision(item)
