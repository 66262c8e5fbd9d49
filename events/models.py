"""The era: periods, topics, events, the sources they cite, and the citation index."""

from typing import TYPE_CHECKING, Any, ClassVar, Self, cast

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models
from django.db.models import F, Prefetch, Q
from simple_history.models import HistoricalRecords
from stdnum import isbn as isbn_numbers

from thaw_site.publishing.citing import FACT_HELP, CitedItem
from thaw_site.publishing.items import NaturalKeyManager, Publishable, PublishableQuerySet, Snapshot, relation_list
from thaw_site.text.dates import date_range, format_date, open_range, parse_date, span_in_words, validate_edtf
from thaw_site.text.identifiers import SOURCE_SCHEMES

if TYPE_CHECKING:
    from people.models import Figure

SLUG_HELP = "Lowercase words joined by hyphens; part of the page's address."
EDTF_HELP = "EDTF: 1956, 1956-02, 1956-02-25, or with ~ (approximate), ? (uncertain), % (both)."


def existing(item, name):
    """The row `item.name` points at, or None when it was deleted since: an old revision keeps the stale id."""
    try:
        return getattr(item, name)
    except ObjectDoesNotExist:
        return None


class Period(CitedItem):
    slug = models.SlugField(max_length=100, unique=True, help_text=SLUG_HELP)
    name = models.CharField(max_length=200)
    start = models.CharField(max_length=12, blank=True, validators=[validate_edtf], help_text=EDTF_HELP)
    end = models.CharField(max_length=12, blank=True, validators=[validate_edtf], help_text=EDTF_HELP)
    start_earliest = models.DateField(null=True, editable=False)
    end_latest = models.DateField(null=True, editable=False)
    dates_citation = models.CharField(
        max_length=300, blank=True, help_text="One citation for the start and end dates. " + FACT_HELP
    )
    previous = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", help_text="The period before."
    )
    next = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", help_text="The period after."
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["start_earliest", "slug"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_earliest__isnull=True)
                | Q(end_latest__isnull=True)
                | Q(end_latest__gte=F("start_earliest")),
                name="period_ends_after_start",
            )
        ]

    def derive_fields(self) -> None:
        super().derive_fields()
        self.start_earliest, self.end_latest = open_range(self.start, self.end)

    cited_facts = ("dates_citation",)

    public_url_name = "events:period"
    publishing_prefetch = ("previous", "next")
    interchange_fields = {
        "name": "",
        "start": "",
        "end": "",
        "dates_citation": "",
        "summary": "",
        "body": "",
        "needs_citations_since": "",
        "identifiers": {},
        "notes": [],
        "disputed": [],
        "status": "draft",
    }
    interchange_nullable = frozenset({"start", "end", "needs_citations_since", "previous", "next"})

    def interchange_relations(self) -> dict[str, Any]:
        # An id means a row (casts: the stubs cannot tie a foreign key's id to its object).
        return {
            "previous": cast(Period, self.previous).slug if self.previous_id else "",
            "next": cast(Period, self.next).slug if self.next_id else "",
        }

    @property
    def span(self) -> str:
        return span_in_words(self.start, self.end)

    def snapshot(self) -> Snapshot:
        neighbours = [(name, "period", existing(self, name)) for name in ("previous", "next")]
        return self.cited_snapshot(
            title=self.name,
            sort_start=self.start_earliest,
            sort_end=self.end_latest,
            data={"name": self.name, "start": self.start, "end": self.end, "span": self.span},
            links=[(relation, kind, target.slug, "") for relation, kind, target in neighbours if target],
        )


class Topic(Publishable):
    slug = models.SlugField(max_length=100, unique=True, help_text=SLUG_HELP)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    public_url_name = "events:topic"
    public_list_url_name = "events:topics"
    interchange_fields = {"name": "", "description": "", "identifiers": {}, "status": "draft"}

    def snapshot(self) -> Snapshot:
        return Snapshot(
            title=self.name,
            summary=self.description,
            data={"name": self.name, "description": self.description},
            search_text=f"{self.name} {self.description}",
        )


class SourceKind(models.TextChoices):
    """CSL item types, so reference managers read our bibliography as we mean it."""

    BOOK = "book", "Book"
    CHAPTER = "chapter", "Book chapter"
    ARTICLE_JOURNAL = "article-journal", "Journal article"
    ARTICLE_MAGAZINE = "article-magazine", "Magazine article"
    ARTICLE_NEWSPAPER = "article-newspaper", "Newspaper article"
    WEBPAGE = "webpage", "Web page"
    MANUSCRIPT = "manuscript", "Archival document"
    REPORT = "report", "Report"
    SPEECH = "speech", "Speech"
    THESIS = "thesis", "Thesis"
    INTERVIEW = "interview", "Interview"
    MOTION_PICTURE = "motion_picture", "Film"
    DATASET = "dataset", "Data set"


def validate_isbn(value: str) -> None:
    if value and not isbn_numbers.is_valid(value):
        raise ValidationError(
            "%(value)r is not a valid ISBN-10 or ISBN-13 (check digit or length is wrong).",
            code="invalid_isbn",
            params={"value": value},
        )


