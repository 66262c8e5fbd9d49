import os
import subprocess
import sys
from pathlib import Path

import pytest

from thaw_site.settings import env_flag, env_int

PROJECT = Path(__file__).resolve().parent.parent


def run_check(**env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=PROJECT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "thaw_site.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_without_debug_a_secret_key_is_required_with_a_clear_error():
    result = run_check()
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_debug_mode_runs_without_a_secret_key():
    result = run_check(DJANGO_DEBUG="1")
    assert result.returncode == 0, result.stderr


def test_production_settings_run_with_a_secret_key():
    result = run_check(DJANGO_SECRET_KEY="x" * 60, DJANGO_ALLOWED_HOSTS="thaw.example")
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1", True),
        ("true", True),
        ("YES", True),
        (" on ", True),
        ("0", False),
        ("false", False),
        ("no", False),
        ("", False),
        ("debug", False),
    ],
)
def test_debug_flag_accepts_1_true_yes_on(monkeypatch, value, expected):
    monkeypatch.setenv("DJANGO_DEBUG", value)
    assert env_flag("DJANGO_DEBUG") is expected


def test_an_unset_flag_takes_its_default(monkeypatch):
    monkeypatch.delenv("DJANGO_DEBUG", raising=False)
    assert env_flag("DJANGO_DEBUG") is False
    assert env_flag("DJANGO_DEBUG", default=True) is True


def test_a_number_setting_takes_its_default_when_unset_or_blank(monkeypatch):
    monkeypatch.delenv("THAW_LOCAL_CACHE_ENTRIES", raising=False)
    assert env_int("THAW_LOCAL_CACHE_ENTRIES", 5000) == 5000
    monkeypatch.setenv("THAW_LOCAL_CACHE_ENTRIES", " 20000 ")
    assert env_int("THAW_LOCAL_CACHE_ENTRIES", 5000) == 20000


def test_a_number_setting_that_is_not_a_number_stops_the_site_naming_it():
    result = run_check(DJANGO_DEBUG="1", THAW_LOCAL_CACHE_ENTRIES="lots")
    assert result.returncode != 0
    assert "THAW_LOCAL_CACHE_ENTRIES must be a whole number, not 'lots'" in result.stderr


def test_each_workers_own_cache_has_room_for_a_mid_sized_era():
    result = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.CACHES['default'])"],
        cwd=PROJECT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "thaw_site.settings", "DJANGO_DEBUG": "1", "REDIS_URL": ""},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "LocMemCache" in result.stdout and "'MAX_ENTRIES': 5000" in result.stdout, result.stderr
