"""Issue 7 item 2, over HTTP: every role × admin action × state × editorial model, written out as a table.

Each cell is one request (two for add and delete: the form, then the POST) made inside a transaction that is rolled
back, so every cell starts from the same item in the same state. A refused cell answers 403, a redirect to the login
page, or 404 (the public page of an item that is not live), shows none of the item's text, and changes nothing:
every editorial row, inline row, citation, publication and revision count stays as it was. An allowed cell answers
and does what it says. An item's public page and its export (its `.json`) are served from the live publication only,
so they answer the same to every role; its staff preview and its preview with changes (thaw_site.public.preview)
show the working copy to those who may view it in the admin, and are never cached.
"""

import re
import uuid
from dataclasses import dataclass

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import resolve, reverse
from django.utils.html import escape

from events.models import Citation, Event, Participation, Period, Source, Topic
from people.models import Figure, Office
from tests.public_site import fill, public_patterns, url_parameters
from tests.test_admin_workflow import admin_url, form_data
from tests.test_security_admin_access import probed
from tests.test_security_permission_matrix import MODELS, ROLES, STATES, bring_to, table
from thaw_site.public.cache import page_key
from thaw_site.publishing.items import Status
from thaw_site.publishing.notifications import notify
from thaw_site.publishing.publications import Publication
from thaw_site.publishing.revisions import one_revision
from thaw_site.publishing.schedules import Schedule
from thaw_site.publishing.watchlists import Watch, is_watching, watch
from thaw_site.publishing.workflow import kind_of

pytestmark = pytest.mark.django_db

# ok = allowed and done; login = redirected to the login page; 403 = forbidden; 404 = not found;
# no = a workflow button refused to the role (back to the change page with an error);
# na = a workflow button the role may use, refused in that state (back with an error).
# "author" made the item's last edit; a published item has no unpublished changes, so it can't be resubmitted.
EXPECTED = """
action     state      anonymous staff author other_author reviewer superuser
list       draft      login     403   ok     ok           ok       ok
list       in_review  login     403   ok     ok           ok       ok
list       published  login     403   ok     ok           ok       ok
list       withdrawn  login     403   ok     ok           ok       ok
view       draft      login     403   ok     ok           ok       ok
view       in_review  login     403   ok     ok           ok       ok
view       published  login     403   ok     ok           ok       ok
view       withdrawn  login     403   ok     ok           ok       ok
add        draft      login     403   ok     ok           ok       ok
add        in_review  login     403   ok     ok           ok       ok
add        published  login     403   ok     ok           ok       ok
add        withdrawn  login     403   ok     ok           ok       ok
edit       draft      login     403   ok     ok           ok       ok
edit       in_review  login     403   ok     ok           ok       ok
edit       published  login     403   ok     ok           ok       ok
edit       withdrawn  login     403   ok     ok           ok       ok
delete     draft      login     403   403    403          403      ok
delete     in_review  login     403   403    403          403      ok
delete     published  login     403   403    403          403      ok
delete     withdrawn  login     403   403    403          403      ok
history    draft      login     403   ok     ok           ok       ok
history    in_review  login     403   ok     ok           ok       ok
history    published  login     403   ok     ok           ok       ok
history    withdrawn  login     403   ok     ok           ok       ok
compare    draft      login     403   ok     ok           ok       ok
compare    in_review  login     403   ok     ok           ok       ok
compare    published  login     403   ok     ok           ok       ok
compare    withdrawn  login     403   ok     ok           ok       ok
restore    draft      login     403   ok     ok           ok       ok
restore    in_review  login     403   ok     ok           ok       ok
restore    published  login     403   ok     ok           ok       ok
restore    withdrawn  login     403   ok     ok           ok       ok
watch      draft      login     403   ok     ok           ok       ok
watch      in_review  login     403   ok     ok           ok       ok
watch      published  login     403   ok     ok           ok       ok
watch      withdrawn  login     403   ok     ok           ok       ok
public     draft      404       404   404    404          404      404
public     in_review  404       404   404    404          404      404
public     published  ok        ok    ok     ok           ok       ok
public     withdrawn  404       404   404    404          404      404
preview    draft      login     404   ok     ok           ok       ok
preview    in_review  login     404   ok     ok           ok       ok
preview    published  login     404   ok     ok           ok       ok
preview    withdrawn  login     404   ok     ok           ok       ok
changes    draft      login     404   ok     ok           ok       ok
changes    in_review  login     404   ok     ok           ok       ok
changes    published  login     404   ok     ok           ok       ok
changes    withdrawn  login     404   ok     ok           ok       ok
export     draft      404       404   404    404          404      404
export     in_review  404       404   404    404          404      404
export     published  ok        ok    ok     ok           ok       ok
export     withdrawn  404       404   404    404          404      404
submit     draft      login     403   ok     ok           ok       ok
submit     in_review  login     403   na     na           na       na
submit     published  login     403   na     na           na       na
submit     withdrawn  login     403   ok     ok           ok       ok
send_back  draft      login     403   no     no           na       na
send_back  in_review  login     403   no     no           ok       ok
send_back  published  login     403   no     no           na       na
send_back  withdrawn  login     403   no     no           na       na
publish    draft      login     403   no     no           na       na
publish    in_review  login     403   no     no           ok       ok
publish    published  login     403   no     no           na       na
publish    withdrawn  login     403   no     no           na       na
withdraw   draft      login     403   no     no           na       na
withdraw   in_review  login     403   no     no           na       na
withdraw   published  login     403   no     no           ok       ok
withdraw   withdrawn  login     403   no     no           na       na
schedule   draft      login     403   no     no           na       na
schedule   in_review  login     403   no     no           ok       ok
schedule   published  login     403   no     no           na       na
schedule   withdrawn  login     403   no     no           na       na
unschedule draft      login     403   no     no           na       na
unschedule in_review  login     403   no     no           na       na
unschedule published  login     403   no     no           na       na
unschedule withdrawn  login     403   no     no           na       na
"""


