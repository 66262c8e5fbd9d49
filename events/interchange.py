"""The `thaw-era` interchange format, version 1: validate, import and export.

An import is checked whole before anything is written: the JSON, the schema
(events/schemas/thaw-era-1.schema.json), dates, ISBN check digits,
references between items, citation markup and keys, duplicate slugs and end
dates before their start. Any error stops the import with messages naming
the section, the item and the field; nothing is written. A valid document is
then written in one transaction, each created or changed item with exactly
one history row whose change reason names the file. Unchanged items are not
touched. Field by field documentation: docs/interchange-format.md.
"""

import datetime
import json
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias, TypedDict, TypeVar, cast

import fastjsonschema
import jsonschema
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from stdnum import isbn as isbn_numbers

from events.citations import reindex_items
from events.models import Event, Participation, Period, Source, Topic
from people.models import Figure, Office
from thaw_site.publishing import notifications
from thaw_site.publishing.bulk import insert_objects, insert_rows, pks_by, queries_unlogged
from thaw_site.publishing.citing import disputed_of, notes_of, renderings_handed_on
from thaw_site.publishing.items import INTERCHANGE_FORMAT, INTERCHANGE_VERSION, Publishable, Status
from thaw_site.publishing.revisions import one_revision, record_revisions
from thaw_site.publishing.schedules import cancel_after_import
from thaw_site.publishing.services import make_live, make_live_many, take_down
from thaw_site.text.dates import parse_date

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.db.models import ManyToManyField

    from thaw_site.publishing.citing import CitedItem

# The document and its entries are JSON, checked against the schema (and validate_document) before they are trusted.
Document: TypeAlias = dict[str, Any]
Entry: TypeAlias = dict[str, Any]  # one item of a section, as the file holds it
State: TypeAlias = dict[str, Any]  # an item as the file wants it: its scalar fields and relations, by name
_T = TypeVar("_T")

FORMAT, VERSION = INTERCHANGE_FORMAT, INTERCHANGE_VERSION
SCHEMA = json.loads((Path(__file__).parent / "schemas" / "thaw-era-1.schema.json").read_text())
MAX_BYTES = 200 * 1024 * 1024
MAX_ERRORS = 50

# Each section of the document, its model and the model's identifying field, in the order they are written;
# each model lists its own scalar fields and relations (`interchange_fields`, `interchange_relations`).
SECTIONS: dict[str, tuple[type[Publishable], str]] = {
    "sources": (Source, "key"),
    "topics": (Topic, "slug"),
    "periods": (Period, "slug"),
    "figures": (Figure, "slug"),
    "events": (Event, "slug"),
}
DATE_FIELDS = ["start", "end", "born", "died", "date", "needs_citations_since"]


class ImportFailed(Exception):
    """The document is invalid; `errors` lists every problem found, each naming its place."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__(f"{len(errors)} problem(s) found; nothing was written.")


class Rollback(Exception):
    pass


class ImportCounts(TypedDict):
    """How many items an import created, updated and left unchanged."""

    created: int
    updated: int
    unchanged: int


@dataclass
class ImportReport:
    created: list[tuple[str, str]] = field(default_factory=list)  # (section, id)
    updated: list[tuple[str, str, list[str]]] = field(default_factory=list)  # (section, id, [changed fields])
    unchanged: list[tuple[str, str]] = field(default_factory=list)

    def counts(self) -> ImportCounts:
        return {"created": len(self.created), "updated": len(self.updated), "unchanged": len(self.unchanged)}


# --- reading and validating -------------------------------------------------------------


class RepeatedKey(ValueError):
    pass


def refuse_repeated_keys(pairs: Iterable[tuple[str, Any]]) -> dict[str, Any]:
    """json keeps the last of two equal keys silently; a repeated field is a mistake worth naming."""
    result = {}
    for key, value in pairs:
        if key in result:
            raise RepeatedKey(key)
        result[key] = value
    return result


def read_bytes(path: str | os.PathLike[str]) -> bytes:
    """The file's contents, refused by name when it can't be read or is over MAX_BYTES."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as error:
        raise ImportFailed([f"{path}: cannot read the file ({error.strerror})"]) from None
    if size > MAX_BYTES:
        raise ImportFailed([f"{path}: the file is {size:,} bytes; the limit is {MAX_BYTES:,}"])
    try:
        return path.read_bytes()
    except OSError as error:
        raise ImportFailed([f"{path}: cannot read the file ({error.strerror})"]) from None


