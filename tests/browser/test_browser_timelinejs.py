"""TimelineJS embedded on another site, as the README shows it: a page on a second origin loads TimelineJS (the
`@knight-lab/timelinejs` npm package) and the site's /timeline.json across origins, and renders the era's slides,
on the shipped era and on the hostile generated one (whose headlines carry markup that must stay text).

Two ways, both in the README: TimelineJS reading the URL itself (the first page of events), and the page reading
every page of /timeline.json by `next` and giving TimelineJS one document with all their events."""

import functools
import http.server
import threading
from urllib.parse import quote, urlsplit

import pytest

from tests.validators import TIMELINEJS, require
from thaw_site.public import machine
from thaw_site.publishing.publications import Kind, Publication

pytestmark = pytest.mark.browser

PORTS = range(8600, 8700)  # the embedding site's port: another origin than the live server's
EVENTS_PER_PAGE = 20  # small pages, so that the eras' events take several
TITLE = "Thaw: the Soviet Union, 1953–1964"

EMBED_PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Another site embedding Thaw's timeline</title>
  <link rel="stylesheet" href="timelinejs/css/timeline.css">
  <script src="timelinejs/js/timeline.js"></script>
</head>
<body>
  <div id="thaw-timeline" style="height: 600px"></div>
  <script>
    const url = new URLSearchParams(location.search).get("timeline");
    async function everyPage(url) {
      let all = null;
      for (let next = url; next; ) {
        const page = await (await fetch(next)).json();
        all = all ? {...all, events: all.events.concat(page.events)} : page;
        next = page.next;
      }
      return all;
    }
    if (location.hash === "#every-page") {
      everyPage(url).then(all => new TL.Timeline("thaw-timeline", all));
    } else {
      new TL.Timeline("thaw-timeline", url);
    }
  </script>
</body>
</html>
"""

HEADLINES = """() => [...document.querySelectorAll('.tl-slide .tl-headline')].map(headline => headline.textContent)"""


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def other_site(tmp_path):
    """A static site on another port of this machine: the embedding page, and TimelineJS's files beside it."""
    dist = require(TIMELINEJS, "TimelineJS (@knight-lab/timelinejs)")
    (tmp_path / "index.html").write_text(EMBED_PAGE, encoding="utf-8")
    (tmp_path / "timelinejs").symlink_to(dist, target_is_directory=True)
    handler = functools.partial(Quiet, directory=str(tmp_path))
    for port in PORTS:
        try:
            server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
            break
        except OSError:
            continue
    else:
        pytest.skip(f"no free port in {PORTS}")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}/"
    server.shutdown()
    server.server_close()


def rendered_headlines(chromium, embed_url):
    """The headlines of the slides TimelineJS rendered, and what went wrong on the page."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    problems = []
    page.on("dialog", lambda dialog: (problems.append(f"a dialog opened: {dialog.message}"), dialog.dismiss()))
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    page.goto(embed_url)
    page.wait_for_selector(".tl-slide-titleslide .tl-headline", timeout=30_000)
    headlines = page.evaluate(HEADLINES)
    if "unexpected error" in page.inner_text("body").lower():
        problems.append("TimelineJS says: an unexpected error occurred")
    context.close()
    return headlines, problems


def live_event_titles():
    return list(Publication.objects.live().of_kind(Kind.EVENT).in_order().values_list("title", flat=True))


def check_embedding(chromium, site, other_site, monkeypatch):
    monkeypatch.setattr(machine, "TIMELINE_EVENTS_PER_PAGE", EVENTS_PER_PAGE)
    timeline = quote(f"{site}/timeline.json", safe="")
    assert urlsplit(other_site).netloc != urlsplit(site).netloc  # another origin
    titles = live_event_titles()
    assert len(titles) > EVENTS_PER_PAGE

    first_page, problems = rendered_headlines(chromium, f"{other_site}?timeline={timeline}")
    assert problems == []
    assert sorted(first_page) == sorted([TITLE, *titles[:EVENTS_PER_PAGE]])

    every_page, problems = rendered_headlines(chromium, f"{other_site}?timeline={timeline}#every-page")
    assert problems == []
    assert sorted(every_page) == sorted([TITLE, *titles])


def test_timelinejs_on_another_site_renders_the_shipped_era(chromium, era_site, other_site, monkeypatch):
    check_embedding(chromium, era_site, other_site, monkeypatch)


def test_timelinejs_on_another_site_renders_a_hostile_era_as_text(
    chromium, live_server, transactional_db, hostile_era, other_site, monkeypatch
):
    check_embedding(chromium, live_server.url, other_site, monkeypatch)
