"""What a backup holds: every table except those Django rebuilds itself (see docs/operations.md)."""

from django.apps import apps
from django.db.models import Model

# Rebuilt by `migrate` (content types, permissions) or worthless after a restore (sessions, login-attempt logs).
# Groups and log entries point at the first two by natural key, so their ids may differ between databases.
# The read models copy the publications' links (thaw_site.publishing.read_models): `restore` rebuilds them.
NOT_BACKED_UP = {
    "contenttypes",
    "auth.permission",
    "sessions",
    "axes",
    "thaw_site.citingpage",
    "thaw_site.publishedlink",
    "thaw_site.liveeventlink",
    "thaw_site.cachetag",  # cache versions: restore retires every cached page instead
}


def backed_up_models() -> list[type[Model]]:
    return [
        model
        for model in apps.get_models()
        if model._meta.app_label not in NOT_BACKED_UP and model._meta.label_lower not in NOT_BACKED_UP
    ]
