"""Public pages of historical figures, built from live publications only."""

from typing import Any

from thaw_site.public.pages import LiveDetailView, LiveListView, as_linked, events_linking_here
from thaw_site.public.paging import page_or_404
from thaw_site.public.timeline import build_chart, office_entries
from thaw_site.publishing.publications import Kind

FIGURES_PER_PAGE = 60
EVENTS_PER_PAGE = 60


class FigureList(LiveListView):
    kind = Kind.FIGURE
    ordering = ["title"]
    template_name = "people/figure_list.html"
    context_object_name = "figures"
    paginate_by = FIGURES_PER_PAGE


class FigureDetail(LiveDetailView):
    kind = Kind.FIGURE
    template_name = "people/figure_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        page = page_or_404(self.request, events_linking_here(self.object, "participant"), EVENTS_PER_PAGE)
        context["page_obj"] = page
        context["participations"] = as_linked(page.object_list)
        offices = office_entries(self.object.data.get("offices", []), died=self.object.data.get("died", ""))
        context["chart"] = build_chart(offices, labelled=True) if offices else None
        return context
