from django.urls import path

from thaw_site.public.history import history_urls
from thaw_site.public.machine import item_json
from thaw_site.publishing.publications import Kind

from . import views

app_name = "people"
urlpatterns = [
    path("people/", views.FigureList.as_view(), name="figures"),
    path("people/<slug:slug>/", views.FigureDetail.as_view(), name="figure"),
    path("people/<slug:slug>.json", item_json, {"kind": Kind.FIGURE}, name="figure-json"),
]
urlpatterns += [
    *history_urls("people", "figure", views.FigureDetail),
]
