from django.apps import AppConfig
from django.db.models.signals import post_save


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = "The era: periods, topics, events and sources"

    def ready(self) -> None:
        from .citations import reindex_on_save

        # The index is derived data: keep it in step whichever path saves the item.
        for model_name in ("events.Event", "events.Period", "people.Figure"):
            post_save.connect(reindex_on_save, sender=model_name, dispatch_uid=f"reindex-{model_name}")
