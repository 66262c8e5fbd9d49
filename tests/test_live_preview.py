"""Issue 15 item 2: the live preview of a change form's text, rendered by the endpoint the form's script posts to.

It renders with the code that publishes (the same HTML as the publication for the same text), marks what the
citation policy will refuse exactly as publishing refuses it, answers only staff who may change items of that
kind, checks CSRF, bounds its input, is never cached, and escapes a hostile body exactly as the public page does.
"""

import html
import json
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events.models import Event, Period, Source
from people.models import Figure
from tests.admin_forms import admin_url, form_data
from tests.factories import UserFactory, staff_with
from tests.public_site import publish_now
from thaw_site.public.pages import resolve
from thaw_site.publishing.publications import Publication
from thaw_site.publishing.services import publish, submit_for_review

pytestmark = pytest.mark.django_db

BLOCKING = re.compile(r'aria-labelledby="live-preview-blocking">.*?<ul>(.*?)</ul>', re.DOTALL)
REFUSED = re.compile(r'aria-labelledby="live-preview-refused">.*?<ul>(.*?)</ul>', re.DOTALL)
HOSTILE = (
    'Breakout </div></section><script>alert("body")</script> <img src=x onerror=alert(1)> '
    '[a link](javascript:alert(1)) [another](JaVaScRiPt&#58;alert(2)) <a href="javascript:alert(3)">raw</a> '
    '[@baradat-1986, p. <b onmouseover="alert(4)">4</b>] [@"><script>alert(5)</script>] '
    "[citation needed: <i>x</i>] `<script>alert(6)</script>`"
)


def live_url(kind="event"):
    return reverse("editorial:live-preview", args=[kind])


def preview(client, kind="event", **fields):
    return client.post(live_url(kind), {"body": "", **fields})


def listed(pattern, response):
    """The items of one of the panel's problem lists, as text."""
    found = pattern.search(response.content.decode())
    return [html.unescape(item) for item in re.findall(r"<li>(.*?)</li>", found.group(1))] if found else []


def reference_list(publication):
    """The references list as the item's public page renders it."""
    return render_to_string("includes/reference_list.html", {"references": resolve(publication)[1]})


@pytest.fixture
def signed_in(client, author):
    client.force_login(author)
    return client


# The same rendering as publishing.

BODY = (
    "Khrushchev spoke for four hours. [@schapiro-1971, p. 12] The delegates were stunned. [citation needed: 2024-05]\n\n"
    "> A quotation. [@baradat-1986; @schapiro-1971, pp. 3–5]\n\n"
    "* a list item [@wikipedia-ussr-1953-1964]\n* [a link](https://example.org/) and *emphasis*\n\n"
    "A [citation needed] without a date. [@baradat-1986, ch. 2]"
)


def test_a_new_items_body_renders_as_its_publication_does(signed_in, era):
    response = preview(signed_in, body=BODY, date_citation="[@nenarokov-1968, p. 9]")
    assert response.status_code == 200
    event = Event.objects.create(
        slug="speech-test", title="Test", date="1956", body=BODY, date_citation="[@nenarokov-1968, p. 9]"
    )
    publication = publish_now(event)
    page = response.content.decode()
    assert publication.data["rendered"]["body"] in page
    assert publication.data["rendered"]["date_citation"] in page
    assert reference_list(publication) in page
    assert [use["letter"] for ref in publication.data["references"] for use in ref["uses"]] == [
        "a",
        "a",
        "b",
        "a",
        "b",
        "a",
    ]
    assert "p. 9" in page and "ch. 2" in page and "pp. 3–5" in page
    assert page.count('class="citation-needed"') == 2


@pytest.mark.parametrize(
    ("model", "key"), [(Event, "secret-speech"), (Figure, "nikita-khrushchev"), (Period, "khrushchev-era")]
)
def test_a_live_items_change_form_previews_exactly_its_publication(client, superuser, era, model, key):
    item = model.objects.get(**{model.natural_key_field: key})
    client.force_login(superuser)
    publication = Publication.objects.live().get(item_uid=item.uid)
    response = client.post(live_url(model._meta.model_name), form_data(client, item))
    page = response.content.decode()
    assert response.status_code == 200
    assert publication.data["rendered"]["body"] and publication.data["rendered"]["body"] in page
    assert reference_list(publication) in page
    for fact in model.cited_facts:
        assert publication.data["rendered"][fact] in page
    notes = render_to_string("includes/editors_notes.html", {"data": publication.data})
    assert notes.strip() in page
    assert "Nothing in the citations blocks publishing." in page


