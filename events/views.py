"""Public pages of the era, built from live publications only."""

from thaw_site.models import Kind
from thaw_site.public import LiveDetailView, LiveListView, linking_here


class EventDetail(LiveDetailView):
    kind = Kind.EVENT
    template_name = "events/event_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        outgoing = context["links"].get("related", [])
        incoming = linking_here(self.object, "related", Kind.EVENT)
        merged = {linked.target.slug: linked for linked in [*outgoing, *incoming]}
        context["related_events"] = sorted(
            (linked.target for linked in merged.values()), key=lambda p: (p.sort_start, p.sort_end, p.slug)
        )
        return context


class PeriodDetail(LiveDetailView):
    kind = Kind.PERIOD
    template_name = "events/period_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["events"] = [linked.target for linked in linking_here(self.object, "period", Kind.EVENT)]
        return context


class TopicDetail(LiveDetailView):
    kind = Kind.TOPIC
    template_name = "events/topic_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["events"] = [linked.target for linked in linking_here(self.object, "topic", Kind.EVENT)]
        return context


class SourceList(LiveListView):
    kind = Kind.SOURCE
    ordering = ["summary", "title"]
    template_name = "events/source_list.html"
    context_object_name = "sources"


class SourceDetail(LiveDetailView):
    kind = Kind.SOURCE
    template_name = "events/source_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        cited_by = {}
        for kind in (Kind.PERIOD, Kind.EVENT, Kind.FIGURE):
            for linked in linking_here(self.object, "cites", kind):
                cited_by.setdefault(linked.target, []).append(linked.detail)
        context["cited_by"] = list(cited_by.items())
        return context
