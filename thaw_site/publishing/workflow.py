"""Reading an item's revision history: what changed between two revisions, who edited, what waits for review.

The workflow's writes live in thaw_site.publishing.services; this module only reads.
"""

import difflib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from thaw_site.publishing.items import Publishable
from thaw_site.publishing.publications import Publication

# A history row of an item (simple-history builds their models at run time, so the checker can't see them).
Revision = Any

# Fields the workflow sets: a change to these alone is not an edit of the item.
WORKFLOW_FIELDS = ("status", "published_at", "updated_at", "uid")

# Change reasons of the rows the transitions write (see thaw_site.publishing.services).
SUBMITTED = "Submitted for review"
SENT_BACK = "Sent back"
PUBLISHED = "Published"
WITHDRAWN = "Withdrawn"
RESTORED = "Restored revision"
TRANSITIONS = (SUBMITTED, SENT_BACK, PUBLISHED, WITHDRAWN)


def kind_of(item: Publishable) -> str:
    return str(item._meta.model_name)


def live_publication(item: Publishable) -> Publication | None:
    return Publication.objects.live().filter(kind=kind_of(item), item_uid=item.uid).first()


def latest_revision(item: Publishable) -> Revision | None:
    return item.history.order_by("-history_date", "-history_id").first()


def reason_with(label: str, text: str) -> str:
    return f"{label}: {text}" if text else label


@dataclass
class FieldChange:
    name: str
    label: str
    old: object
    new: object
    html: SafeString  # the change, escaped, with <del>/<ins> marks


def words_diff(old: str | None, new: str | None) -> SafeString:
    """Two texts compared word by word: deleted words in <del>, inserted ones in <ins>, all escaped."""
    old_words, new_words = re.split(r"(\s+)", old or ""), re.split(r"(\s+)", new or "")
    parts = []
    for op, a1, a2, b1, b2 in difflib.SequenceMatcher(None, old_words, new_words, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(("{}", "".join(old_words[a1:a2])))
            continue
        if a2 > a1:
            parts.append(("<del>{}</del>", "".join(old_words[a1:a2])))
        if b2 > b1:
            parts.append(("<ins>{}</ins>", "".join(new_words[b1:b2])))
    return format_html_join("", "{}", ((format_html(template, text),) for template, text in parts))


def describe_row(row: dict[str, Any], model_field: Any) -> str:
    """One related row of a many-to-many snapshot, in words: the target, and a participant's role."""
    through = model_field.remote_field.through
    target_name = next(
        f.name for f in through._meta.fields if f.is_relation and f.related_model is model_field.related_model
    )
    target = model_field.related_model._default_manager.filter(pk=row[target_name]).first()
    text = str(target) if target else f"(deleted #{row[target_name]})"
    role = row.get("role")
    return f"{text} — {role}" if role else text


def related_diff(model_field: Any, old_rows: list[dict[str, Any]], new_rows: list[dict[str, Any]]) -> SafeString:
    old = [describe_row(row, model_field) for row in old_rows]
    new = [describe_row(row, model_field) for row in new_rows]
    removed = [text for text in old if text not in new]
    added = [text for text in new if text not in old]
    return format_html(
        "{}{}",
        format_html_join("", "<del>− {}</del> ", ((text,) for text in removed)),
        format_html_join("", "<ins>+ {}</ins> ", ((text,) for text in added)),
    )


def compare(old_row: Revision | None, new_row: Revision | None) -> list[FieldChange]:
    """The edits from one revision to another, field by field (workflow fields left out)."""
    if old_row is None or new_row is None:
        return []
    model = new_row.instance_type
    delta = new_row.diff_against(old_row, excluded_fields=WORKFLOW_FIELDS)
    changes = []
    for change in delta.changes:
        model_field = model._meta.get_field(change.field)
        label = str(model_field.verbose_name).capitalize()
        if model_field.many_to_many:
            html = related_diff(model_field, change.old, change.new)
        elif model_field.is_relation:
            related = model_field.related_model._default_manager
            old, new = (related.filter(pk=pk).first() if pk else None for pk in (change.old, change.new))
            html = words_diff(str(old or "—"), str(new or "—"))
        else:
            html = words_diff(_text(change.old), _text(change.new))
        changes.append(FieldChange(change.field, label, change.old, change.new, html))
    return changes


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dict) or (isinstance(value, list) and any(isinstance(v, dict) for v in value)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)  # identifiers, notes, disputed facts
    if isinstance(value, list):
        return "; ".join(map(str, value))
    return str(value)


