"""Site-wide pages: home, the timeline and search, all built from live publications."""

import datetime
from collections.abc import Iterable, Mapping
from typing import Any, cast

from django import forms
from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count, Max, Min, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from thaw_site.public.cache import EVERY_CHANGE, PagePolicy, page_policy
from thaw_site.public.pages import (
    LIVE_EVENT_FIELDS,
    EventRow,
    as_events,
    event_items,
    events_linking_to,
    live_events,
    live_topics_with_counts,
)
from thaw_site.public.search import MIN_QUERY_LENGTH, search, snippet_html
from thaw_site.public.timeline import build_chart, event_entries
from thaw_site.publishing.generation import once_per_generation
from thaw_site.publishing.publications import Kind, Publication
from thaw_site.publishing.read_models import LiveEventLink

KEY_FIGURES = 12
RECENT_CHANGES = 8
HOME_EVENTS = 60
EVENTS_PER_PAGE = 60
RESULTS_PER_PAGE = 20


def key_figures_of(events: QuerySet[LiveEventLink, EventRow]) -> list[str]:
    """The slugs of the live people most often named in these events (rows of `events_linking_to`), most often
    first. Only live ones: what is kept in the cache must not name an item that is not live."""
    counts = (
        LiveEventLink.objects.filter(relation="participant", publication__in=events.values("publication_id"))
        .values("target_slug")
        .annotate(events=Count("id"))
        .order_by("-events", "target_slug")
    )
    ranked = [row["target_slug"] for row in counts[: KEY_FIGURES * 10]]  # a few of the most named may not be live
    live = set(Publication.objects.live().of_kind(Kind.FIGURE).filter(slug__in=ranked).values_list("slug", flat=True))
    return [slug for slug in ranked if slug in live][:KEY_FIGURES]


def home(request: HttpRequest) -> HttpResponse:
    periods = Publication.objects.live().of_kind(Kind.PERIOD).defer("search_text").in_order()
    period = next((p for p in periods if p.slug == settings.THAW_MAIN_PERIOD), None)
    if period is None:
        raise Http404("The main period is not published yet.")
    period_events = events_linking_to(period, "period")
    event_count = once_per_generation(f"events-in:{period.slug}", period_events.count)
    events = as_events(period_events[:HOME_EVENTS])
    ranked = once_per_generation(f"key-figures-of:{period.slug}", lambda: key_figures_of(period_events))
    figures = Publication.objects.live().of_kind(Kind.FIGURE).filter(slug__in=ranked).defer("search_text", "data")
    by_slug = {figure.slug: figure for figure in figures.order_by()}
    key_figures = [by_slug[slug] for slug in ranked if slug in by_slug]
    recent = Publication.objects.live().defer("search_text", "data").order_by("-published_at", "-id")[:RECENT_CHANGES]
    return render(
        request,
        "home.html",
        {
            "period": period,
            "data": period.data,
            "events": events,
            "event_count": event_count,
            "chart": build_chart(event_entries(events)),
            "key_figures": key_figures,
            "topics": [t for t in live_topics_with_counts() if t.event_count],
            "recent": recent,
            "other_periods": [p for p in periods if p.pk != period.pk],
        },
    )


class TimelineFilter(forms.Form):
    """The timeline's query string: every field optional, an invalid one ignored and named."""

    topic = forms.SlugField(required=False)
    figure = forms.SlugField(required=False)
    start = forms.IntegerField(required=False, min_value=1, max_value=9999, label="From year")
    end = forms.IntegerField(required=False, min_value=1, max_value=9999, label="To year")

    def clean(self) -> dict[str, Any]:
        cleaned = cast(dict[str, Any], super().clean())  # BaseForm.clean() returns cleaned_data; overrides may not
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            cleaned["start"], cleaned["end"] = end, start
        return cleaned


