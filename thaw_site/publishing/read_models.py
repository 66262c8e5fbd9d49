"""Read models: the publications' links, copied into the shapes the pages read them in.

The one home of an item's links is its publication's frozen `data["links"]` ([relation, kind, slug, detail] in
order). Three tables copy them, each for a read that would otherwise scan and sort every publication:

- `PublishedLink`: every publication's links, live or not; the citation reports filter publications by them.
- `LiveEventLink`: each live event's link to its period, topics, participants and related events, with the
  event's list fields; a period's, topic's or person's events are one index range in date order.
- `CitingPage`: each live page citing a source, once; a source's "cited by" is one index range in order.

They are written by one function, `write_read_models`, when publications are made, and the two live ones are
emptied of a publication by `remove_live_rows` when it stops being live (both called by
thaw_site.publishing.services only). `rebuild_read_models` makes all three afresh from the publications: `restore`
runs it, and tests/test_read_models.py checks that every table agrees with the publications after publish,
withdraw, restore and import. Migrations 0007 and 0008 filled the live ones for databases that predate them.
"""

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from typing import Any, ClassVar

from django.db import models
from django.db.models import QuerySet

from thaw_site.publishing.bulk import insert_rows
from thaw_site.publishing.publications import Kind, Publication, item_url, list_data

# The columns every link row shares, in the order `frozen_links_of` gives their values.
LINK_COLUMNS = ("publication_id", "relation", "target_kind", "target_slug", "detail", "position")


def frozen_links_of(publication: Publication) -> list[tuple[int, str, str, str, str, int]]:
    """The publication's frozen links as the values of LINK_COLUMNS, in order."""
    return [
        (publication.pk, relation, target_kind, target_slug, detail, position)
        for position, (relation, target_kind, target_slug, detail) in enumerate(publication.data.get("links", []))
    ]


class PublishedLink(models.Model):
    """A link from one publication to another item, by kind and slug, as it was when published."""

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="links")
    relation = models.CharField(max_length=20, help_text="period, topic, participant, related, previous, next, cites")
    target_kind = models.CharField(max_length=10, choices=Kind.choices)
    target_slug = models.CharField(max_length=100)
    detail = models.CharField(max_length=300, blank=True, help_text="A participant's role, or a citation's locator.")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["relation", "target_kind", "target_slug"], name="link_target")]

    def __str__(self) -> str:
        return f"{self.publication.slug} {self.relation} {self.target_kind} {self.target_slug}"

    columns: ClassVar = LINK_COLUMNS

    @classmethod
    def rows_for(cls, publications: Iterable[Publication]) -> Iterator[tuple[Any, ...]]:
        """The rows (values of `columns`) of these publications: one per frozen link, in order."""
        for publication in publications:
            yield from frozen_links_of(publication)


# The links of a live event that the pages of their targets list it by (a period's or topic's events, a person's
# events, an event's "related" from others), kept as LiveEventLink rows.
LISTED_EVENT_LINKS = ["period", "topic", "participant", "related"]


class LiveEventLink(models.Model):
    """A link from a live event to the item it names (its period, a topic, a participant, a related event), with
    what a list of that item's events shows of the event.

    Written when the event goes live and deleted when it stops being live, so the events of a period, topic or
    person are one index range in date order, a page at a time, instead of a join that sorts all of them (the main
    period's 7,000 events at 10k) on each request. It copies the event's list fields (a publication never
    changes), so that read needs no join. Not backed up: `restore` rebuilds it.
    """

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="+")
    relation = models.CharField(max_length=20)
    target_kind = models.CharField(max_length=10, choices=Kind.choices)
    target_slug = models.CharField(max_length=100)
    detail = models.CharField(max_length=300, blank=True, help_text="A participant's role.")
    position = models.PositiveIntegerField(help_text="The link's place among the event's links.")
    slug = models.CharField(max_length=100)
    title = models.CharField(max_length=500)
    summary = models.TextField(blank=True)
    sort_start = models.DateField(null=True, blank=True)
    sort_end = models.DateField(null=True, blank=True)
    list_data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["sort_start", "sort_end", "slug", "position"]  # an item's events, as the index holds them
        indexes = [
            models.Index(
                fields=["target_kind", "target_slug", "relation", "sort_start", "sort_end", "slug", "position"],
                name="event_links_in_order",
            )
        ]

    def __str__(self) -> str:
        return f"{self.slug} {self.relation} {self.target_kind} {self.target_slug}"

    columns: ClassVar = (*LINK_COLUMNS, "slug", "title", "summary", "sort_start", "sort_end", "list_data")

    @classmethod
    def rows_for(cls, publications: Iterable[Publication]) -> Iterator[tuple[Any, ...]]:
        """The rows (values of `columns`) of these live publications: one per listed link of each event among them."""
        for publication in publications:
            if publication.kind != Kind.EVENT:
                continue
            listed = (
                publication.slug,
                publication.title,
                publication.summary,
                publication.sort_start,
                publication.sort_end,
                publication.list_data,
            )
            for link in frozen_links_of(publication):
                if link[1] in LISTED_EVENT_LINKS:
                    yield (*link, *listed)


