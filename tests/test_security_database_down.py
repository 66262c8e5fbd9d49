"""An unreachable database gives a 503 page in the site's style with Retry-After, never a traceback."""

from unittest import mock

import pytest
from django.db import InterfaceError, OperationalError

from thaw_site.publishing.publications import Publication

# Every query fails, as when the server has gone: item pages run prepared queries that never pass through
# Publication.objects.live() again, so the outage is simulated at the cursor.
EXECUTE = "django.db.backends.utils.CursorWrapper.execute"

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
@pytest.mark.parametrize("url", ["/", "/people/", "/sources/", "/events/secret-speech/"])
def test_a_database_outage_answers_503_with_retry_after(client, era, url, error):
    with mock.patch(EXECUTE, side_effect=error("server closed the connection")):
        response = client.get(url, secure=True)
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert response["Cache-Control"] == "no-store"
    html = response.content.decode()
    assert "Briefly unavailable" in html
    assert 'class="site-header"' in html
    assert "Traceback" not in html and "server closed the connection" not in html
    assert response["Content-Security-Policy"]


def test_the_first_request_after_the_outage_is_served(client, era):
    with mock.patch.object(Publication.objects, "live", side_effect=OperationalError("down")):
        assert client.get("/people/").status_code == 503
    assert client.get("/people/").status_code == 200


def test_other_errors_are_not_disguised_as_an_outage(client, era):
    client.raise_request_exception = False
    with mock.patch.object(Publication.objects, "live", side_effect=ValueError("a bug")):
        response = client.get("/people/")
    assert response.status_code == 500
