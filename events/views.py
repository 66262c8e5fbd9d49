"""Public pages of the era, built from live publications only."""

from typing import Any

from django.views.generic import TemplateView

from thaw_site.public.pages import (
    LiveDetailView,
    LiveListView,
    as_events,
    cited_by,
    events_linking_here,
    live_topics_with_counts,
)
from thaw_site.public.paging import page_or_404
from thaw_site.public.timeline import build_chart, event_entries
from thaw_site.publishing.publications import Kind, item_urls

EVENTS_PER_PAGE = 60
CITING_PAGES_PER_PAGE = 50
SOURCES_PER_PAGE = 100
RELATED_FROM_OTHERS = 20  # events that name this one as related, the earliest first; its own list is the editors'


class EventDetail(LiveDetailView):
    kind = Kind.EVENT
    template_name = "events/event_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        outgoing = [linked.target for linked in context["links"].get("related", [])]
        named = {event.slug for event in outgoing}
        # The earliest that it does not name itself: enough rows to drop every one it names and keep the number.
        incoming = events_linking_here(self.object, "related")[: RELATED_FROM_OTHERS + len(named)]
        others = [event for event in as_events(incoming) if event.slug not in named][:RELATED_FROM_OTHERS]
        context["related_events"] = sorted(
            [*outgoing, *others],
            key=lambda p: (p.sort_start, p.sort_end, p.slug),
        )
        return context


class EventsLinkingHere(LiveDetailView):
    """An item page listing the live events that link to it (by `relation`), a page at a time, with their timeline."""

    relation: str  # set by each subclass: the links, by relation, that name the item

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        page = page_or_404(self.request, events_linking_here(self.object, self.relation), EVENTS_PER_PAGE)
        context["page_obj"] = page
        context["events"] = events = as_events(page.object_list)
        context["chart"] = build_chart(event_entries(events)) if events else None
        return context


class PeriodDetail(EventsLinkingHere):
    kind = Kind.PERIOD
    relation = "period"
    template_name = "events/period_detail.html"


class TopicDetail(EventsLinkingHere):
    kind = Kind.TOPIC
    relation = "topic"
    template_name = "events/topic_detail.html"


class TopicList(TemplateView):
    template_name = "events/topic_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(topics=live_topics_with_counts(), **kwargs)


class SourceList(LiveListView):
    kind = Kind.SOURCE
    ordering = ["summary", "title"]
    deferred = ["search_text", "data"]  # the list shows each source's list data
    template_name = "events/source_list.html"
    context_object_name = "sources"
    paginate_by = SOURCES_PER_PAGE


class SourceDetail(LiveDetailView):
    kind = Kind.SOURCE
    template_name = "events/source_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        pages, keep_count = cited_by(self.object)
        page = page_or_404(self.request, pages, CITING_PAGES_PER_PAGE)
        keep_count(page.paginator.count)
        context["page_obj"] = page
        url = item_urls()
        context["cited_by"] = [(entry, url(entry.kind, entry.slug)) for entry in page.object_list]
        return context
