"""Shared by the leak and XSS tests: the text fields of a model, and a generic crawl of the public site."""

import re
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver

from thaw_site.publishing.items import Status
from thaw_site.publishing.services import make_live, record_status, take_down
from thaw_site.text.dates import validate_edtf


def publish_now(item):
    """Put the item live at once, skipping review: for tests about what the public sees, not the workflow."""
    record_status(item, Status.PUBLISHED, by=None, reason="Published")
    return make_live(item)


def withdraw_now(item):
    record_status(item, Status.WITHDRAWN, by=None, reason="Withdrawn")
    take_down(item)


def text_fields(model):
    """Editable fields holding free text (slugs, URLs and JSON lists included); choices and EDTF dates excluded."""
    return [
        field
        for field in model._meta.concrete_fields
        if field.editable
        and not field.choices
        and validate_edtf not in field.validators
        and isinstance(field, (models.CharField, models.TextField, models.JSONField))
    ]


def public_patterns(resolver=None, prefix=""):
    """(route, pattern) for every URL pattern outside the admin, flattened."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if entry.app_name != "admin":
                yield from public_patterns(entry, route)
        elif isinstance(entry, URLPattern):
            yield route, entry


def url_parameters(route):
    return re.findall(r"<(?:\w+:)?(\w+)>", route)


def fill(route, values):
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values[m.group(1)], route).lstrip("^").rstrip("$")


def fixed_public_urls():
    """Every public URL that takes no arguments: home, lists, feeds, sitemaps, search, JSON views."""
    return [fill(route, {}) for route, _ in public_patterns() if not url_parameters(route)]


def shape(url):
    """A URL with its slugs and numbers left out and its query reduced to parameter names: one kind of page.
    '/events/secret-speech/history/81/' -> '/events/*/history/*/'; '/timeline/?topic=x&page=2' -> '/timeline/?page&topic'"""
    parts = urlsplit(url)
    segments = [
        segment if segment in FIXED_SEGMENTS else re.sub(r"^[^.]+", "*", segment) for segment in parts.path.split("/")
    ]
    names = sorted({pair.split("=")[0] for pair in parts.query.split("&") if pair})
    return "/".join(segments) + ("?" + "&".join(names) if names else "")


# The words of the site's URLs, which shape() keeps: the rest are slugs, keys and numbers.
FIXED_SEGMENTS = {"", "events", "people", "periods", "topics", "sources", "history", "citations", "needed", "timeline"}


class Crawl:
    """Fetch pages once each over HTTPS, following same-site links and sitemap entries outside admin and static."""

    def __init__(self, client, per_shape=None):
        self.client = client
        self.seen = {}
        self.types = {}
        self.per_shape = per_shape  # at most this many pages of each shape of URL (shape()), if set
        self.shapes = {}

    def fetch(self, url):
        if url not in self.seen:
            response = self.client.get(url, secure=True)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            self.seen[url] = (response.status_code, body)
            self.types[url] = response.get("Content-Type", "")
        return self.seen[url]

    def follow(self, start_urls):
        queue = list(start_urls)
        while queue:
            url = queue.pop()
            status, body = self.fetch(url)
            if status != 200:
                continue
            for href in re.findall(rb'(?:href|src)="([^"#]+)', body) + re.findall(rb"<loc>([^<]+)</loc>", body):
                parts = urlsplit(urljoin(url, href.decode()))
                if parts.netloc not in {"", "testserver"}:
                    continue
                if parts.path.startswith(("/static/", f"/{settings.ADMIN_URL}")):
                    continue
                if parts.query and "?" in url:
                    continue  # filter links combine without end (topic × figure × years × page): one hop of them
                local = parts.path + (f"?{parts.query}" if parts.query else "")
                if local not in self.seen and self.take(local):
                    queue.append(local)

    def take(self, url):
        if self.per_shape is None:
            return True
        count = self.shapes.get(shape(url), 0)
        self.shapes[shape(url)] = count + 1
        return count < self.per_shape

    def pages(self):
        return {url: body for url, (status, body) in self.seen.items() if status == 200}

    def html_pages(self):
        """The pages a browser parses as HTML (feeds, sitemaps and exports are served as data, nosniff)."""
        return {url: body for url, body in self.pages().items() if self.types[url].startswith("text/html")}