CELLS = table(EXPECTED)
ACTIONS = sorted({action for action, _, _ in CELLS})
TRANSITIONS = {
    "submit": Status.IN_REVIEW,
    "send_back": Status.DRAFT,
    "publish": Status.PUBLISHED,
    "withdraw": Status.WITHDRAWN,
}
REFUSAL_MESSAGES = {"no": "You may not", "na": "it can't be"}

CANARY = "zqxmatrixcanary"  # written into the item by the author's last edit
EDIT_REASON = "Author's edit"  # what bring_to records
TEXT_FIELD = {Period: "summary", Topic: "description", Source: "publisher", Event: "summary", Figure: "summary"}


def test_the_table_covers_every_cell():
    assert len(ACTIONS) == 19
    assert len(CELLS) * len(MODELS) == len(ACTIONS) * len(STATES) * len(ROLES) * len(MODELS) == 2280


def create_item(model):
    """A fresh item of the model, with an inline row where the model has inlines."""
    if model is Period:
        return Period.objects.create(slug="thaw-matrix", name="Matrixperiod", start="1955", end="1956")
    if model is Topic:
        return Topic.objects.create(slug="matrix-topic", name="Matrixtopic")
    if model is Source:
        return Source.objects.create(key="matrix-1960", title="Matrixsource", authors=["Doe, Jane"], year=1960)
    if model is Event:
        event = Event.objects.create(slug="matrix-event", title="Matrixevent", date="1956-02-25")
        witness = Figure.objects.create(slug="witness", name="Witness")
        Participation.objects.create(event=event, figure=witness, role="speaker")
        return event
    figure = Figure.objects.create(slug="matrix-figure", name="Matrixfigure", born="1894")
    Office.objects.create(figure=figure, title="First Secretary", start="1953")
    return figure


@dataclass
class Cell:
    item: object
    form: dict  # the change form as the superuser sees it, ready to post back
    first_revision: int
    latest_revision: int

    @property
    def model(self):
        return type(self.item)

    def url(self, view, *args):
        return admin_url(self.model, view, *args)


def everything():
    """Every editorial row, part, link, citation and publication, and the revision counts."""
    tables = [
        *MODELS,
        *(Participation, Office, Citation, Event.topics.through, Event.related.through, Publication, Schedule, Watch),
    ]
    rows = {model._meta.label: list(model.objects.values().order_by("pk")) for model in tables}
    return rows | {f"{model._meta.label} revisions": model.history.count() for model in MODELS}


def add_data(cell):
    """The item's form as an add form: a new slug or key, no revision, no inline rows."""
    data = {name: value for name, value in cell.form.items() if "-" not in name and name != "base_revision"}
    for name in cell.form:
        if name.endswith("-TOTAL_FORMS"):
            prefix = name.removesuffix("-TOTAL_FORMS")
            data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    data["key" if cell.model is Source else "slug"] = "matrix-copy"
    data["edit_summary"] = "A copy"
    return data


