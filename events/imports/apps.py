from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "events.imports"
    label = "imports"
    verbose_name = "Imports"
