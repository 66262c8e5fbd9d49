"""Sources' "cited by" as rows kept at publish time (thaw_site.publishing.publications.CitingPage), filled from the live pages."""

import django.db.models.deletion
from django.db import migrations, models

CITING_KINDS = ["period", "event", "figure"]  # as thaw_site.publishing.publications.CITING_KINDS was when this was written


def fill(apps, schema_editor):
    Publication = apps.get_model("thaw_site", "Publication")
    CitingPage = apps.get_model("thaw_site", "CitingPage")
    entries = []
    live = Publication.objects.filter(is_live=True, kind__in=CITING_KINDS).only(
        "kind", "slug", "title", "sort_start", "sort_end", "data"
    )
    for publication in live.order_by().iterator(chunk_size=500):
        locators = {}
        for relation, _kind, slug, detail in publication.data.get("links", []):
            if relation == "cites":
                locators.setdefault(slug, []).append(detail)
        entries += [
            CitingPage(
                source_slug=source_slug,
                publication=publication,
                kind_order=CITING_KINDS.index(publication.kind),
                sort_start=publication.sort_start,
                sort_end=publication.sort_end,
                kind=publication.kind,
                slug=publication.slug,
                title=publication.title,
                locators=found,
            )
            for source_slug, found in locators.items()
        ]
    CitingPage.objects.bulk_create(entries, batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [
        ("thaw_site", "0006_publication_links_in_data"),
    ]

    operations = [
        migrations.CreateModel(
            name="CitingPage",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("source_slug", models.CharField(max_length=100)),
                ("kind_order", models.PositiveSmallIntegerField(help_text="Periods first, then events, then people.")),
                ("sort_start", models.DateField(blank=True, null=True)),
                ("sort_end", models.DateField(blank=True, null=True)),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("period", "Period"),
                            ("topic", "Topic"),
                            ("source", "Source"),
                            ("event", "Event"),
                            ("figure", "Figure"),
                        ],
                        max_length=10,
                    ),
                ),
                ("slug", models.CharField(max_length=100)),
                ("title", models.CharField(max_length=500)),
                (
                    "locators",
                    models.JSONField(blank=True, default=list, help_text="The locator of each citation, in order."),
                ),
                (
                    "publication",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="thaw_site.publication"
                    ),
                ),
            ],
            options={
                "ordering": ["kind_order", "sort_start", "sort_end", "slug"],
                "indexes": [
                    models.Index(
                        fields=["source_slug", "kind_order", "sort_start", "sort_end", "slug"], name="citing_in_order"
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(fields=("source_slug", "publication"), name="one_entry_per_page")
                ],
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
