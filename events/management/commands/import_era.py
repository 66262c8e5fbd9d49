"""Import a thaw-era document.

    python manage.py import_era events/fixtures/thaw_era.json
    python manage.py import_era FILE --dry-run --as-user editor

The whole file is validated first; any problem stops the import with every
problem listed (section, item, field), exit status 1, and nothing written.
"""

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from events.interchange import MAX_ERRORS, ImportFailed, import_document, read_document

# PostgreSQL plans from table statistics that autovacuum refreshes only later: just after a large import, the
# public pages' queries were planned for nearly empty tables (the home page's took 5.7 s instead of 60 ms).
ANALYZE_AFTER = 1000


def refresh_planner_statistics() -> None:
    """ANALYZE, and VACUUM too where it can run (outside a transaction): until a table is vacuumed its visibility
    map is empty, so even a count that an index answers reads the table's rows (a source page's count of its 5,682
    citing pages took 1.15 ms instead of 0.4 ms at 10k events). Autovacuum would come round later, if it is on."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)")


class Command(BaseCommand):
    help = "Import periods, topics, sources, figures and events from a thaw-era JSON file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="Path of the thaw-era JSON document.")
        parser.add_argument("--dry-run", action="store_true", help="Validate and report, then write nothing.")
        parser.add_argument("--as-user", metavar="USERNAME", help="Record this user as the author of the history rows.")

    def handle(self, *args: Any, file: str, dry_run: bool, as_user: str | None, **options: Any) -> None:
        user = None
        if as_user:
            try:
                user = get_user_model().objects.get(username=as_user)
            except get_user_model().DoesNotExist:
                raise CommandError(f"--as-user: no user named {as_user!r}") from None
        try:
            document = read_document(file)
            report = import_document(document, source_name=Path(file).name, user=user, dry_run=dry_run)
        except ImportFailed as failure:
            for error in failure.errors[:MAX_ERRORS]:
                self.stderr.write(f"error: {error}")
            if len(failure.errors) > MAX_ERRORS:
                self.stderr.write(f"… and {len(failure.errors) - MAX_ERRORS} more")
            raise CommandError(f"{file}: {failure}") from None
        if dry_run or options["verbosity"] > 1:
            for section, ident in report.created:
                self.stdout.write(f"created    {section} {ident}")
            for section, ident, fields in report.updated:
                self.stdout.write(f"updated    {section} {ident}: {', '.join(fields)}")
            for section, ident in report.unchanged:
                self.stdout.write(f"unchanged  {section} {ident}")
        counts = report.counts()
        if not dry_run and counts["created"] + counts["updated"] >= ANALYZE_AFTER:
            refresh_planner_statistics()
        prefix = "Dry run, nothing written: would have " if dry_run else ""
        self.stdout.write(
            f"{prefix}created {counts['created']}, updated {counts['updated']}, unchanged {counts['unchanged']}."
        )
