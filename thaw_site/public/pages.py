"""The public side: pages built only from live publications (see thaw_site.publishing.publications)."""

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple, TypedDict, cast, overload

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, QuerySet
from django.http import Http404
from django.views.generic import DetailView, ListView

from thaw_site.public.machine import citation_meta, structured_data
from thaw_site.public.prepared import Bound, Prepared
from thaw_site.publishing.generation import SITE, CacheTag, current_version, once_per_generation, page_tag
from thaw_site.publishing.publications import Kind, Publication, item_url, item_urls
from thaw_site.publishing.read_models import CitingPage, LiveEventLink

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    # DetailView and ListView are generic in the stubs only.
    PublicationDetailView = DetailView[Publication]
    PublicationListView = ListView[Publication]

    class EventCount(TypedDict):
        event_count: int

    # A live topic with how many live events it holds (live_topics_with_counts).
    TopicWithCount = WithAnnotations[Publication, EventCount]
else:
    PublicationDetailView = DetailView
    PublicationListView = ListView

# A link as a publication's data["links"] holds it: [relation, kind, slug, detail].
FrozenLink = Sequence[str]
# A row of `events_linking_to`: (detail, *the event's LiveItem fields but its kind); of `filtered_events` in
# thaw_site.public.views: (publication id, *the same fields).
EventRow = tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class LiveItem:
    """A live publication as a link or a list shows it. Read as plain values rather than model instances,
    which cost twice as much to build on a page listing 60 of them."""

    kind: str
    slug: str
    title: str
    summary: str
    sort_start: datetime.date | None
    sort_end: datetime.date | None
    list_data: dict[str, Any]
    url: str  # its page's address, from `item_urls()` (as get_absolute_url() lists read it for each entry)

    FIELDS = ("kind", "slug", "title", "summary", "sort_start", "sort_end", "list_data")  # the columns it is read from

    def get_absolute_url(self) -> str:
        return self.url


@dataclass(frozen=True)
class Linked:
    """A link shown on a page: the live publication it points at, and the link's detail (role, locator)."""

    target: LiveItem
    detail: str = ""


class ReferenceUse(TypedDict):
    """One citation of a reference's source, as the publication's data["references"] holds it."""

    anchor: str
    letter: str
    locator: str


@dataclass(frozen=True)
class Reference:
    number: int
    source: LiveItem | None  # None when the source has no live version
    uses: list[ReferenceUse]


# A page's links to live items, by relation (read as links["related"] and the like, missing ones empty).
LinksByRelation = defaultdict[str, list[Linked]]


# Kinds and slugs as two lists, which the (kind, slug, is_live) index answers (by slug alone is a full scan),
# then the pairs that were asked for: one simple query instead of an OR of one per kind.
LIVE_TARGETS = Prepared(
    lambda kinds, slugs: (
        Publication.objects.live().filter(kind__in=kinds, slug__in=slugs).order_by().values_list(*LiveItem.FIELDS)
    )
)
# An item page's publication, without the search text and vector, which no page shows: the row's largest columns.
LIVE_ITEM = Prepared(
    lambda kind, slug: (
        Publication.objects.live().defer("search_text", "search_vector").filter(kind=kind, slug=slug).order_by()
    )  # as get() does: ordered, SQLite would read the rows by date instead of the unique index
)


def live_targets(links: Iterable[FrozenLink]) -> dict[tuple[str, str], LiveItem]:
    """{(kind, slug): LiveItem} for the live targets of these links ([relation, kind, slug, detail]), in one
    query."""
    wanted = {(kind, slug) for _relation, kind, slug, _detail in links}
    if not wanted:
        return {}
    found = LIVE_TARGETS.bind(sorted({kind for kind, _ in wanted}), sorted({slug for _, slug in wanted})).fetch()
    url = item_urls()
    return {
        (kind, slug): LiveItem(kind, slug, title, summary, start, end, list_data, url(kind, slug))
        for kind, slug, title, summary, start, end, list_data in found
        if (kind, slug) in wanted
    }


