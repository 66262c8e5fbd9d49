"""The editors' story in a real browser through the real admin: draft, review, send back, publish, edit, restore."""

import re

import pytest

from events.models import Source
from tests.browser.admin_session import save, signed_in
from thaw_site.publishing.publications import Publication

pytestmark = pytest.mark.browser


def transition(page, name, note=""):
    """Press a workflow button in the action bar; the edit summary beside it is its note."""
    page.fill("#id_edit_summary", note)
    with page.expect_navigation():
        page.click(f"button[name=_transition][value={name}]")
    assert "is now" in page.locator("ul.messagelist").inner_text()


def test_an_event_goes_from_draft_through_review_to_the_public_and_back(chromium, live_server, author, reviewer):
    Source.objects.create(key="taubman-2003", title="Khrushchev: The Man and His Era", authors=["Taubman, William"])
    anna = signed_in(chromium, live_server.url, "anna")
    boris = signed_in(chromium, live_server.url, "boris")
    public = chromium.new_page()

    # Anna drafts an event with a citation and submits it.
    anna.goto(f"{live_server.url}/admin/events/event/add/")
    anna.fill("#id_title", "Sputnik launched")  # the admin's prepopulated slug follows the title
    anna.fill("#id_date", "1957-10-04")
    anna.fill("#id_summary", "The first artificial satellite.")
    anna.fill("#id_body", "The Soviet Union launched Sputnik 1. [@taubman-2003, p. 370]")
    save(anna, "New event")
    transition(anna, "submit", "Ready for review")
    assert "is now in review" in anna.content()

    # Boris finds it in the queue and sends it back with a comment.
    boris.goto(f"{live_server.url}/admin/review/")
    boris.click("text=Sputnik launched")
    transition(boris, "send_back", "Say where it was launched from.")

    # Anna sees the comment on her dashboard, fixes the event and resubmits.
    anna.goto(f"{live_server.url}/admin/")
    assert "Say where it was launched from." in anna.locator("#sent-back-heading + ul").inner_text()
    anna.click("#sent-back-heading + ul >> text=Sputnik launched")
    anna.fill("#id_place", "Baikonur")
    save(anna, "Add the place")
    transition(anna, "submit", "Fixed")

    # Boris publishes; the public sees it.
    boris.reload()
    transition(boris, "publish", "First version")
    public.goto(f"{live_server.url}/events/sputnik-launched/")
    assert "Baikonur" in public.content() and "p. 370" in public.content()

    # Anna's later edit stays invisible to the public; the admin shows exactly that edit.
    anna.reload()
    anna.fill("#id_title", "Sputnik 1 launched")
    save(anna, "Name the satellite")
    assert anna.locator(".thaw-unpublished th[scope=row]").all_inner_texts() == ["Title"]
    assert [text.strip() for text in anna.locator(".thaw-unpublished ins").all_inner_texts()] == ["1"]
    public.reload()
    assert "Sputnik 1 launched" not in public.content()

    # Restoring the published revision works, and makes a draft.
    anna.click(".object-tools a.historylink")
    live_revision = Publication.objects.live().get(slug="sputnik-launched").revision_id
    anna.click(f"a[aria-label='Restore revision {live_revision}…']")
    assert [text.strip() for text in anna.locator(".thaw-diff del").all_inner_texts()] == ["1"]  # what will change
    with anna.expect_navigation():
        anna.click("text=Yes, restore revision")
    assert f"Revision {live_revision} restored" in anna.content()
    assert anna.locator("#id_title").input_value() == "Sputnik launched"

    # Anna names the satellite again; Boris approves; the public history lists both versions, each as it was.
    anna.fill("#id_title", "Sputnik 1 launched")
    save(anna, "Name the satellite, again")
    transition(anna, "submit", "Named")
    boris.reload()
    transition(boris, "publish", "Name the satellite")
    public.reload()
    assert "Sputnik 1 launched" in public.content()
    public.click("text=History")
    assert public.locator("ol.publications li").count() == 2
    public.locator("ol.publications li").last.locator("a").click()
    assert public.locator("h1").inner_text() == "Sputnik launched"
    assert "An earlier version" in public.content() and "p. 370" in public.content()
    assert re.search(r"/events/sputnik-launched/history/\d+/$", public.url)
