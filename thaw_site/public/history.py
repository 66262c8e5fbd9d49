"""Public history of an item: its publications, each viewable as it was at a permanent URL.

Withdrawn items are off the public site with all their versions; a version page renders the publication with
the item's own template, so it looks exactly as it did (links resolve to what is live today).
"""

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path, reverse
from django.views.generic import ListView

from thaw_site.publishing.publications import Kind, Publication, cached_reverse, url_names

if TYPE_CHECKING:
    from thaw_site.public.pages import LiveDetailView

    PublicationListView = ListView[Publication]  # generic in the stubs only
else:
    PublicationListView = ListView

PUBLICATIONS_PER_PAGE = 50


def live_by_slug(kind: str | None, slug: str) -> Publication:
    live: Publication | None = (
        Publication.objects.live().filter(kind=kind, slug=slug).defer("data", "search_text").first()
    )
    if live is None:
        raise Http404(f"No published {kind} here.")
    return live


class ItemHistory(PublicationListView):
    """Every publication of one item, newest first, with its edit summary, a page at a time."""

    kind: Kind | None = None
    template_name = "history/item_history.html"
    context_object_name = "publications"
    paginate_by = PUBLICATIONS_PER_PAGE

    def get_queryset(self) -> QuerySet[Publication]:
        self.live = live_by_slug(self.kind, self.kwargs["slug"])
        return Publication.objects.filter(kind=self.kind, item_uid=self.live.item_uid).defer("data", "search_text")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(item=self.live, show_editors=settings.THAW_SHOW_EDITORS, **kwargs)
        page = context["page_obj"]
        # The list counts down from the newest version, so each version keeps its number on every page.
        context["first_number"] = page.paginator.count - page.start_index() + 1
        return context


class PublishedVersion:
    """Mixed into an item's detail view: show one of its publications instead of the live one."""

    # What it reads of the detail view it is mixed into (declared for the type checker only).
    kind: Kind | None
    kwargs: dict[str, Any]

    def get_object(self, queryset: QuerySet[Publication] | None = None) -> Publication:
        self.current = live_by_slug(self.kind, self.kwargs["slug"])
        return get_object_or_404(Publication, pk=self.kwargs["pk"], kind=self.kind, item_uid=self.current.item_uid)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        """`current`: the live version, whose slug the item's addresses use (an earlier one's may be another)."""
        context: dict[str, Any] = super().get_context_data(current=self.current, **kwargs)  # type: ignore[misc]
        return context


def history_urls(prefix: str, name: str, detail_view: "type[LiveDetailView]") -> list[URLPattern]:
    """URLs of an item kind's history and of its versions, beside its detail view's: /events/<slug>/history/…"""
    version: type[LiveDetailView] = type(f"{detail_view.__name__}Version", (PublishedVersion, detail_view), {})
    return [
        path(f"{prefix}/<slug:slug>/history/", ItemHistory.as_view(kind=detail_view.kind), name=f"{name}_history"),
        path(f"{prefix}/<slug:slug>/history/<int:pk>/", version.as_view(), name=f"{name}_version"),
    ]


def history_url(publication: Publication) -> str:
    """The address of a publication's item's history: the templates' |history_url."""
    return cached_reverse(f"{url_names()[publication.kind]}_history", publication.slug)


def version_url(publication: Publication, slug: str) -> str:
    """A publication's permanent address, under the item's current slug: the templates' version_url()."""
    return reverse(f"{url_names()[publication.kind]}_version", args=[slug, publication.pk])
