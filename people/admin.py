from django.contrib import admin

from thaw_site.publishing.admin import ItemAdmin, ItemInline

from .models import Figure, Office


class OfficeInline(ItemInline):
    model = Office
    fields = ["title", "organisation", "start", "end"]
    extra = 1


@admin.register(Figure)
class FigureAdmin(ItemAdmin):
    list_display = ["name", "native_name", "lifespan", "status", "is_public"]
    search_fields = ["name", "native_name", "slug", "summary"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [OfficeInline]
    fieldsets = [
        (None, {"fields": ["name", "native_name", "slug", "status"]}),
        ("Life", {"fields": ["born", "born_citation", "died", "died_citation", "offices_citation"]}),
        ("Text", {"fields": ["summary", "body", "needs_citations_since"]}),
        ("Where the sources are wrong or disagree", {"fields": ["notes", "disputed"]}),
        ("Authority files", {"fields": ["identifiers"]}),
        ("Publication", {"fields": ["published_at", "updated_at"]}),
    ]
