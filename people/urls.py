from django.urls import path

from thaw_site.public_history import history_urls

from . import views

app_name = "people"
urlpatterns = [
    path("people/", views.FigureList.as_view(), name="figures"),
    path("people/<slug:slug>/", views.FigureDetail.as_view(), name="figure"),
]
urlpatterns += [
    *history_urls("people", "figure", views.FigureDetail),
]