def read_document(path: str | os.PathLike[str]) -> Any:  # any JSON value; validate_document checks it
    return parse_document(read_bytes(path), path)


def parse_document(raw: bytes, path: str | os.PathLike[str]) -> Any:
    """The JSON value in `raw`, the contents of the file `path` names (for messages); read_document's second half."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ImportFailed([f"{path}: not UTF-8 (byte {error.start} is {raw[error.start]:#04x})"]) from None
    try:
        return json.loads(text, object_pairs_hook=refuse_repeated_keys)
    except RepeatedKey as error:
        raise ImportFailed([f"{path}: the field {error.args[0]!r} appears twice in one object"]) from None
    except json.JSONDecodeError as error:
        raise ImportFailed(
            [f"{path}: invalid JSON at line {error.lineno}, column {error.colno}: {error.msg}"]
        ) from None
    except RecursionError:
        raise ImportFailed([f"{path}: the JSON is nested too deeply"]) from None
    except ValueError as error:  # e.g. an integer longer than Python's digit limit
        raise ImportFailed([f"{path}: invalid JSON: {error}"]) from None


def place(document: Document, path: Iterable[str | int]) -> str:
    """Name a place in the document: 'events[3] secret-speech, field date'."""
    parts = list(path)
    if not parts:
        return "document"
    section = parts[0]
    if len(parts) == 1 or section not in SECTIONS:
        return f"{section}"
    index = parts[1]
    ident_field = SECTIONS[section][1]
    item = document[section][index] if isinstance(index, int) else {}
    ident = item.get(ident_field) if isinstance(item, dict) else None
    name = f"{section}[{index}]" + (f" {ident!r}" if isinstance(ident, str) else "")
    rest = ".".join(str(p) for p in parts[2:])
    return f"{name}, field {rest}" if rest else name


# The schema compiled to Python: about 30 times faster than jsonschema on a valid document, but its messages
# name no place, so jsonschema explains a document only once the compiled check has refused it.
is_valid_fast = fastjsonschema.compile(SCHEMA)


def schema_errors(document: Document) -> list[str]:
    try:
        is_valid_fast(document)
    except fastjsonschema.JsonSchemaException:
        pass
    else:
        return []
    validator = jsonschema.Draft202012Validator(SCHEMA)
    errors = []
    for error in sorted(validator.iter_errors(document), key=lambda e: [str(p) for p in e.absolute_path]):
        message = error.message
        if error.validator == "additionalProperties":
            message = f"unknown field(s): {message.split('(')[-1].rstrip(')')}"
        elif error.validator == "oneOf":
            message = f"{error.instance!r} is not a valid value here"
        errors.append(f"{place(document, error.absolute_path)}: {message}")
    return errors


def normalise(section: str, item: Entry) -> State:
    """The file's item as model values: absent fields filled, nulls as the model stores them."""
    model = SECTIONS[section][0]
    values: State = {name: item.get(name, default) for name, default in model.interchange_fields.items()}
    for name, value in values.items():
        if value is None and name in model.interchange_nullable:
            values[name] = ""
    if section == "sources":
        if values["isbn"] and isbn_numbers.is_valid(values["isbn"]):
            values["isbn"] = isbn_numbers.compact(values["isbn"])
        values["accessed"] = datetime.date.fromisoformat(values["accessed"]) if values["accessed"] else None
    if "notes" in values:  # a cited item's editorial record, absent fields filled in as the model stores it
        values.update(notes=notes_of(values["notes"]), disputed=disputed_of(values["disputed"]))
    return values


def ends_before(start: str | None, end: str | None) -> bool:
    """True when both dates are valid and the end is wholly before the start (bad dates are reported apart)."""
    try:
        return bool(start and end) and parse_date(end).latest < parse_date(start).earliest
    except ValidationError:
        return False


