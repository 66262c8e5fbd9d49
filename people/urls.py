from django.urls import path

from . import views

app_name = "people"
urlpatterns = [
    path("people/", views.FigureList.as_view(), name="figures"),
    path("people/<slug:slug>/", views.FigureDetail.as_view(), name="figure"),
]
