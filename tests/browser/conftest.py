"""Real-browser tests: Debian's Chromium driven by Playwright, against pytest-django's live server."""

import os
from pathlib import Path

import pytest

from tests.browser.chromium import CHROMIUM, LAUNCH_ARGS

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
# Sync Playwright runs an event loop in this thread; the fixtures' database access is still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    skip = pytest.mark.skip(reason="no Chromium at /usr/bin/chromium (apt-get install chromium)")
    for item in items:
        if "browser" in item.keywords and not CHROMIUM.exists():
            item.add_marker(skip)


@pytest.fixture(scope="package")
def chromium():
    """One Chromium for all the browser tests (they run one after another, after the other database tests)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def era_site(live_server, transactional_db, era):
    """The live server's address, with the era dataset committed where the server thread can read it (a
    transactional test's `era` is its own committed import)."""
    return live_server.url


@pytest.fixture
def screenshot():
    ARTIFACTS.mkdir(exist_ok=True)

    def take(page, name):
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    return take
