"""Public pages of the era. Every queryset goes through `.published()`."""

from django.views.generic import DetailView, ListView

from thaw_site.publishing import PublishedOnlyMixin

from .citations import references_for
from .models import Event, Period, Source, Topic


class CitedItemDetail(PublishedOnlyMixin, DetailView):
    """An item page: its rendered text and the references list that goes with it."""

    def get_context_data(self, **kwargs):
        return super().get_context_data(references=references_for(self.object), **kwargs)


class EventDetail(CitedItemDetail):
    model = Event

    def get_queryset(self):
        return super().get_queryset().select_related("period")

    def get_context_data(self, **kwargs):
        event = self.object
        related = (event.related.published() | event.related_from.published()).distinct().in_order()
        return super().get_context_data(
            participations=event.participations.filter(figure__status="published").select_related("figure"),
            topics=event.topics.published(),
            related_events=related,
            period=event.period if event.period and event.period.is_published else None,
            **kwargs,
        )


class PeriodDetail(CitedItemDetail):
    model = Period

    def get_context_data(self, **kwargs):
        period = self.object
        return super().get_context_data(
            events=period.events.published().in_order(),
            previous_period=Period.objects.published().filter(pk=period.previous_id).first(),
            next_period=Period.objects.published().filter(pk=period.next_id).first(),
            **kwargs,
        )


class TopicDetail(PublishedOnlyMixin, DetailView):
    model = Topic

    def get_context_data(self, **kwargs):
        return super().get_context_data(events=self.object.events.published().in_order(), **kwargs)


class SourceList(PublishedOnlyMixin, ListView):
    model = Source
    context_object_name = "sources"


class SourceDetail(PublishedOnlyMixin, DetailView):
    model = Source
    slug_field = slug_url_kwarg = "key"

    def get_context_data(self, **kwargs):
        citations = (
            self.object.citations.published_items()
            .select_related("event", "period", "figure")
            .order_by("event__date_earliest", "period__start_earliest", "figure__name", "position")
        )
        return super().get_context_data(cited_by=group_by_item(citations), **kwargs)


def group_by_item(citations):
    """[(item, [locators…]), …] in the order given, one entry per citing item."""
    grouped = {}
    for citation in citations:
        grouped.setdefault(citation.item, []).append(citation.locator)
    return list(grouped.items())
