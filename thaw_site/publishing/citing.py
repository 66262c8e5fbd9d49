"""Items whose text cites sources: periods, events and figures.

`save()` derives the rendered HTML of every cited field (the body and the
citations attached to structured facts such as a date), so pages never
render Markdown per request. The citation index (events.Citation rows) is
derived from the same rendering by `events.citations.reindex_item`.

Beside its body, a cited item keeps an editorial record, cited like the body:

- `notes`, editors' notes on the item or on one claim of it, saying where a
  source is wrong, outdated or contested: [{"kind": "wrong", "about": "the
  claim, quoted", "text": "Markdown with citations"}];
- `disputed`, facts the sources disagree on, each with its competing values,
  one value's own citation each, and at most one preferred: [{"fact": "End of
  the plan", "values": [{"value": "1965", "citation": "[@key]", "preferred":
  false}, …]}]. With no value preferred, the fact is disputed.
"""

import json
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from typing import Any, ClassVar, TypedDict

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from thaw_site.publishing.items import Link, Publishable, Snapshot
from thaw_site.publishing.publications import Kind, models_by_kind
from thaw_site.text.dates import validate_edtf
from thaw_site.text.markup import ANY_MARKER, CitedDocument

FACT_HELP = "One citation for this fact, e.g. [@key, p. 12], or [citation needed: 2026-11]."
NOTE_KINDS = {
    "wrong": "The source is wrong",
    "outdated": "The source is outdated",
    "contested": "The source is contested",
}
FIELD_OF_PLACE = re.compile(r"^\w+")
# Renderings handed from one instance to the next (`renderings_handed_on`): {texts: (document, rendered)}.
_handed_on: ContextVar[dict[tuple[str, ...], tuple[CitedDocument, dict[str, object]]] | None] = ContextVar(
    "renderings handed on", default=None
)
CITATION_GROUP = re.compile(r"\s*\[@[^\]]*\]")  # a note's plain text drops its citations, keeps its flags


class Note(TypedDict):
    kind: str
    about: str
    text: str


class DisputedValue(TypedDict):
    value: str
    citation: str
    preferred: bool


class DisputedFact(TypedDict):
    fact: str
    values: list[DisputedValue]


def notes_of(value: object) -> list[Note]:
    """The well-formed notes of a `notes` value, absent fields filled in; malformed ones are reported by
    note_problems, not rendered."""
    if not isinstance(value, list):
        return []
    return [
        {"kind": note["kind"], "about": note.get("about", ""), "text": note["text"]}
        for note in value
        if isinstance(note, dict) and not note_problems([note])
    ]


def disputed_of(value: object) -> list[DisputedFact]:
    """The well-formed facts of a `disputed` value, absent fields filled in (as notes_of)."""
    if not isinstance(value, list):
        return []
    return [
        {
            "fact": fact["fact"],
            "values": [
                {"value": v["value"], "citation": v["citation"], "preferred": v.get("preferred", False)}
                for v in fact["values"]
            ],
        }
        for fact in value
        if isinstance(fact, dict) and not dispute_problems([fact])
    ]


def is_text(value: object, *, required: bool = True) -> bool:
    return isinstance(value, str) and (bool(value.strip()) or not required)


