"""What the public sees: publications, the frozen live versions of editorial items.

Editors change the working copy of an item (the rows in events/ and people/)
as often as they like; the public site never reads those rows. Publishing an
item freezes its current revision into a Publication: its text rendered to
HTML, its references numbered, its facts, and its links to other items by
slug. The newest publication of an item is its live version (`is_live`);
older ones stay, so every published revision has a permanent URL.
Withdrawing an item takes its live version off the site and keeps the rest.

Because public pages read only publications, a draft can't leak through
them, the live version stays as it was until a reviewer publishes a change,
and a page costs a few indexed queries however large the archive grows.
"""

from functools import lru_cache

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.urls import get_script_prefix, reverse


class Kind(models.TextChoices):
    PERIOD = "period", "Period"
    TOPIC = "topic", "Topic"
    SOURCE = "source", "Source"
    EVENT = "event", "Event"
    FIGURE = "figure", "Figure"


URL_NAMES = {
    Kind.PERIOD: "events:period",
    Kind.TOPIC: "events:topic",
    Kind.SOURCE: "events:source",
    Kind.EVENT: "events:event",
    Kind.FIGURE: "people:figure",
}


# The part of `data` that lists of items show (an event's date, a figure's lifespan, a period's span, a
# source's bibliographic entry): lists and reference lists read it instead of the whole page's data.
LIST_DATA = {
    Kind.EVENT: ("date", "end", "when"),
    Kind.FIGURE: ("lifespan",),
    Kind.PERIOD: ("span",),
    Kind.SOURCE: ("kind", "authors", "author_line", "title", "publisher", "place", "year", "isbn", "url", "accessed"),
}


def list_data(kind, data):
    return {key: data[key] for key in LIST_DATA.get(kind, ()) if key in data}


@lru_cache(maxsize=20_000)
def _reverse(script_prefix, name, args):
    return reverse(name, args=args)


def cached_reverse(name, *args):
    """reverse(name, args=args), remembered: pages link dozens of items and reverse() was their largest cost
    after the queries. The script prefix is part of the key because reverse() reads it."""
    return _reverse(get_script_prefix(), name, args)


def item_url(kind, slug):
    return cached_reverse(URL_NAMES[kind], slug)


class PublicationQuerySet(models.QuerySet):
    def live(self):
        # As `is_live IN (true)`: SQLite reads the plain `is_live` that `is_live=True` becomes as no equality,
        # so it would use no index beginning (kind, is_live, …) for order, and sort every live row instead.
        return self.filter(is_live__in=[True])

    def of_kind(self, kind):
        return self.filter(kind=kind)

    def in_order(self):
        return self.order_by("sort_start", "sort_end", "slug")


