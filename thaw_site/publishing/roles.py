"""The editorial roles as groups: Authors write and submit; Reviewers also send back, publish and withdraw.

Created by a data migration, and made whole again after every migrate or flush (a test database flushed between
tests keeps its roles): `ensure_editorial_groups` only adds what is missing.
"""

from collections.abc import Iterator
from typing import Any

from django.apps import apps as global_apps
from django.apps.registry import Apps
from django.db.models import Q

EDITORIAL = {
    "events": ["period", "topic", "source", "event", "participation"],
    "people": ["figure", "office"],
}
# Removing a participant or an office is an edit of the event or figure, so authors may delete those rows.
PARTS = {"events": ["participation"], "people": ["office"]}
READ_ONLY = {"events": ["citation", "citationneeded"], "thaw_site": ["publication"]}
# An import writes and publishes many items at once, past review: Reviewers may import, and undo an import.
IMPORTING = {"Reviewers": [("imports", "import_file"), ("imports", "undo_batch"), ("imports", "view_importbatch")]}
WORKFLOW = {
    "Authors": ["submit_item"],
    "Reviewers": ["submit_item", "send_back_item", "publish_item", "withdraw_item"],
}


def editing_codenames() -> Iterator[tuple[str, str]]:
    for app_label, models in EDITORIAL.items():
        for model in models:
            for action in ("add", "change", "view"):
                yield app_label, f"{action}_{model}"
    for app_label, models in PARTS.items():
        for model in models:
            yield app_label, f"delete_{model}"
    for app_label, models in READ_ONLY.items():
        for model in models:
            yield app_label, f"view_{model}"


def ensure_editorial_groups(apps: Apps) -> None:
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, workflow in WORKFLOW.items():
        wanted = [*editing_codenames(), *(("thaw_site", codename) for codename in workflow), *IMPORTING.get(name, [])]
        condition = Q()
        for app_label, codename in wanted:
            condition |= Q(content_type__app_label=app_label, codename=codename)
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*Permission.objects.filter(condition))


def restore_editorial_groups(sender: Any, apps: Apps = global_apps, **kwargs: Any) -> None:
    """post_migrate receiver (flush sends it without `apps`): each app's call adds the permissions created so far,
    so the last call sees them all."""
    ensure_editorial_groups(apps)
