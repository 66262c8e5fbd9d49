from django.apps import AppConfig


class ThawSiteConfig(AppConfig):
    name = "thaw_site"
    verbose_name = "Thaw"
