from django.apps import AppConfig


class ThawSiteConfig(AppConfig):
    name = "thaw_site"
    verbose_name = "Thaw"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from thaw_site.publishing.revisions import connect_signals
        from thaw_site.publishing.roles import restore_editorial_groups

        connect_signals()
        post_migrate.connect(restore_editorial_groups, dispatch_uid="restore-editorial-groups")
