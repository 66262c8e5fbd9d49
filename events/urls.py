from django.urls import path

from thaw_site.public_history import history_urls

from . import views

app_name = "events"
urlpatterns = [
    path("events/<slug:slug>/", views.EventDetail.as_view(), name="event"),
    path("periods/<slug:slug>/", views.PeriodDetail.as_view(), name="period"),
    path("topics/<slug:slug>/", views.TopicDetail.as_view(), name="topic"),
    path("sources/", views.SourceList.as_view(), name="sources"),
    path("sources/<slug:slug>/", views.SourceDetail.as_view(), name="source"),
]
urlpatterns += [
    *history_urls("events", "event", views.EventDetail),
    *history_urls("periods", "period", views.PeriodDetail),
    *history_urls("topics", "topic", views.TopicDetail),
    *history_urls("sources", "source", views.SourceDetail),
]
