"""Import batches: every import, from `import_era` or the admin, and what it did to each item, so it can be undone."""

from typing import Any

from django.conf import settings
from django.db import models


class ImportBatch(models.Model):
    """One import: who ran it, when, from which file, and how many items it created, updated and left alone."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    file_name = models.CharField(max_length=255)
    sha256 = models.CharField("SHA-256", max_length=64)
    file_format = models.CharField(max_length=20, help_text="thaw-era, csv, xlsx, csl-json, bibtex or ris.")
    content = models.BinaryField(
        null=True, blank=True, editable=False, help_text="The uploaded file, kept with its batch (admin uploads)."
    )
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "import"
        verbose_name_plural = "imports"
        permissions = [("import_file", "Can import a file"), ("undo_batch", "Can undo an import")]

    def __str__(self) -> str:
        return f"Import {self.pk}: {self.file_name}"

    def summary(self) -> str:
        return f"created {self.created}, updated {self.updated}, unchanged {self.unchanged}"


class ImportedItem(models.Model):
    """An item a batch created or changed: the revision it wrote, and what undoing it puts back."""

    class Action(models.TextChoices):
        CREATED = "created"
        UPDATED = "updated"

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="items")
    section = models.CharField(max_length=20, help_text="The thaw-era section: sources, topics, periods, …")
    ident = models.CharField(max_length=100, help_text="The item's slug, or key for a source.")
    action = models.CharField(max_length=10, choices=Action.choices)
    revision_id = models.PositiveBigIntegerField(help_text="The history row the import wrote.")
    before: Any = models.JSONField(null=True, blank=True, help_text="An updated item's thaw-era entry before.")
    live_before_id = models.PositiveBigIntegerField(null=True, blank=True, help_text="Its live publication before.")
    live_after_id = models.PositiveBigIntegerField(null=True, blank=True, help_text="Its live publication after.")

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["batch", "section", "ident"], name="imported_item_once")]

    def __str__(self) -> str:
        return f"{self.action} {self.section} {self.ident}"


class PendingUpload(models.Model):
    """A file uploaded in the admin and previewed, kept until its uploader confirms the import (or not); a large
    one is checked and then imported in the background, and this row says how that went."""

    class State(models.TextChoices):
        CHECKING = "checking"
        PREVIEWED = "previewed"
        RUNNING = "running"
        FAILED = "failed"
        DONE = "done"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    file_name = models.CharField(max_length=255)
    content = models.BinaryField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.PREVIEWED)
    preview: Any = models.JSONField(null=True, blank=True, help_text="The dry run's report (Outcome.preview).")
    errors: Any = models.JSONField(default=list, blank=True, help_text="Why a background import failed.")
    batch = models.ForeignKey(ImportBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    started_at = models.DateTimeField(null=True, blank=True, help_text="When its background check or import began.")

    def __str__(self) -> str:
        return f"Upload {self.pk}: {self.file_name}"