def semantic_errors(document: Document, progress: Callable[[int, int], None] | None = None) -> list[str]:
    errors: list[str] = []
    known: dict[str, set[str]] = {}
    for section, (model, ident_field) in SECTIONS.items():
        seen = set()
        for index, item in enumerate(document.get(section, [])):
            ident = item[ident_field]
            if ident in seen:
                errors.append(f"{section}[{index}] {ident!r}, field {ident_field}: duplicate {ident_field} {ident!r}")
            seen.add(ident)
        in_database = set(model.objects.values_list(ident_field, flat=True))
        known[section] = seen | in_database

    def check(section: str, index: int, item: Entry) -> None:
        where = f"{section}[{index}] {item[SECTIONS[section][1]]!r}"
        for name in DATE_FIELDS:
            if item.get(name):
                try:
                    parse_date(item[name])
                except ValidationError as error:
                    errors.append(f"{where}, field {name}: {error.messages[0]}")
        for start, end in (("start", "end"), ("born", "died"), ("date", "end")):
            if ends_before(item.get(start), item.get(end)):
                errors.append(f"{where}, field {end}: {item[end]!r} is before {start} {item[start]!r}")
        if section == "sources" and item.get("isbn") and not isbn_numbers.is_valid(item["isbn"]):
            errors.append(f"{where}, field isbn: {item['isbn']!r} is not a valid ISBN (check digit or length)")
        if section == "sources" and item.get("url") and not item["url"].lower().startswith(("http://", "https://")):
            errors.append(f"{where}, field url: {item['url']!r} must be an http:// or https:// address")
        if section == "sources" and item.get("accessed"):
            try:
                parse_date(item["accessed"])
            except ValidationError as error:
                errors.append(f"{where}, field accessed: {error.messages[0]}")
        references = {
            "previous": "periods",
            "next": "periods",
            "period": "periods",
        }
        for name, target in references.items():
            if item.get(name) and section in ("periods", "events") and item[name] not in known[target]:
                errors.append(f"{where}, field {name}: no period {item[name]!r} in the file or the database")
        for name, target in (("topics", "topics"), ("related", "events")):
            for slug in item.get(name, []) if section == "events" else []:
                if slug not in known[target]:
                    errors.append(f"{where}, field {name}: no {target[:-1]} {slug!r} in the file or the database")
        for number, participant in enumerate(item.get("participants", [])):
            if participant["figure"] not in known["figures"]:
                errors.append(
                    f"{where}, field participants[{number}].figure: "
                    f"no figure {participant['figure']!r} in the file or the database"
                )
        figures_seen = set()
        for number, participant in enumerate(item.get("participants", [])):
            if participant["figure"] in figures_seen:
                errors.append(
                    f"{where}, field participants[{number}].figure: {participant['figure']!r} is listed twice"
                )
            figures_seen.add(participant["figure"])
        for number, office in enumerate(item.get("offices", [])):
            for name in ("start", "end"):
                if office.get(name):
                    try:
                        parse_date(office[name])
                    except ValidationError as error:
                        errors.append(f"{where}, field offices[{number}].{name}: {error.messages[0]}")
            if ends_before(office.get("start"), office.get("end")):
                errors.append(f"{where}, field offices[{number}].end: {office['end']!r} is before its start")
        if section in ("periods", "figures", "events"):
            model = cast("type[CitedItem]", SECTIONS[section][0])  # these sections hold cited items
            cited = {name: item.get(name) or "" for name in (*model.cited_facts, "body")}
            # The notes as the item will store them (cite() reads only the well-formed ones either way), so the
            # item written from this entry takes this rendering instead of rendering again.
            throwaway = model(**cited, notes=notes_of(item.get("notes")), disputed=disputed_of(item.get("disputed")))
            document_, _ = throwaway.cite()
            throwaway.hand_on_rendering()
            errors.extend(f"{where}, field {problem}" for problem in document_.problems)
            for use in document_.citations:
                if use.key not in known["sources"]:
                    errors.append(
                        f"{where}, field {use.field}: citation [@{use.key}] names no source in the file or the database"
                    )

    total, done = sum(len(document.get(section, [])) for section in SECTIONS), 0
    for section in SECTIONS:
        for index, item in enumerate(document.get(section, [])):
            check(section, index, item)
            done += 1
            if progress is not None:
                progress(done, total)
    return errors


