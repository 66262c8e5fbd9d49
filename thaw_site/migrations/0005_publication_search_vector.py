"""Publications store their search vector, and the GIN index covers that column instead of the expression.

PostgreSQL only, like 0002_publication_search_index: SQLite keeps the column empty and searches by substring.
"""

import django.contrib.postgres.search
from django.db import migrations

OLD_INDEX, NEW_INDEX = "publication_search", "publication_search_vector"


def expression_index():
    from django.contrib.postgres.indexes import GinIndex

    from thaw_site.publishing.search_vectors import search_vector

    return GinIndex(search_vector(), name=OLD_INDEX)


def store_vectors(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from thaw_site.publishing.search_vectors import search_vector

    Publication = apps.get_model("thaw_site", "Publication")
    Publication.objects.update(search_vector=search_vector())
    schema_editor.remove_index(Publication, expression_index())
    schema_editor.execute(f"CREATE INDEX {NEW_INDEX} ON thaw_site_publication USING gin (search_vector)")


def back_to_the_expression_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX {NEW_INDEX}")
    schema_editor.add_index(apps.get_model("thaw_site", "Publication"), expression_index())


class Migration(migrations.Migration):
    dependencies = [("thaw_site", "0004_publication_list_data")]

    operations = [
        migrations.AddField(
            model_name="publication",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(
                editable=False,
                help_text="PostgreSQL: the weighted text search vector (search_vectors.py).",
                null=True,
            ),
        ),
        migrations.RunPython(store_vectors, back_to_the_expression_index),
    ]
