"""The citation index, and the lists and reports built on citations.

Citation and CitationNeeded rows are derived from an item's markup and kept
in step with every save of a cited item (see EventsConfig.ready), so the
editors' worklist and report are queries over working copies. The public
lists and report read live publications only: their frozen flags, coverage
and `cites` links.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, TypeAlias, TypeVar, cast

from django.apps import apps
from django.db import transaction
from django.db.models import Count, F, Q
from django.urls import reverse

from thaw_site.publishing.bulk import insert_rows, pks_by
from thaw_site.publishing.publications import Kind, Publication
from thaw_site.publishing.read_models import PublishedLink
from thaw_site.text.dates import parse_date
from thaw_site.text.markup import coverage_share

from .models import Citation, CitationNeeded, Period, Source, Topic

if TYPE_CHECKING:
    import datetime

    from django.contrib.auth.models import User
    from django.db.models import Model, QuerySet

    from people.models import Figure
    from thaw_site.publishing.citing import CitedItem
    from thaw_site.text.markup import Coverage

    from .models import Event

    CitedModel: TypeAlias = Event | Period | Figure  # the models whose text cites sources

_R = TypeVar("_R", bound="HistoryRecord")
Listed: TypeAlias = tuple[str, str, str]  # (key or slug, title, url) of a period, topic or source in a report

CITED_KINDS = [Kind.PERIOD, Kind.EVENT, Kind.FIGURE]
FACT_NAMES = {"date_citation": "the date", "born_citation": "the date of birth", "died_citation": "the date of death"}


def reindex_item(item: "CitedItem") -> None:
    """Replace the item's index rows with those of its current text. Unknown keys are skipped."""
    reindex_items([item])


@transaction.atomic
def reindex_items(items: "Sequence[CitedItem]") -> None:
    """`reindex_item` for many items of one model in a fixed number of queries (imports use it)."""
    if not items:
        return
    model_name = cast(str, items[0]._meta.model_name)  # None only for a model not yet set up
    documents = [item.cite()[0] for item in items]
    owners = {f"{model_name}__in": [item.pk for item in items]}
    Citation.objects.filter(**owners).delete()
    CitationNeeded.objects.filter(**owners).delete()
    keys = {use.key for document in documents for use in document.citations}
    sources = pks_by(Source, "key", keys)
    owner = f"{model_name}_id"
    insert_rows(
        Citation,
        [owner, "field", "position", "source_id", "locator", "number"],
        (
            (item.pk, use.field, use.position, sources[use.key], use.locator, use.number)
            for item, document in zip(items, documents, strict=True)
            for use in document.citations
            if use.key in sources
        ),
    )
    insert_rows(
        CitationNeeded,
        [owner, "field", "position", "flagged", "flagged_on", "sentence"],
        (
            (
                item.pk,
                flag.field,
                flag.position,
                flag.flagged,
                parse_date(flag.flagged).earliest if flag.flagged else None,
                flag.sentence,
            )
            for item, document in zip(items, documents, strict=True)
            for flag in document.flags
        ),
    )


def reindex_on_save(sender: "type[Model]", instance: "CitedItem", raw: bool = False, **kwargs: Any) -> None:
    # Inside thaw_site.publishing.revisions.one_revision the item is saved with history silenced;
    # the revision's closing signal reindexes it once, with its final text.
    if not raw and not hasattr(instance, "skip_history_when_saving"):
        reindex_item(instance)


# --- Flags ("citation needed") -----------------------------------------------------------------


@dataclass(frozen=True)
class Flag:
    """One "citation needed" flag as a list shows it."""

    item: "Publication | CitedModel"  # a live Publication (public lists) or a working copy (editors' worklist)
    sentence: str
    flagged: str
    field: str
    added_by: "User | None" = None
    added_at: "datetime.datetime | None" = None
    added_because: str = ""  # the revision's change reason, e.g. "Imported from thaw_era.json"
    edit_url: str = ""

    @property
    def fact(self) -> str:
        """For a flag on a structured fact, the fact it questions ("the date"); "" for the body."""
        return "" if self.field == "body" else FACT_NAMES.get(self.field, self.field)

    @property
    def sort_key(self) -> tuple[bool, str, str]:
        # Oldest first; undated flags after every dated one.
        return (self.flagged == "", self.flagged, str(self.item))


def live_cited(*, period: str = "", topic: str = "", kind: str = "") -> "QuerySet[Publication]":
    """Live publications of cited kinds, narrowed by period slug, topic slug and kind."""
    publications = Publication.objects.live().filter(kind__in=CITED_KINDS).defer("search_text")
    if period:
        publications = publications.filter(
            Q(kind=Kind.PERIOD, slug=period) | Q(links__relation="period", links__target_slug=period)
        )
    if topic:
        publications = publications.filter(links__relation="topic", links__target_slug=topic)
    if kind:
        publications = publications.filter(kind=kind)
    return publications.distinct()


