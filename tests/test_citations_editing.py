"""Editors find source keys while editing: a staff-only JSON list and the admin script that shows it."""

from pathlib import Path

import pytest
from django.conf import settings

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/admin/citations/source-keys.json"


def test_the_key_list_is_staff_only(client, era):
    assert client.get(URL).status_code == 302
    client.force_login(UserFactory(username="reader"))
    assert client.get(URL).status_code == 302


def test_authors_get_every_source_key_with_title_and_status(client, era, author):
    from events.models import Source

    Source.objects.create(key="draft-source", title="A draft source")
    client.force_login(author)
    sources = client.get(URL).json()["sources"]
    assert [source["key"] for source in sources] == sorted(source["key"] for source in sources)
    assert {"key": "draft-source", "title": "A draft source", "status": "draft"} in sources
    assert {
        "key": "schapiro-1971",
        "title": "The Communist Party of the Soviet Union",
        "status": "published",
    } in sources


def test_the_helper_script_asks_the_endpoint_under_the_admin_root():
    script = (Path(settings.BASE_DIR) / "static" / "admin" / "js" / "source_keys.js").read_text()
    assert 'adminRoot() + "citations/source-keys.json"' in script
    assert "innerHTML" not in script  # titles are inserted as text, never parsed as HTML
