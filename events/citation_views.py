"""Citation pages: the public maintenance list and era report, the editors' worklist and report.

Public views read live publications only; the admin views read working copies, for staff who may view what
they read (`editors_view` in events.citation_urls).
"""

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, TypeAlias

from django.contrib import admin
from django.http import JsonResponse
from django.views.generic import TemplateView

from thaw_site.public.cache import EVERY_CHANGE, PagePolicy
from thaw_site.public.paging import page_or_404
from thaw_site.publishing.publications import Kind, Publication

from . import citations
from .models import Period, Source, Topic

if TYPE_CHECKING:
    from django.http import HttpRequest

Option: TypeAlias = tuple[str, str]  # (value, text)
Select: TypeAlias = tuple[str, str, Sequence[Option], str]  # (name, label, options, chosen value or "")

KIND_CHOICES = [(Kind.PERIOD, "Periods"), (Kind.EVENT, "Events"), (Kind.FIGURE, "People")]
MODEL_CHOICES = [("period", "Periods"), ("event", "Events"), ("figure", "Figures")]
FLAGS_PER_PAGE = 100


def read_filters(
    request: "HttpRequest", spec: Iterable[tuple[str, str, Sequence[Option]]]
) -> tuple[dict[str, str], list[Select]]:
    """spec: [(name, label, [(value, text)])] -> ({name: chosen value or ""}, rows for citations/filters.html).

    A value that is not one of the options is ignored, so a stale or forged link shows the whole list.
    """
    filters, selects = {}, []
    for name, label, options in spec:
        value = request.GET.get(name, "")
        filters[name] = value if value in {option for option, _ in options} else ""
        selects.append((name, label, options, filters[name]))
    return filters, selects


class CitationsNeeded(TemplateView):
    """Every "citation needed" flag in the live site, oldest first, like Wikipedia's maintenance categories."""

    template_name = "citations/needed.html"
    page_policy = PagePolicy(query=("period", "topic", "kind", "page"), every_change=True)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        live = Publication.objects.live()
        filters, selects = read_filters(
            self.request,
            [
                ("period", "Period", list(live.of_kind(Kind.PERIOD).in_order().values_list("slug", "title"))),
                ("topic", "Topic", list(live.of_kind(Kind.TOPIC).order_by("title").values_list("slug", "title"))),
                ("kind", "Kind", KIND_CHOICES),
            ],
        )
        publications = list(citations.live_cited(**filters))
        page = page_or_404(self.request, citations.live_flags(publications), FLAGS_PER_PAGE)
        return super().get_context_data(
            page_obj=page,
            flags=page.object_list,
            noticed=citations.needing_citations(publications),
            selects=selects,
            filtered=any(filters.values()),
            **kwargs,
        )


class EraReport(TemplateView):
    template_name = "citations/report.html"
    page_policy = EVERY_CHANGE
    oldest_flags = 10
    listed = 20  # of the sources and pages in each list: the most cited, and the first of the others

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            report=citations.public_report(), oldest_flags=self.oldest_flags, listed=self.listed, **kwargs
        )


class AdminPage(TemplateView):
    """A page inside the admin's frame (header, breadcrumbs, user links)."""

    title = ""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(**admin.site.each_context(self.request), title=self.title, **kwargs)


class UnsourcedStatements(AdminPage):
    template_name = "citations/admin/unsourced.html"
    title = "Unsourced statements"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        filters, selects = read_filters(
            self.request,
            [
                ("period", "Period", list(Period.objects.values_list("slug", "name"))),
                ("topic", "Topic", list(Topic.objects.values_list("slug", "name"))),
                ("model", "Model", MODEL_CHOICES),
            ],
        )
        return super().get_context_data(
            flags=citations.unsourced_statements(**filters), selects=selects, filtered=any(filters.values()), **kwargs
        )


class AdminEraReport(AdminPage):
    template_name = "citations/admin/report.html"
    title = "Citation report"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(report=citations.working_report(), **kwargs)


def source_keys(request: "HttpRequest") -> JsonResponse:
    """Every source key with its title, for the editors' key helper (static/admin/js/source_keys.js)."""
    keys = Source.objects.order_by("key").values_list("key", "title", "status")
    return JsonResponse({"sources": [{"key": key, "title": title, "status": status} for key, title, status in keys]})
