"""Imports in the admin: upload a file, see what it would do, confirm; list the batches; undo one.

Upload → preview: the file (at most settings.THAW_IMPORT_MAX_UPLOAD bytes) is read and imported as a dry run; the
page lists every item it would create, update (with each changed field, before and after) or leave unchanged,
or every error naming its place, and nothing is written. The file waits as a PendingUpload until its uploader
confirms; confirming imports it as that user through `run_import`, the code `import_era` runs, in one transaction,
and keeps the file with its batch. A file over settings.THAW_IMPORT_IN_BACKGROUND_OVER bytes is imported in the
background (events/imports/background.py) while a status page shows its progress. Importing needs the
`imports.import_file` permission, undoing `imports.undo_batch` (the Reviewers group has both), checked here on
the server for every request.
"""

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.http import content_disposition_header

from events.imports import background
from events.imports.batches import UndoRefused, changed_since, undo_batch
from events.imports.formats import SUFFIXES, import_file
from events.imports.models import ImportBatch, ImportedItem, PendingUpload
from events.interchange import ImportFailed

if TYPE_CHECKING:
    from django.contrib.auth.models import User

IMPORT, UNDO = "imports.import_file", "imports.undo_batch"
BATCH_FIELDS = ("created_at", "user", "file_name", "file_format", "sha256", "created", "updated", "unchanged")
ITEM_FIELDS = ("action", "section", "ident", "revision_id", "live_before_id", "live_after_id")


def editor(request: HttpRequest) -> "User":
    """The signed-in editor: admin_view lets only active staff through."""
    return cast("User", request.user)


class UploadForm(forms.Form):
    file = forms.FileField(help_text="A thaw-era JSON document, a TimelineJS spreadsheet, or references.")

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        limit = settings.THAW_IMPORT_MAX_UPLOAD
        if upload.size > limit:
            raise forms.ValidationError(f"The file is {upload.size:,} bytes; the limit is {limit:,}.")
        return upload


