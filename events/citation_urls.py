"""Citation pages: public lists and report, the editors' worklist and report, and the bibliography exports."""

from django.contrib import admin
from django.urls import path

from . import bibliography, citation_views

app_name = "citations"
urlpatterns = [
    path("citations/", citation_views.EraReport.as_view(), name="report"),
    path("citations/needed/", citation_views.CitationsNeeded.as_view(), name="needed"),
    path("sources/csl.json", bibliography.csl_json, name="csl-json"),
    path("sources/bibtex.bib", bibliography.bibtex, name="bibtex"),
    path("sources/ris.ris", bibliography.ris, name="ris"),
    path(
        "admin/citations/unsourced/",
        admin.site.admin_view(citation_views.UnsourcedStatements.as_view()),
        name="unsourced",
    ),
    path(
        "admin/citations/report/", admin.site.admin_view(citation_views.AdminEraReport.as_view()), name="admin-report"
    ),
    path("admin/citations/source-keys.json", admin.site.admin_view(citation_views.source_keys), name="source-keys"),
]
