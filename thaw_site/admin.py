"""Admin pieces shared by every editorial model."""

from django.contrib import admin
from django.db import models
from simple_history.admin import SimpleHistoryAdmin

admin.site.site_header = "Thaw editorial admin"
admin.site.site_title = "Thaw admin"
admin.site.index_title = "The era, 1953–1964"


class ItemAdmin(SimpleHistoryAdmin):
    """Status filter, publication stamps read-only, and simple-history's history view."""

    list_filter = ["status"]
    readonly_fields = ["published_at", "updated_at"]
    list_per_page = 50
    save_on_top = True
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    @admin.display(boolean=True, description="Public")
    def is_public(self, obj):
        return obj.is_published
