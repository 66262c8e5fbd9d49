"""Pagination of public lists, as Django's ListView does it."""

from typing import TYPE_CHECKING, TypeVar

from django.core.paginator import InvalidPage, Page, Paginator
from django.http import Http404, HttpRequest

if TYPE_CHECKING:
    from django.core.paginator import _SupportsPagination  # a querysets-and-sequences protocol of the stubs

T = TypeVar("T")


def page_or_404(request: HttpRequest, items: "_SupportsPagination[T]", per_page: int) -> Page[T]:
    """The `?page=N` page of these items; like ListView, a 404 for a page that is not a number or not there."""
    try:
        return Paginator(items, per_page).page(request.GET.get("page") or 1)
    except InvalidPage as error:
        raise Http404(f"No such page: {error}") from error
