"""List import batches, newest first, one a line starting with the batch id.

python manage.py import_batches
python manage.py import_batches --limit 20
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from events.imports.models import ImportBatch


def batch_line(batch: ImportBatch) -> str:
    who = batch.user.get_username() if batch.user else "-"
    line = (
        f"{batch.pk}  {batch.created_at:%Y-%m-%d %H:%M}  {who}  {batch.file_name}  {batch.file_format}  "
        f"sha256:{batch.sha256[:12]}  {batch.summary()}"
    )
    if batch.undone_at:
        line += f"  undone {batch.undone_at:%Y-%m-%d %H:%M}"
    return line


class Command(BaseCommand):
    help = "List import batches, newest first: id, when (UTC), who, file, format, hash, counts, whether undone."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--limit", type=int, default=None, help="Show only the newest N.")

    def handle(self, *args: Any, limit: int | None, **options: Any) -> None:
        batches = ImportBatch.objects.select_related("user").defer("content")[:limit]
        for batch in batches:
            self.stdout.write(batch_line(batch))
        if not batches:
            self.stderr.write("No imports yet.")
