from django.contrib import admin
from django.urls import include, path

from . import views
from .admin import review_queue_view

urlpatterns = [
    path("", views.home, name="home"),
    path("admin/review/", admin.site.admin_view(review_queue_view), name="review-queue"),
    path("admin/", admin.site.urls),
    path("", include("events.urls")),
    path("", include("people.urls")),
]