def resolve(publication: Publication) -> tuple[LinksByRelation, list[Reference]]:
    """The publication's links grouped by relation (only those whose target is live), and its references."""
    links = publication.data["links"]  # as PublishedLink holds them; read from the row the page has already
    targets = live_targets(links)
    grouped: LinksByRelation = defaultdict(list)
    for relation, kind, slug, detail in links:
        target = targets.get((kind, slug))
        if target is not None and relation != "cites":
            grouped[relation].append(Linked(target, detail))
    references = [
        Reference(entry["number"], targets.get((Kind.SOURCE, entry["key"])), entry["uses"])
        for entry in publication.data.get("references", [])
    ]
    return grouped, references


LIVE_EVENT_FIELDS = [field for field in LiveItem.FIELDS if field != "kind"]


def event_links(kind: str, slug: str, relation: str) -> QuerySet[LiveEventLink, EventRow]:
    return LiveEventLink.objects.filter(target_kind=kind, target_slug=slug, relation=relation).values_list(
        "detail", *LIVE_EVENT_FIELDS
    )


EVENT_LINKS = Prepared(event_links)


def events_linking_to(publication: Publication, relation: str) -> QuerySet[LiveEventLink, EventRow]:
    """The links from live events to this publication by `relation` (period, topic, participant, related), in the
    events' date order, as (detail, *the event's LiveItem fields but its kind) rows: one index range of LiveEventLink
    rows (see `as_linked` and `as_events`)."""
    return event_links(publication.kind, publication.slug, relation)


def events_linking_here(publication: Publication, relation: str) -> Bound:
    """`events_linking_to`, prepared (thaw_site/public/prepared.py): rows by slice, and their count."""
    return EVENT_LINKS.bind(publication.kind, publication.slug, relation)


def as_linked(rows: Iterable[EventRow]) -> list[Linked]:
    """Rows of `events_linking_to` as Linked items: the linking event, with the link's detail (a role)."""
    rows = list(rows)
    return [Linked(event, row[0]) for event, row in zip(event_items(row[1:] for row in rows), rows, strict=True)]


def as_events(rows: Iterable[EventRow]) -> list[LiveItem]:
    """Rows of `events_linking_to` as the events' Entries."""
    return event_items(entry for _detail, *entry in rows)


def event_items(rows: Iterable[Sequence[Any]]) -> list[LiveItem]:
    """Live events from rows of their LiveItem fields but the kind (LIVE_EVENT_FIELDS)."""
    url = item_urls()
    return [
        LiveItem(Kind.EVENT, slug, title, summary, start, end, list_data, url(Kind.EVENT, slug))
        for slug, title, summary, start, end, list_data in rows
    ]


def live_events() -> QuerySet[Publication]:
    """Live events in date order, with the data their list entries show."""
    return Publication.objects.live().of_kind(Kind.EVENT).defer("search_text", "data").in_order()


class CitingEntry(NamedTuple):
    """A page citing a source as its CitingPage row keeps it, read as plain values rather than a model instance,
    which cost a tenth of a source page listing 50 of them."""

    kind: str
    slug: str
    title: str
    locators: list[str]

    def get_absolute_url(self) -> str:
        return item_url(self.kind, self.slug)


CITING = Prepared(
    lambda slug: CitingPage.objects.filter(source_slug=slug).values_list(*CitingEntry._fields), row=CitingEntry._make
)


def citing(source: Publication) -> Bound:
    """The live periods, events and people that cite this source, each once with its locators (CitingEntry):
    periods first, then events, then people, each in date order."""
    return CITING.bind(source.slug)


# A source cited by this many live pages or more has their count kept (`cited_by`): counting 5,682 of them on each
# request took longer than the rest of the page's queries together (0.4 ms on SQLite, 0.6-0.8 ms on PostgreSQL).
KEEP_COUNT_FROM = 500


# The versions of these cache tags (generation.CacheTag): the rows `changed_since` reads, compared here.
TAG_VERSIONS = Prepared(lambda names: CacheTag.objects.filter(name__in=names).order_by().values_list("version"))