class ImportedItemInline(admin.TabularInline):  # type: ignore[type-arg]
    model = ImportedItem
    fields = readonly_fields = ITEM_FIELDS
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["id", "created_at", "user", "file_name", "file_format", "created", "updated", "unchanged", "undone"]
    list_display_links = ["id", "file_name"]
    fields = BATCH_FIELDS
    readonly_fields = (*BATCH_FIELDS, "undone_at", "undone_by")
    inlines = [ImportedItemInline]
    change_list_template = "admin/imports/change_list.html"
    change_form_template = "admin/imports/change_form.html"

    @admin.display(boolean=True)
    def undone(self, batch: ImportBatch) -> bool:
        return batch.undone_at is not None

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).select_related("user", "undone_by").defer("content")

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_view_permission(request, obj) or request.user.has_perm(IMPORT)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # an import is added by uploading a file: the upload page

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view
        return [
            path("upload/", view(self.upload_view), name="imports_importbatch_upload"),
            path("upload/<int:pending_id>/confirm/", view(self.confirm_view), name="imports_importbatch_confirm"),
            path("upload/<int:pending_id>/status/", view(self.status_view), name="imports_importbatch_status"),
            path("<int:batch_id>/undo/", view(self.undo_view), name="imports_importbatch_undo"),
            path("<int:batch_id>/file/", view(self.file_view), name="imports_importbatch_file"),
            *super().get_urls(),
        ]

    def require(self, request: HttpRequest, permission: str) -> None:
        if not request.user.has_perm(permission):
            raise PermissionDenied

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        return super().changelist_view(request, {**(extra_context or {}), "can_import": request.user.has_perm(IMPORT)})

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> Any:
        batch = ImportBatch.objects.defer("content").filter(pk=object_id).first() if object_id.isdigit() else None
        context = {
            **(extra_context or {}),
            "can_undo": bool(batch and batch.undone_at is None and request.user.has_perm(UNDO)),
            "has_file": bool(batch and ImportBatch.objects.filter(pk=batch.pk, content__isnull=False).exists()),
        }
        return super().change_view(request, object_id, form_url, context)

    def page(self, request: HttpRequest, template: str, context: dict[str, Any]) -> TemplateResponse:
        return TemplateResponse(
            request,
            f"admin/imports/{template}",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "suffixes": ", ".join(SUFFIXES),
                **context,
            },
        )

    def refused(self, request: HttpRequest, file_name: str, errors: list[str]) -> TemplateResponse:
        return self.page(request, "upload.html", {"form": UploadForm(), "errors": errors, "file_name": file_name})

    def upload_view(self, request: HttpRequest) -> HttpResponse:
        """The form, and on a good upload the dry run's report (or its errors), with a button to confirm."""
        self.require(request, IMPORT)
        form = UploadForm(request.POST or None, request.FILES or None)
        if request.method != "POST" or not form.is_valid():
            return self.page(request, "upload.html", {"form": form})
        upload = form.cleaned_data["file"]
        raw = upload.read()
        PendingUpload.objects.filter(user=editor(request)).delete()  # one waiting file per editor
        pending = PendingUpload(user=editor(request), file_name=upload.name, content=raw)
        if len(raw) > settings.THAW_IMPORT_IN_BACKGROUND_OVER:
            background.start(pending, PendingUpload.State.CHECKING)
            return HttpResponseRedirect(reverse("admin:imports_importbatch_status", args=[pending.pk]))
        try:
            pending.preview = import_file(upload.name, raw, user=editor(request), dry_run=True).preview()
        except ImportFailed as failure:
            return self.refused(request, upload.name, failure.errors)
        pending.save()
        return self.page(request, "preview.html", {"pending": pending, "preview": pending.preview})

    def confirm_view(self, request: HttpRequest, pending_id: int) -> HttpResponse:
        self.require(request, IMPORT)
        if request.method != "POST":
            return HttpResponseRedirect(reverse("admin:imports_importbatch_upload"))
        pending = get_object_or_404(
            PendingUpload, pk=pending_id, user=editor(request), state=PendingUpload.State.PREVIEWED
        )
        raw = bytes(pending.content)
        if len(raw) > settings.THAW_IMPORT_IN_BACKGROUND_OVER:
            background.start(pending, PendingUpload.State.RUNNING)
            return HttpResponseRedirect(reverse("admin:imports_importbatch_status", args=[pending.pk]))
        try:
            outcome = import_file(pending.file_name, raw, user=editor(request), keep_file=True)
        except ImportFailed as failure:  # the site changed since the preview
            return self.refused(request, pending.file_name, failure.errors)
        pending.delete()
        assert outcome.batch is not None  # not a dry run
        messages.success(request, f"Imported {pending.file_name}: {outcome.batch.summary()}.")
        return HttpResponseRedirect(reverse("admin:imports_importbatch_change", args=[outcome.batch.pk]))

    def status_view(self, request: HttpRequest, pending_id: int) -> HttpResponse:
        """A background check's or import's progress, refreshing itself while it runs; then the preview, the
        errors, or the batch."""
        self.require(request, IMPORT)
        pending = get_object_or_404(PendingUpload.objects.defer("content"), pk=pending_id, user=editor(request))
        background.record_if_stopped(pending)
        if pending.state == PendingUpload.State.DONE and pending.batch_id is not None:
            messages.success(request, f"Imported {pending.file_name}.")
            pending.delete()
            return HttpResponseRedirect(reverse("admin:imports_importbatch_change", args=[pending.batch_id]))
        if pending.state == PendingUpload.State.FAILED:
            errors = pending.errors
            pending.delete()
            return self.refused(request, pending.file_name, errors)
        if pending.state == PendingUpload.State.PREVIEWED:
            return self.page(request, "preview.html", {"pending": pending, "preview": pending.preview})
        done, total = background.progress_of(pending.pk)
        return self.page(request, "status.html", {"pending": pending, "done": done, "total": total})

    def undo_view(self, request: HttpRequest, batch_id: int) -> HttpResponse:
        """GET: what undoing would do, and who edited what since; POST: undo (with `force`, over later edits)."""
        self.require(request, UNDO)
        batch = get_object_or_404(ImportBatch.objects.defer("content"), pk=batch_id)
        if request.method == "POST":
            try:
                report = undo_batch(batch, user=editor(request), force=request.POST.get("force") == "1")
            except UndoRefused as refusal:
                return self.page(request, "undo.html", {"batch": batch, "problems": refusal.problems})
            messages.success(
                request,
                f"Undid import {batch.pk}: removed {len(report.removed)} item(s) it created, "
                f"restored {len(report.restored)} it changed.",
            )
            return HttpResponseRedirect(reverse("admin:imports_importbatch_change", args=[batch.pk]))
        items = list(batch.items.all())
        return self.page(request, "undo.html", {"batch": batch, "items": items, "problems": changed_since(items)})

    def file_view(self, request: HttpRequest, batch_id: int) -> HttpResponse:
        """The file the batch was imported from, as uploaded."""
        self.require(request, IMPORT)
        batch = get_object_or_404(ImportBatch, pk=batch_id, content__isnull=False)
        response = HttpResponse(bytes(batch.content or b""), content_type="application/octet-stream")
        response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=batch.file_name)
        return response
