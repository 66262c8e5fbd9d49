"""axe-core, injected into one page of each type, finds no serious or critical violation."""

from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
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
RUN_AXE = """async () => {
  const result = await axe.run(document, {runOnly: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]});
  return result.violations.map(v => ({id: v.id, impact: v.impact, targets: v.nodes.map(n => n.target.join(" "))}));
}"""


@pytest.mark.parametrize("width", [1280, 390])
def test_axe_finds_no_serious_or_critical_violation_on_any_page_type(chromium, era_site, width):
    # bypass_csp: the site's Content-Security-Policy rightly forbids the injected script.
    context = chromium.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
    page = context.new_page()
    found = {}
    for name, path in PAGES.items():
        page.goto(era_site + path)
        page.add_script_tag(content=AXE)
        serious = [v for v in page.evaluate(RUN_AXE) if v["impact"] in ("serious", "critical")]
        if serious:
            found[name] = serious
    context.close()
    assert found == {}
