"""Import a thaw-era document, or undo an import.

    python manage.py import_era events/fixtures/thaw_era.json
    python manage.py import_era FILE --dry-run --as-user editor
    python manage.py import_era --undo BATCH [--force]

The whole file is validated first; any problem stops the import with every
problem listed (section, item, field), exit status 1, and nothing written.
Every import is recorded as a batch (`python manage.py import_batches` lists
them); `--undo BATCH` puts back every item the batch created or changed as it
was before (events/imports/batches.py), and refuses, naming them, when any
was edited since, unless `--force`.
"""

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from events.imports.batches import UndoRefused, undo_batch
from events.imports.formats import import_file
from events.imports.models import ImportBatch
from events.interchange import MAX_ERRORS, ImportFailed, read_bytes
from thaw_site.progress import Progress

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
    help = "Import periods, topics, sources, figures and events from a thaw-era JSON file, or undo an import."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", help="Path of the thaw-era JSON document.")
        parser.add_argument("--dry-run", action="store_true", help="Validate and report, then write nothing.")
        parser.add_argument("--as-user", metavar="USERNAME", help="Record this user as the author of the history rows.")
        parser.add_argument("--undo", metavar="BATCH", type=int, help="Undo the import with this id (import_batches).")
        parser.add_argument("--force", action="store_true", help="Undo even items edited since the import.")

    def fail(self, what: str, problems: list[str], reason: object) -> CommandError:
        for problem in problems[:MAX_ERRORS]:
            self.stderr.write(f"error: {problem}")
        if len(problems) > MAX_ERRORS:
            self.stderr.write(f"… and {len(problems) - MAX_ERRORS} more")
        return CommandError(f"{what}: {reason}")

    def handle(
        self,
        *args: Any,
        file: str | None,
        dry_run: bool,
        as_user: str | None,
        undo: int | None,
        force: bool,
        **options: Any,
    ) -> None:
        user = None
        if as_user:
            try:
                user = get_user_model().objects.get(username=as_user)
            except get_user_model().DoesNotExist:
                raise CommandError(f"--as-user: no user named {as_user!r}") from None
        if (file is None) == (undo is None):
            raise CommandError("name a FILE to import, or --undo BATCH, not both")
        if undo is not None:
            self.undo(undo, user=user, force=force, dry_run=dry_run)
            return
        assert file is not None  # one of the two, checked above
        # Each phase its own line, its rate counted from its own start: checking the items, then writing them.
        checking = Progress(self.stderr, "checking items")
        writing: list[Progress] = []

        def checked(done: int, total: int) -> None:
            checking.update(done, total)
            if done == total:
                checking.finish()
                writing.append(Progress(self.stderr, "writing items"))  # from here

        def wrote(done: int, total: int) -> None:
            if not writing:
                writing.append(Progress(self.stderr, "writing items"))
            writing[0].update(done, total)

        try:
            raw = read_bytes(file)
            outcome = import_file(file, raw, user=user, dry_run=dry_run, progress=wrote, checking=checked)
        except ImportFailed as failure:
            raise self.fail(file, failure.errors, failure) from None
        report = outcome.report
        if writing:
            writing[0].finish()
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
        if outcome.batch is not None:
            # Beside the report, as generate_era's summary is: the report's last line stays the counts.
            self.stderr.write(f"Recorded as import {outcome.batch.pk} (undo: import_era --undo {outcome.batch.pk}).")
        prefix = "Dry run, nothing written: would have " if dry_run else ""
        self.stdout.write(
            f"{prefix}created {counts['created']}, updated {counts['updated']}, unchanged {counts['unchanged']}."
        )

    def undo(self, pk: int, *, user: Any, force: bool, dry_run: bool) -> None:
        if dry_run:
            raise CommandError("--dry-run applies to imports, not to --undo")
        batch = ImportBatch.objects.filter(pk=pk).first()
        if batch is None:
            raise CommandError(f"--undo: no import {pk} (import_batches lists them)")
        try:
            report = undo_batch(batch, user=user, force=force)
        except UndoRefused as refusal:
            hint = "" if force else " (--force undoes it all the same)"
            raise self.fail(f"import {pk}", refusal.problems, f"{refusal}{hint}") from None
        self.stdout.write(
            f"Undid import {pk}: removed {len(report.removed)} item(s) it created, "
            f"restored {len(report.restored)} it changed."
        )
