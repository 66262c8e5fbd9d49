"""Publish and withdraw the items whose scheduled time has come, through the workflow's services.

    python manage.py publish_scheduled          (every minute: deploy/cron/, deploy/systemd/)

Catches up on everything due while it was not running, oldest first; safe to run twice at once (each step is
claimed by one run: thaw_site/publishing/scheduling.py). Prints a line for each item it published or withdrew, and
nothing when nothing was due (-v 2 says so). If an item can't be published or withdrawn any more (edited since its
approval, sent back, the citation policy, the reviewer's rights), its schedule is left failed, shown in the admin,
and the command names the item and the reason and exits with status 1.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from thaw_site.publishing.schedules import local_time
from thaw_site.publishing.scheduling import run_due


class Command(BaseCommand):
    help = "Publish and withdraw what is scheduled and due (run it every minute)."

    def handle(self, *args: Any, verbosity: int = 1, **options: Any) -> None:
        now = timezone.now()
        run = run_due(now=now)
        outcomes = run.outcomes
        for outcome in outcomes:
            if not outcome.error:
                self.stdout.write(outcome.describe())
        if run.busy:
            self.stdout.write("Stopped: another run (or writer) kept the database busy; it does what is due.")
        elif not outcomes and verbosity >= 2:
            self.stdout.write(f"Nothing was due at {local_time(now)}.")
        if failed := [outcome.describe() for outcome in outcomes if outcome.error]:
            left = "Its schedule is" if len(failed) == 1 else "Their schedules are"
            raise CommandError(f"{' '.join(failed)} {left} marked failed, in the admin.")
