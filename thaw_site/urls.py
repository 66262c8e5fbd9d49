from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps import views as sitemaps
from django.urls import include, path

from thaw_site.public import bench, feeds, machine, views
from thaw_site.public.sitemaps import SITEMAPS, robots_txt, sitemap_section
from thaw_site.publishing import inbox
from thaw_site.publishing.admin import review_queue_view

urlpatterns = [
    path("", views.home, name="home"),
    path("timeline/", views.timeline, name="timeline"),
    path("timeline.json", machine.timeline_json, name="timeline-json"),
    path("search/", views.search_page, name="search"),
    path("corrections/", views.corrections, name="corrections"),
    path("changes.atom", feeds.PublishedChanges(), name="feed"),
    path("sitemap.xml", sitemaps.index, {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap-section"}, name="sitemap"),
    path("robots.txt", robots_txt, name="robots"),
    path("sitemap-<section>.xml", sitemap_section, name="sitemap-section"),
    path("", include("events.citation_urls")),
    path(f"{settings.ADMIN_URL}review/", admin.site.admin_view(review_queue_view), name="review-queue"),
    path(f"{settings.ADMIN_URL}watchlist/", admin.site.admin_view(inbox.watchlist_view), name="watchlist"),
    path(f"{settings.ADMIN_URL}notifications/", admin.site.admin_view(inbox.notifications_view), name="notifications"),
    path(
        f"{settings.ADMIN_URL}notifications/preferences/",
        admin.site.admin_view(inbox.preferences_view),
        name="notification-preferences",
    ),
    path(f"{settings.ADMIN_URL}preview/", include("thaw_site.public.preview")),
    path(settings.ADMIN_URL, admin.site.urls),
    path("_bench/hello/", bench.hello, name="bench-hello"),
    path("", include("events.urls")),
    path("", include("people.urls")),
]
