"""Issue 15 item 10 (a): an author types a body with a citation into a new event and sees its numbered footnote and
the references list in the live preview before saving, cites with the source picker at the cursor, and axe finds
nothing serious on the change form with the panel open."""

import re

import pytest
from playwright.sync_api import expect

from events.models import Event
from tests.browser.admin_session import signed_in
from tests.browser.axe import serious_violations
from tests.browser.conftest import ARTIFACTS

pytestmark = pytest.mark.browser

FIRST = "The congress opened in Moscow. "
SECOND = "Delegates heard the report in silence."


def cite_with_the_picker(page, query, source):
    """Search the picker, choose the source with the keyboard and insert it into the body."""
    picker = page.locator("#thaw-source-query")
    picker.click()
    picker.press_sequentially(query, delay=20)
    expect(page.get_by_role("option", name=re.compile(source))).to_be_visible()
    picker.press("ArrowDown")
    expect(picker).to_have_attribute("aria-activedescendant", "thaw-source-option-0")
    picker.press("Enter")


def test_an_author_sees_her_footnote_in_the_live_preview_before_saving(chromium, era_site, author, screenshot):
    # The site's Content-Security-Policy (script-src 'self') holds here: the scripts are files from static/.
    anna = signed_in(chromium, era_site, "anna", bypass_csp=False)
    refused = []
    anna.on(
        "console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None
    )
    previews = []
    anna.on("request", lambda request: previews.append(request) if request.url.endswith("/live/") else None)
    anna.goto(f"{era_site}/admin/events/event/add/")
    panel = anna.locator("#thaw-live-preview")
    expect(panel).to_be_visible()
    expect(panel).to_contain_text("The body is empty.")

    anna.fill("#id_title", "The Twentieth Congress opens")
    body = anna.locator("#id_body")
    body.click()
    typed = FIRST + SECOND
    before = len(previews)
    body.press_sequentially(typed, delay=15)
    expect(panel.locator(".body")).to_contain_text(SECOND)
    assert len(previews) - before < len(typed) / 4  # debounced: not one request per keystroke

    # The cursor goes back to the end of the first sentence; the picker cites there, leaving it after "p. ".
    body.evaluate(f"field => field.setSelectionRange({len(FIRST) - 1}, {len(FIRST) - 1})")
    cite_with_the_picker(anna, "schapiro", "Schapiro")
    expect(body).to_be_focused()
    anna.keyboard.type("45")
    assert body.input_value() == "The congress opened in Moscow.[@schapiro-1971, p. 45] " + SECOND
    expect(anna.locator("#thaw-source-status")).to_contain_text("Inserted [@schapiro-1971, p. ]")

    # The footnote and the references list appear, as the public page will show them.
    expect(panel.locator(".body sup.reference a")).to_have_text("[1]")
    reference = panel.locator("li#cite-note-1")
    expect(reference).to_contain_text("The Communist Party of the Soviet Union")
    expect(reference).to_contain_text("p. 45")
    expect(anna.locator("#thaw-live-preview-status")).to_contain_text("nothing in the citations blocks publishing")

    # A key no source has is marked as what will block publishing.
    body.press("Control+End")
    anna.keyboard.type(" [@nosuch-2000]")
    expect(panel.locator(".thaw-live-preview__problems")).to_contain_text("unknown source key 'nosuch-2000'")
    expect(anna.locator("#thaw-live-preview-status")).to_contain_text("1 problem will block publishing")
    expect(panel.locator(".body sup.reference")).to_have_count(2)
    assert body.input_value().endswith("silence. [@nosuch-2000]")
    screenshot(anna, "live-preview-1280")
    anna.locator("#thaw-body-tools").screenshot(path=str(ARTIFACTS / "live-preview-panel.png"))

    assert not Event.objects.filter(title="The Twentieth Congress opens").exists()  # all before saving
    assert refused == []


@pytest.mark.parametrize("width", [1280, 390])
def test_axe_finds_nothing_serious_on_the_change_form_with_the_live_preview(chromium, era_site, author, width):
    anna = signed_in(chromium, era_site, "anna", width)
    anna.goto(f"{era_site}/admin/events/event/add/")
    body = anna.locator("#id_body")
    body.fill(
        "A claim. [@baradat-1986, p. 4] Another. [citation needed: 2024-05] A third. [@nosuch-2000] "
        "A web page. [@wikipedia-ussr-1953-1964]"  # its reference links its title inside running text
    )
    body.dispatch_event("input")
    expect(anna.locator("#thaw-live-preview .thaw-live-preview__problems")).to_be_visible()
    expect(anna.locator("#thaw-live-preview li#cite-note-1")).to_be_visible()
    # The references in view, clear of the sticky action bar: axe judges only what it can see.
    anna.locator("#thaw-live-preview .references").evaluate("list => list.scrollIntoView({block: 'start'})")
    assert serious_violations(anna) == []
    picker = anna.locator("#thaw-source-query")
    picker.press_sequentially("soviet", delay=20)
    expect(anna.locator("#thaw-source-options [role=option]").first).to_be_visible()
    picker.press("ArrowDown")  # the list open, an option active
    assert serious_violations(anna) == []
