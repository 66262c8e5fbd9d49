"""Load and fault check against a running server (not run in CI; results go in docs/operations.md, and the
benchmark's mixed workload runs it: docs/benchmarks.md).

    gunicorn thaw_site.wsgi -b 127.0.0.1:8070 -w 3 --threads 4 &      (same DATABASE_URL as below)
    python manage.py loadcheck http://127.0.0.1:8070 --readers 32 --seconds 60
    python manage.py loadcheck http://127.0.0.1:8070 --readers 32 --seconds 60 --publish-every 5 --warm --json
    python manage.py loadcheck http://127.0.0.1:6081 --readers 32 --seconds 60 --publish-every 5 --warm --withdraw
    python manage.py loadcheck http://127.0.0.1:8070 --outage-at 20 \\
        --stop "pg_ctlcluster --skip-systemctl-redirect 15 main stop" \\
        --start "pg_ctlcluster --skip-systemctl-redirect 15 main start"

Readers fetch every live page in turn (the first --items of them, with the home page and the lists), and every
PROBE_EVERY-th request one of the edited events' pages, while one editor thread, in this process, edits and
publishes an event every --publish-every seconds (set THAW_VARNISH_URLS as the server has it, so its publishes
purge Varnish too). Every answer counts: its latency, whether a cache answered it (Varnish's `X-Cache: HIT`, the
page cache's `X-Page-Cache: hit`), and, for the edited events' pages, whether it was *stale*: asked after an edit
was published, and not showing it. At the end each published edit must be visible on its page.

With --warm every page is fetched before the clock starts, by WARM_THREADS threads, pass after pass until one
pass finds WARM_ENOUGH of them in a cache (at most WARM_PASSES): without a shared cache each worker keeps its own
copy, so one pass warms only the worker that answered. With --withdraw, after the readers stop, an edited event
kept by the cache is taken down and its page fetched until it answers 404 (the purge delay; then it is published
again). With --outage-at, the database is stopped at that second and started --outage-seconds later: the report
counts 503 answers (and whether each carried Retry-After) and the status of the first request after the database
is back.
"""

import itertools
import json
import os
import re
import statistics
import subprocess
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError, close_old_connections

from events.models import Event
from thaw_site.publishing import services
from thaw_site.publishing.publications import Publication