def nul_character_errors(document: Document) -> list[str]:
    """PostgreSQL cannot store NUL in text: refuse it by place rather than fail while writing."""

    def walk(value: object, path: tuple[str | int, ...]) -> Iterator[str]:
        if isinstance(value, str):
            if "\x00" in value:
                yield f"{place(document, path)}: contains a NUL character (\\u0000)"
        elif isinstance(value, (dict, list)):
            for key, inner in value.items() if isinstance(value, dict) else enumerate(value):
                yield from walk(inner, (*path, key))

    return list(walk(document, ()))


def validate_document(document: object, progress: Callable[[int, int], None] | None = None) -> None:
    """Raise ImportFailed listing every problem, or return when the document can be imported. `progress`, if given,
    is called with the number of items checked so far and the number to check, as the item by item checks go on
    (rendering each item's text to check its citations, most of a large import's checking)."""
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ImportFailed([f"document: not a {FORMAT} document (the 'format' field must be {FORMAT!r})"])
    if document.get("version") != VERSION:
        raise ImportFailed(
            [f"document: version {document.get('version')!r} is not supported; this site reads version {VERSION}"]
        )
    errors = schema_errors(document) or nul_character_errors(document)
    if not errors:
        errors = semantic_errors(document, progress)
    if errors:
        raise ImportFailed(errors)


# --- writing ------------------------------------------------------------------------------


def wanted_state(section: str, item: Entry) -> State:
    state = normalise(section, item)
    if section == "periods":
        state.update(previous=item.get("previous") or "", next=item.get("next") or "")
    elif section == "figures":
        state["offices"] = [
            {
                "title": o["title"],
                "organisation": o.get("organisation", ""),
                "start": o.get("start") or "",
                "end": o.get("end") or "",
            }
            for o in item.get("offices", [])
        ]
    elif section == "events":
        state.update(
            period=item.get("period") or "",
            topics=sorted(item.get("topics", [])),
            participants=[{"figure": p["figure"], "role": p.get("role", "")} for p in item.get("participants", [])],
            related=sorted(item.get("related", [])),
        )
    return state


def apply_state(section: str, instance: Publishable, state: State) -> None:
    """Write the wanted state onto a saved instance's relations (history is recorded by the caller)."""
    if section == "periods":
        instance = cast(Period, instance)  # each section holds its own model's items, here and below
        instance.previous = Period.objects.filter(slug=state["previous"]).first()
        instance.next = Period.objects.filter(slug=state["next"]).first()
        instance.save()
    elif section == "figures":
        instance = cast(Figure, instance)
        for office in instance.offices.all():
            office._change_reason = instance._change_reason
            office._history_user = instance._history_user
            office.delete()
        for values in state["offices"]:
            office = Office(figure=instance, **values)
            office._change_reason = instance._change_reason
            office._history_user = instance._history_user
            office.save()
    elif section == "events":
        instance = cast(Event, instance)
        instance.period = Period.objects.filter(slug=state["period"]).first()
        instance.save()
        instance.topics.set(Topic.objects.filter(slug__in=state["topics"]))
        instance.related.set(Event.objects.filter(slug__in=state["related"]))
        instance.participations.all().delete()
        figures = Figure.objects.in_bulk([p["figure"] for p in state["participants"]], field_name="slug")
        Participation.objects.bulk_create(
            Participation(event=instance, figure=figures[p["figure"]], role=p["role"], order=order)
            for order, p in enumerate(state["participants"])
        )


SCALAR_ORDER = ["sources", "topics", "periods", "figures", "events"]
BATCH = 250  # SQLite refuses prefetches of much more than a thousand rows at once


# The edit summaries an import gives what it publishes (the history rows name the file): what changed.
ADDED_NOTE = "Added to the archive."


def changed_note(fields: Sequence[str]) -> str:
    return f"Changed {', '.join(fields)}."


