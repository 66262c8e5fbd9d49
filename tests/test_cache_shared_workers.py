"""With the shipped defaults (two gunicorn workers, no REDIS_URL: each worker caches pages in its own memory), no
response after a publish, a withdrawal or an import shows the old version, whichever worker answers.

Real processes on a SQLite file of the shipped era: the test's own database is not one other processes can open.
"""

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.conf import settings

GUNICORN = Path(sys.executable).parent / "gunicorn"
ERA = Path(settings.BASE_DIR) / "events" / "fixtures" / "thaw_era.json"
REQUESTS = 200
pytestmark = pytest.mark.skipif(not GUNICORN.exists(), reason="gunicorn is not installed in this environment")


def status_and_body(url):
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


class Site:
    def __init__(self, workdir):
        self.workdir = workdir
        self.log = workdir / "access.log"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "thaw_site.settings",
            "DJANGO_DEBUG": "1",
            "DATABASE_URL": f"sqlite:///{workdir / 'site.sqlite3'}",
            "WEB_CONCURRENCY": "2",
        }
        for name in ("REDIS_URL", "THAW_VARNISH_URLS", "THAW_CACHE_PAGES"):
            self.env.pop(name, None)

    def manage(self, *arguments):
        subprocess.run(
            [sys.executable, "manage.py", *arguments], env=self.env, cwd=settings.BASE_DIR, check=True,
            capture_output=True,
        )  # fmt: skip

    def change(self, code):
        self.manage(
            "shell", "-c", "from events.models import Event\nfrom thaw_site.publishing import services\n" + code
        )

    def pids_since(self, offset):
        return set(re.findall(r"^<(\d+)> ", self.log.read_text()[offset:], re.MULTILINE))

    def load(self, path, expect):
        """REQUESTS requests from 4 threads at once; (how many missed `expect`, the worker pids that answered)."""
        offset = len(self.log.read_text())
        with ThreadPoolExecutor(4) as pool:
            answers = list(pool.map(status_and_body, [self.url + path] * REQUESTS))
        time.sleep(0.2)  # the access log is written after the response
        return sum(not expect(*answer) for answer in answers), self.pids_since(offset)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    site = Site(tmp_path_factory.mktemp("workers"))
    site.manage("migrate", "-v0")
    site.manage("import_era", str(ERA))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    site.url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [GUNICORN, "-c", "gunicorn.conf.py", "--workers", "2", "--bind", f"127.0.0.1:{port}",
         "--access-logfile", str(site.log), "--access-logformat", "%(p)s %(U)s %(s)s", "thaw_site.wsgi"],
        env=site.env, cwd=settings.BASE_DIR, stdout=subprocess.DEVNULL, stderr=(site.workdir / "errors.log").open("w"),
    )  # fmt: skip
    try:
        for _ in range(600):
            try:
                status_and_body(site.url + "/_bench/hello/")
                break
            except OSError:  # not listening yet
                time.sleep(0.1)
        yield site
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(site.workdir, ignore_errors=True)


def shows(text):
    return lambda status, body: status == 200 and text.encode() in body


def test_no_worker_serves_an_old_page_after_a_publish_a_withdrawal_or_an_import(site):
    for path in ("/events/sputnik-1/", "/events/secret-speech/"):
        missed, workers = site.load(path, lambda status, body: status == 200)
        assert (missed, len(workers)) == (0, 2), "both workers have the page cached"

    site.change(
        "event = Event.objects.get(slug='sputnik-1')\nevent.summary = 'Published by the test.'\nevent.save()\n"
        "services.make_live(event)"
    )
    stale, workers = site.load("/events/sputnik-1/", shows("Published by the test."))
    assert (stale, len(workers)) == (0, 2), "after a publish"

    site.change("services.take_down(Event.objects.get(slug='sputnik-1'))")
    stale, workers = site.load("/events/sputnik-1/", lambda status, body: status == 404)
    assert (stale, len(workers)) == (0, 2), "after a withdrawal"

    document = json.loads(ERA.read_text(encoding="utf-8"))
    next(e for e in document["events"] if e["slug"] == "secret-speech")["summary"] = "Revised by an import."
    revised = site.workdir / "revised.json"
    revised.write_text(json.dumps(document), encoding="utf-8")
    site.manage("import_era", str(revised))
    stale, workers = site.load("/events/secret-speech/", shows("Revised by an import."))
    assert (stale, len(workers)) == (0, 2), "after an import"
