"""axe-core, injected into one page of each type, finds no serious or critical violation."""

import pytest

from tests.browser.axe import serious_violations

pytestmark = pytest.mark.browser

PAGES = {
    "home": "/",
    "timeline": "/timeline/?topic=space",
    "event": "/events/secret-speech/",
    "figure": "/people/nikita-khrushchev/",
    "source": "/sources/wikipedia-ussr-1953-1964/",
    "topic": "/topics/de-stalinization/",
    "search": "/search/?q=khrushchev",
    "404": "/no-such-page/",
}


@pytest.mark.parametrize("width", [1280, 390])
def test_axe_finds_no_serious_or_critical_violation_on_any_page_type(chromium, era_site, width):
    # bypass_csp: the site's Content-Security-Policy rightly forbids the injected script.
    context = chromium.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
    page = context.new_page()
    found = {}
    for name, path in PAGES.items():
        page.goto(era_site + path)
        if serious := serious_violations(page):
            found[name] = serious
    context.close()
    assert found == {}