def test_editors_notes_and_disputed_facts_take_their_numbers_in_page_order(signed_in, era):
    notes = '[{"kind": "wrong", "about": "the date", "text": "It was later. [@baradat-1986, p. 2]"}]'
    disputed = (
        '[{"fact": "Delegates", "values": [{"value": "1,436", "citation": "[@schapiro-1971]", "preferred": true},'
        ' {"value": "1,355", "citation": "[citation needed]"}]}]'
    )
    page = preview(signed_in, body="Text. [@nenarokov-1968]", notes=notes, disputed=disputed).content.decode()
    event = Event.objects.create(slug="n", title="N", date="1956", body="Text. [@nenarokov-1968]")
    event.notes, event.disputed = json.loads(notes), json.loads(disputed)
    event.save()
    publication = publish_now(event)
    assert reference_list(publication) in page
    assert [ref["key"] for ref in publication.data["references"]] == ["schapiro-1971", "baradat-1986", "nenarokov-1968"]
    assert "Editors' notes" in page and "It was later." in page and "1,436" in page and "(preferred)" in page


def test_an_empty_form_says_the_body_is_empty(signed_in):
    page = preview(signed_in).content.decode()
    assert "The body is empty." in page and "Nothing in the citations blocks publishing." in page


# What blocks publishing: the citation policy's own check, word for word.

BAD_BODY = "A claim. [@nosuch-1999, p. 4] Another. [@baradat-1986; oops] A flag. [citation needed: May 2010] End [@open"


def test_unknown_keys_and_malformed_markup_are_listed_as_publishing_will_refuse_them(client, author, reviewer, era):
    client.force_login(author)
    response = preview(client, body=BAD_BODY, date_citation="[@gone-1950]")
    blocking = listed(BLOCKING, response)
    event = Event.objects.create(slug="bad", title="Bad", date="1956", body=BAD_BODY, date_citation="[@gone-1950]")
    submit_for_review(item=event, by=author)
    with pytest.raises(ValidationError) as refused:
        publish(item=event, by=reviewer)
    assert sorted(blocking) == sorted(refused.value.messages)
    assert len(blocking) == 5
    assert "body: unknown source key 'nosuch-1999' in [@nosuch-1999]" in blocking
    assert "date_citation: unknown source key 'gone-1950' in [@gone-1950]" in blocking
    assert 'data-blocking="5"' in response.content.decode()
    assert "Publishing will refuse this: 5 problems with citations" in response.content.decode()


def test_a_draft_sources_key_does_not_block_publishing(signed_in, era):
    Source.objects.create(key="draft-1960", title="A draft source")
    response = preview(signed_in, body="A claim. [@draft-1960, p. 1]")
    assert listed(BLOCKING, response) == []
    assert "A source not yet published." in response.content.decode()  # as the public page will say, until it is


def test_with_the_policy_off_nothing_blocks_publishing_but_saving_still_refuses(signed_in, era, settings):
    settings.THAW_CITATION_POLICY = False
    response = preview(signed_in, body="A claim. [@nosuch-1999]")
    assert listed(BLOCKING, response) == []
    assert listed(REFUSED, response) == ["body: unknown source key 'nosuch-1999' in [@nosuch-1999]"]


@pytest.mark.parametrize(
    ("notes", "message"),
    [
        ("[{", "notes: not valid JSON, so the preview leaves it out"),
        ('[{"kind": "odd", "text": "x"}]', "notes: notes[0].kind: 'odd' is not one of wrong, outdated, contested"),
    ],
)
def test_editors_notes_that_saving_would_refuse_are_named(signed_in, era, notes, message):
    response = preview(signed_in, body="Text.", notes=notes)
    assert response.status_code == 200
    assert listed(REFUSED, response) == [message]


# Who may use it.


@pytest.fixture
def viewer(db):
    """Staff who may view events, not change them."""
    return staff_with("vika", "view_event")


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", "login"),
        ("reader", "login"),
        ("staff", 403),
        ("viewer", 403),
        ("author", 200),
        ("reviewer", 200),
        ("superuser", 200),
    ],
)
@pytest.mark.parametrize("kind", ["event", "figure", "period"])
def test_only_staff_who_may_change_that_kind_get_a_preview(client, users_by_role, viewer, era, role, expected, kind):
    users = {**users_by_role, "viewer": viewer, "reader": UserFactory(username="reader")}
    if role != "anonymous":
        client.force_login(users[role])
    response = preview(client, kind, body="Secret zqxlivecanary text. [@baradat-1986]")
    if expected == "login":
        assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))
    else:
        assert response.status_code == expected
    assert ("zqxlivecanary" in response.content.decode()) is (expected == 200)


def test_change_permission_on_one_kind_previews_that_kind_only(client):
    client.force_login(staff_with("eddie", "change_event"))
    assert preview(client, "event", body="Text.").status_code == 200
    assert preview(client, "figure", body="Text.").status_code == 403


@pytest.mark.parametrize("kind", ["topic", "source", "citation", "nothing"])
def test_kinds_without_cited_text_have_no_live_preview(client, superuser, kind):
    client.force_login(superuser)
    assert preview(client, kind, body="Text.").status_code == 404


def test_it_takes_only_posts(signed_in):
    assert signed_in.get(live_url(), {"body": "Text."}).status_code == 405


def test_a_post_without_a_body_field_is_refused(signed_in):
    response = signed_in.post(live_url(), {"title": "Text."})
    assert response.status_code == 400 and "body is missing" in response.content.decode()