# The kinds whose pages a source page lists as citing it, in the order it lists them.
CITING_KINDS: list[str] = [Kind.PERIOD, Kind.EVENT, Kind.FIGURE]


class CitingPage(models.Model):
    """A live page that cites a source, once however often it cites it: one entry of the source page's "cited by".

    Written when the page goes live and deleted when it stops being live, so a source page reads its entries a
    page at a time in order from one index, instead of finding, de-duplicating and sorting every page that cites
    it (thousands for the most cited source) on each request. It copies what the list shows of the page (a
    publication never changes), so that read needs no join. Not backed up: `restore` rebuilds it.
    """

    source_slug = models.CharField(max_length=100)
    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="+")
    kind_order = models.PositiveSmallIntegerField(help_text="Periods first, then events, then people.")
    sort_start = models.DateField(null=True, blank=True)
    sort_end = models.DateField(null=True, blank=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    slug = models.CharField(max_length=100)
    title = models.CharField(max_length=500)
    locators = models.JSONField(default=list, blank=True, help_text="The locator of each citation, in order.")

    class Meta:
        ordering = ["kind_order", "sort_start", "sort_end", "slug"]  # a source's list, as the index holds it
        constraints = [models.UniqueConstraint(fields=["source_slug", "publication"], name="one_entry_per_page")]
        indexes = [
            models.Index(fields=["source_slug", "kind_order", "sort_start", "sort_end", "slug"], name="citing_in_order")
        ]

    def __str__(self) -> str:
        return f"{self.slug} cites {self.source_slug}"

    def get_absolute_url(self) -> str:
        return item_url(self.kind, self.slug)

    columns: ClassVar = (
        *("source_slug", "publication_id", "kind_order", "sort_start", "sort_end", "kind", "slug", "title"),
        "locators",
    )

    @classmethod
    def rows_for(cls, publications: Iterable[Publication]) -> Iterator[tuple[Any, ...]]:
        """The rows (values of `columns`) of these live publications: one per source each of them cites."""
        for publication in publications:
            if publication.kind not in CITING_KINDS:
                continue
            locators: dict[str, list[str]] = {}
            for relation, _kind, slug, detail in publication.data.get("links", []):
                if relation == "cites":
                    locators.setdefault(slug, []).append(detail)
            page = (CITING_KINDS.index(publication.kind), publication.sort_start, publication.sort_end)
            shown = (publication.kind, publication.slug, publication.title)
            for source_slug, found in locators.items():
                yield (source_slug, publication.pk, *page, *shown, found)


def write_read_models(publications: Sequence[Publication]) -> None:
    """Every read model's rows for these new publications (only those live get live rows)."""
    insert_rows(PublishedLink, PublishedLink.columns, PublishedLink.rows_for(publications))
    write_live_rows([publication for publication in publications if publication.is_live])


def write_live_rows(live: Sequence[Publication]) -> None:
    """The live read models' rows for these live publications (new ones, or older ones live again)."""
    insert_rows(CitingPage, CitingPage.columns, CitingPage.rows_for(live))
    insert_rows(LiveEventLink, LiveEventLink.columns, LiveEventLink.rows_for(live))


def remove_live_rows(publications: QuerySet[Publication]) -> None:
    """Take these publications (a queryset) out of the live read models, as they stop being live."""
    CitingPage.objects.filter(publication__in=publications).delete()
    LiveEventLink.objects.filter(publication__in=publications).delete()


def rebuild_read_models() -> None:
    """Every read model afresh from the publications (after a restore, which doesn't back the live ones up)."""
    PublishedLink.objects.all().delete()
    CitingPage.objects.all().delete()
    LiveEventLink.objects.all().delete()
    publications = Publication.objects.defer("search_text", "search_vector").order_by("pk").iterator(chunk_size=500)
    while chunk := list(islice(publications, 500)):
        write_read_models(chunk)


def refreeze_older_publications() -> None:
    """Give publications written before their links and list data were frozen with them (say, restored from an
    older backup) both, from their PublishedLink rows, as migrations 0004 and 0006 did for the database."""
    older = list(Publication.objects.exclude(data__has_key="links").only("kind", "data"))
    links: defaultdict[int, list[list[str]]] = defaultdict(list)
    rows = PublishedLink.objects.filter(publication__in=older).order_by("publication_id", "position", "id")
    for publication_id, *link in rows.values_list("publication_id", "relation", "target_kind", "target_slug", "detail"):
        links[publication_id].append(link)
    for publication in older:
        publication.data["links"] = links[publication.pk]
        publication.list_data = list_data(publication.kind, publication.data)
    Publication.objects.bulk_update(older, ["data", "list_data"], batch_size=500)
