"""sitemap.xml: the fixed pages and every live publication."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from thaw_site.publishing.items import publishable_models
from thaw_site.publishing.publications import Publication


class PagesSitemap(Sitemap):
    def items(self):
        lists = [model.public_list_url_name for model in publishable_models() if model.public_list_url_name]
        return ["home", "timeline", *lists]

    def location(self, item):
        return reverse(item)


class PublicationsSitemap(Sitemap):
    limit = 5000

    def items(self):
        return Publication.objects.live().only("kind", "slug", "published_at").order_by("kind", "slug")

    def lastmod(self, item):
        return item.published_at


SITEMAPS = {"pages": PagesSitemap, "items": PublicationsSitemap}
