from django.apps import AppConfig


class ThawSiteConfig(AppConfig):
    name = "thaw_site"
    verbose_name = "Thaw"

    def ready(self):
        from .revisions import connect_signals

        connect_signals()
