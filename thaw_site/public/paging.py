"""Pagination of public lists, as Django's ListView does it."""

from django.core.paginator import InvalidPage, Paginator
from django.http import Http404


def page_or_404(request, items, per_page):
    """The `?page=N` page of these items; like ListView, a 404 for a page that is not a number or not there."""
    try:
        return Paginator(items, per_page).page(request.GET.get("page") or 1)
    except InvalidPage as error:
        raise Http404(f"No such page: {error}") from error
