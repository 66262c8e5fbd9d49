"""Logins: failed attempts are throttled per account from each address (so nobody elsewhere can lock an editor
out), answered 429 with Retry-After; deactivation ends sessions; the admin URL moves, every admin route with it."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

PROJECT = Path(__file__).resolve().parent.parent
PASSWORD = "a long passphrase here"

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_user("editor", password=PASSWORD, is_staff=True, is_superuser=True)


def attempt(client, username, password, address="10.0.0.1"):
    return client.post(
        reverse("admin:login"), {"username": username, "password": password}, REMOTE_ADDR=address, secure=True
    )


def fail_until_locked(client, username, address="10.0.0.1"):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        assert attempt(client, username, "wrong", address).status_code in {200, 429}


def test_a_wrong_password_is_refused_without_saying_which_part_was_wrong(client, editor):
    response = attempt(client, "editor", "wrong")
    assert response.status_code == 200
    assert "correct username and password" in response.content.decode()


def test_after_repeated_failures_even_the_right_password_is_refused_with_retry_after(client, editor):
    fail_until_locked(client, "editor")
    response = attempt(client, "editor", PASSWORD)
    assert response.status_code == 429
    assert int(response["Retry-After"]) == settings.AXES_COOLOFF_TIME.total_seconds()
    assert "_auth_user_id" not in client.session


def test_failures_from_elsewhere_do_not_lock_the_editor_out(client, editor):
    fail_until_locked(client, "editor", address="10.6.6.6")
    assert attempt(client, "editor", PASSWORD, address="10.0.0.1").status_code == 302
    assert attempt(client, "editor", PASSWORD, address="10.6.6.6").status_code == 429


def test_an_address_guessing_many_accounts_is_locked_out_of_each_it_guessed(client, editor, django_user_model):
    django_user_model.objects.create_user("other", password=PASSWORD, is_staff=True)
    for username in ("editor", "other"):
        fail_until_locked(client, username, address="10.0.0.2")
    for username in ("editor", "other"):
        assert attempt(client, username, PASSWORD, address="10.0.0.2").status_code == 429


def test_fewer_failures_than_the_limit_still_let_the_right_password_in(client, editor):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(client, "editor", "wrong")
    assert attempt(client, "editor", PASSWORD).status_code == 302


def test_password_validators_refuse_short_common_and_numeric_passwords(editor):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    for weak in ("short", "password123", "12345678901", "editor"):
        with pytest.raises(ValidationError):
            validate_password(weak, user=editor)
    validate_password("cold spring on the neva 1956", user=editor)


def test_deactivating_an_account_ends_its_open_sessions(client, editor):
    client.force_login(editor)
    assert client.get(reverse("admin:index")).status_code == 200
    editor.is_active = False
    editor.save()
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_the_admin_url_comes_from_the_environment():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", "DJANGO_ADMIN_URL": "/editors-room/"}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", "from django.urls import reverse; print(reverse('admin:index'))"],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "/editors-room/"


def test_every_admin_route_moves_with_the_admin_url():
    """The admin, the review queue, previews, imports and the editors' citation pages: none stays under /admin/."""
    code = (
        "from django.urls import get_resolver, reverse\n"
        "def walk(patterns, prefix=''):\n"
        "    for p in patterns:\n"
        "        route = prefix + str(p.pattern)\n"
        "        yield from walk(p.url_patterns, route) if hasattr(p, 'url_patterns') else [route]\n"
        "print(sorted(r for r in walk(get_resolver().url_patterns) if r.lstrip('^').startswith('admin')))\n"
        "for name in ('admin:index', 'review-queue', 'citations:unsourced', 'citations:admin-report',\n"
        "             'citations:source-keys', 'admin:imports_importbatch_upload'):\n"
        "    print(reverse(name))\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", "DJANGO_ADMIN_URL": "editors-room/"}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code], cwd=PROJECT, env=env, capture_output=True, text=True,
        timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    left_behind, *reversed_urls = result.stdout.strip().splitlines()[-7:]
    assert left_behind == "[]"
    assert all(url.startswith("/editors-room/") for url in reversed_urls), reversed_urls
