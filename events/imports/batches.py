"""Import batches: every import recorded with what it did, and undone as a whole.

`run_import` is the one way files come in, from `import_era` and from the admin: it reads each item the file
names as it is before the import, imports through `events.interchange.import_document` (validation, one
transaction, one history row per created or changed item), and records the batch: who, when, the file's name
and hash, the counts, and for each item it created or changed the revision it wrote, its thaw-era entry before
and its live publication before and after.

`undo_batch` puts every one of those items back as it was before the batch, in one transaction:

- an item the batch **created is deleted**: it leaves the public site (its publications stay as history, off the
  site, like a withdrawn item's) and the working copies (simple-history keeps its revisions and records the
  deletion). Deleting rather than withdrawing makes the site and `export_era` exactly what they were before;
- an item the batch **changed** is written back to its earlier entry through the same import (one new revision,
  so the history shows the batch and its undo), and its earlier live publication is live again (the batch's own
  stays in the history).

Undo refuses, naming them, when any of those items was edited, published, withdrawn or deleted after the batch
(its newest revision or live version is no longer the batch's), unless forced; a forced undo overwrites those
later changes, which stay in the history.
"""

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Max, ProtectedError, QuerySet
from django.db.models.signals import pre_delete
from django.utils import timezone

from events.imports.models import ImportBatch, ImportedItem
from events.interchange import (
    FORMAT,
    SCALAR_ORDER,
    SECTIONS,
    VERSION,
    Document,
    Entry,
    ImportFailed,
    ImportReport,
    import_document,
)
from thaw_site.publishing.bulk import insert_objects
from thaw_site.publishing.publications import Publication
from thaw_site.publishing.services import make_live_again, stop_being_live, take_down, take_down_live

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from thaw_site.publishing.items import Publishable

Key = tuple[str, str]  # (section, ident): an item, as the thaw-era format names it
Created, Updated = ImportedItem.Action.CREATED, ImportedItem.Action.UPDATED


