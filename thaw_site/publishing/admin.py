"""Admin pieces shared by every editorial model: edit summaries, one revision per real change, edit conflicts,
the workflow buttons, unpublished changes, and revision history with compare and restore."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.forms.models import BaseInlineFormSet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, URLResolver, path, reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from simple_history.admin import SimpleHistoryAdmin

from thaw_site.publishing import scheduling, services, workflow
from thaw_site.publishing.citing import CitedItem
from thaw_site.publishing.conflicts import EditConflict, conflict_rows, unseen_edits
from thaw_site.publishing.items import Publishable
from thaw_site.publishing.publications import Publication
from thaw_site.publishing.revisions import one_revision
from thaw_site.publishing.schedules import Schedule, open_schedule
from thaw_site.publishing.watchlists import is_watching, unwatch, watch
from thaw_site.text.markup import coverage_in_words

if TYPE_CHECKING:
    from django.contrib.auth.models import User

admin.site.site_header = "Thaw editorial admin"
admin.site.site_title = "Thaw admin"
admin.site.index_title = "The era, 1953–1964"

EDIT_FIELDS = ("edit_summary", "base_revision")

# The workflow's actions, by the services' names, as their buttons read.
TRANSITIONS = {
    "submit": "Submit for review",
    "publish": "Publish",
    "schedule": "Schedule",
    "unschedule": "Cancel schedule",
    "send_back": "Send back",
    "withdraw": "Withdraw",
}
# The permission each action needs: scheduling is publishing (or withdrawing) later.
ACTION_PERMISSIONS = {
    **services.PERMISSIONS,
    "schedule": "thaw_site.publish_item",
    "unschedule": "thaw_site.publish_item",
}

# An item as the admin's queryset gives it: a working copy annotated with its latest and live revision ids.
AdminItem = Any


class UnlabelledHiddenInput(forms.HiddenInput):
    """A hidden input that no <label for> names: the admin's fieldsets label every field, and HTML allows a
    label to name only a control that shows."""

    def id_for_label(self, id_: str) -> str:
        return ""


class AutocompleteSelectWithLabelledBlank(AutocompleteSelect):
    """Django's autocomplete select, whose blank option gets a label: HTML refuses an empty option without one."""

    def create_option(self, name: str, value: Any, label: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(name, value, label, *args, **kwargs)
        if value == "":
            option["attrs"]["label"] = "(none)"
        return option


class ScheduleForm(forms.Form):
    """The times of a schedule, as a browser's date and time inputs send them (admin/thaw/schedule_fields.html),
    read in the site's time zone."""

    schedule_publish_at = forms.DateTimeField(label="Go live at", required=False)
    schedule_withdraw_at = forms.DateTimeField(label="Come down at", required=False)

    def times(self, item: Publishable) -> tuple[Any, Any]:
        if not self.is_valid():
            raise ValidationError(
                [
                    f"“{item}”: {self.fields[name].label}: {' '.join(str(error) for error in errors)}"
                    for name, errors in self.errors.items()
                ],
                code="invalid",
            )
        return self.cleaned_data["schedule_publish_at"], self.cleaned_data["schedule_withdraw_at"]


class RevisionForm(forms.ModelForm):  # type: ignore[type-arg]  # ItemAdmin sets the model per item kind
    """An item form that asks why, and refuses to overwrite a revision the editor has not seen."""

    edit_summary = forms.CharField(
        max_length=300,
        help_text=(
            "Briefly, what you changed and why (recorded in the item's history, as on Wikipedia). It is also the "
            "note of a workflow button: the comment for the author when you send an item back, the reason when "
            "you withdraw one."
        ),
    )
    base_revision = forms.IntegerField(
        required=False, widget=UnlabelledHiddenInput
    )  # existing items need one: see clean()
    conflict: EditConflict | None = None  # set by clean() when the save would overwrite an unseen edit

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        latest = workflow.latest_revision(self.instance) if self.instance.pk else None
        self.fields["base_revision"].initial = latest.history_id if latest else None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        # ItemAdmin.change_view sends a transition here only when the form holds unsaved changes: only Submit for
        # review saves them first; the others act on the saved version, so they refuse and keep the typing.
        if (transition := self.data.get("_transition", "submit")) != "submit":
            raise ValidationError(
                f"You have unsaved changes, so nothing was done: {TRANSITIONS.get(transition, 'that action')} acts "
                "on the saved version. Everything you typed is still in the form: save it (with an edit summary) "
                "first, or reload the page to drop it.",
                code="unsaved_changes",
            )
        if self.instance.pk:
            # Hold the item's row until the save commits: a concurrent save waits here, then sees this one's revision.
            services.lock(self.instance)
            if conflict := unseen_edits(self.instance, cleaned.get("base_revision")):
                self.conflict = conflict
                raise ValidationError(f"{conflict.summary()} {self.conflict_advice(conflict)}", code="edit_conflict")
        return cleaned

    def conflict_advice(self, conflict: EditConflict) -> str:
        if conflict.base is None:
            return "Nothing of yours was saved: open the item again and make your change there."
        # Shown again, the form starts from their revision: a second save replaces it, knowingly.
        data = cast(QueryDict, self.data).copy()
        data["base_revision"] = str(conflict.latest.history_id)
        self.data = data
        return (
            "Nothing of yours was saved, and nothing you typed is lost: their values and yours are side by side "
            "below, and the form still holds yours. Change what you need, then save again: your save will replace "
            f"their revision {conflict.latest.history_id}."
        )


def writes_rows(formset: BaseInlineFormSet[Any, Any, Any]) -> bool:
    """Whether saving the formset writes a row. A row posted with the id of a row the item doesn't have (another
    item's) counts as changed, but Django saves nothing for it."""
    initial = formset.initial_form_count()
    return any(form.has_changed() and (i >= initial or form.instance.pk) for i, form in enumerate(formset.forms))


def changed_anything(form: forms.ModelForm[Any], formsets: Sequence[BaseInlineFormSet[Any, Any, Any]]) -> bool:
    return any(name not in EDIT_FIELDS for name in form.changed_data) or any(writes_rows(fs) for fs in formsets)


class LabelledInlineFormSet(BaseInlineFormSet):  # type: ignore[type-arg]  # the inline sets the model
    """Inline rows whose inputs name themselves: a tabular inline's column headings are not their labels, so
    screen readers (and axe) found every input of a row unnamed."""

    def add_fields(self, form: forms.ModelForm[Any], index: int | None) -> None:
        super().add_fields(form, index)
        row = "new row" if index is None else f"row {index + 1}"
        for name, field in form.fields.items():
            if not field.widget.is_hidden:  # HTML allows no aria-* on a hidden input
                label = field.label or name.replace("_", " ").capitalize()
                field.widget.attrs.setdefault("aria-label", f"{label}, {row}")


class ItemInline(admin.TabularInline):  # type: ignore[type-arg]  # each inline sets its model
    """The rows an item owns (a figure's offices, an event's participants), edited in its change form."""

    formset = LabelledInlineFormSet


class ItemAdmin(SimpleHistoryAdmin):  # type: ignore[misc]  # simple-history ships no type information
    """Status moves only through the workflow buttons; every save needs an edit summary and writes one revision."""

    form = RevisionForm
    list_filter = ["status"]
    readonly_fields = ["status", "published_at", "updated_at"]
    list_per_page = 50
    save_on_top = False  # one action bar, at the foot of the form, with the edit summary beside its buttons
    change_form_template = "admin/thaw/change_form.html"
    formfield_overrides = {
        models.URLField: {"assume_scheme": "https"},
        # A JSON field's callable default would add a hidden "initial" input carrying the help text's
        # aria-describedby, which HTML forbids on hidden inputs; edit conflicts are caught by base_revision.
        models.JSONField: {"show_hidden_initial": False},
    }

    class Media:
        js = [
            "admin/js/source_keys.js",  # lists source keys under cited facts' fields; inert elsewhere
            "admin/js/source_picker.js",  # the body's source picker (admin/thaw/live_preview.html)
            "admin/js/live_preview.js",  # the body's live preview (admin/thaw/live_preview.html)
            "admin/js/select2_labels.js",  # names the autocomplete widgets after their fields
        ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        history = self.model.history.model.objects.filter(id=OuterRef("pk")).order_by("-history_date", "-history_id")
        live = Publication.objects.live().filter(kind=self.model._meta.model_name, item_uid=OuterRef("uid"))
        items: QuerySet[Any] = super().get_queryset(request)
        annotated: QuerySet[Any] = items.annotate(
            latest_revision_id=Subquery(history.values("history_id")[:1]),
            live_revision_id=Subquery(live.values("revision_id")[:1]),
            has_live_version=Exists(live),
        )
        return annotated

    def get_list_display(self, request: HttpRequest) -> list[Any]:
        extra = ["coverage"] if issubclass(self.model, CitedItem) else []
        return [*super().get_list_display(request), *extra, "has_unpublished_changes"]

    @admin.display(description="Coverage")
    def coverage(self, obj: AdminItem) -> str:
        return coverage_in_words(obj.rendered.get("coverage"))

    def get_fieldsets(
        self, request: HttpRequest, obj: AdminItem | None = None
    ) -> list[tuple[str | None, dict[str, Any]]]:
        fieldsets = [
            (name, {**options, "fields": [f for f in options["fields"] if f not in EDIT_FIELDS]})
            for name, options in super().get_fieldsets(request, obj)
        ]
        return fieldsets  # the edit fields sit in the action bar, beside the buttons (admin/thaw/action_bar.html)

    def formfield_for_foreignkey(
        self, db_field: models.ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> forms.ModelChoiceField[Any] | None:
        if db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = AutocompleteSelectWithLabelledBlank(db_field, self.admin_site, using=kwargs.get("using"))
        return cast("forms.ModelChoiceField[Any] | None", super().formfield_for_foreignkey(db_field, request, **kwargs))

    def view_on_site(self, obj: AdminItem) -> str:
        """The live page of an item on the public site; the preview of one that is not (thaw_site.public.preview)."""
        live = getattr(obj, "has_live_version", None)
        if live is None:
            live = workflow.live_publication(obj) is not None
        return str(obj.get_absolute_url()) if live else preview_url(obj)

    @admin.display(boolean=True, description="Public")
    def is_public(self, obj: AdminItem) -> bool:
        return bool(obj.has_live_version)

    @admin.display(boolean=True, description="Unpublished changes")
    def has_unpublished_changes(self, obj: AdminItem) -> bool:
        return bool(obj.has_live_version and obj.latest_revision_id != obj.live_revision_id)

    # Saving: the model and its relations are saved together as one revision, and only if something changed.

    def save_model(self, request: HttpRequest, obj: AdminItem, form: forms.ModelForm[Any], change: bool) -> None:
        """Deferred to save_related, so the item and its relations make one revision."""

    def save_related(
        self, request: HttpRequest, form: forms.ModelForm[Any], formsets: Sequence[Any], change: bool
    ) -> None:
        obj = form.instance
        if change and not changed_anything(form, formsets):
            messages.info(request, "Nothing changed, so no revision was recorded.")
            for formset in formsets:  # what the admin's change message reads after a formset save
                formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
            return
        with one_revision(obj, user=request.user, reason=form.cleaned_data["edit_summary"], created=not change):
            obj.save()
            super().save_related(request, form, formsets, change)
        watch(request.user, obj)  # as on MediaWiki, editors watch what they create or edit
        if change and (cancelled := scheduling.cancel_after_edit(obj, by=request.user)):
            messages.warning(
                request,
                f"Your edit cancelled the schedule ({cancelled.describe()}): “{obj}” needs review again, and "
                f"{cancelled.scheduled_by} has been told.",
            )

    # The workflow on the change form.

    def get_urls(self) -> list[URLPattern | URLResolver]:
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path(
                "<path:object_id>/workflow/<str:transition>/",
                self.admin_site.admin_view(self.transition_view),
                name=f"{prefix}_transition",
            ),
            path(
                "<path:object_id>/watch/",
                self.admin_site.admin_view(self.watch_view),
                name=f"{prefix}_watch",
            ),
            path(
                "<path:object_id>/revisions/",
                self.admin_site.admin_view(self.revisions_view),
                name=f"{prefix}_revisions",
            ),
            path(
                "<path:object_id>/revisions/<int:history_id>/restore/",
                self.admin_site.admin_view(self.restore_view),
                name=f"{prefix}_restore",
            ),
            *super().get_urls(),
        ]

    def viewable(self, request: HttpRequest, object_id: str) -> AdminItem:
        obj = get_object_or_404(self.get_queryset(request), pk=object_id)
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        return obj

    def change_url(self, obj: AdminItem) -> str:
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk])

    def workflow_context(self, request: HttpRequest, obj: AdminItem) -> dict[str, Any]:
        user = request.user
        live = workflow.live_publication(obj)
        schedule = open_schedule(obj)
        allowed = {
            "submit": services.can_submit(obj),
            "publish": obj.status == "in_review",
            "schedule": obj.status == "in_review" or live is not None,
            "unschedule": schedule is not None,
            "send_back": obj.status == "in_review",
            "withdraw": live is not None,
        }
        transitions = [
            (name, TRANSITIONS[name]) for name, ok in allowed.items() if ok and user.has_perm(ACTION_PERMISSIONS[name])
        ]
        return {
            "live": live,
            "schedule": schedule,
            "can_schedule": ("schedule", TRANSITIONS["schedule"]) in transitions,
            "unpublished_changes": workflow.unpublished_changes(obj),
            "transitions": transitions,
        }

    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        may_submit = request.user.has_perm(services.PERMISSIONS["submit"])
        workflow_buttons = {"transitions": [("submit", TRANSITIONS["submit"])] if may_submit else []}
        extra_context = {**(extra_context or {}), "workflow": workflow_buttons}
        response: HttpResponse = super().add_view(request, form_url, extra_context)
        return response

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        """A workflow button pressed in the form acts at once when the form holds no unsaved changes. With unsaved
        changes, Submit for review saves them first (response_change); the others refuse (RevisionForm.clean)."""
        obj = self.get_object(request, object_id)
        if obj is None:
            return super().change_view(request, object_id, form_url, extra_context)  # type: ignore[no-any-return]
        transition = request.POST.get("_transition") if request.method == "POST" else None
        if transition and not self.form_has_unsaved_changes(request, obj):
            if not self.has_view_or_change_permission(request, obj):
                raise PermissionDenied
            self.run_transition(request, obj, transition, request.POST.get("edit_summary", ""))
            return redirect(self.change_url(obj))
        extra_context = {
            **(extra_context or {}),
            "workflow": self.workflow_context(request, obj),
            "watching": is_watching(cast("User", request.user), obj),
        }
        response: HttpResponse = super().change_view(request, object_id, form_url, extra_context)
        return response

    def form_has_unsaved_changes(self, request: HttpRequest, obj: AdminItem) -> bool:
        """Whether the posted change form differs from the item as saved: its fields or any inline row."""
        form = self.get_form(request, obj, change=True)(request.POST, request.FILES, instance=obj)
        formsets, _ = self._create_formsets(request, obj, change=True)
        return changed_anything(form, formsets)

    def response_add(self, request: HttpRequest, obj: AdminItem, post_url_continue: str | None = None) -> HttpResponse:
        response: HttpResponse = super().response_add(request, obj, post_url_continue)
        return self.then_submit(request, obj) or response

    def response_change(self, request: HttpRequest, obj: AdminItem) -> HttpResponse:
        response: HttpResponse = super().response_change(request, obj)
        return self.then_submit(request, obj) or response

    def then_submit(self, request: HttpRequest, obj: AdminItem) -> HttpResponse | None:
        """After "Submit for review" saved the form's changes: submit the item, with the edit summary as the note."""
        if request.POST.get("_transition") != "submit":
            return None
        self.run_transition(request, obj, "submit", request.POST.get("edit_summary", ""))
        return redirect(self.change_url(obj))

    def run_transition(self, request: HttpRequest, obj: AdminItem, transition: str, text: str) -> None:
        """Move the item through the service of that name; say how it went in a message."""
        actions: dict[str, Callable[[], object]] = {
            "submit": lambda: services.submit_for_review(item=obj, by=request.user, note=text),
            "send_back": lambda: services.send_back(item=obj, by=request.user, comment=text),
            "publish": lambda: services.publish(item=obj, by=request.user, note=text),
            "withdraw": lambda: services.withdraw(item=obj, by=request.user, note=text),
            "schedule": lambda: self.schedule(request, obj, text),
            "unschedule": lambda: scheduling.unschedule(item=obj, by=request.user, note=text),
        }
        if transition not in actions:
            raise Http404("No such transition.")
        try:
            actions[transition]()
        except (PermissionDenied, ValidationError) as error:
            messages.error(request, " ".join(getattr(error, "messages", None) or [str(error)]))
        else:
            if transition == "schedule" and (schedule := open_schedule(obj)):
                messages.success(request, f"“{obj}” is scheduled: it {schedule.describe()}.")
            elif transition == "unschedule":
                messages.success(request, f"“{obj}” is no longer scheduled.")
            else:
                messages.success(request, f"“{obj}” is now {obj.get_status_display().lower()}.")

    def schedule(self, request: HttpRequest, obj: AdminItem, note: str) -> object:
        publish_at, withdraw_at = ScheduleForm(request.POST).times(obj)
        return scheduling.schedule(item=obj, by=request.user, publish_at=publish_at, withdraw_at=withdraw_at, note=note)

    @method_decorator(require_POST)
    @transaction.atomic
    def transition_view(self, request: HttpRequest, object_id: str, transition: str) -> HttpResponseRedirect:
        """A workflow button outside the change form (the review queue's): back to where it was pressed."""
        obj = self.viewable(request, object_id)
        self.run_transition(request, obj, transition, request.POST.get("note", ""))
        back = request.POST.get("next", "")
        if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
            return redirect(back)
        return redirect(self.change_url(obj))

    @method_decorator(require_POST)
    def watch_view(self, request: HttpRequest, object_id: str) -> HttpResponseRedirect:
        """Watch (watch=1) or unwatch the item, for the signed-in editor only: back to where it was pressed."""
        obj = self.viewable(request, object_id)
        user = cast("User", request.user)
        if request.POST.get("watch") == "1":
            watch(user, obj)
            messages.success(request, f"“{obj}” is on your watchlist.")
        else:
            unwatch(user, obj)
            messages.success(request, f"“{obj}” is no longer on your watchlist.")
        back = request.POST.get("next", "")
        if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
            return redirect(back)
        return redirect(self.change_url(obj))

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: AdminItem | None = None,
    ) -> HttpResponse:
        form = context["adminform"].form
        # The live preview and the source picker: for a cited item's body, to those its preview answers.
        context["live_preview"] = issubclass(self.model, CitedItem) and self.has_change_permission(request)
        if obj is not None and (conflict := getattr(form, "conflict", None)):
            formsets = [inline.formset for inline in context["inline_admin_formsets"]]
            context["conflict"] = {"latest": conflict.latest, "rows": conflict_rows(conflict, obj, form, formsets)}
        response: HttpResponse = super().render_change_form(request, context, add, change, form_url, obj)
        return response

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        """One way into history: the change form's "History" button opens the revisions page, where each revision
        can be read, compared with any other and restored (simple-history's own list did only the first)."""
        return self.revisions_view(request, object_id)

    def revisions_view(self, request: HttpRequest, object_id: str) -> TemplateResponse:
        obj = self.viewable(request, object_id)
        rows = list(obj.history.select_related("history_user").order_by("-history_date", "-history_id"))
        by_id = {row.history_id: row for row in rows}
        older, newer = (by_id.get(_int(request.GET.get(key))) for key in ("old", "new"))
        if older and newer and older.history_date > newer.history_date:
            older, newer = newer, older
        context = {
            **self.item_context(request, obj, f"History of “{obj}”"),
            "rows": rows,
            "older": older,
            "newer": newer,
            "changes": workflow.compare(older, newer),
            "live": workflow.live_publication(obj),
            "can_restore": self.has_change_permission(request, obj),
        }
        return TemplateResponse(request, "admin/thaw/revisions.html", context)

    def item_context(self, request: HttpRequest, obj: AdminItem, title: str) -> dict[str, Any]:
        return {**self.admin_site.each_context(request), "opts": self.opts, "original": obj, "title": title}

    @method_decorator(require_http_methods(["GET", "HEAD", "POST"]))
    @transaction.atomic
    def restore_view(self, request: HttpRequest, object_id: str, history_id: int) -> HttpResponse:
        """GET asks for confirmation, showing what restoring would change; POST restores."""
        obj = self.viewable(request, object_id)
        revision = get_object_or_404(obj.history, history_id=history_id)
        if request.method != "POST":
            if not self.has_change_permission(request, obj):
                raise PermissionDenied
            latest = workflow.latest_revision(obj)
            context = {
                **self.item_context(request, obj, f"Restore revision {history_id} of “{obj}”?"),
                "revision": revision,
                "latest": latest,
                "changes": workflow.compare(latest, revision),
            }
            return TemplateResponse(request, "admin/thaw/restore_confirm.html", context)
        services.lock(obj)
        if conflict := unseen_edits(obj, _int(request.POST.get("base_revision"))):
            messages.error(request, f"{conflict.summary()} Nothing was restored: see what changed in its history.")
            return redirect(self.change_url(obj))
        try:
            services.restore_revision(item=obj, revision=revision, by=request.user, note=request.POST.get("note", ""))
        except (PermissionDenied, ValidationError) as error:
            messages.error(request, " ".join(getattr(error, "messages", None) or [str(error)]))
        else:
            messages.success(request, f"Revision {history_id} restored as a new draft: submit it for review.")
        return redirect(self.change_url(obj))

    def revert_disabled(self, request: HttpRequest, obj: AdminItem | None = None) -> bool:
        """simple-history's revert would skip the edit summary and the workflow: restore goes through ours."""
        return True

    @method_decorator(require_safe)
    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        """An old revision, read only: revert_disabled only hides the button, and a POST here would save its
        many-to-many fields for anyone who may view the item, without an edit summary."""
        response: HttpResponse = super().history_form_view(request, object_id, version_id, extra_context)
        return response


