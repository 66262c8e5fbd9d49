"""Pages against the framework's floor, served in-process (no sockets, no HTTP parser), for the benchmark.

Two long-lived Python processes each load a WSGI application and call it in a loop: one with plain Django
(thaw_site/floor.py: no apps, no middleware, one view), one with the site (its settings, page caching off). The
benchmark asks them in turn — floor, page, floor, page… — for as many requests of one path as fit in a few
tenths of a second, several rounds over, so a burst of load from elsewhere on a shared machine falls on both
sides of a ratio and the median of the rounds sets it aside. Each page is reported as a ratio to the floor
measured just before it, and to the site's own bare view (/_bench/hello/ behind all its middleware) measured in
the same round.

The worker is this module run as a script (`python -m thaw_site.management.floor`, settings from
DJANGO_SETTINGS_MODULE): it reads lines "<path> <seconds>" and answers "<requests> <seconds taken>" for each, or
"error <status>" when the path does not answer 200.
"""

import io
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any, TypedDict

PROJECT = Path(__file__).resolve().parent.parent.parent
HOST = "127.0.0.1"
BARE = "/_bench/hello/"
# Requests served before any is timed: imports, template compilation, the database connection.
WARM_REQUESTS = 20


class Ratios(TypedDict):
    page: str
    path: str
    rate: float  # requests/s, the median of the rounds
    floor: float  # the floor's requests/s, the median of its measurements just before this page's
    to_floor: float  # the median of the rounds' ratios to the floor measured just before
    to_bare: float  # the median of the rounds' ratios to the bare view measured in the same round


class FloorRow(Ratios):
    database: str
    harness: str


def environ(path: str) -> dict[str, Any]:
    """A GET of `path` (with its query string) as a WSGI server would pass it."""
    path_info, _, query = path.partition("?")
    return {
        "REQUEST_METHOD": "GET",
        "SCRIPT_NAME": "",
        "PATH_INFO": path_info,
        "QUERY_STRING": query,
        "SERVER_NAME": HOST,
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": HOST,
        "REMOTE_ADDR": HOST,
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }


def serve(application: Callable[..., Iterable[bytes]], path: str) -> str:
    """One request of `path` through the application, its body read as a server would; the status line."""
    status = ""

    def start_response(line: str, headers: object, exc_info: object = None) -> None:
        nonlocal status
        status = line

    request = environ(path)
    request["wsgi.input"] = io.BytesIO(b"")
    body = application(request, start_response)
    try:
        for _chunk in body:
            pass
    finally:
        close = getattr(body, "close", None)
        if close is not None:
            close()
    return status


def work(application: Callable[..., Iterable[bytes]], commands: Iterable[str], answer: Callable[[str], None]) -> None:
    """The worker's loop: for each "<path> <seconds>", serve the path for that long; answer with the count."""
    warmed: set[str] = set()
    for command in commands:
        path, seconds = command.split()
        if path not in warmed:
            for _ in range(WARM_REQUESTS):
                serve(application, path)
            warmed.add(path)
        status = serve(application, path)
        if not status.startswith("200"):
            answer(f"error {status}")
            continue
        budget, count, start = float(seconds), 1, time.perf_counter()
        while (elapsed := time.perf_counter() - start) < budget:
            serve(application, path)
            count += 1
        answer(f"{count} {elapsed}")


class Worker:
    """A worker process with these settings and environment; `rate(path, seconds)` is its requests/s."""

    def __init__(self, settings_module: str, env: Mapping[str, str]) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "thaw_site.management.floor"],
            env={**env, "DJANGO_SETTINGS_MODULE": settings_module},
            cwd=PROJECT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            bufsize=1,
        )

    def rate(self, path: str, seconds: float) -> float:
        assert self.process.stdin and self.process.stdout  # both piped
        self.process.stdin.write(f"{path} {seconds}\n")
        self.process.stdin.flush()
        reply = self.process.stdout.readline().split()
        if len(reply) != 2 or reply[0] == "error":
            raise RuntimeError(f"{path} did not answer 200 in-process: {' '.join(reply) or 'the worker died'}")
        count, elapsed = int(reply[0]), float(reply[1])
        return count / elapsed

    def close(self) -> None:
        assert self.process.stdin  # piped
        self.process.stdin.close()
        self.process.wait(timeout=30)


