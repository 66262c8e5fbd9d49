"""Whole-page caching of the public site for anonymous readers, invalidated by publishing.

Every public page is built from live publications only, so a page can change
only when something is made live or taken down. Those two services bump a
site-wide *publication generation*; cached pages are stored under the
generation they were built in, so a bump retires every one of them at once,
with nothing to track about which page shows what.

The generation lives in the cache itself (Django's cache framework: local
memory by default, Redis when REDIS_URL is set). Local memory is private to
one process: with more than one worker, set REDIS_URL so that a publish seen
by one worker retires the pages the others cached.

Only anonymous GET and HEAD requests for pages outside the admin are cached,
and only plain 200 answers that set no cookie. Cached or not, anonymous pages
carry an ETag and a short public Cache-Control (a CDN may keep them
`s-maxage` seconds; the browser `max-age`), and answer If-None-Match with 304.
Signed-in users get `private, no-cache`, and their pages are never stored.

Figures that sum up the whole archive (events per topic, the main period's key figures) are kept the same way,
under the generation, by `once_per_generation`: a page shows them without counting thousands of links.
"""

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils.cache import get_conditional_response, patch_cache_control, set_response_etag

GENERATION_KEY = "thaw:publication-generation"


def generation():
    """The current publication generation (any value: only its changes matter)."""
    return cache.get_or_set(GENERATION_KEY, 1, timeout=None)


def bump_generation():
    """Retire every cached page: call whenever what the public sees changes."""
    _bump()
    # Again once the change is committed: a page rebuilt from the old state by a
    # concurrent request between the first bump and the commit must not survive it.
    transaction.on_commit(_bump)


def _bump():
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # not set yet, or evicted
        cache.set(GENERATION_KEY, 2, timeout=None)


def once_per_generation(name, compute):
    """`compute()`, worked out once per publication generation and kept in the cache: for figures derived from
    every live publication (how many events each topic holds), which only publishing or withdrawing can change.
    Pages read them whether or not whole pages are cached (THAW_CACHE_PAGES), and signed-in users too."""
    return cache.get_or_set(f"thaw:derived:{generation()}:{name}", compute, timeout=settings.THAW_PAGE_CACHE_SECONDS)


def page_key(request):
    return f"thaw:page:{generation()}:{request.get_full_path()}"


class PublicPageCacheMiddleware:
    """Serve and store anonymous public pages; put it after AuthenticationMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
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
        return get_conditional_response(request, etag=response.get("ETag"), response=response)

    @staticmethod
    def cacheable_request(request):
        return (
            request.method in ("GET", "HEAD")
            and not request.path.startswith(settings.THAW_UNCACHED_PREFIXES)
            and not request.user.is_authenticated
        )

    @staticmethod
    def cacheable_response(response):
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not response.has_header("Cache-Control")
        )
