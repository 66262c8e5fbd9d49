"""Whole-page caching of the public site for anonymous readers, invalidated by publishing.

Every public page is built from live publications only, so a page can change
only when something is made live or taken down. Those two services bump the
*publication generation* (thaw_site.publishing.generation); cached pages are
stored under the generation they were built in, so a bump retires every one of
them at once, with nothing to track about which page shows what.

Only anonymous GET and HEAD requests for pages outside the admin are cached,
and only plain 200 answers that set no cookie. Cached or not, anonymous pages
carry an ETag and a short public Cache-Control (a CDN may keep them
`s-maxage` seconds; the browser `max-age`), and answer If-None-Match with 304.
Signed-in users get `private, no-cache`, and their pages are never stored.
"""

from collections.abc import Callable
from typing import TypeGuard

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.cache import get_conditional_response, patch_cache_control, set_response_etag

from thaw_site.publishing.generation import generation


def page_key(request: HttpRequest) -> str:
    return f"thaw:page:{generation()}:{request.get_full_path()}"


class PublicPageCacheMiddleware:
    """Serve and store anonymous public pages; put it after AuthenticationMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not self.cacheable_request(request):
            response = self.get_response(request)
            if request.user.is_authenticated:
                patch_cache_control(response, private=True, no_cache=True)
            return response
        key = page_key(request)
        response = cache.get(key)
        if response is None:
            response = self.get_response(request)
            if not self.cacheable_response(response):
                return response
            set_response_etag(response)
            patch_cache_control(
                response,
                public=True,
                max_age=settings.THAW_PAGE_MAX_AGE,
                s_maxage=settings.THAW_PAGE_SHARED_MAX_AGE,
            )
            cache.set(key, response, timeout=settings.THAW_PAGE_CACHE_SECONDS)
        # Given a response it returns one (a 304, or that one); the stubs' "| None" is for a call without any.
        return get_conditional_response(request, etag=response.get("ETag"), response=response)  # type: ignore[return-value]

    @staticmethod
    def cacheable_request(request: HttpRequest) -> bool:
        return (
            request.method in ("GET", "HEAD")
            and not request.path.startswith(settings.THAW_UNCACHED_PREFIXES)
            and not request.user.is_authenticated
        )

    @staticmethod
    def cacheable_response(response: HttpResponseBase) -> TypeGuard[HttpResponse]:  # not streaming: an HttpResponse
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not response.has_header("Cache-Control")
        )
