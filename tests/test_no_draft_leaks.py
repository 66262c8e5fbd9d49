"""Drafts never leak: a canary in every text field of unpublished work is found nowhere the public can reach.

The crawl is generic: it starts from every URL pattern that takes no arguments (home, lists, feeds, sitemaps,
search, JSON views — whatever exists when the test runs), follows every same-site link it finds, tries every
slug-taking pattern with the slugs of the unpublished items, asks anything searchable for the canary, and
finally reads the cache. New public views are covered without editing this file.
"""

import pickle

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import models
from django.test import RequestFactory
from django.urls import reverse

from events.models import Event, Participation, Period, Source, Topic
from people.models import Figure, Office
from thaw_site.public.cache import page_key
from thaw_site.publishing import services
from thaw_site.publishing.items import Status
from thaw_site.publishing.publications import Publication

from .public_site import (
    Crawl,
    fill,
    fixed_public_urls,
    public_patterns,
    publish_now,
    text_fields,
    url_parameters,
    withdraw_now,
)

pytestmark = pytest.mark.django_db

CANARY = "zqxcanary"
ITEM_MODELS = [Period, Topic, Source, Event, Figure]
UNPUBLISHED_STATES = [Status.DRAFT, Status.IN_REVIEW, Status.WITHDRAWN]
REQUIRED = {Event: {"date": "1957"}, Source: {"year": 1960}}


def canary_value(field, label):
    """A value for one field carrying the canary, valid enough to save."""
    if isinstance(field, models.URLField):
        return f"https://{CANARY}.example/{label}"
    if isinstance(field, models.SlugField):
        return f"{CANARY}-{label}"[: field.max_length]
    if isinstance(field, models.JSONField):
        return [f"{CANARY}, {label}"]
    return f"{CANARY} {field.name} {label}"[: field.max_length]


def canary_fields(model, label):
    """Every editable text field of the model with the canary in it (choices and EDTF dates keep valid values)."""
    return {**REQUIRED.get(model, {}), **{field.name: canary_value(field, label) for field in text_fields(model)}}


def make_item(model, state, published_neighbours):
    label = f"{model._meta.model_name}-{state}".replace("_", "-")
    item = model(**canary_fields(model, label))
    item.save()
    if model is Event:
        item.period = published_neighbours["period"]
        item.save()
        item.topics.add(published_neighbours["topic"])
        Participation.objects.create(event=item, figure=published_neighbours["figure"], role=f"{CANARY} role")
    if model is Figure:
        Office.objects.create(figure=item, **canary_fields(Office, label))
    if state == Status.WITHDRAWN:
        # Withdrawn after being live: its old publication (canary and all) stays in the database as history.
        publish_now(item)
        withdraw_now(item)
    else:
        services.record_status(item, state, by=None, reason="canary")
    return item


@pytest.fixture
def unpublished(era):
    neighbours = {
        "period": Period.objects.published().get(slug=settings.THAW_MAIN_PERIOD),
        "topic": Topic.objects.published().first(),
        "figure": Figure.objects.published().get(slug="nikita-khrushchev"),
    }
    items = [make_item(model, state, neighbours) for model in ITEM_MODELS for state in UNPUBLISHED_STATES]
    # A published event that links to unpublished work, and then gains an unpublished edit of its own.
    linking = Event.objects.get(slug="secret-speech")
    linking.related.add(*[i for i in items if isinstance(i, Event)])
    Participation.objects.create(event=linking, figure=next(i for i in items if isinstance(i, Figure)), order=99)
    publish_now(linking)
    for name, value in canary_fields(Event, "edit").items():
        if name not in {"slug", "date"}:
            setattr(linking, name, value)
    linking.save()
    return items


def cached_bytes():
    """Everything in the cache, as bytes (the local-memory cache keeps pickles), by key."""
    store = getattr(cache, "_cache", None)
    if store is None:
        pytest.skip("only the local-memory cache can be read whole")
    return {key: value if isinstance(value, bytes) else pickle.dumps(value) for key, value in store.items()}


def cached_urls(urls):
    """The crawled URL (fetched over HTTPS) each page-cache key holds, by key: keys hash the address."""
    return {cache.make_key(page_key(RequestFactory().get(url, secure=True))): url for url in urls}


def without_echo(url, body):
    """The search page repeats what the visitor typed. Not a leak."""
    if f"q={CANARY}" not in url:
        return body
    for echo in (f"q={CANARY}", f"Search: {CANARY} ", f'value="{CANARY}"', f"matches “{CANARY}”"):
        body = body.replace(echo.encode(), b"")
    return body


def test_the_canary_is_found_nowhere_public(client, unpublished):
    # The canary is there to find: in working copies, and in the withdrawn items' old publications.
    assert Publication.objects.filter(is_live=False, title__contains=CANARY).count() == len(ITEM_MODELS)
    assert Event.objects.get(slug="secret-speech").body.startswith(CANARY)
    crawl = Crawl(client)
    fixed = fixed_public_urls()
    crawl.follow(fixed)
    crawl.follow(f"{url}?q={CANARY}" for url in fixed)
    slugs = [item.natural_key()[0] for item in unpublished]
    for route, _ in public_patterns():
        names = url_parameters(route)
        if len(names) == 1:
            for slug in slugs:
                status, _ = crawl.fetch(fill(route, {names[0]: slug}))
                assert status in {404, 301, 302}, (route, slug, status)
    leaks = [url for url, (_, body) in crawl.seen.items() if CANARY.encode() in without_echo(url, body).lower()]
    assert leaks == []
    echoed = [url for url, (_, body) in crawl.seen.items() if CANARY.encode() in body.lower()]
    print(f"canary echoed back in {len(echoed)} URLs the crawl typed, found in {len(leaks)} otherwise")
    print(f"crawled {len(crawl.seen)} URLs, {len(crawl.pages())} pages answered 200")
    assert len(crawl.pages()) > 80
    cached = cached_bytes()
    urls = cached_urls(crawl.seen)
    assert any(CANARY in urls.get(key, "") for key in cached)  # the search for the canary was cached, echo and all
    assert [key for key, value in cached.items() if CANARY.encode() in without_echo(urls.get(key, ""), value)] == []


def test_the_crawl_would_see_the_canary_once_published(client, unpublished):
    """The same crawl finds the canary after publishing: proof that it looks where the canary would show."""
    draft_event = next(i for i in unpublished if isinstance(i, Event) and i.status == Status.DRAFT)
    publish_now(draft_event)
    status, body = Crawl(client).fetch(reverse("events:event", args=[draft_event.slug]))
    assert status == 200 and CANARY.encode() in body


def test_a_published_page_is_byte_identical_after_a_draft_edit_until_published(client, era):
    event = Event.objects.get(slug="secret-speech")
    url = reverse("events:event", args=[event.slug])
    before = client.get(url).content
    event.title = "A new title in the working copy"
    event.body = f"{event.body}\n\nAn unreviewed paragraph."
    event.save()
    assert client.get(url).content == before
    publish_now(event)
    after = client.get(url).content.decode()
    assert "A new title in the working copy" in after and "An unreviewed paragraph." in after
