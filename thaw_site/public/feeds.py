"""An Atom feed of published changes: the newest live publications, newest first."""

import datetime
from typing import TYPE_CHECKING

from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed

from thaw_site.public.cache import EVERY_CHANGE
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
    page_policy = EVERY_CHANGE  # the newest publications, whichever they are

    def items(self) -> QuerySet[Publication]:
        return Publication.objects.live().defer("data", "search_text").order_by("-published_at", "-id")[:FEED_ITEMS]

    def item_title(self, item: Publication) -> str:
        return f"{item.get_kind_display()}: {item.title}"

    def item_description(self, item: Publication) -> str:
        return item.note or item.summary

    def item_guid(self, item: Publication) -> str:
        # One entry per publication, so a revision of the same page is a new entry.
        return f"{item.get_absolute_url()}#publication-{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: Publication) -> datetime.datetime:
        return item.published_at

    def item_updateddate(self, item: Publication) -> datetime.datetime:
        return item.published_at