def note_problems(value: object) -> list[str]:
    """What is wrong with a `notes` value, each message naming the note."""
    if not isinstance(value, list):
        return ["must be a list of notes"]
    problems = []
    for index, note in enumerate(value):
        where = f"notes[{index}]"
        if not isinstance(note, dict):
            problems.append(f"{where}: must be an object with kind, about and text")
            continue
        if unknown := set(note) - {"kind", "about", "text"}:
            problems.append(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
        if note.get("kind") not in NOTE_KINDS:
            problems.append(f"{where}.kind: {note.get('kind')!r} is not one of {', '.join(NOTE_KINDS)}")
        if not is_text(note.get("text")):
            problems.append(f"{where}.text: the note needs its text")
        if not is_text(note.get("about", ""), required=False):
            problems.append(f"{where}.about: must be text (the claim the note is about, or empty)")
    return problems


def dispute_problems(value: object) -> list[str]:
    """What is wrong with a `disputed` value, each message naming the fact and value."""
    if not isinstance(value, list):
        return ["must be a list of disputed facts"]
    problems = []
    for index, fact in enumerate(value):
        where = f"disputed[{index}]"
        if not isinstance(fact, dict) or not isinstance(fact.get("values"), list):
            problems.append(f"{where}: must be an object with fact and a list of values")
            continue
        if unknown := set(fact) - {"fact", "values"}:
            problems.append(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
        if not is_text(fact.get("fact")):
            problems.append(f"{where}.fact: name the fact, e.g. Date or Prisoners released")
        if len(fact["values"]) < 2:
            problems.append(f"{where}.values: a disputed fact has at least two competing values")
        for number, value_ in enumerate(fact["values"]):
            place = f"{where}.values[{number}]"
            if not isinstance(value_, dict):
                problems.append(f"{place}: must be an object with value, citation and preferred")
                continue
            if unknown := set(value_) - {"value", "citation", "preferred"}:
                problems.append(f"{place}: unknown field(s) {', '.join(sorted(unknown))}")
            if not is_text(value_.get("value")):
                problems.append(f"{place}.value: the value is missing")
            if not is_text(value_.get("citation")):
                problems.append(f"{place}.citation: cite the value, or flag it [citation needed: YYYY-MM]")
            if not isinstance(value_.get("preferred", False), bool):
                problems.append(f"{place}.preferred: must be true or false")
        if sum(1 for v in fact["values"] if isinstance(v, dict) and v.get("preferred") is True) > 1:
            problems.append(f"{where}.values: at most one value is preferred")
    return problems


def validate_notes(value: object) -> None:
    if problems := note_problems(value):
        raise ValidationError(problems)


def validate_disputed(value: object) -> None:
    if problems := dispute_problems(value):
        raise ValidationError(problems)


def field_of(place: str) -> str:
    """The model field a place in an item names: notes[2] is in notes, disputed[0].values[1] in disputed."""
    match = FIELD_OF_PLACE.match(place)
    return match.group() if match else place


def citation_errors(item: "CitedItem") -> dict[str, list[str]]:
    """{field: [message]} for every malformed citation or flag and every unknown source key in the item."""
    document, _ = item.cite()
    errors: dict[str, list[str]] = {}
    for problem in document.problems:
        place, _, message = problem.partition(": ")
        errors.setdefault(field_of(place), []).append(message if place == field_of(place) else problem)
    sources = models_by_kind()[Kind.SOURCE]
    key = sources.natural_key_field
    known = set(sources.objects.filter(**{f"{key}__in": document.keys}).values_list(key, flat=True))
    for use in document.citations:
        if use.key not in known:
            prefix = "" if field_of(use.field) == use.field else f"{use.field}: "
            errors.setdefault(field_of(use.field), []).append(f"{prefix}unknown source key {use.key!r} in [@{use.key}]")
    return errors


def citation_problems(item: Publishable) -> list[str]:
    """What stops the item being published under the citation policy, as "field: message" lines.

    Empty when the policy (settings.THAW_CITATION_POLICY, on by default) is off, or for items
    that cite nothing by nature (topics, sources).
    """
    if not getattr(settings, "THAW_CITATION_POLICY", True) or not isinstance(item, CitedItem):
        return []
    return [f"{name}: {message}" for name, messages in citation_errors(item).items() for message in messages]


class CitedItem(Publishable):
    summary = models.TextField(blank=True, help_text="Plain text, one or two sentences.")
    body = models.TextField(
        blank=True,
        help_text=(
            "Markdown. Cite with [@key], [@key, p. 45] or [@key1; @key2, pp. 3–5]; "
            "flag an unsourced claim with [citation needed: YYYY-MM]."
        ),
    )
    needs_citations_since = models.CharField(
        max_length=7,
        blank=True,
        validators=[validate_edtf],
        help_text="Month (YYYY-MM) since when the whole item has needed more citations, if it does.",
    )
    notes = models.JSONField(
        "editors' notes",
        default=list,
        blank=True,
        validators=[validate_notes],
        help_text=(
            'Where a source is wrong, outdated or contested: [{"kind": "wrong", "about": "the claim, quoted, or '
            'empty for the whole item", "text": "Markdown, cited like the body [@key] or [citation needed: '
            'YYYY-MM]"}]. Kinds: wrong, outdated, contested.'
        ),
    )
    disputed = models.JSONField(
        "disputed facts",
        default=list,
        blank=True,
        validators=[validate_disputed],
        help_text=(
            'Facts the sources disagree on: [{"fact": "Prisoners released", "values": [{"value": "…", '
            '"citation": "[@key, p. 4]", "preferred": true}, {"value": "…", "citation": "[@other]"}]}]. '
            "At most one value preferred; none means disputed."
        ),
    )
    rendered = models.JSONField(default=dict, blank=True, editable=False)

    # Names of CharFields holding one citation for a structured fact, in page order.
    cited_facts: ClassVar[tuple[str, ...]] = ()

    class Meta:
        abstract = True

    def cite(self) -> tuple[CitedDocument, dict[str, object]]:
        """Render every cited field into one document, facts first as they appear first on the page.

        Kept on the instance until its text changes: saving, indexing and publishing an item each read it, and
        rendering is most of what they cost (an import of 10,000 events rendered each three times)."""
        texts = (
            *(getattr(self, name) for name in self.cited_facts),
            self.body,
            json.dumps([self.notes, self.disputed], sort_keys=True),  # a copy: the lists may be changed in place
        )
        kept = self.__dict__.get("_citations")
        if kept is not None and kept[0] == texts:
            return kept[1], dict(kept[2])
        handed_on = _handed_on.get()
        if handed_on is not None and (found := handed_on.pop(texts, None)) is not None:
            self._citations = (texts, *found)
            return found[0], dict(found[1])
        document = CitedDocument()
        rendered: dict[str, object] = {
            name: document.render_fact(getattr(self, name), name) for name in self.cited_facts
        }
        rendered["disputed"] = [
            [
                document.render_fact(value["citation"], f"disputed[{index}].values[{number}]")
                for number, value in enumerate(fact["values"])
            ]
            for index, fact in enumerate(disputed_of(self.disputed))
        ]
        rendered["notes"] = [
            document.render_body(note["text"], f"notes[{index}]") for index, note in enumerate(notes_of(self.notes))
        ]
        rendered["body"] = document.render_body(self.body)
        rendered["coverage"] = document.coverage()
        self._citations = (texts, document, rendered)
        return document, dict(rendered)

    def hand_on_rendering(self) -> None:
        """Offer this item's rendering (cite() was called) to the next instance with the same text, inside
        `renderings_handed_on`: an import validates a throwaway instance per item, then writes another."""
        handed_on, kept = _handed_on.get(), self.__dict__.get("_citations")
        if handed_on is not None and kept is not None:
            handed_on[kept[0]] = (kept[1], kept[2])

    def editorial_record(self, document: CitedDocument, rendered: dict[str, Any]) -> dict[str, Any]:
        """The notes and disputed facts as a publication keeps them: each with its rendered citations, a
        disputed value with the keys of the sources it cites, and a fact with its preferred value or None."""
        notes = [
            note
            | {"label": NOTE_KINDS[note["kind"]], "html": html, "plain": CITATION_GROUP.sub("", note["text"]).strip()}
            for note, html in zip(notes_of(self.notes), rendered["notes"], strict=True)
        ]
        disputed = []
        for index, (fact, htmls) in enumerate(zip(disputed_of(self.disputed), rendered["disputed"], strict=True)):
            values = [
                value
                | {
                    "html": html,
                    "keys": [use.key for use in document.citations if use.field == f"disputed[{index}].values[{n}]"],
                }
                for n, (value, html) in enumerate(zip(fact["values"], htmls, strict=True))
            ]
            preferred = next((value["value"] for value in values if value["preferred"]), None)
            disputed.append({"fact": fact["fact"], "preferred": preferred, "values": values})
        return {"notes": notes, "disputed": disputed}

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        try:
            super().clean()
        except ValidationError as error:  # the identifiers: reported together with the citations
            errors.update(error.message_dict)
        for name, messages in citation_errors(self).items():
            errors.setdefault(name, []).extend(messages)
        if errors:
            raise ValidationError(errors)

    def derive_fields(self) -> None:
        super().derive_fields()
        # Stored as the interchange format reads them, absent fields filled in (malformed ones stay for clean()).
        if not note_problems(self.notes):
            self.notes = notes_of(self.notes)
        if not dispute_problems(self.disputed):
            self.disputed = disputed_of(self.disputed)
        _, self.rendered = self.cite()

    def cited_snapshot(
        self,
        *,
        title: str,
        sort_start: date | None,
        sort_end: date | None,
        data: dict[str, Any],
        links: Iterable[Link],
        names: Iterable[str] = (),
    ) -> Snapshot:
        """A Snapshot of this item with its rendered text, references, flags and citation links; `names` are
        other names it is searched by (a figure's name in its own script)."""
        document, text = self.published_text()
        cites = [("cites", "source", use.key, use.locator) for use in document.citations]
        return Snapshot(
            title=title,
            summary=self.summary,
            sort_start=sort_start,
            sort_end=sort_end,
            data={**data, **text},
            search_text=" ".join(
                [
                    title,
                    *names,
                    self.summary,
                    ANY_MARKER.sub("", self.body),
                    *(note["plain"] for note in text["notes"]),
                    *(f"{fact['fact']} {value['value']}" for fact in text["disputed"] for value in fact["values"]),
                ]
            ),
            links=[*links, *cites],
        )

    def published_text(self) -> tuple[CitedDocument, dict[str, Any]]:
        """The item's text as its publication keeps it (the keys of `data` the public templates read): rendered,
        numbered references, flags, the editorial record. Publishing and the editors' live preview both read it."""
        document, rendered = self.cite()
        return document, {
            "summary": self.summary,
            "rendered": rendered,
            "references": document.references(),
            "flags": [{"flagged": f.flagged, "sentence": f.sentence, "field": f.field} for f in document.flags],
            "needs_citations_since": self.needs_citations_since,
            **self.editorial_record(document, rendered),
        }


@contextmanager
def renderings_handed_on() -> Iterator[None]:
    """Within the block, a rendering offered by `CitedItem.hand_on_rendering` is taken (once) by the next instance
    whose cited texts are the same, instead of being rendered again: rendering the Markdown was a third of an
    import's time, and validating the file rendered every item once before writing rendered it again. Outside
    the block nothing is kept: the renderings live as long as the import."""
    token = _handed_on.set({})
    try:
        yield
    finally:
        _handed_on.reset(token)