@contextmanager
def workers(env: Mapping[str, str]) -> Iterator[tuple[Worker, Worker]]:
    """(the floor's worker, the site's worker with page caching off), stopped when the block ends."""
    with ExitStack() as stack:
        floor = Worker("thaw_site.floor", env)
        stack.callback(floor.close)
        site = Worker("thaw_site.settings", {**env, "THAW_CACHE_PAGES": "0"})
        stack.callback(site.close)
        yield floor, site


def interleaved(
    targets: Sequence[tuple[str, str]],
    floor: Callable[[str], float],
    site: Callable[[str], float],
    *,
    rounds: int,
    on_round: Callable[[int], None] | None = None,
) -> list[Ratios]:
    """Each (label, path) of `targets`, the bare view first, against the floor: `rounds` times the floor's
    requests/s (`floor(BARE)`) then the page's (`site(path)`), as medians."""
    rates: dict[str, list[float]] = {path: [] for _label, path in targets}
    floors: dict[str, list[float]] = {path: [] for _label, path in targets}
    for number in range(rounds):
        for _label, path in targets:
            floors[path].append(floor(BARE))
            rates[path].append(site(path))
        if on_round:
            on_round(number + 1)
    return [
        {
            "page": label,
            "path": path,
            "rate": statistics.median(rates[path]),
            "floor": statistics.median(floors[path]),
            "to_floor": statistics.median(r / f for r, f in zip(rates[path], floors[path], strict=True)),
            "to_bare": statistics.median(r / b for r, b in zip(rates[path], rates[BARE], strict=True)),
        }
        for label, path in targets
    ]


def in_process(
    env: Mapping[str, str],
    pages: Sequence[tuple[str, str]],
    *,
    rounds: int,
    seconds: float,
    on_round: Callable[[int], None] | None = None,
) -> list[Ratios]:
    """The bare view and each (label, path) of `pages` against the floor, served in-process (`interleaved`)."""
    with workers(env) as (floor, site):
        return interleaved(
            [("bare view", BARE), *pages],
            lambda path: floor.rate(path, seconds),
            lambda path: site.rate(path, seconds),
            rounds=rounds,
            on_round=on_round,
        )


def report(rows: Sequence[FloorRow], *, rounds: int, seconds: float, http_seconds: int) -> list[str]:
    """The benchmark report's section on these measurements (Markdown lines)."""
    lines = [
        "## Uncached pages against the framework's floor",
        "",
        "The floor is plain Django serving one view with no apps, no middleware and no database "
        "(`thaw_site/floor.py`); the bare view is the same view at `/_bench/hello/` behind all the site's "
        "middleware; pages are served with page caching off (`THAW_CACHE_PAGES=0`). Floor and page in turn, "
        f"{rounds} rounds; medians of the rounds' requests/s and of their ratios. In-process "
        f"(`thaw_site/management/floor.py`): the WSGI application called in a loop, {seconds} s a turn, no "
        "sockets, so the ratio is the page's own cost against Django's. HTTP: one gunicorn worker each for the "
        f"floor and the site, wrk with 1 thread and 2 connections, {http_seconds} s a turn; the server's and the "
        "network's cost per request is in both sides of the ratio.",
        "",
        "| database | harness | page | requests/s | floor (requests/s) | to the floor | to the bare view |",
        "| --- | --- | --- | ---: | ---: | ---: | ---: |",
    ]
    lines += [
        f"| {r['database']} | {r['harness']} | {r['page']} `{r['path']}` | {r['rate']:.0f} | {r['floor']:.0f} "
        f"| {r['to_floor']:.3f} | {r['to_bare']:.3f} |"
        for r in rows
    ]
    return lines


if __name__ == "__main__":
    from django.core.wsgi import get_wsgi_application

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "thaw_site.settings")

    def answer(line: str) -> None:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()

    work(get_wsgi_application(), (line for line in sys.stdin if line.strip()), answer)