def file_hash(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def kind_of_section(section: str) -> str:
    return str(SECTIONS[section][0]._meta.model_name)


def named_items(document: object) -> dict[Key, Entry]:
    """The document's items by section and ident; read before validation, so anything malformed is skipped."""
    if not isinstance(document, dict):
        return {}
    named = {}
    for section, (_, ident_field) in SECTIONS.items():
        items = document.get(section)
        for item in items if isinstance(items, list) else []:
            if isinstance(item, dict) and isinstance(item.get(ident_field), str):
                named[section, item[ident_field]] = item
    return named


def current_entries(section: str, idents: Sequence[str]) -> dict[str, Entry]:
    """The thaw-era entries of the items of `section` among `idents` that exist."""
    model, ident_field = SECTIONS[section]
    found = model.objects.prefetch_related(*model.publishing_prefetch).in_bulk(idents, field_name=ident_field)
    return {ident: item.to_interchange() for ident, item in found.items()}


def live_publications(section: str, idents: Sequence[str]) -> dict[str, int]:
    """ident -> the id of its live publication, for those of `idents` that are live."""
    live = Publication.objects.live().filter(kind=kind_of_section(section), slug__in=idents)
    return dict(live.values_list("slug", "pk"))


def latest_revisions(section: str, idents: Sequence[str]) -> dict[str, int]:
    """ident -> the id of its newest history row (a deletion's included)."""
    model: Any = SECTIONS[section][0]  # its `history` manager is added at run time
    ident_field = SECTIONS[section][1]
    rows = (
        model.history.filter(**{f"{ident_field}__in": idents})
        .values(ident_field)
        .annotate(latest=Max("history_id"))
        .order_by()
    )
    return {row[ident_field]: row["latest"] for row in rows}


def by_section(keys: Iterable[Key]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = defaultdict(list)
    for section, ident in keys:
        grouped[section].append(ident)
    return grouped


@dataclass
class Outcome:
    """What an import did (or, dry, would do): the report, the batch it recorded, and the items the file names
    as they were before it and as the file has them, for showing an update's changes."""

    report: ImportReport
    batch: ImportBatch | None
    before: dict[Key, Entry] = field(default_factory=dict)
    after: dict[Key, Entry] = field(default_factory=dict)

    def changes(self) -> list[tuple[str, str, list[tuple[str, Any, Any]]]]:
        """Each updated item with its changed fields as (field, before, the file's value)."""
        changes = []
        for section, ident, names in self.report.updated:
            before, after = self.before.get((section, ident), {}), self.after.get((section, ident), {})
            changes.append((section, ident, [(name, before.get(name), after.get(name)) for name in names]))
        return changes

    def preview(self) -> dict[str, Any]:
        """The report as JSON: counts, created, changes (see `changes`) and unchanged, as the preview shows it."""
        return {
            "counts": self.report.counts(),
            "created": [list(key) for key in self.report.created],
            "changes": [
                [section, ident, [list(change) for change in fields]] for section, ident, fields in self.changes()
            ],
            "unchanged": [list(key) for key in self.report.unchanged],
        }


def run_import(
    document: Document,
    *,
    file_name: str,
    raw: bytes,
    file_format: str,
    user: "User | None" = None,
    dry_run: bool = False,
    keep_file: bool = False,
    progress: Callable[[int, int], None] | None = None,
    checking: Callable[[int, int], None] | None = None,
) -> Outcome:
    """Import `document` (read from the file `file_name`, whose bytes are `raw`) and record it as a batch.

    Raises ImportFailed, writing nothing, when the document is invalid. `keep_file` stores the file's bytes with
    the batch (admin uploads: the command's file stays where it is); `progress` and `checking` are import_document's."""
    named = named_items(document)
    with transaction.atomic():
        before: dict[Key, Entry] = {}
        live_before: dict[Key, int] = {}
        for section, idents in by_section(named).items():
            before.update({(section, ident): entry for ident, entry in current_entries(section, idents).items()})
            live_before.update({(section, ident): pk for ident, pk in live_publications(section, idents).items()})
        report = import_document(
            document, source_name=file_name, user=user, dry_run=dry_run, progress=progress, checking=checking
        )
        if dry_run:
            return Outcome(report, None, before, named)
        batch = ImportBatch.objects.create(
            user=user,
            file_name=file_name[-255:],
            sha256=file_hash(raw),
            file_format=file_format,
            content=raw if keep_file else None,
            **report.counts(),
        )
        touched = [(section, ident, Created) for section, ident in report.created]
        touched += [(section, ident, Updated) for section, ident, _ in report.updated]
        revisions: dict[Key, int] = {}
        live_after: dict[Key, int] = {}
        for section, idents in by_section((section, ident) for section, ident, _ in touched).items():
            revisions.update({(section, i): pk for i, pk in latest_revisions(section, idents).items()})
            live_after.update({(section, i): pk for i, pk in live_publications(section, idents).items()})
        insert_objects(
            [
                ImportedItem(
                    batch=batch,
                    section=section,
                    ident=ident,
                    action=action,
                    revision_id=revisions[section, ident],
                    before=before.get((section, ident)) if action == Updated else None,
                    live_before_id=live_before.get((section, ident)),
                    live_after_id=live_after.get((section, ident)),
                )
                for section, ident, action in touched
            ]
        )
    return Outcome(report, batch, before, named)


# --- undo -------------------------------------------------------------------------------------------------


class UndoRefused(Exception):
    """The batch can't be undone as asked; `problems` names each item in the way."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s); nothing was changed.")


@dataclass
class UndoReport:
    removed: list[Key] = field(default_factory=list)
    restored: list[Key] = field(default_factory=list)


def changed_since(items: Sequence[ImportedItem]) -> list[str]:
    """The batch's items whose newest revision or live version is no longer the one the batch left."""
    problems = []
    for section, idents in by_section((item.section, item.ident) for item in items).items():
        revisions, live = latest_revisions(section, idents), live_publications(section, idents)
        for item in (item for item in items if item.section == section):
            if revisions.get(item.ident) != item.revision_id:
                problems.append(f"{section} {item.ident!r} was edited or deleted after import {item.batch_id}")
            elif live.get(item.ident) != item.live_after_id:
                problems.append(f"{section} {item.ident!r} was published or withdrawn after import {item.batch_id}")
    return problems


def restore_updated(items: Sequence[ImportedItem], *, user: "User | None", reason: str) -> None:
    """Write the items' earlier entries back through the import, then put their earlier live versions back."""
    if not items:
        return
    document: Document = {"format": FORMAT, "version": VERSION}
    for item in items:
        document.setdefault(item.section, []).append(item.before)
    newest = Publication.objects.aggregate(newest=Max("pk"))["newest"] or 0
    try:
        import_document(document, source_name=reason, user=user, reason=reason)
    except ImportFailed as failure:
        raise UndoRefused(failure.errors) from None
    # What the writing just made live was never seen (it is all one transaction): the earlier live versions
    # come back instead, and the items that weren't live before come down.
    made_now = Publication.objects.filter(pk__gt=newest)
    stop_being_live(made_now)
    made_now.delete()
    for section, idents in by_section((i.section, i.ident) for i in items if i.live_before_id is None).items():
        model, ident_field = SECTIONS[section]
        for instance in model.objects.filter(**{f"{ident_field}__in": idents}):
            take_down(instance)
    make_live_again(list(Publication.objects.filter(pk__in=[i.live_before_id for i in items if i.live_before_id])))


@contextmanager
def deletions_recorded(model: "type[Publishable]", *, user: "User | None", reason: str) -> Iterator[None]:
    """Name the user and reason on the history row simple-history writes for each row a queryset deletes: it
    reads them from the instance, which only the deletion's own signals see."""

    def name_them(sender: Any, instance: Any, **kwargs: Any) -> None:
        instance._history_user, instance._change_reason = user, reason

    pre_delete.connect(name_them, sender=model, weak=False, dispatch_uid="imports-undo-deletions")
    try:
        yield
    finally:
        pre_delete.disconnect(sender=model, dispatch_uid="imports-undo-deletions")


def remove_created(items: Sequence[ImportedItem], *, user: "User | None", reason: str) -> None:
    """Delete the items the batch created, referring ones first, each deletion recorded in its history."""
    for section in reversed(SCALAR_ORDER):
        idents = [item.ident for item in items if item.section == section]
        if not idents:
            continue
        model, ident_field = SECTIONS[section]
        take_down_live(Publication.objects.live().filter(kind=kind_of_section(section), slug__in=idents))
        created = model.objects.filter(**{f"{ident_field}__in": idents})
        with deletions_recorded(model, user=user, reason=reason):
            try:
                created.delete()
            except ProtectedError:
                raise UndoRefused(still_referred_to(section, created)) from None


def still_referred_to(section: str, created: "QuerySet[Publishable]") -> list[str]:
    """Which of the items can't be deleted, and what refers to each (only when a deletion was refused)."""
    problems = []
    for instance in created:
        try:
            with transaction.atomic():
                instance.delete()
                transaction.set_rollback(True)
        except ProtectedError as error:
            referrers = ", ".join(sorted({str(obj) for obj in error.protected_objects}))
            problems.append(f"{section} {instance.natural_key()[0]!r} is still referred to by {referrers}")
    return problems


def undo_batch(batch: ImportBatch, *, user: "User | None" = None, force: bool = False) -> UndoReport:
    """Put every item the batch created or changed back as it was before it, in one transaction."""
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.undone_at is not None:
            raise UndoRefused([f"import {batch.pk} was already undone at {batch.undone_at:%Y-%m-%d %H:%M} UTC"])
        items = list(batch.items.all())
        if not force and (problems := changed_since(items)):
            raise UndoRefused(problems)
        reason = f"Undo of import {batch.pk} ({batch.file_name})"
        restore_updated([item for item in items if item.action == Updated], user=user, reason=reason)
        remove_created([item for item in items if item.action == Created], user=user, reason=reason)
        batch.undone_at, batch.undone_by = timezone.now(), user
        batch.save(update_fields=["undone_at", "undone_by"])
    return UndoReport(
        removed=[(item.section, item.ident) for item in items if item.action == Created],
        restored=[(item.section, item.ident) for item in items if item.action == Updated],
    )
