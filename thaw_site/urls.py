from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from . import bench, views

urlpatterns = [
    path("", views.home, name="home"),
    path("", include("events.citation_urls")),
    path(settings.ADMIN_URL, admin.site.urls),
    path("_bench/hello/", bench.hello, name="bench-hello"),
    path("", include("events.urls")),
    path("", include("people.urls")),
]