def live_flags(publications: Iterable[Publication]) -> list[Flag]:
    """Every flag in these publications, oldest first."""
    flags = [
        Flag(publication, flag["sentence"], flag["flagged"], flag["field"])
        for publication in publications
        for flag in publication.data.get("flags", [])
    ]
    return sorted(flags, key=lambda flag: flag.sort_key)


def needing_citations(publications: Iterable[Publication]) -> list[Publication]:
    """Publications carrying the item-level notice, longest-standing first."""
    noticed = [p for p in publications if p.data.get("needs_citations_since")]
    return sorted(noticed, key=lambda p: (p.data["needs_citations_since"], p.title))


def flags_in(record: "HistoryRecord", field_name: str) -> set[tuple[str, str]]:
    """{(sentence, flagged)} for the flags one field of a revision holds (the body, a fact, a note or a disputed
    value: notes[0], disputed[0].values[1]), as the index records them."""
    document, _ = record.instance.cite()
    return {(flag.sentence, flag.flagged) for flag in document.flags if flag.field == field_name}


class HistoryRecord(Protocol):
    """A django-simple-history record as read here (it makes the history models at run time, untyped)."""

    id: int
    history_user: "User | None"
    history_date: "datetime.datetime"
    history_change_reason: str | None
    instance: "CitedModel"  # the item as it was at this revision


def first_revision_with(records: Iterable[_R], row: CitationNeeded) -> _R | None:
    """The earliest history record whose text holds the flag of this index row, or None."""
    for record in records:
        if (row.sentence, row.flagged) in flags_in(record, row.field):
            return record
    return None


def histories_of(items: "Iterable[CitedModel]") -> "defaultdict[tuple[type[CitedModel], int], list[HistoryRecord]]":
    """{(model, pk): [history records, oldest first]} for these items, one query per model."""
    histories: defaultdict[tuple[type[CitedModel], int], list[HistoryRecord]] = defaultdict(list)
    by_model: defaultdict[type[CitedModel], set[int]] = defaultdict(set)
    for item in items:
        by_model[type(item)].add(item.pk)
    for model, pks in by_model.items():
        records = model.history.filter(id__in=pks).select_related("history_user").order_by("history_date", "history_id")
        for record in records:
            histories[(model, record.id)].append(record)
    return histories


def unsourced_statements(*, period="", topic="", model=""):
    """The editors' worklist: every flag in the working copies, oldest first, with who added it."""
    rows = CitationNeeded.objects.select_related("event", "period", "figure")
    if period:
        rows = rows.filter(Q(event__period__slug=period) | Q(period__slug=period))
    if topic:
        rows = rows.filter(event__topics__slug=topic)
    if model:
        rows = rows.filter(**{f"{model}__isnull": False})
    rows = list(rows.distinct())
    histories = histories_of({row.item for row in rows})
    flags = []
    for row in rows:
        item = row.item
        record = first_revision_with(histories[(type(item), item.pk)], row)
        flags.append(
            Flag(
                item,
                row.sentence,
                row.flagged,
                row.field,
                added_by=record.history_user if record else None,
                added_at=record.history_date if record else None,
                added_because=(record.history_change_reason or "") if record else "",
                edit_url=admin_url(item),
            )
        )
    return sorted(flags, key=lambda flag: flag.sort_key)


# --- The era report ------------------------------------------------------------------------------


@dataclass
class ReportEntry:
    """One cited item in a report: its coverage and where it belongs."""

    kind: str
    title: str
    url: str
    coverage: "Coverage | None"
    citations: int
    flags: int
    periods: set[str] = field(default_factory=set)
    topics: set[str] = field(default_factory=set)
    status: str = "published"

    @property
    def share(self) -> float | None:
        return coverage_share(self.coverage)


@dataclass
class Tally:
    """Coverage summed over a group of items (a period, a topic, the whole era)."""

    label: str
    url: str
    items: int
    sentences: int
    cited: int

    @property
    def share(self) -> float | None:
        return coverage_share({"sentences": self.sentences, "cited": self.cited})


def tally(label: str, url: str, entries: Sequence[ReportEntry]) -> Tally:
    counted = [entry.coverage for entry in entries if entry.coverage]
    return Tally(
        label,
        url,
        len(entries),
        sum(coverage["sentences"] for coverage in counted),
        sum(coverage["cited"] for coverage in counted),
    )


@dataclass(frozen=True)
class SourceUse:
    key: str
    title: str
    url: str
    uses: int
    items: int


@dataclass
class Report:
    entries: list[ReportEntry]
    by_period: list[Tally]
    by_topic: list[Tally]
    overall: Tally
    most_cited: list[SourceUse]
    never_cited: list[Listed]
    flags: list[Flag]

    @property
    def uncited(self) -> list[ReportEntry]:
        return [entry for entry in self.entries if not entry.citations]


