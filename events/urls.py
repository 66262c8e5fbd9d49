from django.urls import path

from . import views

app_name = "events"
urlpatterns = [
    path("events/<slug:slug>/", views.EventDetail.as_view(), name="event"),
    path("periods/<slug:slug>/", views.PeriodDetail.as_view(), name="period"),
    path("topics/<slug:slug>/", views.TopicDetail.as_view(), name="topic"),
    path("sources/", views.SourceList.as_view(), name="sources"),
    path("sources/<slug:slug>/", views.SourceDetail.as_view(), name="source"),
]