def _int(value: str | None) -> int | None:
    try:
        return int(value)  # type: ignore[arg-type]  # None is refused like any text that is not a number
    except (TypeError, ValueError):
        return None


def preview_url(item: Publishable) -> str:
    """The staff preview of the item's working copy (thaw_site.public.preview), in any state."""
    return reverse("editorial:preview", args=[workflow.kind_of(item), item.pk])


def change_url_of(item: models.Model) -> str:
    return admin_url_of(item, "change")


def admin_url_of(item: models.Model, view: str, *args: object) -> str:
    return reverse(f"admin:{item._meta.app_label}_{item._meta.model_name}_{view}", args=[item.pk, *args])


def queue_links(entry: workflow.QueueEntry) -> dict[str, str]:
    """Where a review-queue entry's links and buttons go."""
    links = {
        name: admin_url_of(entry.item, "transition", name)
        for name in ("publish", "schedule", "unschedule", "send_back")
    }
    links["change"] = admin_url_of(entry.item, "change")
    links["preview"] = preview_url(entry.item)
    if entry.live and entry.latest:
        links["compare"] = (
            f"{admin_url_of(entry.item, 'revisions')}?old={entry.live.history_id}&new={entry.latest.history_id}"
        )
    return links


def viewable_models(request: HttpRequest, site: admin.AdminSite = admin.site) -> list[type[Publishable]]:
    """The editorial models the user may see in the admin: pages gathering items from all of them show only these."""
    return [
        cast(type[Publishable], model)  # ItemAdmin administers editorial items only
        for model, model_admin in site._registry.items()
        if isinstance(model_admin, ItemAdmin) and model_admin.has_view_or_change_permission(request)
    ]


