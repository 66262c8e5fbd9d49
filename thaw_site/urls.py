from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from . import feeds, machine, views
from .sitemaps import SITEMAPS

urlpatterns = [
    path("", views.home, name="home"),
    path("timeline/", views.timeline, name="timeline"),
    path("timeline.json", machine.timeline_json, name="timeline-json"),
    path("search/", views.search_page, name="search"),
    path("changes.atom", feeds.PublishedChanges(), name="feed"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("admin/", admin.site.urls),
    path("", include("events.urls")),
    path("", include("people.urls")),
]
