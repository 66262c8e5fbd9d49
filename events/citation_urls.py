"""Citation pages: public lists and report, the editors' worklist and report, and the bibliography exports."""

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, TypeVar

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import permission_required
from django.urls import path

from . import bibliography, citation_views

if TYPE_CHECKING:
    from django.http import HttpResponseBase

_View = TypeVar("_View", bound=Callable[..., "HttpResponseBase"])

WORKING_COPIES = ["events.view_period", "events.view_event", "people.view_figure"]


def editors_view(view: _View, permissions: Iterable[str]) -> _View:
    """Staff only, and only those who may see the working copies the page reads (403 for the others)."""
    return admin.site.admin_view(permission_required(permissions, raise_exception=True)(view))


app_name = "citations"
urlpatterns = [
    path("citations/", citation_views.EraReport.as_view(), name="report"),
    path("citations/needed/", citation_views.CitationsNeeded.as_view(), name="needed"),
    path("sources/csl.json", bibliography.csl_json, name="csl-json"),
    path("sources/bibtex.bib", bibliography.bibtex, name="bibtex"),
    path("sources/ris.ris", bibliography.ris, name="ris"),
    path(
        f"{settings.ADMIN_URL}citations/unsourced/",
        editors_view(citation_views.UnsourcedStatements.as_view(), WORKING_COPIES),
        name="unsourced",
    ),
    path(
        f"{settings.ADMIN_URL}citations/report/",
        editors_view(citation_views.AdminEraReport.as_view(), WORKING_COPIES),
        name="admin-report",
    ),
    path(
        f"{settings.ADMIN_URL}citations/source-keys.json",
        editors_view(citation_views.source_keys, ["events.view_source"]),
        name="source-keys",
    ),
    path(
        f"{settings.ADMIN_URL}citations/sources.json",
        admin.site.admin_view(citation_views.source_search),
        name="source-search",
    ),
]
