"""Measure the site at scale and write docs/benchmarks.md.

    python manage.py benchmark
    python manage.py benchmark --postgres postgres://postgres@127.0.0.1:5432/thaw_bench --duration 10

For each database (a fresh SQLite file, and PostgreSQL when --postgres is
given: THAT DATABASE IS EMPTIED), in one run: generate the era
(generate_era, --events events), import it timing wall clock and peak memory
(/usr/bin/time -v), then start gunicorn with one sync worker on 127.0.0.1 and
load each page with wrk (Debian package `wrk`) for --duration seconds, first
with page caching off, then on. Every page's requests/s is given as a ratio
to the bare /_bench/hello/ view measured by the same gunicorn, so the figures
travel between machines. The gunicorn worker's resident memory is read after
each run. Needs `wrk` and `/usr/bin/time` (Debian package `time`).

Then the uncached event, figure and source pages against the framework's floor (thaw_site/floor.py: plain
Django, no apps, no middleware) and against the site's own bare view, floor and page in turn for --rounds
rounds: in-process, calling the WSGI applications in a loop (thaw_site/management/floor.py), and over HTTP with
a gunicorn worker for each. `--floor-only` measures just that (after the import) and replaces only its section
of the report. `--era FILE` keeps the generated era there and reuses it when it is already there.

Then the mixed workload on each database: gunicorn with two workers sharing
Redis (--redis), and `loadcheck` with --readers threads reading the home page,
the lists and the first --mixed-items live items (0: all of them) while its
editor publishes an edit every 5 s for --mixed-seconds; throughput, p50/p99,
the share of answers a cache gave, and stale answers (an edit not shown after
it was published). Once more on SQLite with Varnish (deploy/varnish/thaw.vcl)
in front, purged on publish, when varnishd is installed (Debian packages
`varnish` and `varnish-modules`), ending with a withdrawal timed until its
page is gone from Varnish. `--mixed-only` measures just that (after the
import) and replaces only its section of the report. `--port N` serves on
ports N, N+1, ... instead of free ones the system picks.
"""

import itertools
import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any, TypedDict

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from thaw_site.management import floor
from thaw_site.management.varnish import running_varnish, varnishd
from thaw_site.progress import Progress

REPORT = Path(settings.BASE_DIR) / "docs" / "benchmarks.md"
HOST = "127.0.0.1"
# The sections of the report `--floor-only` and `--mixed-only` replace.
FLOOR_HEADING = "## Uncached pages against the framework's floor"
MIXED_HEADING = "## Mixed workload: readers and publishes"
ITEM_PAGES = ("event page", "figure page (most events)", "source page (most citations)")
# Seconds a turn of the floor measurements: in-process, and over HTTP with wrk.
FLOOR_TURN_SECONDS = 0.5
FLOOR_HTTP_TURN_SECONDS = 1
# Each word is in the titles of about a tenth of the generated events: the search matches hundreds of them.
SEARCH_WORDS = "agricultural+reform"


class ImportRow(TypedDict):
    database: str
    seconds: float
    cpu: float
    peak_mb: float


class LoadFigures(TypedDict):
    """What wrk measured of one page (wrk())."""

    rate: float
    p50: float
    p99: float
    errors: int


class PageRow(LoadFigures):
    database: str
    mode: str
    page: str
    ratio: float


class WorkerRow(TypedDict):
    database: str
    mode: str
    rss_mb: float


class MixedRow(TypedDict):
    """What loadcheck measured of the mixed workload (its --json figures), and where."""

    database: str
    front: str
    events: int
    figures: dict[str, Any]


class Results(TypedDict):
    """The rows of the report's tables."""

    imports: list[ImportRow]
    pages: list[PageRow]
    workers: list[WorkerRow]
    mixed: list[MixedRow]
    floor: list[floor.FloorRow]


