"""Pagination of public lists, as Django's ListView does it."""

from typing import TYPE_CHECKING, Any, TypeVar

from django.core.paginator import InvalidPage, Page
from django.core.paginator import Paginator as DjangoPaginator
from django.http import Http404, HttpRequest

if TYPE_CHECKING:
    from django.core.paginator import _SupportsPagination  # a querysets-and-sequences protocol of the stubs

T = TypeVar("T")


class Paginator(DjangoPaginator):  # type: ignore[type-arg]  # generic in the stubs only
    """Django's paginator, but a first page that is not full gives the count: most item pages list fewer items
    than a page holds, and are spared the COUNT query."""

    def page(self, number: int | str) -> Page[Any]:
        if str(number) != "1":
            return super().page(number)
        entries = self.object_list[: self.per_page]
        rows = entries if isinstance(entries, list) else list(entries)
        if len(rows) < self.per_page:
            self.__dict__["count"] = len(rows)  # Paginator.count is a cached_property: what it would have counted
        return Page(rows, 1, self)


def page_or_404(request: HttpRequest, items: "_SupportsPagination[T]", per_page: int) -> Page[T]:
    """The `?page=N` page of these items; like ListView, a 404 for a page that is not a number or not there."""
    try:
        return Paginator(items, per_page).page(request.GET.get("page") or 1)
    except InvalidPage as error:
        raise Http404(f"No such page: {error}") from error
