"""Export everything (every status) as a thaw-era document.

python manage.py export_era                 # to standard output
python manage.py export_era --output era.json
"""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from events.interchange import export_document


class Command(BaseCommand):
    help = "Export periods, topics, sources, figures and events as thaw-era JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", metavar="FILE", help="Write to FILE instead of standard output.")

    def handle(self, *args: Any, output: str | None, **options: Any) -> None:
        text = json.dumps(export_document(), ensure_ascii=False, indent=2) + "\n"
        if output:
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(text)
        else:
            self.stdout.write(text, ending="")
