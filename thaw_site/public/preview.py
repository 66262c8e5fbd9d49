"""Staff previews: any editorial item, in any state, as its public page would show it once published.

The working copy is frozen by the code that publishes it (`services.frozen`), into a publication that is never
saved, and rendered by the item's own public view and templates: the same footnotes, flags, people, topics and
links to live items. Only staff who may view the item in the admin see it (the admin's login page for anyone
not staff, a 404 for staff who may not view the item); it carries a "Preview — not published" banner and
`noindex`, and is never cached (the admin's views send `Cache-Control: no-store`, and the page cache skips the
admin's prefix).

The live preview (`editorial:live-preview`) renders the text of a change form as the editor types: the form's
cited fields, posted by static/admin/js/live_preview.js, rendered by the code that publishes them
(`CitedItem.published_text`) into the public page's own template fragments, with what the citation policy would
refuse. Only staff who may change items of that kind may use it; it saves nothing and is never cached.

URLs (namespace `editorial`, under the admin's prefix):
    editorial:preview          <kind>/<pk>/          the preview
    editorial:preview-changes  <kind>/<pk>/changes/  the preview with the changes from the live version
    editorial:live-preview     <kind>/live/          POST: the live preview of a change form's text, as HTML
"""

import json
from typing import TYPE_CHECKING, Any, cast

from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, QueryDict
from django.template.loader import render_to_string
from django.urls import URLPattern, get_script_prefix, path, resolve, reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.views.decorators.http import require_POST

from thaw_site.public.pages import resolve as resolve_links
from thaw_site.publishing import services, workflow
from thaw_site.publishing.citing import CitedItem, citation_errors, citation_problems, dispute_problems, note_problems
from thaw_site.publishing.items import Publishable
from thaw_site.publishing.publications import Kind, Publication, models_by_kind

if TYPE_CHECKING:
    from django.db.models import Field, QuerySet

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


# The record's JSON fields, and what checks each as the form will when it saves.
RECORD_FIELDS = {"notes": note_problems, "disputed": dispute_problems}


def cited_model(request: HttpRequest, kind: str) -> type[CitedItem]:
    """The cited model of that kind, if the user may change its items in the admin: 403 for staff who may not, 404
    for a kind without cited text."""
    model = models_by_kind().get(kind)
    if model is None or not issubclass(model, CitedItem):
        raise Http404("No such kind of cited item.")
    model_admin = admin.site._registry.get(model)
    if model_admin is None or not model_admin.has_change_permission(request):
        raise PermissionDenied
    return model


def posted_item(model: type[CitedItem], form: QueryDict) -> tuple[CitedItem, list[str]]:
    """An unsaved item holding the form's cited fields, and what saving the form would refuse in its JSON fields
    (those left out of the preview)."""
    texts = {name: form.get(name, "") for name in (*model.cited_facts, "body", "needs_citations_since")}
    refused: list[str] = []
    record: dict[str, object] = {}
    for name, problems_of in RECORD_FIELDS.items():
        try:
            value = json.loads(form.get(name) or "[]")
        except ValueError:
            refused.append(f"{name}: not valid JSON, so the preview leaves it out")
            continue
        refused += [f"{name}: {problem}" for problem in problems_of(value)]
        record[name] = value
    return model(**texts, **record), refused


def live_context(item: CitedItem, refused: list[str]) -> dict[str, Any]:
    """The live preview of the item's text: rendered as publishing renders it, its references resolved to live
    sources as its public page resolves them, and what publishing (the citation policy) and saving would refuse."""
    document, data = item.published_text()
    cites = [["cites", Kind.SOURCE, key, ""] for key in sorted(document.keys)]
    _, references = resolve_links(Publication(data={"links": cites, "references": data["references"]}))
    blocking = citation_problems(item)
    errors = [f"{name}: {message}" for name, messages in citation_errors(item).items() for message in messages]
    facts = [  # each structured fact's rendered citation, under the field's name
        {
            "label": capfirst(cast("Field[Any, Any]", item._meta.get_field(name)).verbose_name),
            "html": data["rendered"][name],
        }
        for name in item.cited_facts
        if data["rendered"][name]
    ]
    return {
        "data": data,
        "references": references,
        "facts": facts,
        "blocking": blocking,
        "refused": [*refused, *(error for error in errors if error not in blocking)],
    }


@require_POST
def live_preview(request: HttpRequest, kind: str) -> HttpResponse:
    model = cited_model(request, kind)
    texts = [value for name, value in request.POST.items() if name in (*model.cited_facts, "body", *RECORD_FIELDS)]
    if "body" not in request.POST:
        return HttpResponse(
            "Post the change form's fields: the body is missing.\n", status=400, content_type="text/plain"
        )
    size = sum(len(text) for text in texts)
    if size > settings.THAW_LIVE_PREVIEW_MAX_CHARS:
        message = (
            f"The text is {size:,} characters; the live preview takes at most {settings.THAW_LIVE_PREVIEW_MAX_CHARS:,}."
            " Save it and open the preview instead."
        )
        return HttpResponse(message, status=413, content_type="text/plain")
    item, refused = posted_item(model, request.POST)
    response = HttpResponse(render_to_string("preview/live.html", live_context(item, refused), request))
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


urlpatterns: list[URLPattern] = [
    path("<str:kind>/<int:pk>/", admin.site.admin_view(preview), name="preview"),
    path("<str:kind>/<int:pk>/changes/", admin.site.admin_view(preview_changes), name="preview-changes"),
    path("<str:kind>/live/", admin.site.admin_view(live_preview), name="live-preview"),
]
