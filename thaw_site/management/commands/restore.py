"""Load a file written by `backup` into an empty, migrated database.

    python manage.py migrate && python manage.py restore thaw-2026-11-26.backup.gz
    python manage.py restore FILE --force      (empties a database that already holds data first)

Content types, permissions and the editorial groups that `migrate` itself makes don't count as data: the groups
are replaced by the backup's. Everything is loaded in one transaction: a file that fails to load leaves the
database as it was.
History rows are restored as they were dumped; the restore itself writes none.
"""

from pathlib import Path
from typing import Any

from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.db.models import Model, QuerySet

from thaw_site.management.backup import backed_up_models
from thaw_site.publishing.generation import current_version, purge_everything
from thaw_site.publishing.publications import Publication
from thaw_site.publishing.read_models import rebuild_read_models, refreeze_older_publications
from thaw_site.publishing.roles import WORKFLOW
from thaw_site.publishing.search_vectors import store_search_vectors


def recreated_by_migrate() -> QuerySet[Group]:
    """The editorial groups `migrate` and `flush` make afresh: not data, replaced by the backup's own."""
    return Group.objects.filter(name__in=WORKFLOW)


def data_rows(model: type[Model]) -> QuerySet[Model]:
    rows = model._default_manager.all()
    return rows.exclude(pk__in=recreated_by_migrate()) if model is Group else rows


class Command(BaseCommand):
    help = "Restore a backup made by `backup` into an empty database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="A file written by `manage.py backup`.")
        parser.add_argument(
            "--force", action="store_true", help="Delete everything in a non-empty database before restoring."
        )

    def handle(self, *args: Any, file: str, force: bool, **options: Any) -> None:
        if not Path(file).is_file():
            raise CommandError(f"{file}: no such file")
        holding = [model._meta.label for model in backed_up_models() if data_rows(model).exists()]
        if holding and not force:
            raise CommandError(
                f"The database is not empty ({', '.join(holding[:5])}{' …' if len(holding) > 5 else ''} hold rows). "
                "Restore into an empty database, or pass --force to delete its contents first."
            )
        version = current_version()
        with transaction.atomic():
            if holding:
                call_command("flush", interactive=False, verbosity=0)
            recreated_by_migrate().delete()
            call_command("loaddata", file, verbosity=0)
            store_search_vectors(Publication.objects.all())  # a backup made on SQLite has none
            refreeze_older_publications()
            rebuild_read_models()
            purge_everything(floor=version)
        rows = sum(model._default_manager.count() for model in backed_up_models())
        self.stdout.write(f"Restored {rows} rows from {file}.")
