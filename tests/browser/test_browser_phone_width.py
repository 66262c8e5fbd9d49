"""Every public page type fits a 390 px phone screen without horizontal scrolling, on the shipped era and on the
hostile generated one (long unbroken payloads, Cyrillic, long source titles in the filters)."""

import pytest
from django.db.models.functions import Length

from events.models import Event
from thaw_site.publishing.publications import Kind, Publication
from thaw_site.publishing.services import publish, submit_for_review

from ..editing import edit

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}

# The elements sticking out past the right edge, deepest first: what to fix when a page is too wide.
OVERFLOWING = """() => [...document.querySelectorAll('body *')]
    .filter(element => element.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
    .filter(element => ![...element.children].some(child => child.getBoundingClientRect().right >
        document.documentElement.clientWidth + 0.5))
    .slice(0, 5)
    .map(element => `${element.tagName.toLowerCase()}.${element.className}: ${element.getBoundingClientRect().right}`)"""


def widest(kind):
    """The live item of this kind with the longest title: the likeliest to be too wide."""
    return Publication.objects.live().of_kind(kind).order_by(Length("title").desc(), "pk").first()


def republished_event(author, reviewer):
    """An event published a second time, so that its first publication is an earlier version."""
    event = Event.objects.filter(slug=widest(Kind.EVENT).slug).get()
    edit(event, author, "Retitle", title=f"{event.title} (revised)")
    submit_for_review(item=event, by=author, note="")
    publish(item=event, by=reviewer, note="Retitle")
    return Publication.objects.filter(item_uid=event.uid, is_live=False).get()


def one_url_of_each_page_type(author, reviewer):
    earlier = republished_event(author, reviewer)
    event = widest(Kind.EVENT)
    return {
        "home": "/",
        "timeline": "/timeline/",
        "event": event.get_absolute_url(),
        "figure": widest(Kind.FIGURE).get_absolute_url(),
        "figures": "/people/",
        "source": widest(Kind.SOURCE).get_absolute_url(),
        "bibliography": "/sources/",
        "period": widest(Kind.PERIOD).get_absolute_url(),
        "topic": widest(Kind.TOPIC).get_absolute_url(),
        "topics": "/topics/",
        "search results": f"/search/?q={event.title.split()[0]}",
        "citations needed": "/citations/needed/",
        "citation report": "/citations/",
        "corrections": "/corrections/",
        "history": f"{event.get_absolute_url()}history/",
        "earlier version": f"{event.get_absolute_url()}history/{earlier.pk}/",
        "404": "/no-such-page/",
    }


def too_wide(chromium, site, urls):
    """{page type: (scrollWidth, the elements sticking out)} for each page wider than the phone's screen."""
    context = chromium.new_context(viewport=PHONE)
    page = context.new_page()
    found = {}
    for name, url in urls.items():
        page.goto(site + url)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            found[name] = (width, page.evaluate(OVERFLOWING))
    context.close()
    return found


def test_every_public_page_type_of_the_shipped_era_fits_a_390_px_screen(chromium, era_site, author, reviewer):
    urls = one_url_of_each_page_type(author, reviewer)
    assert too_wide(chromium, era_site, urls) == {}


def test_every_public_page_type_of_a_hostile_era_fits_a_390_px_screen(
    chromium, live_server, transactional_db, hostile_era, author, reviewer
):
    urls = one_url_of_each_page_type(author, reviewer)
    assert too_wide(chromium, live_server.url, urls) == {}
