"""Whole-page caching of the public site for anonymous readers, retired by tags when publishing changes a page.

Every public page is built from live publications only, so a page can change only when something is made live
or taken down. A page is kept with its *tags* (thaw_site.publishing.generation): the items it links to (every
item a page shows, it links to), its own item when it is an item's page, `list` when it lists the archive, and
`changes` when it changes with every publication (`PagePolicy.every_change`) or shows too many items to name.
Publishing or withdrawing an item purges its tags; a kept page is served only while none of its tags was purged
since it was built, which one read of its own tags' rows in the database checks (`changed_since`), so every
worker sees a purge at once whatever the cache is. The same tags go out in the header a front-end cache reads
(Varnish's `xkey`), which publishing purges too (thaw_site.publishing.frontend_caches).

A page is kept under its scheme, host, path and the query parameters its view reads (`PagePolicy.query`, by
default `page`): others (utm_*, anything unknown) are dropped from the request before the view sees it, so they
make no new copies; and at most THAW_PAGE_VARIANTS query strings of one path are kept.

Only anonymous GET and HEAD requests for pages outside the admin are cached, and only plain 200 answers that set
no cookie; they say `X-Page-Cache: hit` or `miss`. Cached or not, anonymous pages carry an ETag and a public
Cache-Control (a front-end cache may keep them `s-maxage` seconds; the browser `max-age`), and answer
If-None-Match with 304. Signed-in users get `private, no-cache`, and their pages are never stored.
"""

import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache as remembered
from typing import NamedTuple, TypeGuard, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseBase, QueryDict
from django.urls import Resolver404, resolve
from django.utils.cache import get_conditional_response, patch_cache_control, set_response_etag
from django.utils.http import urlencode

from thaw_site.middleware import DATABASE_DOWN, database_unavailable
from thaw_site.publishing.frontend_caches import frontend_caches
from thaw_site.publishing.generation import CHANGES, LISTS, SITE, changed_since, current_version, item_tag, page_tag
from thaw_site.publishing.publications import item_url, url_names

HIT_HEADER = "X-Page-Cache"  # "hit" or "miss": what the load check counts
# A page linking to more items than this is tagged `changes` instead of one tag each (sitemaps, timeline.json).
MAX_ITEM_TAGS = 120

V = TypeVar("V")


@dataclass(frozen=True)
class PagePolicy:
    """How a view's pages are cached: the query parameters it reads, and whether every publication changes it."""

    query: Sequence[str] = ("page",)
    every_change: bool = False


DEFAULT_POLICY = PagePolicy()
EVERY_CHANGE = PagePolicy(every_change=True)


def page_policy(policy: PagePolicy) -> Callable[[V], V]:
    """Declare a function view's PagePolicy (a class-based view or a feed sets the attribute `page_policy`)."""

    def declare(view: V) -> V:
        view.page_policy = policy  # type: ignore[attr-defined]  # read back by policy_of()
        return view

    return declare


def policy_of(request: HttpRequest) -> PagePolicy:
    try:
        view = resolve(request.path_info, getattr(request, "urlconf", None)).func
    except Resolver404:
        return DEFAULT_POLICY
    policy = getattr(getattr(view, "view_class", view), "page_policy", DEFAULT_POLICY)
    return policy if isinstance(policy, PagePolicy) else DEFAULT_POLICY


def normalise_query(request: HttpRequest, policy: PagePolicy) -> None:
    """Keep only the parameters the view reads, with a value, in a fixed order: the view sees nothing else."""
    kept = sorted((name, value) for name in set(policy.query) for value in request.GET.getlist(name) if value)
    query = urlencode(kept)
    request.META["QUERY_STRING"] = query
    request.GET = QueryDict(query)


def page_key(request: HttpRequest) -> str:
    """The cache key of the page: scheme, host, path and the (normalised) query string."""
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    return "thaw:page:" + hashlib.sha256(address.encode()).hexdigest()


@remembered
def item_links() -> tuple[re.Pattern[bytes], dict[bytes, str]]:
    """A pattern finding links to item pages (and their .json and history) in a page, and the kind of each."""
    prefixes = {item_url(kind, "x")[:-2].encode(): kind for kind in url_names()}
    alternatives = b"|".join(re.escape(prefix) for prefix in sorted(prefixes, key=len, reverse=True))
    return re.compile(rb"(" + alternatives + rb")([-\w]+)[/.]"), prefixes


def page_tags(request: HttpRequest, response: HttpResponse, policy: PagePolicy) -> list[str]:
    pattern, kinds = item_links()
    tags = {SITE}
    own = pattern.match(request.path.encode() + b"/")
    tags.add(page_tag(kinds[own[1]], own[2].decode()) if own else LISTS)
    shown = {item_tag(kinds[prefix], slug.decode()) for prefix, slug in pattern.findall(response.content)}
    if policy.every_change or len(shown) > MAX_ITEM_TAGS:
        tags.add(CHANGES)
    else:
        tags |= shown
    return sorted(tags)


class Kept(NamedTuple):
    version: int  # the tag store's version read before the page was built
    tags: list[str]
    response: HttpResponse


class PublicPageCacheMiddleware:
    """Serve and store anonymous public pages; put it after AuthenticationMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not self.cacheable_request(request):
            passed = self.get_response(request)
            if request.user.is_authenticated:
                patch_cache_control(passed, private=True, no_cache=True)
            return passed
        policy = policy_of(request)
        normalise_query(request, policy)
        key = page_key(request)
        kept: Kept | None = cache.get(key)
        try:
            if kept is not None and not changed_since(kept.version, kept.tags):
                response: HttpResponseBase = kept.response
                response[HIT_HEADER] = "hit"
            else:
                response = self.build(request, key, policy, stale=kept is not None)
        except DATABASE_DOWN as outage:
            # The check of what changed is a query: with the database gone, no kept page can be known current.
            return database_unavailable(request, outage)
        # Given a response it returns one (a 304, or that one): the stubs say HttpResponse and "| None" for any.
        return get_conditional_response(request, etag=response.get("ETag"), response=response)  # type: ignore[arg-type,return-value]

    def build(self, request: HttpRequest, key: str, policy: PagePolicy, *, stale: bool) -> HttpResponseBase:
        version = current_version()
        response = self.get_response(request)
        if not self.cacheable_response(response):
            return response
        tags = page_tags(request, response, policy)
        set_response_etag(response)
        response[HIT_HEADER] = "miss"
        for frontend in frontend_caches():
            response[frontend.header] = " ".join(tags)
        if changed_since(version, tags):
            # Published while it was built: it may show the old version, so no cache keeps it.
            patch_cache_control(response, private=True, no_cache=True)
            return response
        patch_cache_control(
            response, public=True, max_age=settings.THAW_PAGE_MAX_AGE, s_maxage=settings.THAW_PAGE_SHARED_MAX_AGE
        )
        if stale or not request.GET or self.one_more_variant(request):
            cache.set(key, Kept(version, tags, response), timeout=settings.THAW_PAGE_CACHE_SECONDS)
        return response

    @staticmethod
    def one_more_variant(request: HttpRequest) -> bool:
        """Count a new query string of this path; False past THAW_PAGE_VARIANTS (search words are unbounded)."""
        path = f"{request.scheme}://{request.get_host()}{request.path}"
        counter = "thaw:variants:" + hashlib.sha256(path.encode()).hexdigest()
        cache.add(counter, 0, timeout=settings.THAW_PAGE_CACHE_SECONDS)
        try:
            return cache.incr(counter) <= settings.THAW_PAGE_VARIANTS
        except ValueError:  # evicted between add and incr
            return False

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
