"""Deployment settings: every response carries the security headers, cookies are Secure and HttpOnly."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

PROJECT = Path(__file__).resolve().parent.parent
YEAR = 365 * 24 * 60 * 60

pytestmark = pytest.mark.django_db


def public_urls():
    return ["/", "/people/", "/sources/", "/events/secret-speech/", "/people/nikita-khrushchev/", "/no-such-page/"]


def csp_directives(response):
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def assert_security_headers(response):
    hsts = response["Strict-Transport-Security"]
    assert int(re.search(r"max-age=(\d+)", hsts).group(1)) >= YEAR
    assert "includeSubDomains" in hsts
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    directives = csp_directives(response)
    assert directives["script-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]


def inline_scripts(html):
    """Script elements that would run inline: those without src and not a JSON data block."""
    return [
        tag
        for tag in re.findall(r"<script\b[^>]*>", html, flags=re.IGNORECASE)
        if "src=" not in tag and "application/json" not in tag and "application/ld+json" not in tag
    ]


@pytest.mark.parametrize("url", public_urls())
def test_public_responses_carry_the_security_headers_over_https(client, era, url):
    response = client.get(url, secure=True)
    assert response.status_code in {200, 404}
    assert_security_headers(response)
    assert inline_scripts(response.content.decode()) == []


def test_plain_http_is_redirected_to_https_in_production(client, era, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/people/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/people/"


def test_admin_pages_carry_the_headers_and_run_without_inline_script(admin_client, era):
    from events.models import Event

    event = Event.objects.get(slug="secret-speech")
    for url in (
        reverse("admin:index"),
        reverse("admin:events_event_changelist"),
        reverse("admin:events_event_add"),
        reverse("admin:events_event_change", args=[event.pk]),
        reverse("admin:events_event_history", args=[event.pk]),
    ):
        response = admin_client.get(url, secure=True)
        assert response.status_code == 200, url
        assert_security_headers(response)
        assert inline_scripts(response.content.decode()) == [], url


def test_session_and_csrf_cookies_are_secure_and_http_only(client, django_user_model):
    login_page = client.get(reverse("admin:login"), secure=True)
    csrf = login_page.cookies["csrftoken"]
    assert csrf["secure"] and csrf["httponly"]
    django_user_model.objects.create_user("editor", password="a long passphrase here", is_staff=True)
    logged_in = client.post(
        reverse("admin:login"), {"username": "editor", "password": "a long passphrase here"}, secure=True
    )
    assert logged_in.status_code == 302
    session = logged_in.cookies["sessionid"]
    assert session["secure"] and session["httponly"]
    assert session["samesite"] == "Lax"


def test_check_deploy_passes_with_a_real_secret_and_hosts():
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env = {
        **clean,
        "DJANGO_SETTINGS_MODULE": "thaw_site.settings",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(60),
        "DJANGO_ALLOWED_HOSTS": "thaw.example",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
