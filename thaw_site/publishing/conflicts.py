"""Edit conflicts: an editor's save based on a revision older than the item's latest edit.

`unseen_edits` finds one (the caller holds the item's row); `conflict_rows` sets the other editor's values beside
the editor's own, field by field and inline row by inline row, for the change form to show while it keeps
everything the editor typed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.db import models
from django.utils.safestring import SafeString

from thaw_site.publishing import workflow
from thaw_site.publishing.workflow import Revision, words_diff

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from thaw_site.publishing.items import Publishable

# An admin inline formset, with its `fk` and `model` (the stubs' generic formset declares neither).
InlineFormSet = Any
# A field of an item's model: a plain field, a foreign key or a many-to-many field, as `_meta.get_field` gives it.
ModelField = Any

# Texts longer than this get a word diff beside the two values.
LONG_TEXT = 80


@dataclass
class EditConflict:
    """The latest revision of an item, saved after `base`, the one the editor's form started from (None when the
    form named no revision of this item)."""

    base: Revision | None
    latest: Revision
    missing: bool = False  # the form named no revision at all
    changes: list[workflow.FieldChange] = field(default_factory=list)

    def summary(self) -> str:
        if self.missing:
            return (
                "This form did not say which revision you started from, so your change could overwrite someone else's."
            )
        who = self.latest.history_user or "someone"
        reason = f" (“{self.latest.history_change_reason}”)" if self.latest.history_change_reason else ""
        return f"{who} saved this item at {self.latest.history_date:%H:%M}{reason} after you opened it."


def unseen_edits(item: Publishable, base_id: int | None) -> EditConflict | None:
    """The conflict a change made from revision `base_id` of the item would cause, or None when no edit was saved
    since (workflow transitions alone are not edits). The caller holds the item's row."""
    latest = workflow.latest_revision(item)
    if latest is None or latest.history_id == base_id:
        return None
    base = item.history.filter(history_id=base_id).first() if base_id is not None else None
    if base is None:
        return EditConflict(None, latest, missing=base_id is None)
    if edited_since(item, base):
        return EditConflict(base, latest, changes=workflow.compare(base, latest))
    return None


def edited_since(item: Publishable, base: Revision) -> bool:
    """Whether any revision after `base` edits the item: workflow transitions alone do not."""
    rows = list(item.history.filter(history_date__gte=base.history_date).order_by("history_date", "history_id"))
    newer = rows[rows.index(base) :]
    return any(not workflow.is_transition(row, previous) for previous, row in pairwise(newer))


@dataclass
class ConflictRow:
    label: str
    theirs: str
    yours: str
    diff: SafeString | None  # from theirs to yours, word by word: only for long text


def row(label: str, theirs: str, yours: str) -> ConflictRow:
    long = max(len(theirs), len(yours)) > LONG_TEXT or "\n" in theirs + yours
    return ConflictRow(label, theirs, yours, words_diff(theirs, yours) if long and theirs != yours else None)


def choice_text(form_field: forms.Field, value: Any) -> str:
    """A posted value as the editor sees it: the chosen items' names for a choice of items."""
    chosen = cast("QuerySet[Any]", getattr(form_field, "queryset", None))  # set on the fields choosing items
    if isinstance(form_field, forms.ModelMultipleChoiceField):
        return "; ".join(map(str, chosen.filter(pk__in=[v for v in value or [] if v])))
    if isinstance(form_field, forms.ModelChoiceField):
        return str(chosen.filter(pk=value).first() or "—") if value else "—"
    if isinstance(form_field, forms.BooleanField):
        return "yes" if value else "no"
    return workflow._text(value)


def saved_text(model_field: ModelField, value: Any) -> str:
    """A stored value of a field in the same words as choice_text."""
    if model_field.is_relation and not model_field.many_to_many:
        return str(value or "—")
    if isinstance(model_field, models.BooleanField):
        return "yes" if value else "no"
    return workflow._text(value)


def inline_fields(formset: InlineFormSet) -> list[str]:
    fk = formset.fk.name
    hidden = {fk, "id", "DELETE", "ORDER"}
    return [name for name in formset.form.base_fields if name not in hidden]


def saved_rows(formset: InlineFormSet, rows: Any) -> str:
    names = inline_fields(formset)
    model = formset.model
    lines = [
        " — ".join(text for name in names if (text := saved_text(model._meta.get_field(name), getattr(r, name))))
        for r in rows
    ]
    return "\n".join(lines)


def posted_rows(formset: InlineFormSet) -> str:
    """The inline rows as the editor's form has them: deleted rows and untouched blank ones left out."""
    names = inline_fields(formset)
    lines = []
    for form in formset.forms:
        if form["DELETE"].value() if "DELETE" in form.fields else False:
            continue
        if not form.instance.pk and not form.has_changed():
            continue
        lines.append(" — ".join(text for name in names if (text := choice_text(form.fields[name], form[name].value()))))
    return "\n".join(lines)


def conflict_rows(
    conflict: EditConflict, item: Publishable, form: forms.Form, formsets: list[InlineFormSet]
) -> list[ConflictRow]:
    """What the other editor saved beside what the form holds, for each field and inline they changed."""
    if conflict.base is None:
        return []
    rows: list[ConflictRow] = []
    inline_of = {formset.model: formset for formset in formsets}
    for change in conflict.changes:
        model_field: ModelField = type(item)._meta.get_field(change.name)
        through = model_field.remote_field.through if model_field.many_to_many else None
        if through in inline_of:
            continue  # shown with its inline below, row by row as the form has them
        if change.name in form.fields:
            yours = choice_text(form.fields[change.name], form[change.name].value())
        else:
            yours = "(not in this form)"
        if model_field.many_to_many:
            theirs = "; ".join(workflow.describe_row(r, model_field) for r in cast("list[dict[str, Any]]", change.new))
        elif model_field.is_relation:
            theirs = str(model_field.related_model._default_manager.filter(pk=change.new).first() or "—")
        else:
            theirs = saved_text(model_field, change.new)
        rows.append(row(change.label, theirs, yours))
    for formset in formsets:
        if inline_changed(conflict, item, formset):
            fk = formset.fk.name
            theirs = saved_rows(formset, formset.model._default_manager.filter(**{fk: item.pk}))
            rows.append(row(str(formset.model._meta.verbose_name_plural).capitalize(), theirs, posted_rows(formset)))
    return rows


def inline_changed(conflict: EditConflict, item: Publishable, formset: InlineFormSet) -> bool:
    """Whether the other editor changed the inline's rows: rows the item's history records as a many-to-many
    field (an event's participants), or rows with a history of their own (a figure's offices)."""
    fields: list[ModelField] = [type(item)._meta.get_field(change.name) for change in conflict.changes]
    if any(f.many_to_many and f.remote_field.through is formset.model for f in fields):
        return True
    history = getattr(formset.model, "history", None)
    if history is None or conflict.base is None:
        return False
    fk = formset.fk.name
    then = history.as_of(conflict.base.history_date).filter(**{fk: item.pk})
    now = formset.model._default_manager.filter(**{fk: item.pk})
    return sorted(saved_rows(formset, then).splitlines()) != sorted(saved_rows(formset, now).splitlines())