def request(client, action, cell):
    """The cell's requests, in order."""
    item = cell.item
    if action == "list":
        return [client.get(cell.url("changelist"))]
    if action == "view":
        return [client.get(cell.url("change", item.pk))]
    if action == "add":
        return [client.get(cell.url("add")), client.post(cell.url("add"), add_data(cell))]
    if action == "edit":
        text_field = TEXT_FIELD[cell.model]
        data = {**cell.form, text_field: "Edited over HTTP.", "edit_summary": "Edited"}
        return [client.post(cell.url("change", item.pk), data)]
    if action == "delete":
        return [client.get(cell.url("delete", item.pk)), client.post(cell.url("delete", item.pk), {"post": "yes"})]
    if action == "history":
        return [client.get(cell.url("history", item.pk))]
    if action == "compare":
        query = {"old": cell.first_revision, "new": cell.latest_revision}
        return [client.get(cell.url("revisions", item.pk), query)]
    if action == "restore":
        form = {"note": "Back", "base_revision": cell.latest_revision}  # the revision the revisions page showed
        return [client.post(cell.url("restore", item.pk, cell.first_revision), form)]
    if action == "public":
        return [client.get(item.get_absolute_url())]
    if action in ("preview", "changes"):
        name = "editorial:preview" if action == "preview" else "editorial:preview-changes"
        return [client.get(reverse(name, args=[cell.model._meta.model_name, item.pk]))]
    if action == "export":
        return [client.get(item.get_absolute_url().rstrip("/") + ".json")]
    if action == "watch":
        return [client.post(cell.url("watch", item.pk), {"watch": "1"})]
    # Schedule's time (thaw_site.publishing.scheduling) is ignored by the other transitions.
    data = {"note": "Because", "comment": "Because", "schedule_publish_at": "2999-01-01T09:00"}
    return [client.post(cell.url("transition", item.pk, action), data)]


# What an allowed read shows of the item.
SHOWS = {
    "list": lambda cell: str(cell.item),
    "view": lambda cell: CANARY,
    "history": lambda cell: escape(EDIT_REASON),
    "compare": lambda cell: CANARY,
    "public": lambda cell: CANARY,
    "preview": lambda cell: CANARY,
    "changes": lambda cell: CANARY,
    "export": lambda cell: CANARY,
}


def effect_problems(action, cell, before, user):
    """What an allowed write should have done, and didn't."""
    model = cell.model
    row = model.objects.filter(pk=cell.item.pk).first()
    text = getattr(row, TEXT_FIELD[model], None)
    one_more_revision = model.history.count() == before[f"{model._meta.label} revisions"] + 1
    if action == "add":
        copy = model.objects.filter(**{model.natural_key_field: "matrix-copy"}).first()
        done = copy is not None and copy.status == Status.DRAFT and copy.history.first().history_user == user
        return [] if done and model.objects.count() == len(before[model._meta.label]) + 1 else ["no draft copy added"]
    if action == "edit":
        done = text == "Edited over HTTP." and row.status == cell.item.status
        return [] if done and one_more_revision else ["not edited in one revision"]
    if action == "delete":
        return [] if row is None else ["not deleted"]
    if action == "restore":
        done = CANARY not in text and row.status == Status.DRAFT
        return [] if done and one_more_revision else ["not restored as a draft"]
    if action == "schedule":
        scheduled = Schedule.objects.open().of(row).exists() and row.status == Status.IN_REVIEW
        return [] if scheduled else ["not scheduled"]
    if action in TRANSITIONS:
        return [] if row.status == TRANSITIONS[action] else [f"status {row.status}"]
    if action == "watch":
        return [] if is_watching(user, row) else ["not watched"]
    return [] if everything() == before else ["a read changed the data"]


def body_of(response):
    return (b"".join(response.streaming_content) if response.streaming else response.content).decode()


