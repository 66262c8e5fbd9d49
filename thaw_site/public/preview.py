"""Staff previews: any editorial item, in any state, as its public page would show it once published.

The working copy is frozen by the code that publishes it (`services.frozen`), into a publication that is never
saved, and rendered by the item's own public view and templates: the same footnotes, flags, people, topics and
links to live items. Only staff who may view the item in the admin see it (the admin's login page for anyone
not staff, a 404 for staff who may not view the item); it carries a "Preview — not published" banner and
`noindex`, and is never cached (the admin's views send `Cache-Control: no-store`, and the page cache skips the
admin's prefix).

URLs (namespace `editorial`, under the admin's prefix):
    editorial:preview          <kind>/<pk>/          the preview
    editorial:preview-changes  <kind>/<pk>/changes/  the preview with the changes from the live version
"""

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponseBase
from django.urls import URLPattern, get_script_prefix, path, resolve, reverse
from django.utils import timezone

from thaw_site.publishing import services, workflow
from thaw_site.publishing.items import Publishable
from thaw_site.publishing.publications import Publication, models_by_kind

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from thaw_site.public.pages import LiveDetailView

app_name = "editorial"


class Previewing:
    """Mixed into an item's public detail view: show an unsaved publication of its working copy, with the banner."""

    publication: Publication | None = None  # set by as_view()
    preview: dict[str, Any] | None = None  # what the banner shows

    def get_object(self, queryset: "QuerySet[Publication] | None" = None) -> Publication:
        if self.publication is None:
            raise Http404("Nothing to preview.")
        return self.publication

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(preview=self.preview, **kwargs)  # type: ignore[misc]
        return context


_previewing: "dict[type[LiveDetailView], type[LiveDetailView]]" = {}


def previewing(view_class: "type[LiveDetailView]") -> "type[LiveDetailView]":
    """The public view class with Previewing mixed in, made once per class."""
    if view_class not in _previewing:
        _previewing[view_class] = type(f"{view_class.__name__}Preview", (Previewing, view_class), {})
    return _previewing[view_class]


def viewable_item(request: HttpRequest, kind: str, pk: int) -> Publishable:
    """The working copy, if the user may view it in the admin; a 404 otherwise, so a preview tells nobody else
    that the item exists."""
    model = models_by_kind().get(kind)
    model_admin = admin.site._registry.get(model) if model else None
    item = model.objects.filter(pk=pk).first() if model else None
    if item is None or model_admin is None or not model_admin.has_view_or_change_permission(request, item):
        raise Http404("No such item.")
    return item


def public_view(item: Publishable) -> "type[LiveDetailView]":
    """The view class of the item's public page, found through its public URL."""
    public_path = item.get_absolute_url().removeprefix(get_script_prefix())
    view_class: type[LiveDetailView] = resolve(f"/{public_path}").func.view_class  # type: ignore[attr-defined]
    return view_class


def preview(request: HttpRequest, kind: str, pk: int, show_changes: bool = False) -> HttpResponseBase:
    item = viewable_item(request, kind, pk)
    prefetch_related_objects([item], *type(item).publishing_prefetch)
    publication = services.frozen(item, revision=workflow.latest_revision(item), by=None, note="", now=timezone.now())
    live = workflow.live_publication(item)
    changed = services.has_unpublished_changes(item) if live else False
    banner = {
        "status": item.get_status_display(),
        "live": live,
        "change_url": reverse(f"admin:{item._meta.app_label}_{kind}_change", args=[item.pk]),
        "preview_url": reverse("editorial:preview", args=[kind, pk]),
        "changes_url": reverse("editorial:preview-changes", args=[kind, pk]) if changed else None,
        "changes": workflow.unpublished_changes(item) if show_changes and changed else None,
        "show_changes": show_changes,
    }
    view = previewing(public_view(item)).as_view(publication=publication, preview=banner)
    response = view(request, slug=publication.slug)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def preview_changes(request: HttpRequest, kind: str, pk: int) -> HttpResponseBase:
    return preview(request, kind, pk, show_changes=True)


urlpatterns: list[URLPattern] = [
    path("<str:kind>/<int:pk>/", admin.site.admin_view(preview), name="preview"),
    path("<str:kind>/<int:pk>/changes/", admin.site.admin_view(preview_changes), name="preview-changes"),
]
