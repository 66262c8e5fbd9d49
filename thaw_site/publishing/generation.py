"""The publication generation: a number that changes whenever what the public sees changes.

Publishing and withdrawing (thaw_site.publishing.services) bump it. Whatever is built from live publications
can be kept under the generation it was built in: a bump retires all of it at once, with nothing to track
about what shows what. The public site keeps whole pages this way (thaw_site.public.cache), and figures summed
over the whole archive (`once_per_generation`).

The generation lives in the cache itself (Django's cache framework: local memory by default, Redis when
REDIS_URL is set). Local memory is private to one process: with more than one worker, set REDIS_URL so that a
publish seen by one worker retires what the others kept.
"""

from collections.abc import Callable
from typing import TypeVar, cast

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

GENERATION_KEY = "thaw:publication-generation"

T = TypeVar("T")


def generation() -> object:
    """The current publication generation (any value: only its changes matter)."""
    return cache.get_or_set(GENERATION_KEY, 1, timeout=None)


def bump_generation() -> None:
    """Retire every cached page: call whenever what the public sees changes."""
    _bump()
    # Again once the change is committed: a page rebuilt from the old state by a
    # concurrent request between the first bump and the commit must not survive it.
    transaction.on_commit(_bump)


def _bump() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # not set yet, or evicted
        cache.set(GENERATION_KEY, 2, timeout=None)


def once_per_generation(name: str, compute: Callable[[], T]) -> T:
    """`compute()`, worked out once per publication generation and kept in the cache: for figures derived from
    every live publication (how many events each topic holds), which only publishing or withdrawing can change.
    Pages read them whether or not whole pages are cached (THAW_CACHE_PAGES), and signed-in users too."""
    # What the cache returns is what compute() returned, or kept.
    return cast(
        T, cache.get_or_set(f"thaw:derived:{generation()}:{name}", compute, timeout=settings.THAW_PAGE_CACHE_SECONDS)
    )
