"""Each editor's own admin pages: their watchlist, their notifications, and how they take them.

Routed beside the review queue (thaw_site/urls.py, under DJANGO_ADMIN_URL) and wrapped in `admin_view`: anonymous
visitors are sent to the login page, staff who may view no editorial item are refused. Each page reads and writes
only the signed-in user's rows.
"""

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from thaw_site.publishing.admin import admin_url_of, viewable_models
from thaw_site.publishing.items import Status
from thaw_site.publishing.notifications import KINDS, Delivery, Notification, NotificationPreference
from thaw_site.publishing.watchlists import watched_changes, watched_items

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from thaw_site.publishing.items import Publishable


def editor(request: HttpRequest) -> tuple["User", list[type["Publishable"]]]:
    """The signed-in editor (admin_view let only staff in) and the kinds of item they may view; refused if none."""
    models = viewable_models(request)
    if not models:
        raise PermissionDenied
    return cast("User", request.user), models


def status_label(status: str | None) -> str:
    return str(Status(status).label) if status in Status.values else ""


def change_entry(row: Any) -> dict[str, Any]:
    """One revision of a watched item as the watchlist shows it."""
    item = row.instance
    revisions = admin_url_of(item, "revisions")
    before, after = status_label(row.earlier_status), status_label(row.status)
    return {
        "row": row,
        "item": item,
        "change_url": admin_url_of(item, "change"),
        "diff_url": f"{revisions}?old={row.earlier_id}&new={row.history_id}" if row.earlier_id else "",
        "status_change": f"{before} → {after}" if before and before != after else "",
        "created": row.earlier_id is None,
    }


@require_http_methods(["GET", "HEAD"])
def watchlist_view(request: HttpRequest) -> TemplateResponse:
    """Recent changes to the items the editor watches (newest first, each with its diff), and the items, each with
    an Unwatch button. A fixed number of queries, however many items and changes: one per kind for each list."""
    user, models = editor(request)
    kinds = [str(model._meta.model_name) for model in models]
    items = [
        {"item": item, "change_url": admin_url_of(item, "change"), "watch_url": admin_url_of(item, "watch")}
        for _, item in watched_items(user, kinds)
    ]
    context = {
        **admin.site.each_context(request),
        "title": "Watchlist",
        "changes": [change_entry(row) for row in watched_changes(user, kinds)],
        "items": items,
    }
    return TemplateResponse(request, "admin/thaw/watchlist.html", context)


def notifications_of(user: "User") -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user).select_related("actor").order_by("-created_at", "-pk")


@require_http_methods(["GET", "HEAD", "POST"])
def notifications_view(request: HttpRequest) -> HttpResponse:
    """The editor's notifications, newest first, the unread ones marked; POST marks them all read."""
    user, _ = editor(request)
    if request.method == "POST":
        marked = Notification.objects.filter(recipient=user, read_at=None).update(read_at=timezone.now())
        messages.success(request, f"{marked} notification{'s' if marked != 1 else ''} marked as read.")
        return redirect("notifications")
    page = Paginator(notifications_of(user), 50).get_page(request.GET.get("page"))
    context = {
        **admin.site.each_context(request),
        "title": "Notifications",
        "page": page,
        "unread": Notification.objects.filter(recipient=user, read_at=None).count(),
    }
    return TemplateResponse(request, "admin/thaw/notifications.html", context)


class PreferencesForm(forms.Form):
    """One choice per kind of notification."""

    def __init__(self, *args: Any, chosen: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind, notice in KINDS.items():
            self.fields[kind] = forms.ChoiceField(
                label=notice.label, choices=Delivery.choices, initial=chosen.get(kind, Delivery.EMAIL)
            )


@require_http_methods(["GET", "HEAD", "POST"])
def preferences_view(request: HttpRequest) -> HttpResponse:
    """How the editor takes each kind of notification: email at once, a daily digest, the dashboard only, or off."""
    user, _ = editor(request)
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "delivery"))
    form = PreferencesForm(request.POST or None, chosen=chosen)
    if request.method == "POST" and form.is_valid():
        for kind, delivery in form.cleaned_data.items():
            NotificationPreference.objects.update_or_create(user=user, kind=kind, defaults={"delivery": delivery})
        messages.success(request, "Your notification preferences are saved.")
        return redirect("notification-preferences")
    context = {
        **admin.site.each_context(request),
        "title": "Notification preferences",
        "form": form,
        "email": user.email,
        "notifications_url": reverse("notifications"),
    }
    return TemplateResponse(request, "admin/thaw/notification_preferences.html", context)
