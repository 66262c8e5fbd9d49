"""Public pages of historical figures."""

from django.views.generic import ListView

from events.views import CitedItemDetail
from thaw_site.publishing import PublishedOnlyMixin

from .models import Figure


class FigureList(PublishedOnlyMixin, ListView):
    model = Figure
    context_object_name = "figures"


class FigureDetail(CitedItemDetail):
    model = Figure

    def get_context_data(self, **kwargs):
        figure = self.object
        return super().get_context_data(
            offices=figure.offices.all(),
            participations=figure.participations.filter(event__status="published")
            .select_related("event")
            .order_by("event__date_earliest", "event__slug"),
            **kwargs,
        )