def fetch(url: str) -> tuple[int, Any, bytes]:
    """(status, headers, body); status 0 and no headers when the server could not be reached."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 (a URL the operator gave)
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()
    except OSError:
        return 0, {}, b""


def cache_hit(headers: Any) -> str | None:
    """Which cache answered: "frontend" (Varnish), "page" (Django's page cache), or None."""
    if headers.get("X-Cache") == "HIT":
        return "frontend"
    return "page" if headers.get("X-Page-Cache") == "hit" else None


PROBE_EVERY = 8  # a reader's requests per probe of an edited page: the edits are checked all through the run
WARM_THREADS, WARM_PASSES, WARM_ENOUGH = 8, 5, 0.99
WITHDRAWN_GONE_WITHIN = 10.0  # seconds the withdrawal check waits for a 404


def warm_up(urls: list[str]) -> int:
    """Fetch every URL, pass after pass, until one pass finds WARM_ENOUGH of them in a cache; the passes made."""
    passes = 0
    with ThreadPoolExecutor(WARM_THREADS) as pool:
        while passes < WARM_PASSES:
            passes += 1
            kept = sum(cache_hit(headers) is not None for _status, headers, _body in pool.map(fetch, urls))
            if kept >= WARM_ENOUGH * len(urls):
                break
    return passes


def withdrawal_delay(url: str, event: Event) -> dict[str, Any]:
    """Take down an event whose page a cache keeps; how long until its page answers 404. Then publish it again."""
    fetch(url)
    kept_before = cache_hit(fetch(url)[1])
    started = time.monotonic()
    services.take_down(event)
    returned = time.monotonic()
    while (status := fetch(url)[0]) != 404 and time.monotonic() - returned < WITHDRAWN_GONE_WITHIN:
        time.sleep(0.005)
    gone = time.monotonic()
    services.make_live(event, note="load check: back after the withdrawal check")
    return {
        "kept_before": kept_before,
        "withdraw_ms": round((returned - started) * 1000, 1),
        "gone_after_ms": round((gone - started) * 1000, 1) if status == 404 else None,
    }


def percentile(values: list[float], n: int) -> float:
    return statistics.quantiles(values, n=100)[n - 1] if len(values) > 1 else (values or [0.0])[0]


class Command(BaseCommand):
    help = "Concurrent readers and a publishing editor against a running server; optional database outage."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("base_url")
        parser.add_argument("--readers", type=int, default=32)
        parser.add_argument("--seconds", type=int, default=60)
        parser.add_argument("--publish-every", type=float, default=2.0)
        parser.add_argument("--items", type=int, default=0, help="Read only the first N live items (0: all).")
        parser.add_argument("--warm", action="store_true", help="Fetch every page once before the clock starts.")
        parser.add_argument("--json", action="store_true", help="End with the figures as one line of JSON.")
        parser.add_argument("--withdraw", action="store_true", help="Measure how soon a withdrawn page is gone.")
        parser.add_argument("--outage-at", type=float, help="Second of the run at which to stop the database.")
        parser.add_argument("--outage-seconds", type=float, default=15.0)
        parser.add_argument("--stop", help="Shell command that stops the database.")
        parser.add_argument("--start", help="Shell command that starts it again.")

    def handle(self, *args: Any, base_url: str, readers: int, seconds: int, publish_every: float, items: int,
               warm: bool, withdraw: bool, outage_at: float | None, outage_seconds: float, stop: str | None,
               start: str | None, **options: Any) -> None:  # fmt: skip
        if outage_at is not None and not (stop and start):
            raise CommandError("--outage-at needs both --stop and --start")
        base = base_url.rstrip("/")
        live = Publication.objects.live().defer("data").order_by("kind", "slug")
        paths = ["/", "/timeline/", "/topics/", "/people/", "/sources/", "/changes.atom", "/sitemap.xml"]
        paths += [p.get_absolute_url() for p in (live[:items] if items else live)]
        urls = [base + path for path in paths]
        run = uuid.uuid4().hex[:8]  # this run's edits, told apart from any earlier run's
        shown = re.compile(rf"Load check {run} edit (\d+)\.".encode())
        statuses: Counter[int] = Counter()
        caches: Counter[str | None] = Counter()
        probed: Counter[str | None] = Counter()  # the answers to the probes of edited pages, counted in `caches` too
        lock, done = threading.Lock(), threading.Event()
        latencies: list[float] = []
        stale = {"checked": 0, "stale": 0}
        outage: dict[str, Any] = {"retry_after": 0, "first_after": None, "back_at": None}
        # slug -> [(edit number, when it was committed)], newest last; the edited events' page paths -> slug
        published: dict[str, list[tuple[int, float]]] = {}
        editing = live.filter(kind="event")[: min(items, 10) if items else 10]
        edited = {f"{base}/events/{p.slug}/": p.slug for p in editing}
        probes = itertools.cycle(edited or urls)

        def reader(offset: int) -> None:
            for count, url in enumerate(itertools.islice(itertools.cycle(urls), offset, None), 1):
                if done.is_set():
                    return
                probe = count % PROBE_EVERY == 0
                if probe:
                    with lock:
                        url = next(probes)
                asked = time.monotonic()
                status, headers, body = fetch(url)
                took = time.monotonic() - asked
                with lock:
                    statuses[status] += 1
                    latencies.append(took)
                    caches[cache_hit(headers)] += 1
                    if probe:
                        probed[cache_hit(headers)] += 1
                    if status == 503 and headers.get("Retry-After"):
                        outage["retry_after"] += 1
                    if outage["back_at"] and outage["first_after"] is None and asked > outage["back_at"]:
                        outage["first_after"] = status
                    due = [n for n, at in published.get(edited.get(url, ""), []) if at < asked]
                    if due:
                        stale["checked"] += 1
                        seen = [int(n) for n in shown.findall(body)]
                        stale["stale"] += not seen or max(seen) < due[-1]

        def editor() -> None:
            events = list(Event.objects.filter(slug__in=edited.values()).order_by("slug"))
            for number in itertools.count():
                if done.wait(publish_every) or not events:
                    return
                event = events[number % len(events)]
                try:
                    event.refresh_from_db()
                    event.summary = f"Load check {run} edit {number}."
                    event.save()
                    services.make_live(event, note="load check")
                    with lock:
                        published.setdefault(event.slug, []).append((number, time.monotonic()))
                except DatabaseError:
                    close_old_connections()

        warm_passes = warm_up(urls) if warm else 0
        # Readers start spread over the era, so a large one is read all over, not only at its start.
        threads = [threading.Thread(target=reader, args=(n * len(urls) // readers,)) for n in range(readers)]
        threads.append(threading.Thread(target=editor))
        started = time.monotonic()
        for thread in threads:
            thread.start()
        if outage_at is not None and stop and start:
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
            slug
            for slug, edits in published.items()
            if f"Load check {run} edit {edits[-1][0]}.".encode() not in fetch(f"{base}/events/{slug}/")[2]
        ]
        withdrawal = None
        if withdraw and edited:
            url, slug = next(iter(edited.items()))
            withdrawal = withdrawal_delay(url, Event.objects.get(slug=slug))
        total = sum(statuses.values())
        errors = sum(n for status, n in statuses.items() if status >= 500 and status != 503)
        figures = {
            "readers": readers,
            "seconds": round(elapsed, 1),
            "requests": total,
            "throughput": round(total / elapsed, 1),
            "p50_ms": round(percentile(latencies, 50) * 1000, 2),
            "p99_ms": round(percentile(latencies, 99) * 1000, 2),
            "hit_ratio": round((caches["frontend"] + caches["page"]) / max(total, 1), 4),
            # The same without the probes of the edited pages: the era's pages as readers walk them.
            "hit_ratio_without_probes": round(
                (caches["frontend"] + caches["page"] - probed["frontend"] - probed["page"])
                / max(total - probed.total(), 1),
                4,
            ),
            "frontend_hits": caches["frontend"],
            "page_cache_hits": caches["page"],
            "stale": stale["stale"],
            "checked_for_staleness": stale["checked"],
            "publishes": sum(len(edits) for edits in published.values()),
            "statuses": {str(status): n for status, n in sorted(statuses.items())},
            "errors": errors,
            "latest_edit_missing": missing,
            "warm_passes": warm_passes,
            "withdrawal": withdrawal,
            "load_average": [round(load, 2) for load in os.getloadavg()],
        }
        self.stdout.write(f"{readers} readers, {elapsed:.0f} s, {total} requests ({total / elapsed:.0f}/s)")
        self.stdout.write(f"statuses: {dict(sorted(statuses.items()))}")
        self.stdout.write(f"5xx other than 503: {errors}; 503 with Retry-After: {outage['retry_after']}")
        if outage_at is not None:
            self.stdout.write(f"first request after the database came back: {outage['first_after']}")
        self.stdout.write(
            f"latency p50 {figures['p50_ms']} ms, p99 {figures['p99_ms']} ms; answered by a cache: "
            f"{figures['hit_ratio']:.1%} (Varnish {caches['frontend']}, page cache {caches['page']}; "
            f"{figures['hit_ratio_without_probes']:.1%} without the probes of edited pages)"
        )
        self.stdout.write(
            f"edits published: {figures['publishes']} to {len(published)} events; stale answers: {stale['stale']} "
            f"of {stale['checked']} checked; latest edit not visible afterwards: {missing or 'none'}"
        )
        if withdrawal:
            self.stdout.write(
                f"withdrawal: page kept by {withdrawal['kept_before'] or 'no'} cache before; the withdrawal took "
                f"{withdrawal['withdraw_ms']} ms; 404 after {withdrawal['gone_after_ms']} ms"
            )
        self.stdout.write(f"warm passes: {warm_passes}; load average at the end: {figures['load_average']}")
        if options["json"]:
            self.stdout.write(json.dumps(figures))
