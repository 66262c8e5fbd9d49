"""Email each editor who takes notifications as a daily digest what they were told since their last digest.

    python manage.py send_digest

Run it once a day (cron or a systemd timer, docs/editorial-workflow.md). Running it again sends nothing new.
"""

from typing import Any

from django.core.management.base import BaseCommand

from thaw_site.publishing.notifications import send_digests


class Command(BaseCommand):
    help = "Email each digest reader what they were told since their last digest."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = send_digests()
        self.stdout.write(f"Sent {sent} digest{'s' if sent != 1 else ''}.")