def run(command: Sequence[str], env: Mapping[str, str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    # Our own commands with our own arguments: nothing here comes from a request.
    return subprocess.run(command, env=env, cwd=settings.BASE_DIR, check=True, capture_output=True, text=True, **kwargs)  # noqa: S603


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def children(pid: int) -> list[int]:
    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        if re.search(rf"^PPid:\s+{pid}$", text, re.MULTILINE):
            found.append(int(status.parent.name))
    return found


def rss_mb(pid):
    match = re.search(r"^VmRSS:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text(), re.MULTILINE)
    return int(match.group(1)) / 1024


def milliseconds(text):
    value, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


def wrk(url, duration):
    output = subprocess.run(  # noqa: S603 (loopback URL built by this command)
        [shutil.which("wrk"), "-t1", "-c2", f"-d{duration}s", "--latency", "--timeout", "10s", url],
        check=True,
        capture_output=True,
        text=True,
        timeout=duration + 30,
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50 = milliseconds(re.search(r"^\s+50%\s+(\S+)", output, re.MULTILINE).group(1))
    p99 = milliseconds(re.search(r"^\s+99%\s+(\S+)", output, re.MULTILINE).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {"rate": rate, "p50": p50, "p99": p99, "errors": int(errors.group(1)) if errors else 0}


class Command(BaseCommand):
    help = "Benchmark import and pages on the generated era with gunicorn and wrk; write docs/benchmarks.md."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--events", type=int, default=10_000)
        parser.add_argument("--duration", type=int, default=5, help="Seconds of load per page (default 5).")
        parser.add_argument(
            "--postgres", metavar="URL", help="Also run on this PostgreSQL database. It is emptied first."
        )
        parser.add_argument("--output", default=str(REPORT), help=f"Where to write the report (default {REPORT}).")
        parser.add_argument("--redis", default="redis://127.0.0.1:6379/0", help="Redis for the mixed workload.")
        parser.add_argument("--readers", type=int, default=32, help="Reader threads of the mixed workload.")
        parser.add_argument("--mixed-seconds", type=int, default=60, help="Length of the mixed workload.")
        parser.add_argument(
            "--mixed-items", type=int, default=300, help="Live items the mixed workload reads (0: every one)."
        )
        parser.add_argument(
            "--mixed-only",
            action="store_true",
            help="Only the mixed workload; replace that section of the report.",
        )
        parser.add_argument(
            "--port", type=int, default=0, help="Serve on 127.0.0.1 at this port and the next ones (default: free)."
        )
        parser.add_argument(
            "--floor-only",
            action="store_true",
            help="Only the item pages against the framework's floor; replace that section of the report.",
        )
        parser.add_argument("--rounds", type=int, default=7, help="Rounds of the floor measurements (default 7).")
        parser.add_argument(
            "--era", metavar="FILE", help="The generated era: read if it exists, else generated there and kept."
        )

    def handle(self, *args: Any, events: int, duration: int, postgres: str | None, output: str, **options: Any) -> None:
        self.mixed_options = {key: options[key] for key in ("redis", "readers", "mixed_seconds", "mixed_items")}
        self.floor_only, self.rounds = options["floor_only"], options["rounds"]
        self.mixed_only = options["mixed_only"]
        self.ports = itertools.count(options["port"]) if options["port"] else None
        if self.floor_only and self.mixed_only:
            raise CommandError("--floor-only and --mixed-only each replace one section: give one of them")
        if not 1 <= self.rounds <= 50:
            raise CommandError("--rounds must be between 1 and 50")
        for tool in ("wrk", "/usr/bin/time", "gunicorn"):
            if not shutil.which(tool) and not shutil.which(Path(sys.executable).parent / tool):
                raise CommandError(f"{tool} is not installed (apt-get install -y wrk time; pip install gunicorn)")
        if not 1 <= duration <= 60:
            raise CommandError("--duration must be between 1 and 60 seconds")
        self.duration = duration
        workdir = Path(tempfile.mkdtemp(prefix="thaw-bench-"))
        try:
            self.results: Results = {"imports": [], "pages": [], "workers": [], "mixed": [], "floor": []}
            era = Path(options["era"]) if options["era"] else workdir / "era.json"
            env = self.environment(f"sqlite:///{workdir / 'bench.sqlite3'}")
            if era.exists():
                self.log(f"Reusing the generated era in {era}")
            else:
                self.log(f"Generating {events} events into {era}")
                figures, sources = max(1, events // 5), max(1, events // 10)
                run([sys.executable, "manage.py", "generate_era", "--events", str(events), "--figures", str(figures),
                     "--sources", str(sources), "--output", str(era)], env)  # fmt: skip
            run([sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"], env)
            self.events = len(json.loads(era.read_text(encoding="utf-8"))["events"])  # --era may name another size
            databases = [("SQLite", env["DATABASE_URL"])] + ([("PostgreSQL", postgres)] if postgres else [])
            for name, url in databases:
                self.measure_database(name, url, era)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
        if self.floor_only or self.mixed_only:
            section = self.floor_report() if self.floor_only else "\n".join(self.mixed_report()).lstrip("\n") + "\n"
            report = replace_section(Path(output).read_text(encoding="utf-8") if Path(output).exists() else "", section)
        else:
            report = self.report(events, duration)
        Path(output).write_text(report, encoding="utf-8")
        self.stdout.write(report)
        self.stdout.write(f"Written to {output}")

    def log(self, message: str) -> None:
        self.stderr.write(f"[{timezone.now():%H:%M:%S}] {message}")

    def environment(self, database_url: str, **extra: str) -> dict[str, str]:
        return {
            **os.environ,
            "DATABASE_URL": database_url,
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY") or "benchmark-only-" + "x" * 40,
            "DJANGO_ALLOWED_HOSTS": HOST,
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "THAW_MAIN_PERIOD": "khrushchev-era",
            **extra,
        }

    def measure_database(self, name, url, era):
        env = self.environment(url)
        self.log(f"{name}: migrating and emptying the database")
        run([sys.executable, "manage.py", "migrate", "-v0"], env)
        run([sys.executable, "manage.py", "flush", "--no-input", "-v0"], env)
        self.log(f"{name}: importing {era.name}")
        timed = run(["/usr/bin/time", "-v", sys.executable, "manage.py", "import_era", str(era)], env)
        elapsed = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", timed.stderr).groups()
        seconds = int(elapsed[0] or 0) * 3600 + int(elapsed[1]) * 60 + float(elapsed[2])
        user = float(re.search(r"User time \(seconds\): ([\d.]+)", timed.stderr).group(1))
        peak = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", timed.stderr).group(1)) / 1024
        self.results["imports"].append({"database": name, "seconds": seconds, "cpu": user, "peak_mb": peak})
        pages = self.pages(era)
        if not self.mixed_only:
            self.against_floor(name, url, [(label, path) for label, path in pages if label in ITEM_PAGES])
        if self.floor_only:
            return
        if not self.mixed_only:
            for cached in (False, True):
                self.serve_and_load(name, url, pages, cached)
        self.mixed_workload(name, url, through_varnish=False)
        if name == "SQLite":
            if varnishd():
                self.mixed_workload(name, url, through_varnish=True)
            else:
                self.log("varnishd is not installed: no mixed workload through Varnish")

    def pages(self, era: Path) -> list[tuple[str, str]]:
        document = json.loads(era.read_text(encoding="utf-8"))
        published = {
            section: [item for item in document[section] if item.get("status") == "published"]
            for section in ("events", "figures")
        }
        event = published["events"][0]["slug"]
        live_figures = {figure["slug"] for figure in published["figures"]}
        appearances = Counter(p["figure"] for e in published["events"] for p in e["participants"])
        figure = next(slug for slug, _ in appearances.most_common() if slug in live_figures)
        stylesheet = next(
            iter(json.loads((Path(settings.STATIC_ROOT) / "staticfiles.json").read_text())["paths"].values())
        )
        return [
            ("bare view /_bench/hello/", "/_bench/hello/"),
            ("static file", f"/static/{stylesheet}"),
            ("home", "/"),
            ("timeline", "/timeline/"),
            ("timeline JSON", "/timeline.json"),
            ("search (two common words)", f"/search/?q={SEARCH_WORDS}"),
            ("event page", f"/events/{event}/"),
            ("figure page (most events)", f"/people/{figure}/"),
            ("source page (most citations)", "/sources/source-00001/"),
        ]

    @contextmanager
    def gunicorn(self, env: Mapping[str, str], port: int) -> Iterator[subprocess.Popen[bytes]]:
        """gunicorn serving the site on HOST:port with this environment, until the block ends."""
        server = subprocess.Popen(  # noqa: S603 (the venv's gunicorn, our arguments)
            [str(Path(sys.executable).parent / "gunicorn"), "-c", "gunicorn.conf.py", "--bind", f"{HOST}:{port}",
             "thaw_site.wsgi"],
            env=env,
            cwd=settings.BASE_DIR,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            self.wait_for(f"http://{HOST}:{port}/_bench/hello/")
            yield server
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)

    def serve_and_load(self, name: str, url: str, pages: Sequence[tuple[str, str]], cached: bool) -> None:
        port = self.port()
        env = self.environment(url, THAW_CACHE_PAGES="1" if cached else "0", WEB_CONCURRENCY="1")
        mode = "cached" if cached else "uncached"
        with self.gunicorn(env, port) as server:
            base = f"http://{HOST}:{port}"
            floor: float | None = None
            progress = Progress(self.stderr, f"{name}, {mode}: pages measured", len(pages))
            for label, path in pages:
                with urllib.request.urlopen(base + path, timeout=60) as response:  # noqa: S310 (loopback only)
                    response.read()  # warm: fills the cache and the worker's imports
                self.log(f"{name}, {mode}: {label}")
                figures: LoadFigures = wrk(base + path, self.duration)
                floor = floor or figures["rate"]
                self.results["pages"].append(
                    {"database": name, "mode": mode, "page": label, "ratio": figures["rate"] / floor, **figures}
                )
                progress.advance()
            progress.finish()
            workers = children(server.pid)
            self.results["workers"].append(
                {"database": name, "mode": mode, "rss_mb": max((rss_mb(pid) for pid in workers), default=0)}
            )

    def against_floor(self, name: str, url: str, pages: Sequence[tuple[str, str]]) -> None:
        """The item pages, uncached, against the floor and the bare view: in-process, then over HTTP."""
        env = self.environment(url)
        self.log(f"{name}: item pages against the floor, in-process")
        progress = Progress(self.stderr, f"{name}: in-process rounds", self.rounds)
        rows = floor.in_process(env, pages, rounds=self.rounds, seconds=FLOOR_TURN_SECONDS, on_round=progress.update)
        progress.finish()
        self.results["floor"] += [{"database": name, "harness": "in-process", **row} for row in rows]
        self.log(f"{name}: item pages against the floor, over HTTP")
        site_port, floor_port = self.port(), self.port()
        site_env = self.environment(url, THAW_CACHE_PAGES="0", WEB_CONCURRENCY="1")
        floor_env = self.environment(url, DJANGO_SETTINGS_MODULE="thaw_site.floor", WEB_CONCURRENCY="1")
        with self.gunicorn(site_env, site_port), self.gunicorn(floor_env, floor_port):
            progress = Progress(self.stderr, f"{name}: HTTP rounds", self.rounds)
            rows = floor.interleaved(
                [("bare view", floor.BARE), *pages],
                lambda path: wrk(f"http://{HOST}:{floor_port}{path}", FLOOR_HTTP_TURN_SECONDS)["rate"],
                lambda path: wrk(f"http://{HOST}:{site_port}{path}", FLOOR_HTTP_TURN_SECONDS)["rate"],
                rounds=self.rounds,
                on_round=progress.update,
            )
            progress.finish()
        self.results["floor"] += [{"database": name, "harness": "HTTP", **row} for row in rows]

    def floor_report(self) -> str:
        lines = floor.report(
            self.results["floor"],
            rounds=self.rounds,
            seconds=FLOOR_TURN_SECONDS,
            http_seconds=FLOOR_HTTP_TURN_SECONDS,
        )
        return "\n".join(lines) + "\n"

    def mixed_workload(self, name: str, url: str, *, through_varnish: bool) -> None:
        """Two workers sharing Redis, readers and an editor publishing every 5 s (loadcheck), maybe via Varnish."""
        options = self.mixed_options
        port = self.port()
        env = self.environment(
            url,
            THAW_CACHE_PAGES="1",
            WEB_CONCURRENCY="2",
            REDIS_URL=options["redis"],
            THAW_CACHE_KEY_PREFIX=f"thaw-bench-{uuid.uuid4().hex[:8]}",
        )
        front = "Varnish, gunicorn ×2, Redis" if through_varnish else "gunicorn ×2, Redis"
        self.log(f"{name}: mixed workload through {front}")
        with running_varnish(port, port=self.port()) if through_varnish else nullcontext() as varnish:
            if varnish:
                env["THAW_VARNISH_URLS"] = varnish  # the workers tag pages, the editor in loadcheck purges
            with self.gunicorn(env, port):
                output = run(
                    [sys.executable, "manage.py", "loadcheck", varnish or f"http://{HOST}:{port}",
                     "--readers", str(options["readers"]), "--seconds", str(options["mixed_seconds"]),
                     "--publish-every", "5", "--items", str(options["mixed_items"]), "--warm", "--json",
                     *(["--withdraw"] if varnish else [])],
                    env,
                    timeout=options["mixed_seconds"] + 600,
                ).stdout  # fmt: skip
        figures = json.loads(output.strip().splitlines()[-1])
        self.results["mixed"].append({"database": name, "front": front, "events": self.events, "figures": figures})

    def port(self) -> int:
        return next(self.ports) if self.ports else free_port()

    @staticmethod
    def wait_for(url: str) -> None:
        for _ in range(100):
            try:
                with urllib.request.urlopen(url, timeout=5):  # noqa: S310 (loopback only)
                    return
            except OSError:
                time.sleep(0.2)
        raise CommandError(f"gunicorn did not answer at {url}")

    def report(self, events: int, duration: int) -> str:
        cpu = next(
            (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
             if line.startswith("model name")),
            platform.processor(),
        )  # fmt: skip
        lines = [
            "# Benchmarks",
            "",
            "Written by `python manage.py benchmark` (see the README); rerun it to refresh this file.",
            "",
            f"- When: {timezone.now():%Y-%m-%d %H:%M} UTC",
            f"- Machine: {cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}; "
            f"load average at the end {os.getloadavg()[0]:.2f}",
            f"- Python {platform.python_version()}; gunicorn with one sync worker on {HOST}; "
            f"wrk, 1 thread, 2 connections, {duration} s a page",
            f"- Data: the generated era, {events:,} events (`generate_era --events {events}`)",
            "",
            "## Import of the generated file",
            "",
            "| database | wall clock (s) | CPU (s) | peak memory (MB) |",
            "| --- | ---: | ---: | ---: |",
        ]
        lines += [
            f"| {r['database']} | {r['seconds']:.1f} | {r['cpu']:.1f} | {r['peak_mb']:.0f} |"
            for r in self.results["imports"]
        ]
        lines += [
            "",
            "## Pages",
            "",
            "Ratio: requests/s as a fraction of the bare view's in the same gunicorn run.",
            "",
            "| database | caching | page | requests/s | ratio | p50 (ms) | p99 (ms) | non-2xx |",
            "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |",
        ]
        lines += [
            f"| {r['database']} | {r['mode']} | {r['page']} | {r['rate']:.0f} | {r['ratio']:.3f} | "
            f"{r['p50']:.2f} | {r['p99']:.2f} | {r['errors']} |"
            for r in self.results["pages"]
        ]
        lines += ["", "## Gunicorn worker memory after the run", "", "| database | caching | RSS (MB) |"]
        lines += ["| --- | --- | ---: |"]
        lines += [f"| {r['database']} | {r['mode']} | {r['rss_mb']:.0f} |" for r in self.results["workers"]]
        lines += self.mixed_report()
        return "\n".join(lines) + "\n\n" + self.floor_report()

    def mixed_report(self) -> list[str]:
        options = self.mixed_options
        items = f"the first {options['mixed_items']} live items" if options["mixed_items"] else "every live item"
        lines = [
            "",
            MIXED_HEADING,
            "",
            f"- When: {timezone.now():%Y-%m-%d %H:%M} UTC, on {os.cpu_count()} cores shared with other work (the "
            "load average at the end of each run is in the table)",
            f"- Data: the generated era, {self.events:,} events (`generate_era --events {self.events}`)",
            "",
            f"`loadcheck`: {options['readers']} reader threads over the home page, the lists and {items} (fetched "
            f"first until a pass finds 99% in a cache), every 8th request an edited event's page, one editor "
            f"publishing an edit every 5 s for {options['mixed_seconds']} s. From a cache: answers Varnish "
            "(`X-Cache: HIT`) or the page cache (`X-Page-Cache: hit`) gave; the next column leaves out the edited "
            "pages' probes. Stale: answers for an edited page asked after the edit was published that did not show "
            "it. The readers run on the same cores as the server.",
            "",
            "| database | in front | requests | requests/s | p50 (ms) | p99 (ms) | from a cache | without probes "
            "| of which Varnish | stale / checked | publishes | errors | load |",
            "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for row in self.results["mixed"]:
            f = row["figures"]
            lines.append(
                f"| {row['database']} | {row['front']} | {f['requests']} | {f['throughput']:.0f} | {f['p50_ms']:.1f} "
                f"| {f['p99_ms']:.1f} | {f['hit_ratio']:.3f} | {f['hit_ratio_without_probes']:.3f} "
                f"| {f['frontend_hits']} | {f['stale']} / {f['checked_for_staleness']} | {f['publishes']} "
                f"| {f['errors']} | {f['load_average'][0]:.1f} |"
            )
        for row in self.results["mixed"]:
            withdrawal = row["figures"].get("withdrawal")
            if withdrawal:
                lines += [
                    "",
                    f"Withdrawal through {row['front']} ({row['database']}): the page was kept by the "
                    f"{withdrawal['kept_before'] or 'no'} cache; the withdrawal, purge included, took "
                    f"{withdrawal['withdraw_ms']} ms, and the page answered 404 {withdrawal['gone_after_ms']} ms "
                    "after it began.",
                ]
        return lines


def replace_section(report: str, section: str) -> str:
    """The report with the section under `section`'s heading (its first line, up to the next heading of its level)
    replaced by `section`, or `section` appended when it has none."""
    heading = section.split("\n", 1)[0]
    start = report.find(heading)
    if start == -1:
        return report.rstrip("\n") + "\n\n" + section if report else section
    end = report.find("\n## ", start + len(heading))
    return report[:start] + section + (report[end:] if end != -1 else "")