class Source(Publishable):
    natural_key_field = "key"

    key = models.SlugField(
        max_length=100,
        unique=True,
        help_text="Short stable key used in citations: [@key]. Lowercase, e.g. schapiro-1971.",
    )
    kind = models.CharField(max_length=20, choices=SourceKind.choices, default=SourceKind.BOOK)
    authors = models.JSONField(
        default=list,
        blank=True,
        help_text='A list: each "Family, Given", or one literal name such as an institution.',
    )
    title = models.CharField(max_length=500)
    publisher = models.CharField(max_length=300, blank=True)
    place = models.CharField(max_length=200, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    isbn = models.CharField(
        "ISBN",
        max_length=17,
        blank=True,
        validators=[validate_isbn],
        help_text="ISBN-10 or ISBN-13; stored without hyphens.",
    )
    url = models.URLField("URL", max_length=500, blank=True)
    accessed = models.DateField(null=True, blank=True, help_text="When the URL was last checked.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["key"]

    def derive_fields(self) -> None:
        super().derive_fields()
        if self.isbn and isbn_numbers.is_valid(self.isbn):
            self.isbn = isbn_numbers.compact(self.isbn)

    public_url_name = "events:source"
    public_list_url_name = "events:sources"
    interchange_fields = {
        "kind": "book",
        "authors": [],
        "title": "",
        "publisher": "",
        "place": "",
        "year": None,
        "isbn": "",
        "url": "",
        "accessed": None,
        "identifiers": {},
        "status": "draft",
    }
    identifier_schemes = SOURCE_SCHEMES
    interchange_nullable = frozenset({"accessed"})

    def to_interchange(self) -> dict[str, Any]:
        return super().to_interchange() | {
            "isbn": isbn_numbers.format(self.isbn) if self.isbn else "",
            "accessed": self.accessed.isoformat() if self.accessed else None,
        }

    @property
    def isbn_hyphenated(self) -> str:
        return isbn_numbers.format(self.isbn) if self.isbn else ""

    @property
    def author_line(self) -> str:
        return "; ".join(self.authors)

    def snapshot(self) -> Snapshot:
        fields = ["key", "kind", "authors", "title", "publisher", "place", "year", "url"]
        data = {name: getattr(self, name) for name in fields}
        data.update(
            isbn=self.isbn_hyphenated,
            accessed=self.accessed.isoformat() if self.accessed else None,
            author_line=self.author_line,
        )
        return Snapshot(
            title=self.title,
            summary=self.author_line,
            data=data,
            search_text=" ".join([self.title, *self.authors, self.publisher]),
        )


class Participation(models.Model):
    event = models.ForeignKey("Event", on_delete=models.CASCADE, related_name="participations")
    figure = models.ForeignKey("people.Figure", on_delete=models.PROTECT, related_name="participations")
    role = models.CharField(max_length=200, blank=True, help_text="What this person did in this event.")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["event", "figure"], name="participation_once_per_event")]

    def __str__(self) -> str:
        return f"{self.figure} ({self.role})" if self.role else str(self.figure)


class EventQuerySet(PublishableQuerySet):
    def in_order(self) -> Self:
        return self.order_by("date_earliest", "date_latest", "slug")


