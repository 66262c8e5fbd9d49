"""The editorial roles as groups: Authors write and submit; Reviewers also send back, publish and withdraw."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORIAL = {
    "events": ["period", "topic", "source", "event", "participation"],
    "people": ["figure", "office"],
}
# Removing a participant or an office is an edit of the event or figure, so authors may delete those rows.
PARTS = {"events": ["participation"], "people": ["office"]}
READ_ONLY = {"events": ["citation", "citationneeded"], "thaw_site": ["publication"]}
AUTHOR_WORKFLOW = ["submit_item"]
REVIEWER_WORKFLOW = ["submit_item", "send_back_item", "publish_item", "withdraw_item"]


def codenames():
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


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations run; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    def permissions(pairs):
        return [Permission.objects.get(content_type__app_label=app, codename=codename) for app, codename in pairs]

    editing = permissions(codenames())
    for name, workflow in (("Authors", AUTHOR_WORKFLOW), ("Reviewers", REVIEWER_WORKFLOW)):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*editing, *permissions(("thaw_site", codename) for codename in workflow))


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Authors", "Reviewers"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("thaw_site", "0002_workflow_permissions"),
        ("events", "0001_initial"),
        ("people", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
