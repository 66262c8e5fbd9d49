"""Historical figures and the offices they held."""

from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from thaw_site.publishing.citing import FACT_HELP, CitedItem
from thaw_site.publishing.items import relation_list
from thaw_site.text.dates import open_range, span_in_words, validate_edtf

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

    from thaw_site.publishing.items import Snapshot

EDTF_HELP = "EDTF: 1894, 1894-04, 1894-04-15, or with ~ (approximate), ? (uncertain)."


class Figure(CitedItem):
    slug = models.SlugField(max_length=100, unique=True, help_text="Lowercase words joined by hyphens.")
    name = models.CharField(max_length=200)
    native_name = models.CharField(max_length=200, blank=True, help_text="The name in its original script.")
    born = models.CharField(max_length=12, blank=True, validators=[validate_edtf], help_text=EDTF_HELP)
    died = models.CharField(max_length=12, blank=True, validators=[validate_edtf], help_text=EDTF_HELP)
    born_citation = models.CharField(max_length=300, blank=True, help_text=FACT_HELP)
    died_citation = models.CharField(max_length=300, blank=True, help_text=FACT_HELP)
    offices_citation = models.CharField(
        max_length=300, blank=True, help_text="One citation for the offices and their dates. " + FACT_HELP
    )
    born_earliest = models.DateField(null=True, blank=True, editable=False)

    cited_facts = ("born_citation", "died_citation", "offices_citation")

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(born__exact="") | Q(born_earliest__isnull=False), name="figure_birth_sortable"
            )
        ]

    def derive_fields(self) -> None:
        super().derive_fields()
        self.born_earliest, _ = open_range(self.born, "")

    public_url_name = "people:figure"
    public_list_url_name = "people:figures"
    publishing_prefetch = ("offices",)
    interchange_fields = {
        "name": "",
        "native_name": "",
        "born": "",
        "died": "",
        "born_citation": "",
        "died_citation": "",
        "offices_citation": "",
        "summary": "",
        "body": "",
        "needs_citations_since": "",
        "identifiers": {},
        "notes": [],
        "disputed": [],
        "status": "draft",
    }
    interchange_nullable = frozenset({"born", "died", "needs_citations_since"})

    def interchange_relations(self) -> dict[str, Any]:
        return {
            "offices": [
                {"title": o.title, "organisation": o.organisation, "start": o.start, "end": o.end}
                for o in sorted(relation_list(self, "offices"), key=lambda office: office.pk)
            ]
        }

    def to_interchange(self) -> dict[str, Any]:
        entry = super().to_interchange()
        entry["offices"] = [
            office | {"start": office["start"] or None, "end": office["end"] or None} for office in entry["offices"]
        ]
        return entry

    @property
    def lifespan(self) -> str:
        return span_in_words(self.born, self.died, only_start="born", only_end="died")

    def snapshot(self) -> "Snapshot":
        offices = [
            {"title": o.title, "organisation": o.organisation, "start": o.start, "end": o.end, "term": o.term}
            for o in relation_list(self, "offices")
        ]
        return self.cited_snapshot(
            title=self.name,
            sort_start=self.born_earliest,
            sort_end=None,
            data={
                "name": self.name,
                "native_name": self.native_name,
                "born": self.born,
                "died": self.died,
                "lifespan": self.lifespan,
                "offices": offices,
            },
            links=[],
            names=[self.native_name],
        )


class Office(models.Model):
    figure = models.ForeignKey(Figure, on_delete=models.CASCADE, related_name="offices")
    title = models.CharField(max_length=200)
    organisation = models.CharField(max_length=200, blank=True)
    start = models.CharField(max_length=12, blank=True, validators=[validate_edtf], help_text=EDTF_HELP)
    end = models.CharField(max_length=12, blank=True, validators=[validate_edtf], help_text=EDTF_HELP)
    start_earliest = models.DateField(null=True, blank=True, editable=False)
    end_latest = models.DateField(null=True, blank=True, editable=False)

    history = HistoricalRecords()

    # What django-simple-history records with the next save, when set (as events.interchange does).
    _change_reason: str
    _history_user: "User | AnonymousUser | None"

    class Meta:
        ordering = ["start_earliest", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_latest__isnull=True)
                | Q(start_earliest__isnull=True)
                | Q(end_latest__gte=F("start_earliest")),
                name="office_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title}, {self.organisation}" if self.organisation else self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.derive_fields()
        super().save(*args, **kwargs)

    def derive_fields(self) -> None:
        """The sortable dates; save() calls it, as Publishable.derive_fields does for items."""
        self.start_earliest, self.end_latest = open_range(self.start, self.end)

    @property
    def term(self) -> str:
        return span_in_words(self.start, self.end, only_start="from", only_end="until")
