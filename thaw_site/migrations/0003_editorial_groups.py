"""The editorial roles as groups (see thaw_site.publishing.roles)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from thaw_site.publishing.roles import WORKFLOW, ensure_editorial_groups


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations run; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    ensure_editorial_groups(apps)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=list(WORKFLOW)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("thaw_site", "0002_workflow_permissions"),
        ("events", "0001_initial"),
        ("people", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