def answer_problems(expected, responses, cell):
    """How the responses differ from the expected answer (the effect aside)."""
    login = reverse("admin:login")
    problems = []
    for response in responses:
        location = response.get("Location", "")
        if expected == "ok":
            wanted = 302 if response.request["REQUEST_METHOD"] == "POST" else 200
            if response.status_code != wanted or location.startswith(login):
                problems.append(f"answered {response.status_code} {location}")
        elif expected == "login":
            if response.status_code != 302 or not location.startswith(login):
                problems.append(f"answered {response.status_code} {location}, not the login page")
        elif expected in {"403", "404"}:
            if response.status_code != int(expected):
                problems.append(f"answered {response.status_code}, not {expected}")
        else:
            said = " ".join(str(message) for message in get_messages(response.wsgi_request))
            if location != cell.url("change", cell.item.pk) or REFUSAL_MESSAGES[expected] not in said:
                problems.append(f"answered {response.status_code} {location} saying {said!r}")
    return problems


def leaked(responses, cell):
    secrets = [CANARY, escape(EDIT_REASON), str(cell.item)]
    return [f"shows {secret!r}" for response in responses for secret in secrets if secret in body_of(response)]


def preview_problems(expected, responses):
    """A preview, shown or refused, is never stored in or served from the page cache; one shown says what it is."""
    problems = []
    for response in responses:
        if "no-cache" not in response.get("Cache-Control", "") or cache.get(page_key(response.wsgi_request)):
            problems.append(f"cacheable: {response.get('Cache-Control')}")
        if expected == "ok" and (
            "noindex" not in response.get("X-Robots-Tag", "") or "Preview — not published" not in body_of(response)
        ):
            problems.append("no banner or noindex")
    return problems


def run_cell(client, action, cell, expected, user, before):
    """The cell's problems; `before` is everything() as the cell starts (each cell is rolled back)."""
    with transaction.atomic():
        responses = request(client, action, cell)
        problems = answer_problems(expected, responses, cell)
        if expected == "ok":
            problems += effect_problems(action, cell, before, user)
            if action in SHOWS and SHOWS[action](cell) not in body_of(responses[-1]):
                problems.append(f"does not show {SHOWS[action](cell)!r}")
        else:
            problems += leaked(responses, cell)
            if everything() != before:
                problems.append("changed the data")
        if action in ("preview", "changes"):
            problems += preview_problems(expected, responses)
        transaction.set_rollback(True)
    cache.clear()  # pages cached during a rolled-back cell
    client.cookies.pop("messages", None)
    return problems


@pytest.fixture
def superuser_client(superuser):
    client = Client()
    client.force_login(superuser)
    return client


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("role", ROLES)
def test_admin_cells(client, superuser_client, users_by_role, model, state, role):
    users = users_by_role
    item = create_item(model)
    setattr(item, TEXT_FIELD[model], f"The {CANARY} text.")  # saved by the author's edit
    bring_to(item, state, users["author"], users["reviewer"])
    revisions = item.history.order_by("history_date", "history_id")
    cell = Cell(item, form_data(superuser_client, item), revisions.first().history_id, revisions.last().history_id)
    if role != "anonymous":
        client.force_login(users[role])
    before = everything()
    problems = {}
    for action in ACTIONS:
        expected = CELLS[(action, state, role)]
        if found := run_cell(client, action, cell, expected, users[role], before):
            problems[f"{action} (expected {expected})"] = found
    assert not problems


# Editors' pages routed outside the admin's own URLconf, found like the admin's patterns (the index shows a dashboard).
# Each editor's watchlist and notifications show the items they watch and were told of; their preferences no item.
SHOWS_NO_ITEM = {f"/{settings.ADMIN_URL}notifications/preferences/"}


def editors_pages(item=None):
    """The editors' pages, those about one item (previews) filled in with `item`'s kind and id when given."""
    routes = [route for route, _ in public_patterns() if route.startswith(settings.ADMIN_URL)]
    values = {"kind": kind_of(item), "pk": str(item.pk)} if item else {}
    pages = [fill(route, values) for route in routes if set(url_parameters(route)) <= values.keys()]
    return ["/" + settings.ADMIN_URL, *pages]


@pytest.fixture
def working_copies(author):
    """Drafts whose text no one without the right to view them may see: an event in review with a flagged
    sentence, a draft source, an edit summary."""
    event = create_item(Event)
    event.title = f"The {CANARY} event"
    event.body = f"A {CANARY} claim. [citation needed: 1999-01]"
    bring_to(event, "in_review", author, None)
    Source.objects.create(key="canary-1960", title=f"The {CANARY} papers")
    return event


