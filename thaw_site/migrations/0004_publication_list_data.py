from django.db import migrations, models

BATCH = 1000


def freeze_list_data(apps, schema_editor):
    from thaw_site.publishing.publications import list_data

    Publication = apps.get_model("thaw_site", "Publication")
    batch = []
    for publication in Publication.objects.only("kind", "data").iterator(chunk_size=BATCH):
        publication.list_data = list_data(publication.kind, publication.data)
        batch.append(publication)
        if len(batch) == BATCH:
            Publication.objects.bulk_update(batch, ["list_data"])
            batch = []
    Publication.objects.bulk_update(batch, ["list_data"])


class Migration(migrations.Migration):
    dependencies = [("thaw_site", "0003_editorial_groups")]

    operations = [
        migrations.AddField(
            model_name="publication",
            name="list_data",
            field=models.JSONField(
                blank=True,
                default=dict,
                help_text="What an entry for the item in a list shows, frozen at publication.",
            ),
        ),
        migrations.RunPython(freeze_list_data, migrations.RunPython.noop),
    ]
