"""Public pages of historical figures, built from live publications only."""

from thaw_site.models import Kind
from thaw_site.public import LiveDetailView, LiveListView, linking_here
from thaw_site.timeline import build_chart, office_entries


class FigureList(LiveListView):
    kind = Kind.FIGURE
    ordering = ["title"]
    template_name = "people/figure_list.html"
    context_object_name = "figures"


class FigureDetail(LiveDetailView):
    kind = Kind.FIGURE
    template_name = "people/figure_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["participations"] = linking_here(self.object, "participant", Kind.EVENT)
        offices = office_entries(self.object.data.get("offices", []), died=self.object.data.get("died", ""))
        context["chart"] = build_chart(offices, labelled=True) if offices else None
        return context
