from django.urls import path

from thaw_site.public.history import history_urls
from thaw_site.public.machine import item_json
from thaw_site.publishing.publications import Kind

from . import views

app_name = "events"
urlpatterns = [
    path("events/<slug:slug>/", views.EventDetail.as_view(), name="event"),
    path("events/<slug:slug>.json", item_json, {"kind": Kind.EVENT}, name="event-json"),
    path("periods/<slug:slug>/", views.PeriodDetail.as_view(), name="period"),
    path("periods/<slug:slug>.json", item_json, {"kind": Kind.PERIOD}, name="period-json"),
    path("topics/", views.TopicList.as_view(), name="topics"),
    path("topics/<slug:slug>/", views.TopicDetail.as_view(), name="topic"),
    path("topics/<slug:slug>.json", item_json, {"kind": Kind.TOPIC}, name="topic-json"),
    path("sources/", views.SourceList.as_view(), name="sources"),
    path("sources/<slug:slug>/", views.SourceDetail.as_view(), name="source"),
    path("sources/<slug:slug>.json", item_json, {"kind": Kind.SOURCE}, name="source-json"),
]
urlpatterns += [
    *history_urls("events", "event", views.EventDetail),
    *history_urls("periods", "period", views.PeriodDetail),
    *history_urls("topics", "topic", views.TopicDetail),
    *history_urls("sources", "source", views.SourceDetail),
]
