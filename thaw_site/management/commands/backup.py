"""Write everything the site holds to one file: content, history, publications, users and groups.

    python manage.py backup thaw-2026-11-26.backup.gz
    python manage.py restore thaw-2026-11-26.backup.gz       (into an empty, migrated database)

The file is JSON (thaw_site/management/serializer.py); a ".gz", ".bz2" or ".xz" suffix compresses it.
Rows keep their ids, so history rows still point at their items and users; content types and permissions
are referred to by name. See docs/operations.md.
"""

from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from thaw_site.management.backup import NOT_BACKED_UP, backed_up_models


class Command(BaseCommand):
    help = "Dump the whole database (content, history, publications, users, groups) to a file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="Where to write the backup (*.backup, optionally .gz/.bz2/.xz).")

    def handle(self, *args: Any, file: str, **options: Any) -> None:
        path = Path(file)
        if ".backup" not in path.suffixes:
            raise CommandError(f"{file}: name it *.backup or *.backup.gz (restore reads the format from the name)")
        if not path.parent.is_dir():
            raise CommandError(f"{file}: no such directory {str(path.parent)!r}")
        call_command(
            "dumpdata",
            exclude=sorted(NOT_BACKED_UP),
            format="backup",
            use_natural_foreign_keys=True,
            output=str(path),
            verbosity=0,
        )
        rows = sum(model._default_manager.count() for model in backed_up_models())
        self.stdout.write(f"Backed up {rows} rows from {len(backed_up_models())} tables to {path}.")
