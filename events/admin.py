from typing import TYPE_CHECKING

from django.contrib import admin

from thaw_site.publishing.admin import ItemAdmin, ItemInline

from .models import Citation, CitationNeeded, Event, Participation, Period, Source, Topic

if TYPE_CHECKING:
    from django.http import HttpRequest

    from .models import IndexRow


class ParticipationInline(ItemInline):
    model = Participation
    autocomplete_fields = ["figure"]
    extra = 1


@admin.register(Period)
class PeriodAdmin(ItemAdmin):
    list_display = ["name", "span", "status", "is_public"]
    search_fields = ["name", "slug", "summary"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["previous", "next"]


@admin.register(Topic)
class TopicAdmin(ItemAdmin):
    list_display = ["name", "slug", "status", "is_public"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Source)
class SourceAdmin(ItemAdmin):
    list_display = ["key", "title", "author_line", "year", "kind", "status", "is_public"]
    list_filter = ["status", "kind"]
    search_fields = ["key", "title", "authors", "publisher"]


@admin.register(Event)
class EventAdmin(ItemAdmin):
    list_display = ["title", "when", "period", "place", "status", "is_public"]
    list_filter = ["status", "period", "topics"]
    list_select_related = ["period"]
    search_fields = ["title", "slug", "summary", "place"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["period", "topics", "related"]
    inlines = [ParticipationInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "status", "period", "topics"]}),
        ("When and where", {"fields": ["date", "end", "date_citation", "place"]}),
        ("Text", {"fields": ["summary", "body", "needs_citations_since"]}),
        ("Where the sources are wrong or disagree", {"fields": ["notes", "disputed"]}),
        ("Connections", {"fields": ["related", "identifiers"]}),
        ("Publication", {"fields": ["published_at", "updated_at"]}),
    ]


class IndexRowAdmin(admin.ModelAdmin):
    """The citation index is derived from item text: readable, never edited by hand."""

    list_select_related = ["event", "period", "figure"]

    def has_add_permission(self, request: "HttpRequest") -> bool:
        return False

    def has_change_permission(self, request: "HttpRequest", obj: "IndexRow | None" = None) -> bool:
        return False

    def has_delete_permission(self, request: "HttpRequest", obj: "IndexRow | None" = None) -> bool:
        return False


@admin.register(Citation)
class CitationAdmin(IndexRowAdmin):
    list_display = ["source", "locator", "item", "field", "number"]
    list_filter = ["source"]
    list_select_related = [*IndexRowAdmin.list_select_related, "source"]
    search_fields = ["source__key", "locator"]


@admin.register(CitationNeeded)
class CitationNeededAdmin(IndexRowAdmin):
    list_display = ["flagged", "sentence", "item", "field"]
    ordering = ["flagged_on", "position"]
    search_fields = ["sentence"]
