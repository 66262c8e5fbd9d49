"""Markup and XSS: hostile text in every text and URL field executes nowhere, on public pages or in the admin.

Each payload goes into every text field of every editorial model (and the inline rows: offices, participations),
through model saves and through import; the item is published, then its public page, the lists and the admin's
changelist, change, history and messages are parsed and audited.
"""

import copy
import json
import re
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils.html import escape

from events.interchange import ImportFailed, import_document
from events.models import Event, Participation, Period, Source, Topic
from people.models import Figure, Office
from tests.factories import SuperuserFactory

from .public_site import Crawl, fixed_public_urls, publish_now, text_fields

pytestmark = pytest.mark.django_db

PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    '"><script>alert(1)</script>',
    "'><svg onload=alert(1)>",
    '" onmouseover="alert(1)',
    "' onfocus='alert(1)' autofocus='",
    "x onmouseover=alert(1) x=",
    "javascript:alert(1)",
    " JaVaScRiPt:alert(1)",
    "&#106;avascript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "[click](javascript:alert(1))",
    "[click](JAVASCRIPT:alert(1))",
    "[click](data:text/html,<script>alert(1)</script>)",
    "![x](javascript:alert(1))",
    "<javascript:alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    "[@<script>alert(1)</script>]",
    "[@key, p. <img src=x onerror=alert(1)>]",
    "[@",
    "[citation needed: <script>alert(1)</script>]",
    "*" * 300 + "deep" + "*" * 300,
    "> " * 300 + "deep quote",
    "[" * 300 + "x" + "](javascript:alert(1))" * 50,
    "</textarea><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "<iframe src=//evil.example></iframe>",
    "<style>@import 'https://evil.example/x.css'</style>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "{{ settings.SECRET_KEY }}{% debug %}",
    "\u202e<script>alert(1)</script>\u2028",
]
FORBIDDEN_TAGS = {"iframe", "object", "embed", "base", "mglyph"}
PAYLOAD_MARKS = ("alert(", "evil.example")
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "poster", "srcset"}


