"""sitemap.xml: the fixed pages and every live publication; robots.txt, which names it."""

import datetime
from typing import TYPE_CHECKING, Any

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import sitemap
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse

from thaw_site.public.cache import PagePolicy, page_policy
from thaw_site.publishing.items import publishable_models
from thaw_site.publishing.publications import Publication

if TYPE_CHECKING:  # Sitemap is generic in the stubs only
    URLNameSitemap = Sitemap[str]
    PublicationSitemap = Sitemap[Publication]
else:
    URLNameSitemap = PublicationSitemap = Sitemap


class PagesSitemap(URLNameSitemap):
    def items(self) -> list[str]:
        lists = [model.public_list_url_name for model in publishable_models() if model.public_list_url_name]
        return ["home", "timeline", *lists]

    def location(self, item: str) -> str:
        return reverse(item)


class PublicationsSitemap(PublicationSitemap):
    limit = 5000

    def items(self) -> QuerySet[Publication]:
        return Publication.objects.live().only("kind", "slug", "published_at").order_by("kind", "slug")

    def lastmod(self, item: Publication) -> datetime.datetime:
        return item.published_at


SITEMAPS: "dict[str, type[Sitemap[Any]] | Sitemap[Any]]" = {"pages": PagesSitemap, "items": PublicationsSitemap}


@page_policy(PagePolicy(query=("p",)))  # Django's sitemaps page with ?p=
def sitemap_section(request: HttpRequest, section: str) -> TemplateResponse:
    return sitemap(request, SITEMAPS, section=section)


def robots_txt(request: HttpRequest) -> HttpResponse:
    """Every crawler may read everything public (the admin asks for a login), and is told where the sitemap is."""
    address = request.build_absolute_uri(reverse("sitemap"))
    return HttpResponse(f"User-agent: *\nDisallow:\n\nSitemap: {address}\n", content_type="text/plain; charset=utf-8")
