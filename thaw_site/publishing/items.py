"""What every editorial item (a working copy, in the events and people apps) shares: a workflow status, its
public URL, and what publishing freezes of it.

`status` is the workflow's (draft, in review, published, withdrawn); `Model.objects.published()` reads it.
Whether an item is *live*, on the public site, is a fact about its publications (thaw_site.publishing.
publications): the public site never reads working copies, and a published item edited since stays live as it
was published.
"""

import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar, Self, TypeVar

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone

from thaw_site.text.identifiers import AUTHORITY_FILES, identifier_problems

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

# The interchange format each item writes itself into (`Publishable.to_interchange`), which publishing freezes
# with every publication and /<kind>/<slug>.json serves. Its reader and writer live in events.interchange.
INTERCHANGE_FORMAT, INTERCHANGE_VERSION = "thaw-era", 1


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    PUBLISHED = "published", "Published"
    WITHDRAWN = "withdrawn", "Withdrawn"


# A link of an item to another, as publishing freezes it: (relation, target kind, target slug, detail).
Link = tuple[str, str, str, str]

_P = TypeVar("_P", bound="Publishable")


class PublishableQuerySet(models.QuerySet[_P]):
    def published(self) -> Self:
        return self.filter(status=Status.PUBLISHED)


class NaturalKeyManager(models.Manager[_P]):
    def get_by_natural_key(self, key: str) -> _P:
        return self.get(**{self.model.natural_key_field: key})


class Publishable(models.Model):
    """An editorial item, identified outside the database by its slug (or key)."""

    natural_key_field: ClassVar[str] = "slug"
    public_url_name: ClassVar[str] = ""  # the URL name of the item's public page, reversed with its natural key
    # the URL name of the public list of all items of the kind, if there is one
    public_list_url_name: ClassVar[str] = ""
    # Related rows that snapshot() and interchange_relations() read, fetched once for a batch of items.
    publishing_prefetch: ClassVar[tuple["str | models.Prefetch[Any]", ...]] = ()
    # The scalar fields of the item's thaw-era entry, each with the value an absent field means; of those,
    # the ones written as null when empty.
    interchange_fields: ClassVar[dict[str, Any]] = {}
    interchange_nullable: ClassVar[frozenset[str]] = frozenset()
    # The identifier schemes (thaw_site.text.identifiers) the item may carry.
    identifier_schemes: ClassVar[tuple[str, ...]] = AUTHORITY_FILES

    status = models.CharField(
        max_length=10,
        choices=Status.choices,
        default=Status.DRAFT,
        db_index=True,
        help_text="Only published items appear on the public site.",
    )
    published_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When the item was last published."
    )
    updated_at = models.DateTimeField(auto_now=True)
    uid = models.UUIDField(
        default=uuid.uuid4,
        unique=True,
        editable=False,
        help_text="Stable identity across databases (dumps, restores); publications refer to it.",
    )
    identifiers = models.JSONField(
        default=dict,
        blank=True,
        help_text=(
            'Authority identifiers you have looked up, never guessed: {"wikidata": "Q1000", "viaf": "…", '
            '"gnd": "…", "loc": "n79021400"}; sources may also have "doi" and "oclc".'
        ),
    )

    objects = NaturalKeyManager.from_queryset(PublishableQuerySet)()

    if TYPE_CHECKING:
        # Set on the item for one save, and read by simple-history as it writes the history row: who made the change
        # and why, or (by being there at all) that the save records no row.
        _history_user: User | AnonymousUser | None
        _change_reason: str
        skip_history_when_saving: bool
        # simple-history's manager of the item's history rows, which each concrete model adds (HistoricalRecords).
        history: Any

        # What publishing freezes of the item: every kind of item defines it (events.models, people.models).
        def snapshot(self) -> "Snapshot": ...

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return getattr(self, "name", None) or getattr(self, "title", None) or self.natural_key()[0]

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.derive_fields()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse(self.public_url_name, args=self.natural_key())

    def clean(self) -> None:
        super().clean()
        problems = identifier_problems(self.identifiers, self.identifier_schemes)
        if problems:
            raise ValidationError({"identifiers": problems})

    def derive_fields(self) -> None:
        """Set the fields computed from the others. save() calls it; bulk writers call it before bulk_create,
        so an item written in bulk holds exactly what save() would have stored. Subclasses extend it."""
        if self.is_published and self.published_at is None:
            self.published_at = timezone.now()

    def natural_key(self) -> tuple[str]:
        return (getattr(self, self.natural_key_field),)

    def interchange_relations(self) -> dict[str, Any]:
        """The item's relations as its thaw-era entry holds them (other items by slug); subclasses extend it."""
        return {}

    def interchange_state(self) -> dict[str, Any]:
        """The item as comparable thaw-era values: its scalar fields and its relations, empty values as ""."""
        return {name: getattr(self, name) for name in self.interchange_fields} | self.interchange_relations()

    def to_interchange(self) -> dict[str, Any]:
        """The item as one entry of the thaw-era format (docs/interchange-format.md)."""
        entry: dict[str, Any] = {self.natural_key_field: self.natural_key()[0]}
        for name, value in self.interchange_state().items():
            entry[name] = None if name in self.interchange_nullable and value == "" else value
        return entry

    @property
    def is_published(self) -> bool:
        return self.status == Status.PUBLISHED


# Where bulk publishing (services.make_live_many) puts an item's many-valued publishing_prefetch relations: plain
# lists, for the time it freezes the items. Django's prefetch into the managers' caches builds and filters one
# queryset per item and relation, which was a seventh of importing 10,000 events.
LISTED_PREFIX = "_publishing_"


def relation_list(item: models.Model, name: str) -> list[Any]:
    """The item's related objects `name` (a many-valued relation): as bulk publishing listed them for it while it
    freezes it, else the manager's `all()` (prefetched or not)."""
    listed = item.__dict__.get(LISTED_PREFIX + name)
    return listed if listed is not None else list(getattr(item, name).all())


def listing_prefetch(
    model: type[Publishable],
) -> tuple[list["str | models.Prefetch[Any]"], list[str]]:
    """The model's publishing_prefetch, with each many-valued relation fetched into a list that `relation_list` reads;
    and the attributes those lists are kept in, to drop once the items are frozen."""
    lookups: list[str | models.Prefetch[Any]] = []
    attributes: list[str] = []
    for lookup in model.publishing_prefetch:
        through = lookup.prefetch_through if isinstance(lookup, models.Prefetch) else lookup
        field = model._meta.get_field(through)
        if "__" in through or not (field.many_to_many or field.one_to_many):
            lookups.append(lookup)
            continue
        queryset = lookup.queryset if isinstance(lookup, models.Prefetch) else None
        lookups.append(models.Prefetch(through, queryset=queryset, to_attr=LISTED_PREFIX + through))
        attributes.append(LISTED_PREFIX + through)
    return lookups, attributes


def publishable_models() -> list[type[Publishable]]:
    """The editorial item models of every installed app."""
    return [model for model in apps.get_models() if issubclass(model, Publishable)]


@dataclass
class Snapshot:
    """What a publication freezes of an item: see thaw_site.publishing.publications.Publication."""

    title: str
    summary: str = ""
    sort_start: date | None = None
    sort_end: date | None = None
    data: dict[str, Any] = field(default_factory=dict)
    search_text: str = ""
    links: list[Link] = field(default_factory=list)  # (relation, target kind, target slug, detail)
