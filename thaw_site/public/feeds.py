"""An Atom feed of published changes: the newest live publications, newest first."""

from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed

from thaw_site.publishing.publications import Publication

FEED_ITEMS = 50


class PublishedChanges(Feed):
    feed_type = Atom1Feed
    title = "Thaw: published changes"
    subtitle = "Pages of the Soviet Union 1953–1964, as each is published or revised after review."
    link = reverse_lazy("home")

    def items(self):
        return Publication.objects.live().defer("data", "search_text").order_by("-published_at", "-id")[:FEED_ITEMS]

    def item_title(self, item):
        return f"{item.get_kind_display()}: {item.title}"

    def item_description(self, item):
        return item.note or item.summary

    def item_guid(self, item):
        # One entry per publication, so a revision of the same page is a new entry.
        return f"{item.get_absolute_url()}#publication-{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.published_at
