"""The public side: pages built only from live publications (see thaw_site.models)."""

import operator
from collections import defaultdict
from dataclasses import dataclass
from functools import reduce

from django.db.models import Case, Count, Q, Value, When
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import JSONObject
from django.http import Http404
from django.views.generic import DetailView, ListView

from .machine import structured_data
from .models import Kind, Publication, PublishedLink


@dataclass(frozen=True)
class Linked:
    """A link shown on a page: the live publication it points at, and the link's detail (role, locator)."""

    target: Publication
    detail: str = ""


@dataclass(frozen=True)
class Reference:
    number: int
    source: Publication | None  # None when the source has no live version
    uses: list


def live_targets(links):
    """{(kind, slug): live Publication} for the targets of these links, in one query."""
    slugs_of_kind = defaultdict(set)
    for link in links:
        slugs_of_kind[link.target_kind].add(link.target_slug)
    if not slugs_of_kind:
        return {}
    # Not deferring data: reference lists show each source's bibliographic data.
    # By kind and slug together, so the one-live-per-slug index finds them (by slug alone is a full scan).
    wanted = reduce(operator.or_, (Q(kind=kind, slug__in=slugs) for kind, slugs in slugs_of_kind.items()))
    found = Publication.objects.live().filter(wanted).defer("search_text")
    return {(p.kind, p.slug): p for p in found}


def resolve(publication):
    """The publication's links grouped by relation (only those whose target is live), and its references."""
    links = list(publication.links.all())
    targets = live_targets(links)
    grouped = defaultdict(list)
    for link in links:
        target = targets.get((link.target_kind, link.target_slug))
        if target is not None and link.relation != "cites":
            grouped[link.relation].append(Linked(target, link.detail))
    references = [
        Reference(entry["number"], targets.get((Kind.SOURCE, entry["key"])), entry["uses"])
        for entry in publication.data.get("references", [])
    ]
    return grouped, references


# What a list of linked items shows of each one's data (an event's date, a figure's lifespan, a
# period's span): the rest (rendered text, references) is large and stays in the database.
LIST_DATA = ("date", "when", "lifespan", "span")
CITING_KINDS = [Kind.PERIOD, Kind.EVENT, Kind.FIGURE]


def links_here(publication, relation, from_kind):
    """The links from live publications of `from_kind` to this one by `relation`, in order (see `as_linked`)."""
    return (
        PublishedLink.objects.filter(
            relation=relation,
            target_kind=publication.kind,
            target_slug=publication.slug,
            publication__is_live=True,
            publication__kind=from_kind,
        )
        .select_related("publication")
        .defer("publication__data", "publication__search_text")
        .annotate(list_data=JSONObject(**{key: KeyTextTransform(key, "publication__data") for key in LIST_DATA}))
        .order_by("publication__sort_start", "publication__sort_end", "publication__slug", "position")
    )


def as_linked(rows):
    """Rows of `links_here` as Linked items."""
    linked = []
    for row in rows:
        row.publication.data = row.list_data  # loading the deferred field would cost a query a row
        linked.append(Linked(row.publication, row.detail))
    return linked


def linking_here(publication, relation, from_kind):
    """Live publications of `from_kind` that link to this one by `relation`, with the link's detail, in order."""
    return as_linked(links_here(publication, relation, from_kind))


def live_events():
    """Live events in date order, with the data their list entries show."""
    return Publication.objects.live().of_kind(Kind.EVENT).defer("search_text").in_order()


def events_linking_to(publication, relation):
    """Live events that link to this publication by `relation` (period, topic, participant), in one query."""
    return live_events().linking_to(relation, publication.kind, publication.slug)


def citing(source):
    """Live periods, events and people that cite this source, each once: periods first, then events, then people."""
    kind_order = Case(*(When(kind=kind, then=Value(n)) for n, kind in enumerate(CITING_KINDS)))
    return (
        Publication.objects.live()
        .filter(kind__in=CITING_KINDS)
        .linking_to("cites", source.kind, source.slug)
        .distinct()
        .defer("data", "search_text")
        .order_by(kind_order, "sort_start", "sort_end", "slug")
    )


def locators(publications, source):
    """{publication pk: [the locator of each of its citations of this source, in order]}, in one query."""
    rows = PublishedLink.objects.filter(
        publication__in=[p.pk for p in publications],
        relation="cites",
        target_kind=source.kind,
        target_slug=source.slug,
    ).order_by("publication", "position")
    found = defaultdict(list)
    for publication_pk, detail in rows.values_list("publication", "detail"):
        found[publication_pk].append(detail)
    return found


def live_topics_with_counts():
    """Live topics, each with `event_count`: how many live events it holds."""
    counts = dict(
        PublishedLink.objects.filter(
            relation="topic", target_kind=Kind.TOPIC, publication__is_live=True, publication__kind=Kind.EVENT
        )
        .values_list("target_slug")
        .annotate(events=Count("id"))
    )
    topics = list(Publication.objects.live().of_kind(Kind.TOPIC).defer("search_text", "data").order_by("title"))
    for topic in topics:
        topic.event_count = counts.get(topic.slug, 0)
    return topics


class LiveDetailView(DetailView):
    """An item page from its live publication; anything without one is a 404."""

    kind = None
    context_object_name = "item"

    def get_object(self, queryset=None):
        publication = Publication.objects.live().filter(kind=self.kind, slug=self.kwargs["slug"]).first()
        if publication is None:
            raise Http404(f"No published {self.kind} here.")
        return publication

    def get_context_data(self, **kwargs):
        links, references = resolve(self.object)
        return super().get_context_data(
            data=self.object.data,
            links=links,
            references=references,
            structured_data=structured_data(self.request, self.object, links, references),
            **kwargs,
        )


class LiveListView(ListView):
    kind = None
    ordering = ["title"]

    def get_queryset(self):
        return Publication.objects.live().of_kind(self.kind).defer("search_text").order_by(*self.ordering)