def test_the_probe_finds_the_editors_pages(working_copies):
    assert {
        "/admin/review/",
        "/admin/citations/unsourced/",
        "/admin/citations/source-keys.json",
        "/admin/citations/sources.json",
        "/admin/watchlist/",
        "/admin/notifications/",
        "/admin/notifications/preferences/",
    } <= {*editors_pages()}
    event = working_copies
    previews = {f"/admin/preview/event/{event.pk}/", f"/admin/preview/event/{event.pk}/changes/"}
    assert previews | {"/admin/preview/event/live/"} <= {*editors_pages(event)}
    assert all("<" not in page for page in editors_pages(event))


# The live preview renders only what a change form posts to it (never a working copy): it is posted a form's text.
POSTED = {"editorial:live-preview": {"body": f"A {CANARY} claim. [@canary-1960]"}}


def open_page(client, url):
    """An editors' page as the admin opens it: a GET, or for the live preview the POST its script sends."""
    posted = POSTED.get(resolve(url).view_name)
    return client.get(url) if posted is None else client.post(url, posted)


def refused_to_staff(url):
    """A preview is a 404 to staff who may not view the item: it doesn't say the item exists. The live preview,
    about no item, is a 403 to staff who may not change items of its kind, as every other editors' page."""
    preview = url.startswith(f"/{settings.ADMIN_URL}preview/") and resolve(url).view_name not in POSTED
    return 404 if preview else 403


@pytest.mark.parametrize("role", ROLES)
def test_editors_pages_outside_the_admin_urlconf_show_working_copies_only_to_editors(
    client, users_by_role, working_copies, role
):
    if role != "anonymous":
        user = users_by_role[role]
        client.force_login(user)
        watch(user, working_copies)
        notify("watched", working_copies, None, [user], note="Changed")
    for url in editors_pages(working_copies):
        response = open_page(client, url)
        body = response.content.decode()
        if role == "anonymous":
            assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login")), url
        elif role == "staff":
            assert response.status_code == (200 if url == "/" + settings.ADMIN_URL else refused_to_staff(url)), url
            assert CANARY not in body and escape(EDIT_REASON) not in body, url
        else:
            assert response.status_code == 200 and (CANARY in body or url in SHOWS_NO_ITEM), url


# Forged POSTs: requests the admin's own forms never send, from roles that may or may not edit the item.