def review_queue_view(request: HttpRequest) -> TemplateResponse:
    """Reviewers' queue: every item in review, oldest submission first, with its submitter, edit summaries and diff
    against the live version; reviewers publish or send back in place, through the same services."""
    models = viewable_models(request)
    if not models:
        raise PermissionDenied
    entries = workflow.in_review(models)
    schedules = {(schedule.kind, schedule.item_uid): schedule for schedule in Schedule.objects.open()}
    context = {
        **admin.site.each_context(request),
        "title": "Review queue",
        "entries": [
            (entry, queue_links(entry), schedules.get((workflow.kind_of(entry.item), entry.item.uid)))
            for entry in entries
        ],
        "scheduled": scheduled_items(schedules.values(), models),
        "can_publish": request.user.has_perm(services.PERMISSIONS["publish"]),
        "can_send_back": request.user.has_perm(services.PERMISSIONS["send_back"]),
    }
    return TemplateResponse(request, "admin/thaw/review_queue.html", context)


def scheduled_items(
    schedules: Iterable[Schedule], models: Sequence[type[Publishable]]
) -> list[tuple[Schedule, Any, str]]:
    """Every open schedule of an item the user may see, soonest first, with its item and the item's change page."""
    kinds = {workflow.kind_of(model): model for model in models}  # type: ignore[arg-type]  # kind_of reads the class's _meta
    found = []
    for schedule in schedules:
        if schedule.kind in kinds and (item := schedule.item()) is not None:
            found.append((schedule, item, change_url_of(item)))
    return sorted(found, key=lambda pair: (pair[0].due_at or pair[0].finished_at or pair[0].created_at, pair[0].pk))
