"""Generate a large made-up era for measuring the site at scale.

    python manage.py generate_era --output /tmp/era-10k.json
    python manage.py generate_era --events 1000 --figures 200 --sources 100 --seed 7 > era.json

The same arguments always give a byte-identical thaw-era document, which
`import_era` accepts. It is synthetic: never import it into a real site.
"""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from events.generator import generate_era
from thaw_site.progress import Progress


class Command(BaseCommand):
    help = "Write a deterministic, realistic, made-up thaw-era document of the given size."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--events", type=int, default=10_000)
        parser.add_argument("--figures", type=int, default=2_000)
        parser.add_argument("--sources", type=int, default=1_000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--output", metavar="FILE", help="Write here instead of standard output.")

    def handle(
        self, *args: Any, events: int, figures: int, sources: int, seed: int, output: str | None, **options: Any
    ) -> None:
        if min(events, figures, sources) < 0:
            raise CommandError("--events, --figures and --sources must not be negative")
        progress = Progress(self.stderr, "generating events", events)
        document = generate_era(events=events, figures=figures, sources=sources, seed=seed, progress=progress.update)
        progress.finish()
        text = json.dumps(document, ensure_ascii=False, indent=1) + "\n"
        if output is None:
            self.stdout.write(text, ending="")
            return
        try:
            with open(output, "w", encoding="utf-8") as file:
                file.write(text)
        except OSError as error:
            raise CommandError(f"--output: cannot write {output} ({error.strerror})") from None
        self.stderr.write(f"Wrote {events} events, {figures} figures, {sources} sources to {output}.")
