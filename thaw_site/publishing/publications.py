"""What the public sees: publications, the frozen live versions of editorial items.

Editors change the working copy of an item (the rows in events/ and people/)
as often as they like; the public site never reads those rows. Publishing an
item freezes its current revision into a Publication: its text rendered to
HTML, its references numbered, its facts, and its links to other items by
slug. The newest publication of an item is its live version (`is_live`);
older ones stay, so every published revision has a permanent URL.
Withdrawing an item takes its live version off the site and keeps the rest.

Because public pages read only publications, a draft can't leak through
them, the live version stays as it was until a reviewer publishes a change,
and a page costs a few indexed queries however large the archive grows.
"""

from collections.abc import Callable, Mapping
from functools import cache, lru_cache, partial
from typing import TYPE_CHECKING, Any, Self, cast

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.urls import get_script_prefix, reverse

from thaw_site.publishing.items import publishable_models

if TYPE_CHECKING:
    from thaw_site.publishing.items import Publishable


class Kind(models.TextChoices):
    PERIOD = "period", "Period"
    TOPIC = "topic", "Topic"
    SOURCE = "source", "Source"
    EVENT = "event", "Event"
    FIGURE = "figure", "Figure"


@cache
def models_by_kind() -> dict[str, type["Publishable"]]:
    """The editorial model behind each kind of publication."""
    # django-stubs types Options.model_name as optional: a model class's is always set.
    return {cast(str, model._meta.model_name): model for model in publishable_models()}


@cache
def url_names() -> dict[str, str]:
    """Each kind's public URL name, as its model declares it (`public_url_name`)."""
    return {kind: model.public_url_name for kind, model in models_by_kind().items()}


# The part of `data` that lists of items show (an event's date, a figure's lifespan, a period's span, a
# source's bibliographic entry): lists and reference lists read it instead of the whole page's data.
LIST_DATA: dict[str, tuple[str, ...]] = {
    Kind.EVENT: ("date", "end", "when"),
    Kind.FIGURE: ("lifespan",),
    Kind.PERIOD: ("span",),
    Kind.SOURCE: ("kind", "authors", "author_line", "title", "publisher", "place", "year", "isbn", "url", "accessed"),
}


def list_data(kind: str, data: Mapping[str, Any]) -> dict[str, Any]:
    return {key: data[key] for key in LIST_DATA.get(kind, ()) if key in data}


@lru_cache(maxsize=20_000)
def _reverse(script_prefix: str, name: str, args: tuple[str | int, ...]) -> str:
    return reverse(name, args=args)


def cached_reverse(name: str, *args: str | int) -> str:
    """reverse(name, args=args), remembered: pages link dozens of items and reverse() was their largest cost
    after the queries. The script prefix is part of the key because reverse() reads it."""
    return _reverse(get_script_prefix(), name, args)


def item_url(kind: str, slug: str) -> str:
    return _item_url(get_script_prefix(), kind, slug)


def item_urls() -> Callable[[str, str], str]:
    """item_url for the items of one list: the script prefix, a context-local that took longer to read than the
    rest of item_url, read once for them all."""
    return partial(_item_url, get_script_prefix())


@lru_cache(maxsize=20_000)
def _item_url(script_prefix: str, kind: str, slug: str) -> str:
    return reverse(url_names()[kind], args=(slug,))  # reverse() reads the script prefix that is in the key


class PublicationQuerySet(models.QuerySet["Publication"]):
    def live(self) -> Self:
        # As `is_live IN (true)`: SQLite reads the plain `is_live` that `is_live=True` becomes as no equality,
        # so it would use no index beginning (kind, is_live, …) for order, and sort every live row instead.
        return self.filter(is_live__in=[True])

    def of_kind(self, kind: str) -> Self:
        return self.filter(kind=kind)

    def in_order(self) -> Self:
        return self.order_by("sort_start", "sort_end", "slug")


class Publication(models.Model):
    kind = models.CharField(max_length=10, choices=Kind.choices)
    item_uid = models.UUIDField(help_text="The uid of the working copy this was published from.")
    revision_id = models.PositiveBigIntegerField(
        null=True, blank=True, help_text="The history row (revision) that was published."
    )
    slug = models.CharField(max_length=100)
    title = models.CharField(max_length=500)
    summary = models.TextField(blank=True)
    sort_start = models.DateField(null=True, blank=True)
    sort_end = models.DateField(null=True, blank=True)
    data = models.JSONField(default=dict, help_text="Everything the page shows, frozen at publication.")
    list_data = models.JSONField(
        default=dict, blank=True, help_text="What an entry for the item in a list shows, frozen at publication."
    )
    search_text = models.TextField(blank=True, help_text="Plain text of the item, for search.")
    search_vector = SearchVectorField(
        null=True,
        editable=False,
        help_text="PostgreSQL: the weighted text search vector (search_vectors.py).",
    )
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(max_length=300, blank=True, help_text="The edit summary of the published revision.")
    is_live = models.BooleanField(default=True)

    objects = PublicationQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        # The workflow's permissions (thaw_site.publishing.services): they apply to every editorial item.
        permissions = [
            ("submit_item", "Can submit items for review"),
            ("send_back_item", "Can send items in review back to their authors"),
            ("publish_item", "Can publish items in review"),
            ("withdraw_item", "Can withdraw published items"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["kind", "slug"], condition=Q(is_live=True), name="one_live_per_slug"),
            models.UniqueConstraint(fields=["kind", "item_uid"], condition=Q(is_live=True), name="one_live_per_item"),
        ]
        indexes = [
            models.Index(fields=["kind", "is_live", "sort_start", "sort_end", "slug"], name="publication_in_order"),
            models.Index(fields=["kind", "item_uid", "published_at"], name="publication_history"),
            models.Index(fields=["is_live", "published_at"], name="publication_recent"),
            models.Index(fields=["kind", "is_live", "title"], name="publication_by_title"),
            # Pages resolve many links at once (kind = ? AND slug IN (...)): SQLite will not use the
            # partial one_live_per_slug index for an IN list.
            models.Index(fields=["kind", "slug", "is_live"], name="publication_by_slug"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.slug} published {self.published_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return item_url(self.kind, self.slug)
