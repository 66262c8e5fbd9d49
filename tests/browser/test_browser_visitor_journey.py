"""A visitor's story in headless Chromium: home, timeline by topic, an event, a footnote and back, a figure, search."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

WIDTHS = {"desktop": 1280, "phone": 390}


@pytest.mark.parametrize("device", WIDTHS)
def test_a_visitor_goes_from_home_through_the_timeline_to_an_event_its_source_a_figure_and_search(
    chromium, era_site, screenshot, device
):
    context = chromium.new_context(viewport={"width": WIDTHS[device], "height": 900})
    page = context.new_page()

    page.goto(era_site + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text("The Khrushchev era")
    expect(page.locator(".chart svg")).to_be_visible()
    screenshot(page, f"home-{device}")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Timeline").click()
    page.get_by_role("navigation", name="Topics").get_by_role("link", name="De-Stalinization").click()
    expect(page).to_have_url(re.compile(r"/timeline/\?topic=de-stalinization$"))
    expect(page.locator(".active-filters")).to_contain_text("in De-Stalinization")
    expect(page.get_by_role("link", name="Launch of Sputnik 1")).to_have_count(0)
    screenshot(page, f"timeline-de-stalinization-{device}")

    page.get_by_role("link", name="The Secret Speech").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The Secret Speech")

    footnote = page.locator("sup.reference a").first
    footnote.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#cite-note-1$"))
    note = page.locator("#cite-note-1")
    expect(note).to_be_in_viewport()
    expect(note).to_contain_text("History of the Soviet Union")
    screenshot(page, f"event-footnote-{device}")
    note.locator('a[href="#cite-ref-1-a"]').click()
    expect(page).to_have_url(re.compile(r"#cite-ref-1-a$"))
    expect(page.locator("#cite-ref-1-a")).to_be_in_viewport()

    page.locator(".item section").get_by_role("link", name="Nikita Khrushchev").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Nikita Khrushchev")
    expect(page.get_by_role("heading", name="Offices held")).to_be_visible()
    screenshot(page, f"figure-{device}")

    search = page.get_by_role("search").first.get_by_role("searchbox")
    search.fill("Gagarin")
    search.press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q=Gagarin$"))
    result = page.locator(".results").get_by_role("link", name="Yuri Gagarin", exact=True)
    expect(result).to_be_visible()
    expect(page.locator(".results mark").first).to_have_text(re.compile("gagarin", re.IGNORECASE))
    screenshot(page, f"search-{device}")
    result.click()
    expect(page).to_have_url(re.compile(r"/people/yuri-gagarin/$"))
    context.close()
