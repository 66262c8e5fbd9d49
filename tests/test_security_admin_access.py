"""Every admin URL pattern, resolved from the URLconf, turns away those without the right and shows them no data.

Patterns are discovered, not listed, so history, compare, restore, preview, import and report views added later
are probed too. Anonymous visitors are sent to the login page; staff without permissions get 403 (or 404 for an app
they may not see, or the empty index); forged POSTs change nothing.
"""

import re

import pytest
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from events.models import Event
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

CANARY = "zqxadmincanary"
OPEN_TO_ALL = {"login", "logout", "password_reset", "password_reset_done", "password_reset_confirm"}


def admin_patterns():
    """(route, name) of every pattern under the admin site, flattened."""

    def walk(resolver, prefix):
        for entry in resolver.url_patterns:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                yield from walk(entry, route)
            elif isinstance(entry, URLPattern):
                yield route, entry.name

    for entry in get_resolver().url_patterns:
        if isinstance(entry, URLResolver) and entry.app_name == "admin":
            yield from walk(entry, str(entry.pattern))


def model_for(route):
    for model in admin.site._registry:
        if route.startswith(f"{route.split('/')[0]}/{model._meta.app_label}/{model._meta.model_name}/"):
            return model
    return None


def probe_url(route, items):
    """A concrete URL for the pattern: object ids of a real item of its model, when it takes one."""
    model = model_for(route)
    item = items.get(model) if model else next(iter(items.values()))
    history = item.history.first() if item is not None and hasattr(item, "history") else None
    values = {
        "object_id": str(item.pk) if item else "1",
        "history_id": str(history.history_id) if history else "1",
        "app_label": model._meta.app_label if model else "events",
        "content_type_id": "1",
    }

    def fill(match):
        return values.get(match.group(1), "1")

    path = re.sub(r"<(?:\w+:)?(\w+)>", fill, route)
    path = re.sub(r"\^|\$|\(\?P<(\w+)>[^)]*\)", lambda m: values.get(m.group(1), "") if m.group(1) else "", path)
    return "/" + path.replace("\\", "")


@pytest.fixture
def items(era):
    event = Event.objects.get(slug="secret-speech")
    event.summary = f"{CANARY} in a draft edit"
    event.save()
    found = {}
    for model in admin.site._registry:
        found[model] = model._default_manager.first()
    found[Event] = event
    return found


@pytest.fixture
def plain_staff(client):
    client.force_login(StaffFactory(username="staff"))
    return client


def probed(items):
    return [
        (name, probe_url(route, items))
        for route, name in admin_patterns()
        if name not in OPEN_TO_ALL and not route.endswith(("password/", "<path:url>"))
    ]


def test_the_probe_covers_the_admin(items):
    names = {name for name, _ in probed(items)}
    assert {"index", "autocomplete", "events_event_change", "events_event_history", "events_event_delete"} <= names
    assert len(names) >= 40


def test_anonymous_visitors_are_sent_to_the_login_page_everywhere(client, items):
    login = reverse("admin:login")
    for name, url in probed(items):
        response = client.get(url)
        assert response.status_code == 302, (name, url, response.status_code)
        assert response["Location"].startswith(login), (name, url)


def test_staff_without_permissions_see_no_data_anywhere(plain_staff, items):
    answers = {}
    for name, url in probed(items):
        response = plain_staff.get(url)
        answers[response.status_code] = answers.get(response.status_code, 0) + 1
        assert response.status_code in {200, 302, 403, 404, 405}, (name, url, response.status_code)
        body = response.content.decode(errors="replace")
        assert CANARY not in body, (name, url)
        if response.status_code == 200:
            assert name in {"index", "jsi18n", "password_change", "password_change_done"}, (name, url)
    assert answers.get(403, 0) >= 30


def test_forged_posts_from_staff_without_permissions_change_nothing(plain_staff, items):
    event = items[Event]
    before = Event.objects.values().get(pk=event.pk), Event.history.count(), Event.objects.count()
    forged = {
        "title": "Forged",
        "slug": "forged",
        "date": "1956",
        "status": "published",
        "_save": "Save",
        # list_editable on the changelist:
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "1",
        "form-0-id": str(event.pk),
        "form-0-status": "published",
        "_selected_action": [str(event.pk)],
        "action": "delete_selected",
        "post": "yes",
    }
    for view, args in (("add", []), ("change", [event.pk]), ("delete", [event.pk]), ("changelist", [])):
        response = plain_staff.post(reverse(f"admin:events_event_{view}", args=args), forged)
        assert response.status_code == 403, view
    assert (Event.objects.values().get(pk=event.pk), Event.history.count(), Event.objects.count()) == before