def is_transition(row: Revision, previous: Revision | None) -> bool:
    """A row the workflow wrote: named as a transition, and changing nothing but workflow fields. (An edit
    summary can read like a transition; the row still counts as an edit if it changed the item.)"""
    named = (row.history_change_reason or "").startswith(TRANSITIONS)
    return named and previous is not None and not compare(previous, row)


def editors_since_live(item: Publishable) -> set[int]:
    """Users who edited the working copy since its live revision (all editors if it was never published).
    Every revision but a workflow transition counts, including a figure's revision for an office change."""
    rows = list(item.history.order_by("history_date", "history_id"))
    live = live_publication(item)
    since = live.revision_id if live and live.revision_id else 0
    return {
        row.history_user_id
        for row, previous in zip(rows, [None, *rows[:-1]], strict=True)
        if row.history_id > since and row.history_user_id and not is_transition(row, previous)
    }


def unpublished_changes(item: Publishable) -> list[FieldChange]:
    """What the working copy changes from the live publication's revision ([] if none or never published)."""
    live = live_publication(item)
    if live is None or live.revision_id is None:
        return []
    latest = latest_revision(item)
    if latest is None or latest.history_id == live.revision_id:
        return []
    published = item.history.filter(history_id=live.revision_id).first()
    return compare(published, latest)


def last_transition(item: Publishable, label: str) -> Revision | None:
    return item.history.filter(history_change_reason__startswith=label).order_by("-history_date", "-history_id").first()


@dataclass
class QueueEntry:
    """An item in a queue or dashboard list, with the revision that put it there."""

    item: Publishable
    revision: Revision | None
    changes: list[FieldChange]
    live: Revision | None = None  # the revision the public sees, if any
    latest: Revision | None = None
    edit_summaries: list[str] = field(default_factory=list)  # of the edits since the live revision, oldest first


def in_review(models: Iterable[type[Publishable]]) -> list[QueueEntry]:
    """Items waiting for review, oldest submission first, each with who submitted it, the edit summaries and the
    diff against the live version. One query for the items of each kind, then a few for each item."""
    entries = []
    for model in models:
        for item in model.objects.filter(status="in_review"):
            rows = list(item.history.select_related("history_user").order_by("history_date", "history_id"))
            live = live_publication(item)
            live_row = next((row for row in rows if live and row.history_id == live.revision_id), None)
            since = live_row.history_id if live_row else 0
            submitted = [row for row in rows if (row.history_change_reason or "").startswith(SUBMITTED)]
            entry = QueueEntry(item, submitted[-1] if submitted else None, [], live_row, rows[-1] if rows else None)
            entry.changes = compare(live_row, entry.latest) if live_row else []
            entry.edit_summaries = [
                row.history_change_reason
                for row in rows
                if row.history_id > since
                and row.history_change_reason
                and not row.history_change_reason.startswith(TRANSITIONS)
            ]
            entries.append(entry)
    return sorted(entries, key=lambda entry: entry.revision.history_date if entry.revision else entry.item.updated_at)


def drafts_of(user: Any, models: Iterable[type[Publishable]]) -> list[Publishable]:
    """Drafts the user has edited."""
    return [
        item
        for model in models
        for item in model.objects.filter(status="draft", pk__in=model.history.filter(history_user=user).values("id"))
    ]


def sent_back_to(user: Any, models: Iterable[type[Publishable]]) -> list[QueueEntry]:
    """Drafts a reviewer sent back after the user submitted them, with the reviewer's comment."""
    entries = []
    for model in models:
        for item in model.objects.filter(status="draft"):
            latest = latest_revision(item)
            if latest and (latest.history_change_reason or "").startswith(SENT_BACK):
                submitted = last_transition(item, SUBMITTED)
                if submitted and submitted.history_user_id == user.pk:
                    entries.append(QueueEntry(item, latest, []))
    return entries


def recent_changes(
    models: Iterable[type[Publishable]],
    *,
    user_id: int | str | None = None,
    model_name: str | None = None,
    limit: int = 50,
) -> list[Revision]:
    """The newest revisions of every editorial item, like Wikipedia's Recent changes."""
    rows = []
    for model in models:
        if model_name and model._meta.model_name != model_name:
            continue
        history = model.history.select_related("history_user").order_by("-history_date")
        if user_id:
            history = history.filter(history_user_id=user_id)
        rows.extend(history[:limit])
    return sorted(rows, key=lambda row: row.history_date, reverse=True)[:limit]
