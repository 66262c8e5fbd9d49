"""Watchlists, as on MediaWiki: an editor watches items, automatically the ones they create or edit in the admin.

A watch names its item as publications do, by kind and `uid` (thaw_site.publishing.publications): the uid is the
item's identity across databases, so a restored backup keeps everyone's watchlist, and this package needs no
foreign key to the apps' tables (it may not import them). Imports add no watches: an import writes thousands of
items, and a watchlist holding all of them would show nothing useful (docs/editorial-workflow.md).
"""

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, cast

from django.conf import settings
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from thaw_site.publishing.items import Publishable
from thaw_site.publishing.publications import models_by_kind
from thaw_site.publishing.workflow import kind_of

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User


class Watch(models.Model):
    """One user watching one item."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="thaw_watches")
    kind = models.CharField(max_length=30)
    item_uid = models.UUIDField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind", "item_uid"], name="one_watch_per_user_item")]
        indexes = [models.Index(fields=["kind", "item_uid"], name="watch_item")]

    def __str__(self) -> str:
        return f"{self.user} watches {self.kind} {self.item_uid}"


def is_editor(user: "AbstractBaseUser | AnonymousUser | None") -> bool:
    return user is not None and user.is_authenticated and user.is_active


def watch(user: "AbstractBaseUser | AnonymousUser | None", item: Publishable) -> None:
    """Add the item to the user's watchlist (nothing if it is there already, or if nobody is signed in)."""
    if is_editor(user):
        Watch.objects.get_or_create(user=cast("User", user), kind=kind_of(item), item_uid=item.uid)


def unwatch(user: "User", item: Publishable) -> None:
    Watch.objects.filter(user=user, kind=kind_of(item), item_uid=item.uid).delete()


def is_watching(user: "User", item: Publishable) -> bool:
    return Watch.objects.filter(user=user, kind=kind_of(item), item_uid=item.uid).exists()


def watcher_ids(items: Iterable[Publishable]) -> dict[tuple[str, Any], set[int]]:
    """Who watches each of the items, by (kind, uid): one query."""
    condition = Q()
    for item in items:
        condition |= Q(kind=kind_of(item), item_uid=item.uid)
    if not condition:
        return {}
    found: dict[tuple[str, Any], set[int]] = {}
    for kind, uid, user_id in Watch.objects.filter(condition).values_list("kind", "item_uid", "user_id"):
        found.setdefault((kind, uid), set()).add(user_id)
    return found


def watched_items(user: "User", kinds: Iterable[str]) -> list[tuple[Watch, Publishable]]:
    """The user's watches of these kinds with their items, by title: one query for the watches and one per kind."""
    watches = list(Watch.objects.filter(user=user, kind__in=list(kinds)))
    by_kind: dict[str, list[Watch]] = {}
    for one in watches:
        by_kind.setdefault(one.kind, []).append(one)
    pairs = []
    for kind, some in by_kind.items():
        items = {item.uid: item for item in models_by_kind()[kind].objects.filter(uid__in=[w.item_uid for w in some])}
        pairs += [(one, items[one.item_uid]) for one in some if one.item_uid in items]
    return sorted(pairs, key=lambda pair: str(pair[1]).casefold())


def watched_changes(user: "User", kinds: Iterable[str], *, limit: int = 100) -> list[Any]:
    """The newest revisions of the items the user watches, newest first: one query per kind.

    Each history row comes with its editor and, as `earlier_status` and `earlier_id`, the status and id of the
    revision before it, so a page shows any status change and links to the diff without a query per row."""
    rows: list[Any] = []
    for kind in kinds:
        history = models_by_kind()[kind].history
        earlier = history.filter(id=OuterRef("id"), history_date__lt=OuterRef("history_date")).order_by(
            "-history_date", "-history_id"
        )
        watched = Watch.objects.filter(user=user, kind=kind).values("item_uid")
        rows += (
            history.filter(uid__in=watched)
            .select_related("history_user")
            .annotate(
                earlier_status=Subquery(earlier.values("status")[:1]),
                earlier_id=Subquery(earlier.values("history_id")[:1]),
            )
            .order_by("-history_date", "-history_id")[:limit]
        )
    return sorted(rows, key=lambda row: (row.history_date, row.history_id), reverse=True)[:limit]
