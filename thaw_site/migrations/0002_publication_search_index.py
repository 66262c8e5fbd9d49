"""A GIN index over the weighted search vector of publications, on PostgreSQL only.

Built from thaw_site.public.search.search_vector() itself, so the indexed expression is
exactly the one search queries use (`document @@ query`). SQLite has no GIN: it
searches with a plain substring match and needs no index.
"""

from django.contrib.postgres.indexes import GinIndex
from django.db import migrations

from thaw_site.publishing.search_vectors import search_vector

INDEX_NAME = "publication_search"


def index():
    return GinIndex(search_vector(), name=INDEX_NAME)


def add_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("thaw_site", "Publication"), index())


def remove_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("thaw_site", "Publication"), index())


class Migration(migrations.Migration):
    dependencies = [("thaw_site", "0002_publication_list_indexes")]

    operations = [migrations.RunPython(add_index, remove_index)]