def test_a_post_without_the_csrf_token_is_refused(author):
    client = Client(enforce_csrf_checks=True)
    client.force_login(author)
    assert client.post(live_url(), {"body": "Text."}).status_code == 403
    client.get(admin_url(Event, "add"))  # sets the CSRF cookie, as the change form does
    token = client.cookies["csrftoken"].value
    response = client.post(live_url(), {"body": "Text.", "csrfmiddlewaretoken": token})
    assert response.status_code == 200 and "Text." in response.content.decode()


# Bounded input.


def test_text_beyond_the_limit_is_refused_with_413(signed_in, settings):
    settings.THAW_LIVE_PREVIEW_MAX_CHARS = 1000
    assert preview(signed_in, body="x" * 1000).status_code == 200
    response = preview(signed_in, body="x" * 1001)
    assert response.status_code == 413 and "1,001 characters" in response.content.decode()
    # The cited fields count together; other fields of the form do not.
    assert preview(signed_in, body="x" * 600, notes="[" + " " * 400 + "]").status_code == 413
    assert preview(signed_in, body="x" * 600, summary="y" * 5000).status_code == 200


def test_a_request_beyond_the_sites_body_limit_is_refused_before_it_is_read(signed_in, settings):
    settings.THAW_MAX_REQUEST_BYTES = 10_000
    assert preview(signed_in, body="x" * 20_000).status_code == 413


def test_the_largest_text_allowed_renders(signed_in, settings, era):
    body = "A sentence citing a source. [@baradat-1986, p. 1] " * (settings.THAW_LIVE_PREVIEW_MAX_CHARS // 52)
    response = preview(signed_in, body=body)
    assert response.status_code == 200 and response.content.decode().count('class="reference"') > 1900


def test_its_queries_do_not_grow_with_the_number_of_citations(signed_in, era):
    def queries(body):
        with CaptureQueriesContext(connection) as captured:
            assert preview(signed_in, body=body).status_code == 200
        return len(captured)

    few = queries("One. [@baradat-1986]")
    many = queries(" ".join(f"Claim {n}. [@{key}, p. {n}]" for n in range(40) for key in ("baradat-1986", f"k{n}")))
    assert few == many <= 8


# Never cached.


def test_it_is_never_cached(signed_in, settings):
    settings.THAW_CACHE_PAGES = True
    response = preview(signed_in, body="Text.")
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex, nofollow"


# Escaped and sanitised as the public page is.


def test_a_hostile_body_is_escaped_exactly_as_on_the_public_page(client, signed_in, era):
    Source.objects.filter(key="baradat-1986").update(title="<script>alert('title')</script>")
    page = preview(signed_in, body=HOSTILE, notes='[{"kind": "wrong", "about": "<script>x</script>", "text": "y"}]')
    page = page.content.decode()
    event = Event.objects.create(slug="hostile", title="Hostile", date="1956", body=HOSTILE)
    publication = publish_now(event)
    assert publication.data["rendered"]["body"] in page
    public = client.get("/events/hostile/").content.decode()
    assert publication.data["rendered"]["body"] in public
    assert "<script" not in page and "<img" not in page
    assert not re.search(r"<[^>]*\son\w+=", page)  # no event handler on any tag
    assert not re.search(r"href=\"\s*javascript", page, re.IGNORECASE)
    assert "&lt;script&gt;" in page and "&lt;/div&gt;&lt;/section&gt;" in page
    assert "&lt;b onmouseover=" in page  # the locator, in the references list, is text


def test_the_change_form_of_a_cited_kind_carries_the_panel_and_its_scripts_not_inline(signed_in, era):
    page = signed_in.get(admin_url(Event, "add")).content.decode()
    assert f'data-url="{live_url()}"' in page and 'data-search-url="/admin/citations/sources.json"' in page
    assert 'id="thaw-body-tools" hidden' in page  # hidden until the script shows it: absent without JavaScript
    assert '<script src="/static/admin/js/live_preview.js">' in page
    assert '<script src="/static/admin/js/source_picker.js">' in page
    assert "/static/css/live-preview.css" in page


@pytest.mark.parametrize("model", [Event, Figure, Period])
def test_every_cited_kinds_change_form_has_the_panel(client, superuser, era, model):
    client.force_login(superuser)
    item = model.objects.first()
    page = client.get(admin_url(model, "change", item.pk)).content.decode()
    assert f'data-url="{live_url(model._meta.model_name)}"' in page


def test_forms_without_a_cited_body_or_the_right_to_change_it_have_no_panel(client, superuser, viewer, era):
    client.force_login(superuser)
    source = client.get(admin_url(Source, "change", Source.objects.first().pk)).content.decode()
    assert "thaw-live-preview" not in source
    client.force_login(viewer)
    event = Event.objects.get(slug="secret-speech")
    assert "thaw-live-preview" not in client.get(admin_url(Event, "change", event.pk)).content.decode()
