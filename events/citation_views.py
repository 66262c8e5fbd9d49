"""Citation pages: the public maintenance list and era report, the editors' worklist and report.

Public views read live publications only; the admin views read working copies, for staff who may view what
they read (`editors_view` in events.citation_urls).
"""

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, TypeAlias, TypedDict

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBadRequest, JsonResponse
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView

from thaw_site.public.cache import EVERY_CHANGE, PagePolicy
from thaw_site.public.paging import page_or_404
from thaw_site.publishing.citing import CitedItem
from thaw_site.publishing.publications import Kind, Publication, models_by_kind
from thaw_site.publishing.search_vectors import fold

from . import citations
from .models import Period, Source, Topic

if TYPE_CHECKING:
    from django.http import HttpRequest

Option: TypeAlias = tuple[str, str]  # (value, text)
Select: TypeAlias = tuple[str, str, Sequence[Option], str]  # (name, label, options, chosen value or "")

KIND_CHOICES = [(Kind.PERIOD, "Periods"), (Kind.EVENT, "Events"), (Kind.FIGURE, "People")]
MODEL_CHOICES = [("period", "Periods"), ("event", "Events"), ("figure", "Figures")]
FLAGS_PER_PAGE = 100
PICKER_RESULTS = 20  # the source picker's list: enough to scroll, few enough to read
PICKER_MAX_QUERY = 200


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


class PickedSource(TypedDict):
    key: str
    title: str
    authors: str
    year: int | None
    status: str  # "live", or the working copy's status in words


def source_rows(*, working_copies: bool) -> list[PickedSource]:
    """Every source an editor may cite, in key order, read in one query: the working copies for those who may view
    them (drafts included: a draft's key passes the citation policy), the live sources for the others."""
    if working_copies:
        statuses = dict(Source._meta.get_field("status").flatchoices)
        return [
            {"key": key, "title": title, "authors": "; ".join(authors), "year": year, "status": str(statuses[status])}
            for key, title, authors, year, status in Source.objects.order_by("key").values_list(
                "key", "title", "authors", "year", "status"
            )
        ]
    live = Publication.objects.live().filter(kind=Kind.SOURCE).order_by("slug")
    return [
        {"key": slug, "title": title, "authors": authors, "year": data.get("year"), "status": "live"}
        for slug, title, authors, data in live.values_list("slug", "title", "summary", "list_data")
    ]


def find_sources(query: str, rows: Sequence[PickedSource]) -> list[PickedSource]:
    """The rows whose key, authors or title hold every word of the query, in either case and with ё read as е, the
    closest first: a key that starts with the query, then an author whose name starts with its first word, then a
    title word that does, then the rest, each in key order.

    Matched here rather than in SQL: SQLite's LIKE folds the case of ASCII only, and keeps authors as JSON with
    every Cyrillic letter escaped. Sources number in the hundreds, so reading their keys, titles and authors is one
    quick query: with 10,000 sources on SQLite, 0.24 s to read them and 0.04 s to match."""
    words = fold(query).split()
    if not words:
        return list(rows)

    def closeness(row: PickedSource) -> int | None:
        key, authors, title = fold(row["key"]), fold(row["authors"]), fold(row["title"])
        if not all(word in key or word in authors or word in title for word in words):
            return None
        if key.startswith(words[0]):
            return 0
        if any(name.strip().startswith(words[0]) for name in authors.replace(",", ";").split(";")):
            return 1
        if any(word.startswith(words[0]) for word in title.split()):
            return 2
        return 3

    ranked = [(rank, row) for row in rows if (rank := closeness(row)) is not None]
    return [row for _, row in sorted(ranked, key=lambda pair: pair[0])]  # a stable sort keeps key order


@require_safe
def source_search(request: "HttpRequest") -> JsonResponse | HttpResponseBadRequest:
    """The source picker's search (static/admin/js/source_picker.js): at most PICKER_RESULTS sources matching `q`
    by author, title or key. Working copies for staff who may view sources; live sources for staff who may only
    edit cited items; 403 for other staff."""
    user = request.user
    cited = [model for model in models_by_kind().values() if issubclass(model, CitedItem)]
    may_cite = any(user.has_perm(f"{model._meta.app_label}.change_{model._meta.model_name}") for model in cited)
    working_copies = user.has_perm("events.view_source")
    if not (working_copies or may_cite):
        raise PermissionDenied
    query = request.GET.get("q", "")
    if len(query) > PICKER_MAX_QUERY:
        return HttpResponseBadRequest(f"Search for at most {PICKER_MAX_QUERY} characters.", content_type="text/plain")
    found = find_sources(query, source_rows(working_copies=working_copies))
    return JsonResponse({"sources": found[:PICKER_RESULTS], "more": len(found) > PICKER_RESULTS})
