"""The editor's dashboard on the admin index, and admin links to items."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms, template
from django.contrib.auth import get_user_model
from django.core.exceptions import BadRequest

from thaw_site.publishing import workflow
from thaw_site.publishing.admin import change_url_of, viewable_models
from thaw_site.publishing.notifications import Notification

if TYPE_CHECKING:
    from django.db.models import Model
    from django.http import HttpRequest
    from django_stubs_ext import StrOrPromise

register = template.Library()


class DashboardFilter(forms.Form):
    """The dashboard's recent changes filter, from the query string: a bad value is a 400, not a database error."""

    user = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    model = forms.SlugField(required=False, max_length=100)


@register.filter
def admin_change_url(item: Model) -> str:
    return change_url_of(item)


@register.inclusion_tag("admin/thaw/dashboard.html", takes_context=True)
def editor_dashboard(context: template.Context) -> dict[str, object]:
    request: HttpRequest = context["request"]
    models = viewable_models(request)
    if not models:
        return {}
    chosen = DashboardFilter(request.GET)
    if not chosen.is_valid():
        raise BadRequest(f"Bad filter for recent changes: {chosen.errors.as_text()}")
    user_id, model_name = chosen.cleaned_data["user"], chosen.cleaned_data["model"] or None
    mine = Notification.objects.filter(recipient_id=request.user.pk)
    return {
        "notifications": list(mine.select_related("actor").order_by("-created_at", "-pk")[:5]),
        "unread_count": mine.filter(read_at=None).count(),
        "drafts": workflow.drafts_of(request.user, models),
        "sent_back": workflow.sent_back_to(request.user, models),
        "in_review_count": sum(model.objects.filter(status="in_review").count() for model in models),
        "recent": workflow.recent_changes(models, user_id=user_id, model_name=model_name),
        "editors": get_user_model().objects.filter(is_staff=True).order_by("username"),
        "models": [(model._meta.model_name, model._meta.verbose_name_plural) for model in models],
        "chosen_user": str(user_id) if user_id else None,
        "chosen_model": model_name,
    }


@register.filter
def model_label(item: Model) -> StrOrPromise | None:
    return item._meta.verbose_name