@dataclass(frozen=True)
class Counted:
    """A prepared list whose length is known: its pages are read without counting it again (paging.Paginator reads
    `fetch_counted`; Django's, for a page that is not there, its length)."""

    rows: Bound
    length: int

    def fetch_counted(self, low: int = 0, high: int | None = None) -> tuple[list[Any], int | None]:
        return self.rows.fetch(low, high), self.length

    def __len__(self) -> int:
        return self.length

    @overload
    def __getitem__(self, index: int) -> Any: ...
    @overload
    def __getitem__(self, index: slice) -> list[Any]: ...
    def __getitem__(self, index: int | slice) -> Any:
        return self.rows[index]

    def __iter__(self) -> Iterator[Any]:
        return iter(self.rows)


def cited_by(source: Publication) -> tuple[Bound | Counted, Callable[[int], None]]:
    """The pages citing this source (`citing`), and what to call with their count once a page of them is read.

    A long list's count is kept in the cache until a page citing the source comes, goes or changes what it cites,
    each of which purges the source's page tag (thaw_site.publishing.generation.tags_changed), or until the whole
    site is purged; the page then reads its rows and one row of the tags instead of counting thousands of entries. A
    short list is counted with its page, in the same query, for less than that read: what is kept of it only says
    so (until the cache drops it, should it grow long meanwhile)."""
    rows = citing(source)
    key = f"thaw:cited-by:{source.slug}"
    kept = cache.get(key)
    if kept is not None:
        version, count = kept
        if count < KEEP_COUNT_FROM:
            return rows, lambda _count: None
        purged = TAG_VERSIONS.bind(sorted((page_tag(Kind.SOURCE, source.slug), SITE))).fetch()
        if all(tag_version <= version for (tag_version,) in purged):  # generation.changed_since, prepared
            return Counted(rows, count), lambda _count: None
    version = current_version()  # before the count: a purge after this read retires what is kept
    return rows, lambda count: cache.set(key, (version, count), timeout=settings.THAW_PAGE_CACHE_SECONDS)


def events_per_topic() -> dict[str, int]:
    """{live topic slug: how many live events it holds}, counted over every live event's topic links. Live
    topics only: what is kept in the cache must not name an item that is not live."""
    return dict(
        LiveEventLink.objects.filter(
            target_kind=Kind.TOPIC,
            target_slug__in=Publication.objects.live().of_kind(Kind.TOPIC).values("slug"),
            relation="topic",
        )
        .order_by()
        .values_list("target_slug")
        .annotate(events=Count("id"))
    )


def live_topics_with_counts() -> "list[TopicWithCount]":
    """Live topics, each with `event_count`: how many live events it holds."""
    counts: dict[str, int] = once_per_generation("events-per-topic", events_per_topic)
    topics = cast(  # given their event_count just below
        "list[TopicWithCount]",
        list(Publication.objects.live().of_kind(Kind.TOPIC).defer("search_text", "data").order_by("title")),
    )
    for topic in topics:
        topic.event_count = counts.get(topic.slug, 0)
    return topics


class LiveDetailView(PublicationDetailView):
    """An item page from its live publication; anything without one is a 404."""

    kind: Kind | None = None
    context_object_name = "item"

    def get_object(self, queryset: QuerySet[Publication] | None = None) -> Publication:
        found = LIVE_ITEM.bind(cast(Kind, self.kind), self.kwargs["slug"]).fetch()  # set by every item view
        if not found:  # else one: the one_live_per_slug constraint
            raise Http404(f"No published {self.kind} here.")
        return cast(Publication, found[0])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        links, references = resolve(self.object)
        return super().get_context_data(
            data=self.object.data,
            links=links,
            references=references,
            structured_data=structured_data(self.request, self.object, links, references),
            citation_meta=citation_meta(self.request, self.object),
            **kwargs,
        )


class LiveListView(PublicationListView):
    kind: Kind | None = None
    ordering: Sequence[str] = ["title"]
    deferred: Sequence[str] = ["search_text"]

    def get_queryset(self) -> QuerySet[Publication]:
        # Every list view sets its kind (None is only the base class's placeholder).
        return Publication.objects.live().of_kind(cast(Kind, self.kind)).defer(*self.deferred).order_by(*self.ordering)