class Event(CitedItem):
    slug = models.SlugField(max_length=100, unique=True, help_text=SLUG_HELP)
    title = models.CharField(max_length=300)
    period = models.ForeignKey(Period, null=True, blank=True, on_delete=models.PROTECT, related_name="events")
    date = models.CharField(max_length=12, validators=[validate_edtf], help_text=EDTF_HELP)
    end = models.CharField(
        max_length=12, blank=True, validators=[validate_edtf], help_text="Optional end date, EDTF as above."
    )
    date_citation = models.CharField(max_length=300, blank=True, help_text=FACT_HELP)
    date_earliest = models.DateField(editable=False)
    date_latest = models.DateField(editable=False)
    place = models.CharField(max_length=200, blank=True)
    topics = models.ManyToManyField(Topic, blank=True, related_name="events")
    participants = models.ManyToManyField("people.Figure", through=Participation, blank=True, related_name="events")
    related = models.ManyToManyField("self", symmetrical=False, blank=True, related_name="related_from")

    cited_facts = ("date_citation",)

    # ClassVar, its type inferred: a manager is a class attribute. The ignore: to the stubs, a manager built from
    # EventQuerySet is no subtype of the inherited one built from PublishableQuerySet.
    objects: ClassVar = NaturalKeyManager.from_queryset(EventQuerySet)()  # type: ignore[assignment]
    history = HistoricalRecords(m2m_fields=[topics, participants, related])

    class Meta:
        ordering = ["date_earliest", "date_latest", "slug"]
        indexes = [models.Index(fields=["status", "date_earliest", "date_latest"], name="event_public_order")]
        constraints = [
            models.CheckConstraint(condition=Q(date_latest__gte=F("date_earliest")), name="event_ends_after_start")
        ]

    def derive_fields(self) -> None:
        super().derive_fields()
        self.date_earliest, self.date_latest = date_range(self.date, self.end)

    public_url_name = "events:event"
    # publishing_prefetch: below the class, whose own rows it reads.
    interchange_fields = {
        "title": "",
        "date": "",
        "end": "",
        "date_citation": "",
        "place": "",
        "summary": "",
        "body": "",
        "needs_citations_since": "",
        "identifiers": {},
        "notes": [],
        "disputed": [],
        "status": "draft",
    }
    interchange_nullable = frozenset({"end", "needs_citations_since", "period"})

    def interchange_relations(self) -> dict[str, Any]:
        return {
            "period": cast(Period, self.period).slug if self.period_id else "",  # an id means a row
            "topics": sorted(topic.slug for topic in relation_list(self, "topics")),
            "participants": [
                {"figure": p.figure.slug, "role": p.role}
                for p in sorted(relation_list(self, "participations"), key=lambda p: (p.order, p.pk))
            ],
            "related": sorted(event.slug for event in relation_list(self, "related")),
        }

    @property
    def when(self) -> str:
        """The date as people write it, with the end date when there is one."""
        return span_in_words(self.date, self.end) if self.end else format_date(self.date)

    @property
    def year(self) -> int:
        return parse_date(self.date).year

    def snapshot(self) -> Snapshot:
        period = existing(self, "period")
        links = [("period", "period", period.slug, "")] if period else []
        # Sorted here rather than in SQL so that prefetched relations (bulk publishing) cost no query.
        topics = sorted(relation_list(self, "topics"), key=lambda topic: topic.name)
        events = sorted(relation_list(self, "related"), key=lambda e: (e.date_earliest, e.date_latest, e.slug))
        links += [("topic", "topic", topic.slug, "") for topic in topics]
        links += [("participant", "figure", p.figure.slug, p.role) for p in relation_list(self, "participations")]
        links += [("related", "event", event.slug, "") for event in events]
        return self.cited_snapshot(
            title=self.title,
            sort_start=self.date_earliest,
            sort_end=self.date_latest,
            data={"title": self.title, "date": self.date, "end": self.end, "when": self.when, "place": self.place},
            links=links,
        )


# What snapshot() and interchange_relations() read of an event's relations: slugs, names, roles and dates. Loading
# the related events' and figures' whole rows, text and rendered JSON included, was a third of publishing a batch.
Event.publishing_prefetch = (
    "period",
    "topics",
    Prefetch("related", queryset=Event.objects.only("slug", "date_earliest", "date_latest")),
    Prefetch(
        "participations",
        queryset=Participation.objects.select_related("figure").only("event", "role", "order", "figure__slug"),
    ),
)


class CitationIndexQuerySet(models.QuerySet):
    def of_item(self, item: CitedItem) -> Self:
        return self.filter(**{cast(str, item._meta.model_name): item})  # None only for a model not yet set up


class IndexRow(models.Model):
    """A place in one item's text, derived from its markup when the item is saved."""

    event = models.ForeignKey(Event, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    period = models.ForeignKey(Period, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    figure = models.ForeignKey("people.Figure", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    field = models.CharField(max_length=30, help_text="The field holding it: body, date_citation, born_citation, …")
    position = models.PositiveIntegerField(help_text="Order of the marker among the item's citations and flags.")

    objects = CitationIndexQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["position"]

    @property
    def item(self) -> "Event | Period | Figure | None":
        return self.event or self.period or self.figure


def one_item_only(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=(
            Q(event__isnull=False, period__isnull=True, figure__isnull=True)
            | Q(event__isnull=True, period__isnull=False, figure__isnull=True)
            | Q(event__isnull=True, period__isnull=True, figure__isnull=False)
        ),
        name=name,
    )


class Citation(IndexRow):
    """One citation of a source at one place in an item (one row per [@key] use)."""

    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="citations")
    locator = models.CharField(max_length=200, blank=True)
    number = models.PositiveSmallIntegerField(help_text="The footnote number this source has in the item.")

    class Meta(IndexRow.Meta):
        constraints = [one_item_only("citation_belongs_to_one_item")]
        indexes = [models.Index(fields=["source", "position"], name="citation_cited_by")]

    def __str__(self) -> str:
        return f"[@{self.source.key}{', ' + self.locator if self.locator else ''}] in {self.item}"


class CitationNeeded(IndexRow):
    """One "citation needed" flag at one place in an item."""

    flagged = models.CharField(max_length=7, blank=True, help_text="Month the claim was flagged (YYYY-MM).")
    flagged_on = models.DateField(null=True, blank=True, help_text="First day of the flagged month, for sorting.")
    sentence = models.TextField(blank=True, help_text="The claim the flag follows.")

    class Meta(IndexRow.Meta):
        constraints = [one_item_only("flag_belongs_to_one_item")]
        indexes = [models.Index(fields=["flagged_on"], name="flag_oldest_first")]

    def __str__(self) -> str:
        return f"[citation needed{': ' + self.flagged if self.flagged else ''}] in {self.item}"