def filtered_events(filters: Mapping[str, Any]) -> QuerySet[LiveEventLink, EventRow] | QuerySet[Publication, EventRow]:
    """The timeline's live events in date order, as (publication id, *LiveItem fields but the kind) rows. Narrowed
    to a topic or a person, they are that link's LiveEventLink rows: one index range in date order, where the
    events joined to their links were sorted on every request."""
    chosen = [("topic", Kind.TOPIC, filters.get("topic")), ("participant", Kind.FIGURE, filters.get("figure"))]
    links = [
        LiveEventLink.objects.filter(relation=relation, target_kind=kind, target_slug=slug)
        for relation, kind, slug in chosen
        if slug
    ]
    events: QuerySet[LiveEventLink] | QuerySet[Publication]  # the links' rows, or the events themselves
    if links:
        events, *others = links
        for other in others:
            events = events.filter(publication__in=other.values("publication_id"))
        event_id = "publication_id"
    else:
        events, event_id = live_events(), "pk"
    if filters.get("start"):
        events = events.filter(sort_end__gte=datetime.date(filters["start"], 1, 1))
    if filters.get("end"):
        events = events.filter(sort_start__lte=datetime.date(filters["end"], 12, 31))
    return events.values_list(event_id, *LIVE_EVENT_FIELDS)


def people_to_filter_by(event_ids: Iterable[int], chosen: str | None) -> list[tuple[str, str]]:
    """(slug, name) of the live people in these events, and of the chosen one: a list of every person would
    grow with the archive (2,000 at the generated scale)."""
    participants = LiveEventLink.objects.filter(publication__in=event_ids, relation="participant").order_by()
    slugs = set(participants.values_list("target_slug", flat=True))
    slugs.add(chosen or "")
    people = Publication.objects.live().of_kind(Kind.FIGURE).filter(slug__in=slugs)
    return list(people.values_list("slug", "title").order_by("title"))


@page_policy(PagePolicy(query=(*TimelineFilter.base_fields, "page")))
def timeline(request: HttpRequest) -> HttpResponse:
    form = TimelineFilter(request.GET)
    form.is_valid()
    filters = form.cleaned_data
    topics = live_topics_with_counts()
    topic = next((t for t in topics if t.slug == filters.get("topic")), None)
    bounds = live_events().aggregate(first=Min("sort_start"), last=Max("sort_end"))
    page = Paginator(filtered_events(filters), EVENTS_PER_PAGE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    events = event_items(entry for _event_id, *entry in rows)
    figures = people_to_filter_by([event_id for event_id, *_entry in rows], filters.get("figure"))
    figure = next((title for slug, title in figures if slug == filters.get("figure")), None)
    return render(
        request,
        "timeline.html",
        {
            "form": form,
            "filters": filters,
            "topics": topics,
            "figures": figures,
            "topic": topic,
            "figure_name": figure,
            "years": range(bounds["first"].year, bounds["last"].year + 1) if bounds["first"] else [],
            "page_obj": page,
            "events": events,
            "chart": build_chart(event_entries(events)) if events else None,
        },
    )


@page_policy(EVERY_CHANGE)  # any publication may add or drop a note
def corrections(request: HttpRequest) -> HttpResponse:
    """Every editors' note of the live pages: where a source they cite is wrong, outdated or contested."""
    noted = (
        Publication.objects.live()
        .filter(data__notes__0__isnull=False)
        .defer("search_text", "list_data")
        .order_by("kind", "title", "id")
    )
    return render(request, "corrections.html", {"noted": noted})


@page_policy(PagePolicy(query=("q", "page"), every_change=True))
def search_page(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    results = search(query) if len(query) >= MIN_QUERY_LENGTH else None
    page = Paginator(results, RESULTS_PER_PAGE).get_page(request.GET.get("page")) if results is not None else None
    return render(
        request,
        "search.html",
        {
            "query": query,
            "page_obj": page,
            "results": [(p, snippet_html(p, query)) for p in page.object_list] if page else [],
            "too_short": bool(query) and results is None,
        },
    )
