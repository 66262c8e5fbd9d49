"""What every editorial item shares: a status, and QuerySets that honour it.

Only published items are public. Every public view reads through
`Model.objects.published()`.
"""

import uuid
from dataclasses import dataclass, field

from django.db import models
from django.utils import timezone


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    PUBLISHED = "published", "Published"
    WITHDRAWN = "withdrawn", "Withdrawn"


class PublishableQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Status.PUBLISHED)


class NaturalKeyManager(models.Manager):
    def get_by_natural_key(self, key):
        return self.get(**{self.model.natural_key_field: key})


class Publishable(models.Model):
    """An editorial item, identified outside the database by its slug (or key)."""

    natural_key_field = "slug"

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

    objects = NaturalKeyManager.from_queryset(PublishableQuerySet)()

    class Meta:
        abstract = True

    def __str__(self):
        return getattr(self, "name", None) or getattr(self, "title", None) or self.natural_key()[0]

    def save(self, *args, **kwargs):
        self.derive_fields()
        super().save(*args, **kwargs)

    def derive_fields(self):
        """Set the fields computed from the others. save() calls it; bulk writers call it before bulk_create,
        so an item written in bulk holds exactly what save() would have stored. Subclasses extend it."""
        if self.is_published and self.published_at is None:
            self.published_at = timezone.now()

    def natural_key(self):
        return (getattr(self, self.natural_key_field),)

    @property
    def is_published(self):
        return self.status == Status.PUBLISHED


@dataclass
class Snapshot:
    """What a publication freezes of an item: see thaw_site.models.Publication."""

    title: str
    summary: str = ""
    sort_start: object = None
    sort_end: object = None
    data: dict = field(default_factory=dict)
    search_text: str = ""
    links: list = field(default_factory=list)  # (relation, target kind, target slug, detail)