class Publication(models.Model):
    kind = models.CharField(max_length=10, choices=Kind.choices)
    item_uid = models.UUIDField(help_text="The uid of the working copy this was published from.")
    revision_id = models.PositiveBigIntegerField(
        null=True, blank=True, help_text="The history row (revision) that was published."
    )
    slug = models.CharField(max_length=100)
    title = models.CharField(max_length=500)
    summary = models.TextField(blank=True)
    sort_start = models.DateField(null=True, blank=True)
    sort_end = models.DateField(null=True, blank=True)
    data = models.JSONField(default=dict, help_text="Everything the page shows, frozen at publication.")
    list_data = models.JSONField(
        default=dict, blank=True, help_text="What an entry for the item in a list shows, frozen at publication."
    )
    search_text = models.TextField(blank=True, help_text="Plain text of the item, for search.")
    search_vector = SearchVectorField(
        null=True, editable=False, help_text="PostgreSQL: the weighted text search vector (thaw_site.search)."
    )
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(max_length=300, blank=True, help_text="The edit summary of the published revision.")
    is_live = models.BooleanField(default=True)

    objects = PublicationQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        # The workflow's permissions (thaw_site.services): they apply to every editorial item.
        permissions = [
            ("submit_item", "Can submit items for review"),
            ("send_back_item", "Can send items in review back to their authors"),
            ("publish_item", "Can publish items in review"),
            ("withdraw_item", "Can withdraw published items"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["kind", "slug"], condition=Q(is_live=True), name="one_live_per_slug"),
            models.UniqueConstraint(fields=["kind", "item_uid"], condition=Q(is_live=True), name="one_live_per_item"),
        ]
        indexes = [
            models.Index(fields=["kind", "is_live", "sort_start", "sort_end", "slug"], name="publication_in_order"),
            models.Index(fields=["kind", "item_uid", "published_at"], name="publication_history"),
            models.Index(fields=["is_live", "published_at"], name="publication_recent"),
            models.Index(fields=["kind", "is_live", "title"], name="publication_by_title"),
            # Pages resolve many links at once (kind = ? AND slug IN (...)): SQLite will not use the
            # partial one_live_per_slug index for an IN list.
            models.Index(fields=["kind", "slug", "is_live"], name="publication_by_slug"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.slug} published {self.published_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self):
        return item_url(self.kind, self.slug)


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

    def __str__(self):
        return f"{self.publication.slug} {self.relation} {self.target_kind} {self.target_slug}"


# The links of a live event that the pages of their targets list it by (a period's or topic's events, a person's
# events, an event's "related" from others), kept as LiveEventLink rows.
LISTED_EVENT_LINKS = ["period", "topic", "participant", "related"]


class LiveEventLink(models.Model):
    """A link from a live event to the item it names (its period, a topic, a participant, a related event), with
    what a list of that item's events shows of the event.

    Written when the event goes live and deleted when it stops being live (thaw_site.services), so the events of a
    period, topic or person are one index range in date order, a page at a time, instead of a join that sorts all
    of them (the main period's 7,000 events at 10k) on each request. It copies the event's list fields (a
    publication never changes), so that read needs no join. Derived from publications alone: not backed up, rebuilt
    by `restore` and by the migration that made it.
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

    def __str__(self):
        return f"{self.slug} {self.relation} {self.target_kind} {self.target_slug}"

    @classmethod
    def entries_for(cls, publications):
        """The unsaved rows of these live publications: one per listed link of each event among them."""
        return [
            cls(
                publication=publication,
                relation=relation,
                target_kind=target_kind,
                target_slug=target_slug,
                detail=detail,
                position=position,
                slug=publication.slug,
                title=publication.title,
                summary=publication.summary,
                sort_start=publication.sort_start,
                sort_end=publication.sort_end,
                list_data=publication.list_data,
            )
            for publication in publications
            if publication.kind == Kind.EVENT
            for position, (relation, target_kind, target_slug, detail) in enumerate(publication.data.get("links", []))
            if relation in LISTED_EVENT_LINKS
        ]


# The kinds whose pages a source page lists as citing it, in the order it lists them.
CITING_KINDS = [Kind.PERIOD, Kind.EVENT, Kind.FIGURE]


class CitingPage(models.Model):
    """A live page that cites a source, once however often it cites it: one entry of the source page's "cited by".

    Written when the page goes live and deleted when it stops being live (thaw_site.services), so a source page
    reads its entries a page at a time in order from one index, instead of finding, de-duplicating and sorting
    every page that cites it (thousands for the most cited source) on each request. It copies what the list
    shows of the page (a publication never changes), so that read needs no join. Derived from publications
    alone: not backed up, rebuilt by `restore` and by the migration that made it.
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

    def __str__(self):
        return f"{self.slug} cites {self.source_slug}"

    def get_absolute_url(self):
        return item_url(self.kind, self.slug)

    @classmethod
    def entries_for(cls, publications):
        """The unsaved entries of these live publications: one per source each of them cites."""
        entries = []
        for publication in publications:
            if publication.kind not in CITING_KINDS:
                continue
            locators = {}
            for relation, _kind, slug, detail in publication.data.get("links", []):
                if relation == "cites":
                    locators.setdefault(slug, []).append(detail)
            entries += [
                cls(
                    source_slug=source_slug,
                    publication=publication,
                    kind_order=CITING_KINDS.index(publication.kind),
                    sort_start=publication.sort_start,
                    sort_end=publication.sort_end,
                    kind=publication.kind,
                    slug=publication.slug,
                    title=publication.title,
                    locators=found,
                )
                for source_slug, found in locators.items()
            ]
        return entries