@pytest.fixture
def viewer(django_user_model):
    """Staff who may view events and nothing else."""
    user = django_user_model.objects.create_user("vika", password="x", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_event"))
    return user


@pytest.fixture
def event_and_topic(superuser):
    event = create_item(Event)
    topic = Topic.objects.create(slug="maize", name="Maize")
    with one_revision(event, user=superuser, reason="Topic", created=False):
        event.topics.add(topic)
    return event, topic


@pytest.mark.parametrize("role", ["viewer", "author", "superuser"])
def test_a_post_to_the_read_only_revision_view_changes_nothing(
    client, superuser_client, event_and_topic, request, role
):
    event, _ = event_and_topic
    data = {**form_data(superuser_client, event), "title": "Forged", "topics": [], "edit_summary": "Forged"}
    before = everything()
    client.force_login(request.getfixturevalue(role))
    revision = event.history.order_by("history_id").first()
    response = client.post(admin_url(Event, "simple_history", event.pk, revision.history_id), data)
    assert response.status_code == 405
    assert everything() == before and event.topics.count() == 1


def list_editable_post(item):
    """What the changelist posts when its rows are editable: here, a status and the item's text."""
    return {
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "1",
        "form-0-id": str(item.pk),
        "form-0-status": "published",
        f"form-0-{TEXT_FIELD[type(item)]}": "Forged",
        "_save": "Save",
    }


def delete_action_post(item):
    """What the changelist posts to confirm the delete action on the item."""
    return {"action": "delete_selected", "_selected_action": [str(item.pk)], "index": "0", "post": "yes"}


@pytest.mark.parametrize("forge", [list_editable_post, delete_action_post], ids=lambda f: f.__name__)
@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
@pytest.mark.parametrize("role", ["staff", "author", "reviewer"])
def test_a_forged_changelist_post_changes_nothing(client, users_by_role, model, role, forge):
    item = create_item(model)
    before = everything()
    client.force_login(users_by_role[role])
    response = client.post(admin_url(model, "changelist"), forge(item))
    assert response.status_code == (403 if role == "staff" else 200)
    assert everything() == before


@pytest.fixture
def two_of_each_part(superuser_client):
    """An event and a figure, each with an inline row, and another of each whose rows a forger names."""
    event, figure = create_item(Event), create_item(Figure)
    other_event = Event.objects.create(slug="other-event", title="Other event", date="1957")
    other_figure = Figure.objects.create(slug="other-figure", name="Other figure")
    Participation.objects.create(event=other_event, figure=figure, role="host")
    Office.objects.create(figure=other_figure, title="Chairman")
    return {model: (item, form_data(superuser_client, item)) for model, item in ((Event, event), (Figure, figure))}


def other_items_row(item, data, delete):
    """The item's form with its inline row pointing at another item's row, changed or marked for deletion."""
    prefix, part, owner = (
        ("participations", Participation, "event") if type(item) is Event else ("offices", Office, "figure")
    )
    stranger = part.objects.exclude(**{owner: item}).get()
    forged = {**data, f"{prefix}-0-id": str(stranger.pk), "edit_summary": "Forged"}
    if delete:
        return {**forged, f"{prefix}-0-DELETE": "on"}
    return (
        {**forged, f"{prefix}-0-role": "forged"} if part is Participation else {**forged, f"{prefix}-0-title": "Forged"}
    )


@pytest.mark.parametrize("delete", [False, True], ids=["change", "delete"])
@pytest.mark.parametrize("model", [Event, Figure], ids=lambda m: m.__name__)
@pytest.mark.parametrize("role", ["author", "superuser"])
def test_an_inline_row_naming_another_items_row_leaves_every_row_alone(
    client, users_by_role, two_of_each_part, model, role, delete
):
    item, data = two_of_each_part[model]
    before = everything()
    client.force_login(users_by_role[role])
    client.post(admin_url(model, "change", item.pk), other_items_row(item, data, delete=delete))
    assert everything() == before


@pytest.mark.parametrize("model", [Event, Figure], ids=lambda m: m.__name__)
@pytest.mark.parametrize("role", ["anonymous", "staff", "viewer"])
def test_new_inline_rows_from_a_role_that_may_not_edit_are_refused(
    client, users_by_role, viewer, two_of_each_part, model, role
):
    item, data = two_of_each_part[model]
    if model is Event:
        prefix, row = "participations", {"figure": str(Figure.objects.get(slug="other-figure").pk), "role": "forged"}
    else:
        prefix, row = "offices", {"title": "Forged office"}
    forged = {
        **data,
        f"{prefix}-TOTAL_FORMS": "2",
        **{f"{prefix}-1-{name}": value for name, value in row.items()},
        "edit_summary": "Forged",
    }
    before = everything()
    if role != "anonymous":
        client.force_login(viewer if role == "viewer" else users_by_role[role])
    response = client.post(admin_url(model, "change", item.pk), forged)
    assert response.status_code == (302 if role == "anonymous" else 403)
    assert everything() == before


@pytest.mark.parametrize("role", ["author", "reviewer", "superuser"])
def test_the_citation_index_takes_no_rows_from_anyone(client, users_by_role, role):
    event = create_item(Event)
    source = Source.objects.create(key="forged-1960", title="Forged")
    before = everything()
    client.force_login(users_by_role[role])
    forged = {"source": str(source.pk), "event": str(event.pk), "field": "body", "locator": "p. 1", "number": "1"}
    assert client.post(admin_url(Citation, "add"), forged).status_code == 403
    assert everything() == before


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_workflow_fields_posted_by_an_author_are_ignored(client, superuser_client, author, model):
    item = create_item(model)
    workflow_fields = {"status": "published", "published_at": "1964-10-14 12:00", "uid": str(uuid.uuid4())}
    form = form_data(superuser_client, item)
    data = {**form, **workflow_fields, TEXT_FIELD[model]: "Edited", "edit_summary": "Edit"}
    client.force_login(author)
    assert client.post(admin_url(model, "change", item.pk), data).status_code == 302
    copy = {**add_data(Cell(item, form, 0, 0)), **workflow_fields}
    assert client.post(admin_url(model, "add"), copy).status_code == 302
    edited, added = model.objects.get(pk=item.pk), model.objects.get(**{model.natural_key_field: "matrix-copy"})
    assert getattr(edited, TEXT_FIELD[model]) == "Edited"
    for saved in (edited, added):
        assert (saved.status, saved.published_at) == (Status.DRAFT, None)
        assert str(saved.uid) != workflow_fields["uid"]
    assert not Publication.objects.exists()


# Admin pages beyond the editors' right: user and group management, the login records, deleting, writing citations.

BEYOND_EDITORS = re.compile(r"^(auth|axes)_|_delete$|^events_citation(needed)?_add$")


@pytest.fixture
def a_row_of_every_admin_model(users_by_role):
    for model in MODELS:
        create_item(model)
    seen = {"user_agent": "zqxbrowser", "ip_address": "10.0.0.1", "username": "sasha", "path_info": "/admin/login/"}
    AccessAttempt.objects.create(**seen, get_data="", post_data="", failures_since_start=1)
    AccessLog.objects.create(**seen)
    AccessFailureLog.objects.create(**seen)
    return {model: model._default_manager.first() for model in admin.site._registry}


@pytest.mark.parametrize("role", ["author", "reviewer"])
def test_editors_are_refused_every_admin_page_beyond_their_right(
    client, users_by_role, a_row_of_every_admin_model, role
):
    client.force_login(users_by_role[role])
    refused = [(name, url) for name, url in probed(a_row_of_every_admin_model) if BEYOND_EDITORS.search(name or "")]
    assert len(refused) >= 30
    for name, url in refused:
        response = client.get(url)
        assert response.status_code == 403, (name, url, response.status_code)
        assert b"zqxbrowser" not in response.content and b"olga@example.org" not in response.content, name


# The admin's autocomplete: the one admin view that answers JSON about items, for every field that uses it.

AUTOCOMPLETED = {
    Period: ("event", "period"),
    Topic: ("event", "topics"),
    Event: ("event", "related"),
    Figure: ("participation", "figure"),
}


@pytest.mark.parametrize("model", list(AUTOCOMPLETED), ids=lambda m: m.__name__)
@pytest.mark.parametrize("role", ROLES)
def test_autocomplete_answers_items_only_to_editors(client, users_by_role, model, role):
    item = create_item(model)
    source_model, field_name = AUTOCOMPLETED[model]
    query = {"app_label": "events", "model_name": source_model, "field_name": field_name, "term": str(item)[:6]}
    if role != "anonymous":
        client.force_login(users_by_role[role])
    response = client.get(reverse("admin:autocomplete"), query)
    if role == "anonymous":
        assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))
    elif role == "staff":
        assert response.status_code == 403 and str(item) not in response.content.decode()
    else:
        assert {"id": str(item.pk), "text": str(item)} in response.json()["results"]