class Audit(HTMLParser):
    """Collect anything in a page that could run: payload script, handlers, dangerous URLs, foreign tags."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []
        self.in_code = False
        self.data_block = None  # text of an open JSON data block, checked whole at its end tag

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in FORBIDDEN_TAGS:
            self.problems.append(f"<{tag}>")
        if tag == "script" and attributes.get("type") in DATA_BLOCKS:
            self.data_block = []
        elif tag in {"script", "style"}:
            self.in_code = True
        if tag == "script":
            src = attributes.get("src") or ""
            same_site = src.startswith("/") and not src.startswith("//")
            if not same_site and attributes.get("type") not in DATA_BLOCKS:
                self.problems.append(f"<script src={src!r}>")
        for name, value in attrs:
            if name in URL_ATTRIBUTES and value and any(mark in value for mark in PAYLOAD_MARKS):
                self.problems.append(f"<{tag} {name}={value[:40]!r}>")
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…>")
            if name in URL_ATTRIBUTES and value:
                compact = re.sub(r"[\s\x00-\x1f]", "", value).lower()
                if compact.startswith(("javascript:", "vbscript:", "data:")):
                    self.problems.append(f"<{tag} {name}={value[:40]!r}>")

    def handle_endtag(self, tag):
        if tag == "script" and self.data_block is not None:
            self.check_data_block("".join(self.data_block))
            self.data_block = None
        if tag in {"script", "style"}:
            self.in_code = False

    def check_data_block(self, text):
        """A data block is never run; it must stay data: valid JSON that cannot close its tag or open a comment."""
        try:
            json.loads(text)
        except ValueError:
            self.problems.append("a data block that is not JSON")
        if "</script" in text.lower() or "<!--" in text:
            self.problems.append("a data block that can break out of its tag")

    def handle_data(self, data):
        if self.data_block is not None:
            self.data_block.append(data)
        elif self.in_code and any(mark in data for mark in PAYLOAD_MARKS):
            self.problems.append("script or style text from a payload")


DATA_BLOCKS = {"application/json", "application/ld+json"}  # data, never run by the browser


def audit(html):
    parser = Audit()
    parser.feed(html)
    parser.close()
    problems = parser.problems
    if settings.SECRET_KEY in html:
        problems.append("the secret key")
    return problems


def hostile(model, payload, number):
    """Every text field set to the payload; identifiers stay usable so the page can be addressed."""
    values = {}
    for field in text_fields(model):
        if field.name in {"slug", "key"}:
            values[field.name] = f"xss-{number}"
        elif field.get_internal_type() == "JSONField":
            values[field.name] = [payload]
        else:
            values[field.name] = payload if field.get_internal_type() == "TextField" else payload[: field.max_length]
    return values


def publish_hostile_items(payload, number):
    topic = Topic.objects.create(**hostile(Topic, payload, number))
    source = Source.objects.create(year=1960, **hostile(Source, payload, number))
    period = Period.objects.create(**hostile(Period, payload, number))
    figure = Figure.objects.create(**hostile(Figure, payload, number))
    Office.objects.create(figure=figure, **hostile(Office, payload, number))
    event = Event.objects.create(date="1957", period=period, **hostile(Event, payload, number))
    event.body = f"{payload} [@xss-{number}, p. {payload[:50]}]"
    event.save()
    event.topics.add(topic)
    Participation.objects.create(event=event, figure=figure, role=payload[:200])
    items = [topic, source, period, figure, event]
    for item in items:
        publish_now(item)
    return items


@pytest.fixture
def superuser_client(client):
    client.force_login(SuperuserFactory())
    return client


@pytest.mark.parametrize(("number", "payload"), list(enumerate(PAYLOADS)), ids=[str(n) for n in range(len(PAYLOADS))])
def test_payloads_saved_on_models_execute_nowhere(superuser_client, client, db, number, payload):
    items = publish_hostile_items(payload, number)
    crawl = Crawl(client)
    crawl.follow([*fixed_public_urls(), *(item.get_absolute_url() for item in items)])
    for item in items:
        assert crawl.fetch(item.get_absolute_url())[0] == 200
    for url, body in crawl.html_pages().items():
        assert audit(body.decode()) == [], url
    for item in items:
        info = item._meta.app_label, item._meta.model_name
        for url in (
            reverse("admin:{}_{}_changelist".format(*info)),
            reverse("admin:{}_{}_change".format(*info), args=[item.pk]),
            reverse("admin:{}_{}_history".format(*info), args=[item.pk]),
        ):
            response = superuser_client.get(url)
            assert response.status_code == 200, url
            assert audit(response.content.decode()) == [], url


def test_the_title_reaches_the_page_as_text(client, db):
    payload = "<script>alert(1)</script>"
    event = next(i for i in publish_hostile_items(payload, 0) if isinstance(i, Event))
    html = client.get(event.get_absolute_url()).content.decode()
    assert escape(payload) in html
    assert payload not in html


def test_admin_messages_escape_the_saved_name(superuser_client, db):
    topic = Topic.objects.create(slug="messages", name="Messages")
    url = reverse("admin:events_topic_change", args=[topic.pk])
    for payload in PAYLOADS:
        form = superuser_client.get(url).context["adminform"].form
        data = {name: form[name].value() or "" for name in form.fields}
        data["name"] = payload[:200]
        response = superuser_client.post(url, data, follow=True)
        html = response.content.decode()
        # Saved with a success message, or refused with the form shown again (null characters are refused).
        assert "was changed successfully" in html or "Please correct the error" in html, payload
        assert audit(html) == [], payload


def test_a_one_megabyte_body_is_saved_published_and_rendered_safely(client, db):
    chunk = "\n\n".join(PAYLOADS)
    body = (chunk * (1_000_000 // len(chunk) + 1))[:1_000_000]
    event = Event.objects.create(slug="megabyte", title="A long one", date="1960", body=body)
    publish_now(event)
    response = client.get(event.get_absolute_url())
    assert response.status_code == 200
    assert len(response.content) > 500_000
    assert audit(response.content.decode()) == []


IMPORTED_FIELDS = {
    "events": ("title", "summary", "place", "body"),
    "figures": ("name", "native_name", "summary", "body"),
    "sources": ("title", "publisher", "url"),
    "topics": ("name", "description"),
}


PAGES = {"events": "events:event", "figures": "people:figure", "sources": "events:source", "topics": "events:topic"}


def hostile_documents(era_document, payload):
    """The payload in every imported text field of one item per section; the URL field apart, as it is checked."""
    for wanted in ({name for names in IMPORTED_FIELDS.values() for name in names} - {"url"}, {"url"}):
        document = copy.deepcopy(era_document)
        for section, names in IMPORTED_FIELDS.items():
            document[section][0].update({name: payload for name in names if name in wanted})
        yield document


def test_payloads_through_import_are_refused_or_rendered_harmless(client, era, era_document):
    refused = rendered = 0
    for payload in PAYLOADS:
        for document in hostile_documents(era_document, payload):
            try:
                import_document(document, source_name="hostile.json")
            except ImportFailed as refusal:
                assert refusal.errors
                refused += 1
                continue
            rendered += 1
            for section, page in PAGES.items():
                item = document[section][0]
                url = reverse(page, args=[item.get("slug") or item.get("key")])
                response = client.get(url)
                assert response.status_code == 200, url
                assert audit(response.content.decode()) == [], (payload, url)
    print(f"import: {refused} hostile files refused, {rendered} imported and rendered harmless")
    assert rendered >= 20


def test_a_nul_character_in_an_import_is_refused_by_place(era, era_document):
    event = era_document["events"][0]
    event["summary"] = "<script>alert(1)</script>\u0000"
    with pytest.raises(ImportFailed) as refusal:
        import_document(era_document, source_name="nul.json")
    assert refusal.value.errors == [f"events[0] {event['slug']!r}, field summary: contains a NUL character (\\u0000)"]
    assert not Event.objects.filter(summary__contains="alert").exists()
