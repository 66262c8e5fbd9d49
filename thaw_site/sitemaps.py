"""sitemap.xml: the fixed pages and every live publication."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Publication


class PagesSitemap(Sitemap):
    def items(self):
        return ["home", "timeline", "people:figures", "events:topics", "events:sources"]

    def location(self, item):
        return reverse(item)


class PublicationsSitemap(Sitemap):
    limit = 5000

    def items(self):
        return Publication.objects.live().only("kind", "slug", "published_at").order_by("kind", "slug")

    def lastmod(self, item):
        return item.published_at


SITEMAPS = {"pages": PagesSitemap, "items": PublicationsSitemap}