def go_live(instance: Publishable, *, by: "User | None", note: str) -> None:
    """Imports honour the status in the file: published goes live, withdrawn comes down. The item's authors and
    watchers hear of it as of a reviewer's publish or withdrawal (new items have none but the importer)."""
    if instance.status == Status.PUBLISHED:
        make_live(instance, by=by, note=note)
        notifications.published(instance, by=by, note=note)
    elif instance.status == Status.WITHDRAWN:
        take_down(instance)
        notifications.withdrawn(instance, by=by, note=note)


def batches(items: Sequence[_T]) -> Iterator[Sequence[_T]]:
    for start in range(0, len(items), BATCH):
        yield items[start : start + BATCH]


def create_relations(
    section: str, instances: Sequence[Publishable], wanted: dict[int, State], *, user: "User | None", reason: str
) -> None:
    """The relations of newly created items, in bulk (their scalars, and an event's period, are saved)."""
    if section == "periods":
        for instance in instances:
            instance.skip_history_when_saving = True  # recorded below, once, with the rest of the batch
            apply_state(section, instance, wanted[instance.pk])
            del instance.skip_history_when_saving
    elif section == "figures":
        instances = cast("Sequence[Figure]", instances)  # each section holds its own model's items
        offices = [
            Office(figure=instance, **values) for instance in instances for values in wanted[instance.pk]["offices"]
        ]
        for office in offices:
            office.derive_fields()
        insert_objects(offices)
        record_revisions(offices, user=user, reason=reason, created=True)
    elif section == "events":
        instances = cast("Sequence[Event]", instances)
        slugs = {slug for i in instances for name in ("topics", "related") for slug in wanted[i.pk][name]}
        pks = {"topics": pks_by(Topic, "slug", slugs), "related": pks_by(Event, "slug", slugs)}
        figures = pks_by(Figure, "slug", (p["figure"] for i in instances for p in wanted[i.pk]["participants"]))
        for name, targets in pks.items():
            field = cast("ManyToManyField[Any, Any]", Event._meta.get_field(name))
            insert_rows(
                getattr(Event, name).through,
                [f"{field.m2m_field_name()}_id", f"{field.m2m_reverse_field_name()}_id"],
                ((instance.pk, targets[slug]) for instance in instances for slug in wanted[instance.pk][name]),
            )
        insert_rows(
            Participation,
            ["event_id", "figure_id", "role", "order"],
            (
                (instance.pk, figures[p["figure"]], p["role"], order)
                for instance in instances
                for order, p in enumerate(wanted[instance.pk]["participants"])
            ),
        )


def write_created(
    section: str,
    instances: Sequence[Publishable],
    wanted: dict[int, State],
    *,
    user: "User | None",
    reason: str,
    written: Callable[[int], None],
) -> None:
    """Relations, one history row each, the citation index and publication for items new to the site;
    `written` is told how many items each batch wrote."""
    create_relations(section, instances, wanted, user=user, reason=reason)
    for batch in batches(instances):
        written(len(batch))
        rows = record_revisions(batch, user=user, reason=reason, created=True)
        if section in ("periods", "figures", "events"):
            reindex_items(cast("Sequence[CitedItem]", batch))  # the sections of cited items
        revisions = {instance.pk: row for instance, row in zip(batch, rows, strict=True)}
        published = [instance for instance in batch if instance.status == Status.PUBLISHED]
        make_live_many(published, by=user, note=ADDED_NOTE, revisions=revisions)
        for instance in batch:
            # What writing the batch attached (the parsed markup, the relations publishing prefetched) is
            # done with: dropping it keeps memory bounded by the batch rather than by the file.
            instance.__dict__.pop("_citations", None)
            instance.__dict__.pop("_prefetched_objects_cache", None)


