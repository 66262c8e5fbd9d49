"""Front-end caches (an HTTP cache or a CDN in front of the site), told to drop pages by the tags they carry.

Each cached public page names its tags in a response header (thaw_site.public.cache); when publishing or
withdrawing purges tags (thaw_site.publishing.generation.purge), every configured front-end cache is asked to
drop the pages carrying them, once the change is committed. Settings:

    THAW_FRONTEND_CACHES = [
        {"BACKEND": "thaw_site.publishing.frontend_caches.Varnish", "URLS": ["http://127.0.0.1:6081"]},
    ]

A backend is a class taking that dict and implementing `FrontendCache`: the header it reads tags from, and
`purge(tags)`. `Varnish` speaks to the VCL in deploy/varnish/thaw.vcl (the `xkey` module). A CDN backend
(Fastly's `Surrogate-Key` and purge by key, Cloudflare's `Cache-Tag` and purge by tag) is another class of the
same two members.
"""

import logging
import urllib.request
from collections.abc import Collection, Mapping
from typing import Any, Protocol

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

PURGE_TIMEOUT_SECONDS = 2
# Tags per purge request: a header line of at most about 8 kB, which Varnish accepts by default.
TAGS_PER_REQUEST = 150


class FrontendCache(Protocol):
    header: str  # the response header naming a page's tags, space-separated

    def purge(self, tags: Collection[str]) -> None: ...


class Varnish:
    """Varnish with the xkey module and deploy/varnish/thaw.vcl: `PURGE /` with the tags in `xkey-purge`."""

    header = "xkey"

    def __init__(self, config: Mapping[str, Any]) -> None:
        self.urls: list[str] = list(config["URLS"])

    def purge(self, tags: Collection[str]) -> None:
        names = sorted(tags)
        for url in self.urls:
            for start in range(0, len(names), TAGS_PER_REQUEST):
                request = urllib.request.Request(  # noqa: S310 (a URL from the settings)
                    url.rstrip("/") + "/",
                    method="PURGE",
                    headers={"xkey-purge": " ".join(names[start : start + TAGS_PER_REQUEST])},
                )
                with urllib.request.urlopen(request, timeout=PURGE_TIMEOUT_SECONDS):  # noqa: S310
                    pass


def frontend_caches() -> list[FrontendCache]:
    return [import_string(str(config["BACKEND"]))(config) for config in settings.THAW_FRONTEND_CACHES]


def purge_frontend_caches(tags: Collection[str]) -> None:
    """Ask every front-end cache to drop the pages carrying these tags. A cache that can't be reached is logged as
    an error and the others are still asked: its pages expire after THAW_PAGE_SHARED_MAX_AGE."""
    for backend in frontend_caches():
        try:
            backend.purge(tags)
        except OSError:
            logger.exception("Could not purge %s from %s", " ".join(sorted(tags))[:200], type(backend).__name__)
