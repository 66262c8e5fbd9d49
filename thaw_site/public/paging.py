"""Pagination of public lists, as Django's ListView does it."""

from typing import TYPE_CHECKING, Any, TypeVar

from django.core.paginator import InvalidPage, Page
from django.core.paginator import Paginator as DjangoPaginator
from django.http import Http404, HttpRequest

if TYPE_CHECKING:
    from django.core.paginator import _SupportsPagination  # a querysets-and-sequences protocol of the stubs

T = TypeVar("T")


class Paginator(DjangoPaginator):  # type: ignore[type-arg]  # generic in the stubs only
    """Django's paginator, but sparing the COUNT query where it can: a prepared list (thaw_site/public/prepared.py)
    reads a page and the count of the whole list in one query, and of any other list a first page that is not
    full gives the count (most item pages list fewer items than a page holds)."""

    def page(self, number: int | str) -> Page[Any]:
        fetch_counted = getattr(self.object_list, "fetch_counted", None)
        digits = str(number)
        if fetch_counted is not None and not self.orphans and digits.isascii() and digits.isdecimal() and int(digits):
            number = int(digits)
            low = (number - 1) * self.per_page
            rows, count = fetch_counted(low, low + self.per_page)
            # Rows, or the empty first page of an empty list, are the page Django would give; anything else is
            # a page that is not there, which Django's own answer names.
            if rows or (number == 1 and self.allow_empty_first_page):
                self.__dict__["count"] = count  # Paginator.count is a cached_property: what it would have counted
                return Page(rows, number, self)
            return super().page(number)
        if str(number) != "1":
            return super().page(number)
        entries = self.object_list[: self.per_page]
        rows = entries if isinstance(entries, list) else list(entries)
        if len(rows) < self.per_page:
            self.__dict__["count"] = len(rows)
        return Page(rows, 1, self)


def page_or_404(request: HttpRequest, items: "_SupportsPagination[T]", per_page: int) -> Page[T]:
    """The `?page=N` page of these items; like ListView, a 404 for a page that is not a number or not there."""
    try:
        return Paginator(items, per_page).page(request.GET.get("page") or 1)
    except InvalidPage as error:
        raise Http404(f"No such page: {error}") from error
