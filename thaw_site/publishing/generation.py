"""Cache tags: what a cached page shows, and a version kept in the database for each, bumped when it changes.

Whatever is built from live publications (a whole public page, thaw_site.public.cache; a figure summed over the
archive, `once_per_generation`) is kept with the *tags* of what it shows and the *version* of the tag store read
before it was built. Publishing and withdrawing (thaw_site.publishing.services) `purge` the tags of what they
change, in the same transaction: a kept copy is good while none of its tags has a newer version than its own
(`changed_since`). Pages not showing what changed stay kept.

The versions live in the database, not in the cache, so every worker and every machine sees a purge the moment
it is committed, whatever the cache is (each worker's own memory by default, Redis with REDIS_URL): one read of
the page's own tags' rows, by primary key, checks it, however many other tags were purged since. The version
counter is one row (`CLOCK`) that a purge updates, so purges are serialised and its value grows in commit order:
a page built from what was there before a purge committed was built under an older version than the purge's, and
is never taken for fresh.

Tags:

- `event:secret-speech` (kind:slug): the item appears on the page (the page links to it);
- `of:event:secret-speech`: the page is the item's own (its page, its .json, its history);
- `list`: the page lists or counts the live items (home, timeline, lists, sitemaps, feed): changed when an item
  comes, goes, or moves (new title, dates or links);
- `changes`: the page changes with every publication (feed, search, citation reports, or pages showing too many
  items to tag one by one);
- `site`: every page (an import of many items, a restore).
"""

from collections.abc import Callable, Collection, Iterable, Sequence
from typing import Any, TypeVar, cast

from django.conf import settings
from django.core.cache import cache
from django.db import models, transaction
from django.db.models import F, Q

from thaw_site.publishing.frontend_caches import purge_frontend_caches
from thaw_site.publishing.publications import Publication
from thaw_site.publishing.read_models import PublishedLink

CLOCK = "*"  # the row whose version is the newest purge's
LISTS, CHANGES, SITE = "list", "changes", "site"
# A batch of more publications than this retires every page: an import, not an editor's publish.
MANY = 100

T = TypeVar("T")


class CacheTag(models.Model):
    """The version of a cache tag: the clock's value when the tag was last purged."""

    name = models.CharField(max_length=255, primary_key=True)
    version = models.BigIntegerField(db_index=True)

    def __str__(self) -> str:
        return f"{self.name}@{self.version}"


def item_tag(kind: str, slug: str) -> str:
    return f"{kind}:{slug}"


def page_tag(kind: str, slug: str) -> str:
    return f"of:{kind}:{slug}"


def current_version() -> int:
    """The tag store's version now: read it before building what will be kept with it."""
    return CacheTag.objects.filter(name=CLOCK).values_list("version", flat=True).first() or 0


def changed_since(version: int, tags: Collection[str]) -> bool:
    """Whether any of these tags was purged after `version` was read: one read of these tags' rows only (by primary
    key), so its cost does not grow with the purges of other tags."""
    return CacheTag.objects.filter(name__in=tags, version__gt=version).exists()


@transaction.atomic
def purge(tags: Collection[str]) -> None:
    """Retire everything kept with any of these tags, when the current transaction commits; then tell the front-end
    caches (thaw_site.publishing.frontend_caches) to drop the same tags."""
    CacheTag.objects.get_or_create(name=CLOCK, defaults={"version": 0})
    CacheTag.objects.filter(name=CLOCK).update(version=F("version") + 1)  # locks the row until the commit
    version = current_version()
    CacheTag.objects.bulk_create(
        [CacheTag(name=tag, version=version) for tag in tags],
        update_conflicts=True,
        unique_fields=["name"],
        update_fields=["version"],
    )
    names = sorted(tags)
    transaction.on_commit(lambda: purge_frontend_caches(names))


@transaction.atomic
def purge_everything(floor: int = 0) -> None:
    """Retire every kept page. `floor`: the version read before the tag store was emptied (a restore flushes the
    database), so that the clock never goes back under a page kept earlier."""
    CacheTag.objects.get_or_create(name=CLOCK, defaults={"version": floor})
    CacheTag.objects.filter(name=CLOCK, version__lt=floor).update(version=floor)
    purge({SITE})


def placement(publication: Publication) -> tuple[Any, ...]:
    """What lists read of a publication: where it is listed (its links), in what order, and under what name."""
    links = sorted((relation, kind, slug) for relation, kind, slug, _detail in publication.data.get("links", []))
    return publication.slug, publication.title, publication.sort_start, publication.sort_end, links


def targets(publication: Publication) -> set[str]:
    return {page_tag(kind, slug) for _relation, kind, slug, _detail in publication.data.get("links", [])}


def linking_pages(publications: Collection[Publication]) -> set[str]:
    """The page tags of the live items linking to these (citing a source, naming a person): a page shows a link
    only to a live item, so it did not link to one that was not live, and can't carry its tag."""
    if not publications:
        return set()
    wanted = Q()
    for publication in publications:
        wanted |= Q(target_kind=publication.kind, target_slug=publication.slug)
    linking = PublishedLink.objects.filter(wanted, publication__is_live=True).order_by()
    return {page_tag(kind, slug) for kind, slug in linking.values_list("publication__kind", "publication__slug")}


def tags_changed(before: Iterable[Publication], after: Iterable[Publication]) -> set[str]:
    """The tags to purge when the live publications `before` are replaced by `after` (either may be empty).

    The items' own pages and every page showing them always; and when an item comes, goes or moves, the pages
    listing it: every list, and the pages of what it links to (a period's page lists its events); when it comes,
    the pages of what links to it too (they showed no link to it).
    """
    old = {(p.kind, p.item_uid): p for p in before}
    new = {(p.kind, p.item_uid): p for p in after}
    tags = {CHANGES}
    for key in old.keys() | new.keys():
        versions = [p for p in (old.get(key), new.get(key)) if p is not None]
        for publication in versions:
            tags |= {item_tag(publication.kind, publication.slug), page_tag(publication.kind, publication.slug)}
        if len(versions) == 1 or placement(versions[0]) != placement(versions[1]):
            tags.add(LISTS)
            for publication in versions:
                tags |= targets(publication)
    return tags | linking_pages([p for key, p in new.items() if key not in old])


def retire(before: Sequence[Publication], after: Sequence[Publication]) -> None:
    """Purge what replacing the live publications `before` by `after` changes: see `tags_changed`."""
    purge({SITE} if max(len(before), len(after)) > MANY else tags_changed(before, after))


def once_per_generation(name: str, compute: Callable[[], T]) -> T:
    """`compute()`, worked out once and kept in the cache until an item comes, goes or moves (the `list` tag): for
    figures derived from every live publication (how many events each topic holds), which only publishing or
    withdrawing can change. Pages read them whether or not whole pages are cached (THAW_CACHE_PAGES), and signed-in
    users too."""
    key = f"thaw:derived:{name}"
    kept = cache.get(key)
    if kept is not None and not changed_since(kept[0], (LISTS, SITE)):
        return cast(T, kept[1])  # what compute() returned
    version = current_version()
    value = compute()
    cache.set(key, (version, value), timeout=settings.THAW_PAGE_CACHE_SECONDS)
    return value