@queries_unlogged()
@renderings_handed_on()
def import_document(
    document: Document,
    *,
    source_name: str,
    user: "User | None" = None,
    dry_run: bool = False,
    reason: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    checking: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Validate, then write the document in one transaction. Returns an ImportReport.

    Each history row's change reason is `reason`, by default "Imported from <source_name>". `progress`, if given,
    is called with the number of items written so far and the number to write, as the writing goes on; `checking`,
    likewise, as validation checks them.

    Items new to the site are written in bulk (their derived fields computed first, as save() would);
    changed items one by one, each as one revision.
    """
    validate_document(document, checking)
    report = ImportReport()
    reason = reason or f"Imported from {source_name}"
    try:
        with transaction.atomic():
            changes: list[tuple[str, Publishable, State, list[str]]] = []
            created: dict[str, list[tuple[Publishable, State]]] = {}
            periods: dict[str, Period] = {}
            for section in SCALAR_ORDER:
                model, ident_field = SECTIONS[section]
                # Locked like an admin save locks its item: an edit in flight commits first and is compared
                # against (so the report names what the file overwrites); one arriving later sees the import.
                existing = (
                    model.objects.select_for_update(no_key=True)
                    .prefetch_related(*model.publishing_prefetch)
                    .in_bulk([item[ident_field] for item in document.get(section, [])], field_name=ident_field)
                )
                new: list[tuple[Publishable, State]] = []
                for item in document.get(section, []):
                    ident = item[ident_field]
                    instance = existing.get(ident)
                    wanted = wanted_state(section, item)
                    if instance is None:
                        instance = model(**{ident_field: ident})
                        changed = None
                    else:
                        have = instance.interchange_state()
                        changed = [name for name in wanted if have.get(name) != wanted[name]]
                        if not changed:
                            report.unchanged.append((section, ident))
                            continue
                        instance.refresh_from_db()  # drops the relations prefetched above: apply_state replaces them
                    # Scalars first, so every item exists before relations point at it.
                    for name in model.interchange_fields:
                        setattr(instance, name, wanted[name])
                    if changed is None:
                        if section == "events":
                            cast(Event, instance).period = periods.get(wanted["period"]) if wanted["period"] else None
                        instance.derive_fields()
                        new.append((instance, wanted))
                        report.created.append((section, ident))
                    else:
                        instance.skip_history_when_saving = True
                        instance.save()
                        del instance.skip_history_when_saving
                        changes.append((section, instance, wanted, changed))
                        report.updated.append((section, ident, changed))
                insert_objects([instance for instance, _ in new])
                created[section] = new
                if section == "periods":
                    periods = {p.slug: p for p in Period.objects.all()}
            total, done = len(report.created) + len(report.updated), 0

            def written(count: int) -> None:
                nonlocal done
                done += count
                if progress is not None:
                    progress(done, total)

            for section in SCALAR_ORDER:
                instances = [instance for instance, _ in created[section]]
                wanted_by_pk = {instance.pk: state for instance, state in created[section]}
                write_created(section, instances, wanted_by_pk, user=user, reason=reason, written=written)
                del created[section]
            for section, instance, wanted, changed in changes:
                written(1)
                with one_revision(instance, user=user, reason=reason, created=False):
                    apply_state(section, instance, wanted)
                go_live(instance, by=user, note=changed_note(changed))
            cancel_after_import((instance for _, instance, _, _ in changes), by=user, reason=reason)
            if dry_run:
                raise Rollback
    except Rollback:
        pass
    return report


# --- exporting -------------------------------------------------------------------------------


# Items read and their relations prefetched per chunk, each event's people joined to its participations: SQLite
# refuses a prefetch of 10,000 events' relations, or of a thousand figures, as too deep an expression.
EXPORT_CHUNK = 500


def export_document() -> Document:
    document: Document = {"format": FORMAT, "version": VERSION}
    document["periods"] = [
        p.to_interchange() for p in Period.objects.select_related("previous", "next").order_by("start_earliest", "slug")
    ]
    document["topics"] = [t.to_interchange() for t in Topic.objects.order_by("slug")]
    document["sources"] = [s.to_interchange() for s in Source.objects.order_by("key")]
    figures = Figure.objects.prefetch_related("offices").order_by("slug")
    document["figures"] = [f.to_interchange() for f in figures.iterator(chunk_size=EXPORT_CHUNK)]
    events = (
        Event.objects.select_related("period")
        .prefetch_related(
            "topics", "related", Prefetch("participations", Participation.objects.select_related("figure"))
        )
        .order_by("date_earliest", "date_latest", "slug")
    )
    document["events"] = [e.to_interchange() for e in events.iterator(chunk_size=EXPORT_CHUNK)]
    return document
