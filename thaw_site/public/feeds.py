"""An Atom feed of published changes: the newest live publications, newest first.

Each entry is one publication, so a revision of a page is a new entry. Its id is the publication's permanent
address (the version page, which never changes), absolute as Atom requires; its `updated` is when it was
published; its summary is the edit summary, which says what changed.
"""

import datetime
from typing import TYPE_CHECKING

from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed, SyndicationFeed

from thaw_site.public.cache import EVERY_CHANGE
from thaw_site.public.history import version_url
from thaw_site.publishing.publications import Publication

if TYPE_CHECKING:  # Feed is generic in the stubs only: items of the feed, and the object it is about (none)
    PublicationFeed = Feed[Publication, None]
else:
    PublicationFeed = Feed

FEED_ITEMS = 50


class PublishedChanges(PublicationFeed):
    feed_type = Atom1Feed
    title = "Thaw: published changes"
    subtitle = "Pages of the Soviet Union 1953–1964, as each is published or revised after review."
    link = reverse_lazy("home")
    author_name = "Thaw editors"
    page_policy = EVERY_CHANGE  # the newest publications, whichever they are

    def items(self) -> QuerySet[Publication]:
        return Publication.objects.live().defer("data", "search_text").order_by("-published_at", "-id")[:FEED_ITEMS]

    def item_title(self, item: Publication) -> str:
        return f"{item.get_kind_display()}: {item.title}"

    def item_description(self, item: Publication) -> str:
        return item.note or "Published."

    def item_guid(self, item: Publication) -> str:
        return version_url(item, item.slug)  # made absolute in get_feed, which has the request

    item_guid_is_permalink = False

    def item_pubdate(self, item: Publication) -> datetime.datetime:
        return item.published_at

    def item_updateddate(self, item: Publication) -> datetime.datetime:
        return item.published_at

    def get_feed(self, obj: None, request: HttpRequest) -> SyndicationFeed:
        feed = super().get_feed(obj, request)
        for entry in feed.items:
            entry["unique_id"] = request.build_absolute_uri(entry["unique_id"])
        return feed
