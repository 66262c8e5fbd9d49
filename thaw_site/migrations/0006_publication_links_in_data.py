"""Each publication's data holds its links, so its page needs no query for them (see services.frozen_links)."""

from collections import defaultdict

from django.db import migrations

BATCH = 500


def freeze_links(apps, schema_editor):
    Publication = apps.get_model("thaw_site", "Publication")
    PublishedLink = apps.get_model("thaw_site", "PublishedLink")
    links = defaultdict(list)
    rows = PublishedLink.objects.order_by("publication_id", "position", "id")
    for publication_id, *link in rows.values_list("publication_id", "relation", "target_kind", "target_slug", "detail"):
        links[publication_id].append(link)
    batch = []
    for publication in Publication.objects.only("data").iterator(chunk_size=BATCH):
        publication.data["links"] = links[publication.pk]
        batch.append(publication)
        if len(batch) == BATCH:
            Publication.objects.bulk_update(batch, ["data"])
            batch = []
    Publication.objects.bulk_update(batch, ["data"])


class Migration(migrations.Migration):
    dependencies = [("thaw_site", "0005_publication_search_vector")]

    operations = [migrations.RunPython(freeze_links, migrations.RunPython.noop)]
