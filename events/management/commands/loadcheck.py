"""Load and fault check against a running server (not run in CI; results go in docs/operations.md).

    gunicorn thaw_site.wsgi -b 127.0.0.1:8070 -w 3 --threads 4 &      (same DATABASE_URL as below)
    python manage.py loadcheck http://127.0.0.1:8070 --readers 32 --seconds 60
    python manage.py loadcheck http://127.0.0.1:8070 --outage-at 20 \\
        --stop "pg_ctlcluster --skip-systemctl-redirect 15 main stop" \\
        --start "pg_ctlcluster --skip-systemctl-redirect 15 main start"

Readers fetch every live page in turn while one editor thread, in this process, edits and publishes an event
every --publish-every seconds. At the end each published edit must be visible on its page. With --outage-at,
the database is stopped at that second and started --outage-seconds later: the report counts 503 answers (and
whether each carried Retry-After) and the status of the first request after the database is back.
"""

import itertools
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections import Counter

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError, close_old_connections

from events.models import Event
from thaw_site.publishing import services
from thaw_site.publishing.publications import Publication


def fetch(url: str) -> tuple[int, bool, bytes]:
    """(status, has Retry-After, body)."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 (a URL the operator gave)
            return response.status, bool(response.headers.get("Retry-After")), response.read()
    except urllib.error.HTTPError as error:
        return error.code, bool(error.headers.get("Retry-After")), error.read()
    except OSError:
        return 0, False, b""


class Command(BaseCommand):
    help = "Concurrent readers and a publishing editor against a running server; optional database outage."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("base_url")
        parser.add_argument("--readers", type=int, default=32)
        parser.add_argument("--seconds", type=int, default=60)
        parser.add_argument("--publish-every", type=float, default=2.0)
        parser.add_argument("--outage-at", type=float, help="Second of the run at which to stop the database.")
        parser.add_argument("--outage-seconds", type=float, default=15.0)
        parser.add_argument("--stop", help="Shell command that stops the database.")
        parser.add_argument("--start", help="Shell command that starts it again.")

    def handle(self, *args, base_url, readers, seconds, publish_every, outage_at, outage_seconds, stop, start, **o):
        if outage_at is not None and not (stop and start):
            raise CommandError("--outage-at needs both --stop and --start")
        base = base_url.rstrip("/")
        urls = [base + "/", *(base + p.get_absolute_url() for p in Publication.objects.live().defer("data"))]
        statuses, lock, done = Counter(), threading.Lock(), threading.Event()
        outage = {"retry_after": 0, "first_after": None, "back_at": None}

        def reader(offset):
            for url in itertools.islice(itertools.cycle(urls), offset, None):
                if done.is_set():
                    return
                asked = time.monotonic()
                status, retry_after, _ = fetch(url)
                with lock:
                    statuses[status] += 1
                    if status == 503 and retry_after:
                        outage["retry_after"] += 1
                    if outage["back_at"] and outage["first_after"] is None and asked > outage["back_at"]:
                        outage["first_after"] = status

        published, publishes = {}, []

        def editor():
            events = list(Event.objects.published().order_by("slug")[:10])
            for number in itertools.count():
                if done.wait(publish_every):
                    return
                event = events[number % len(events)]
                marker = f"Load check edit {number}."
                try:
                    event.refresh_from_db()
                    event.summary = marker
                    event.save()
                    services.make_live(event, note="load check")
                    published[event.slug] = marker
                    publishes.append(marker)
                except DatabaseError:
                    close_old_connections()

        threads = [threading.Thread(target=reader, args=(n * 7,)) for n in range(readers)]
        threads.append(threading.Thread(target=editor))
        started = time.monotonic()
        for thread in threads:
            thread.start()
        if outage_at is not None:
            time.sleep(outage_at)
            subprocess.run(stop, shell=True, check=True)  # noqa: S602 (the operator's own command)
            stopped = time.monotonic()
            time.sleep(outage_seconds)
            subprocess.run(start, shell=True, check=True)  # noqa: S602
            outage["back_at"] = time.monotonic()
            self.stdout.write(f"database down for {outage['back_at'] - stopped:.1f} s")
        time.sleep(max(0.0, seconds - (time.monotonic() - started)))
        done.set()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
        close_old_connections()
        missing = [
            slug for slug, marker in published.items() if marker.encode() not in fetch(f"{base}/events/{slug}/")[2]
        ]
        total = sum(statuses.values())
        errors = sum(n for status, n in statuses.items() if status >= 500 and status != 503)
        self.stdout.write(f"{readers} readers, {elapsed:.0f} s, {total} requests ({total / elapsed:.0f}/s)")
        self.stdout.write(f"statuses: {dict(sorted(statuses.items()))}")
        self.stdout.write(f"5xx other than 503: {errors}; 503 with Retry-After: {outage['retry_after']}")
        if outage_at is not None:
            self.stdout.write(f"first request after the database came back: {outage['first_after']}")
        self.stdout.write(
            f"edits published: {len(publishes)} to {len(published)} events; "
            f"latest edit not visible afterwards: {missing or 'none'}"
        )
