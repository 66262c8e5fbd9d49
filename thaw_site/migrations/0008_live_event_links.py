"""The links by which a live event is listed on other pages, as rows kept at publish time
(thaw_site.publishing.publications.LiveEventLink), filled from the live events."""

import django.db.models.deletion
from django.db import migrations, models

LISTED_EVENT_LINKS = ["period", "topic", "participant", "related"]  # as thaw_site.publishing.publications had it when this was written


def fill(apps, schema_editor):
    Publication = apps.get_model("thaw_site", "Publication")
    LiveEventLink = apps.get_model("thaw_site", "LiveEventLink")
    live = Publication.objects.filter(is_live=True, kind="event").only(
        "slug", "title", "summary", "sort_start", "sort_end", "data", "list_data"
    )
    rows = (
        LiveEventLink(
            publication=event,
            relation=relation,
            target_kind=target_kind,
            target_slug=target_slug,
            detail=detail,
            position=position,
            slug=event.slug,
            title=event.title,
            summary=event.summary,
            sort_start=event.sort_start,
            sort_end=event.sort_end,
            list_data=event.list_data,
        )
        for event in live.order_by().iterator(chunk_size=500)
        for position, (relation, target_kind, target_slug, detail) in enumerate(event.data.get("links", []))
        if relation in LISTED_EVENT_LINKS
    )
    LiveEventLink.objects.bulk_create(rows, batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [
        ("thaw_site", "0007_citing_pages"),
    ]

    operations = [
        migrations.CreateModel(
            name="LiveEventLink",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("relation", models.CharField(max_length=20)),
                (
                    "target_kind",
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
                ("target_slug", models.CharField(max_length=100)),
                ("detail", models.CharField(blank=True, help_text="A participant's role.", max_length=300)),
                ("position", models.PositiveIntegerField(help_text="The link's place among the event's links.")),
                ("slug", models.CharField(max_length=100)),
                ("title", models.CharField(max_length=500)),
                ("summary", models.TextField(blank=True)),
                ("sort_start", models.DateField(blank=True, null=True)),
                ("sort_end", models.DateField(blank=True, null=True)),
                ("list_data", models.JSONField(blank=True, default=dict)),
                (
                    "publication",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="thaw_site.publication"
                    ),
                ),
            ],
            options={
                "ordering": ["sort_start", "sort_end", "slug", "position"],
                "indexes": [
                    models.Index(
                        fields=["target_kind", "target_slug", "relation", "sort_start", "sort_end", "slug", "position"],
                        name="event_links_in_order",
                    )
                ],
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
