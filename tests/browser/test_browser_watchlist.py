"""In Chromium through the real admin: an editor watches an item, another editor changes it, the watchlist shows
the change with its diff, and the editor unwatches it there; axe finds nothing serious on the editor's own pages."""

import pytest
from playwright.sync_api import expect

from tests.browser.admin_session import save, signed_in
from tests.browser.axe import serious_violations
from thaw_site.publishing.services import submit_for_review

pytestmark = pytest.mark.browser


@pytest.fixture
def site(live_server, transactional_db, draft, author, reviewer):
    """The live server's address, with anna's draft topic Maize committed."""
    return live_server.url


def test_an_editor_watches_an_item_sees_anothers_change_and_unwatches(chromium, site, draft, screenshot):
    anna = signed_in(chromium, site, "anna")
    anna.goto(f"{site}/admin/events/topic/{draft.pk}/change/")
    with anna.expect_navigation():
        anna.get_by_role("button", name="Watch", exact=True).click()
    expect(anna.locator("ul.messagelist")).to_contain_text("“Maize” is on your watchlist.")
    expect(anna.get_by_role("button", name="Unwatch", exact=True)).to_be_visible()

    boris = signed_in(chromium, site, "boris")
    boris.goto(f"{site}/admin/events/topic/{draft.pk}/change/")
    boris.fill("#id_description", "Khrushchev's maize campaign, from the 1955 plenum.")
    save(boris, "Boris: date the campaign")
    boris.context.close()

    anna.goto(f"{site}/admin/")
    with anna.expect_navigation():
        anna.get_by_role("link", name="Watchlist", exact=True).click()
    changes = anna.locator("#watchlist-changes tbody tr")
    expect(changes).to_have_count(2)  # anna's creation and boris's edit
    newest = changes.first
    expect(newest).to_contain_text("Maize")
    expect(newest).to_contain_text("boris")
    expect(newest).to_contain_text("Boris: date the campaign")
    screenshot(anna, "watchlist")
    with anna.expect_navigation():
        newest.get_by_role("link", name="Changes").click()
    expect(anna.locator(".thaw-diff ins")).to_contain_text(["from the 1955 plenum."])
    anna.go_back()

    with anna.expect_navigation():
        anna.locator(".thaw-watched li", has_text="Maize").get_by_role("button", name="Unwatch").click()
    assert anna.url == f"{site}/admin/watchlist/"
    expect(anna.locator("ul.messagelist")).to_contain_text("“Maize” is no longer on your watchlist.")
    expect(anna.get_by_text("You watch no items.")).to_be_visible()
    expect(anna.get_by_text("No changes to the items you watch.")).to_be_visible()
    anna.context.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_the_editors_own_pages_have_no_serious_accessibility_violations(chromium, site, draft, author, width):
    submit_for_review(item=draft, by=author, note="Ready")  # boris is told: his notifications list one
    boris = signed_in(chromium, site, "boris", width=width)
    boris.goto(f"{site}/admin/events/topic/{draft.pk}/change/")
    with boris.expect_navigation():
        boris.get_by_role("button", name="Watch", exact=True).click()
    problems = {}
    pages = ["/admin/", "/admin/watchlist/", "/admin/notifications/", "/admin/notifications/preferences/"]
    for path in [*pages, f"/admin/events/topic/{draft.pk}/change/"]:
        boris.goto(f"{site}{path}")
        if found := serious_violations(boris):
            problems[path] = found
    assert problems == {}
    boris.context.close()