@pytest.fixture
def two_topics(author):
    mine, theirs = Topic.objects.create(slug="mine", name="Mine"), Topic.objects.create(slug="theirs", name="Theirs")
    theirs.description = f"Their {CANARY} text."
    with one_revision(theirs, user=author, reason="Their edit", created=False):
        theirs.save()
    return mine, theirs


def test_restoring_another_items_revision_is_not_found_and_changes_nothing(client, author, two_topics):
    mine, theirs = two_topics
    before = everything()
    client.force_login(author)
    response = client.post(admin_url(Topic, "restore", mine.pk, theirs.history.first().history_id))
    assert response.status_code == 404
    assert everything() == before


def test_comparing_another_items_revisions_shows_none_of_them(client, author, two_topics):
    mine, theirs = two_topics
    client.force_login(author)
    old, new = theirs.history.order_by("history_id")
    response = client.get(admin_url(Topic, "revisions", mine.pk), {"old": old.history_id, "new": new.history_id})
    assert response.status_code == 200 and CANARY not in response.content.decode()


@pytest.mark.parametrize("change", ["add", "edit", "delete"])
def test_an_inline_row_of_the_items_own_writes_one_revision(client, superuser_client, author, change):
    figure = create_item(Figure)
    data = {**form_data(superuser_client, figure), "edit_summary": f"Office: {change}"}
    if change == "add":
        data.update({"offices-TOTAL_FORMS": "2", "offices-1-title": "Premier"})
    else:
        data.update({"offices-0-title": "Premier"} if change == "edit" else {"offices-0-DELETE": "on"})
    revisions = figure.history.count()
    client.force_login(author)
    assert client.post(admin_url(Figure, "change", figure.pk), data).status_code == 302
    assert figure.history.count() == revisions + 1
    titles = sorted(figure.offices.values_list("title", flat=True))
    assert titles == {"add": ["First Secretary", "Premier"], "edit": ["Premier"], "delete": []}[change]