def build_report(
    entries: list[ReportEntry],
    *,
    periods: Iterable[Listed],
    topics: Iterable[Listed],
    sources: Sequence[Listed],
    uses: Mapping[str, tuple[int, int]],
    flags: list[Flag],
) -> Report:
    """periods/topics/sources: [(key, title, url)]; uses: {source key: (uses, items citing it)}."""
    return Report(
        entries=entries,
        by_period=[tally(title, url, [e for e in entries if slug in e.periods]) for slug, title, url in periods],
        by_topic=[tally(title, url, [e for e in entries if slug in e.topics]) for slug, title, url in topics],
        overall=tally("The whole era", "", entries),
        most_cited=sorted(
            (SourceUse(key, title, url, *uses[key]) for key, title, url in sources if key in uses),
            key=lambda use: (-use.uses, -use.items, use.key),
        ),
        never_cited=[(key, title, url) for key, title, url in sources if key not in uses],
        flags=flags,
    )


def public_report() -> Report:
    """The era report from live publications and their `cites` links."""
    publications = list(live_cited().prefetch_related("links"))
    entries: list[ReportEntry] = []
    for publication in publications:
        links = publication.links.all()
        entries.append(
            ReportEntry(
                kind=publication.kind,
                title=publication.title,
                url=publication.get_absolute_url(),
                coverage=publication.data.get("rendered", {}).get("coverage"),
                citations=sum(1 for link in links if link.relation == "cites"),
                flags=len(publication.data.get("flags", [])),
                periods={link.target_slug for link in links if link.relation == "period"}
                | ({publication.slug} if publication.kind == Kind.PERIOD else set()),
                topics={link.target_slug for link in links if link.relation == "topic"},
            )
        )

    def listed(kind: str, *ordering: str) -> list[Listed]:
        found = Publication.objects.live().of_kind(kind).defer("data", "search_text").order_by(*ordering)
        return [(p.slug, p.title, p.get_absolute_url()) for p in found]

    cites = PublishedLink.objects.filter(relation="cites", publication__is_live=True)
    uses = {
        row["target_slug"]: (row["uses"], row["items"])
        for row in cites.values("target_slug").annotate(uses=Count("id"), items=Count("publication", distinct=True))
    }
    return build_report(
        sorted(entries, key=lambda entry: (entry.share is not None, entry.share or 0, entry.title)),
        periods=listed(Kind.PERIOD, "sort_start", "slug"),
        topics=listed(Kind.TOPIC, "title"),
        sources=listed(Kind.SOURCE, "summary", "title"),
        uses=uses,
        flags=live_flags(publications),
    )


def admin_url(item: "Model") -> str:
    return reverse(f"admin:{item._meta.app_label}_{item._meta.model_name}_change", args=[item.pk])


def working_report() -> Report:
    """The editors' fuller report: every working copy, whatever its status, from the citation index."""
    Figure = apps.get_model("people", "Figure")
    citations: Counter[tuple[str, int]] = Counter()  # {(model name, pk): how many}
    flags: Counter[tuple[str, int]] = Counter()
    for counter, rows in ((citations, Citation.objects), (flags, CitationNeeded.objects)):
        for event, period, figure in rows.values_list("event", "period", "figure"):
            counter[("event", event) if event else ("period", period) if period else ("figure", figure)] += 1
    items: list[Any] = [  # periods, events and figures: each kind reads its own fields below
        *Period.objects.all(),
        *apps.get_model("events", "Event").objects.select_related("period").prefetch_related("topics"),
        *Figure.objects.all(),
    ]
    entries = []
    for item in items:
        kind = item._meta.model_name
        periods = {item.slug} if kind == "period" else {item.period.slug} if getattr(item, "period", None) else set()
        entries.append(
            ReportEntry(
                kind=kind,
                title=str(item),
                url=admin_url(item),
                coverage=item.rendered.get("coverage"),
                citations=citations[(kind, item.pk)],
                flags=flags[(kind, item.pk)],
                periods=periods,
                topics={topic.slug for topic in item.topics.all()} if kind == "event" else set(),
                status=item.get_status_display(),
            )
        )
    uses = {
        row["source__key"]: (row["uses"], row["items"])
        for row in Citation.objects.values("source__key").annotate(
            uses=Count("id"),
            items=Count(F("event"), distinct=True)
            + Count(F("period"), distinct=True)
            + Count(F("figure"), distinct=True),
        )
    }
    return build_report(
        sorted(entries, key=lambda entry: (entry.share is not None, entry.share or 0, entry.title)),
        periods=[(p.slug, p.name, "") for p in Period.objects.all()],
        topics=[(t.slug, t.name, "") for t in Topic.objects.all()],
        sources=[(s.key, s.title, admin_url(s)) for s in Source.objects.all()],
        uses=uses,
        flags=unsourced_statements(),
    )
