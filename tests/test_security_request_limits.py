"""What a request may be: the public site answers only reads (405 otherwise), bodies are bounded before they are
read (413), bad admin query values are a 400, and every response says which browser features the site uses."""

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.factories import SuperuserFactory

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


@pytest.mark.parametrize("method", ["put", "delete", "patch", "post"])
@pytest.mark.parametrize("path", ["/", "/timeline/", "/events/no-such-event/", "/search/", "/changes.atom"])
def test_unsafe_methods_on_public_pages_answer_405(client, method, path):
    response = getattr(client, method)(path, data=b"x", content_type="text/plain")
    assert response.status_code == 405
    assert set(response["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}


def test_reads_of_public_pages_still_answer(client):
    assert client.get("/timeline/").status_code == 200
    assert client.head("/timeline/").status_code == 200
    assert client.options("/timeline/").status_code == 200


def test_the_admin_still_takes_posts(client):
    response = client.post(reverse("admin:login"), {"username": "nobody", "password": "wrong"}, REMOTE_ADDR="10.1.1.1")
    assert response.status_code == 200
    assert "correct username and password" in response.content.decode()


def test_a_5_mb_upload_to_the_admin_login_is_refused_before_it_is_read(client):
    upload = SimpleUploadedFile("big.bin", b"x" * (5 * MB))
    response = client.post(reverse("admin:login"), {"username": "a", "password": "b", "file": upload})
    assert response.status_code == 413
    assert response["Connection"] == "close"


def test_a_body_just_under_the_limit_is_read(client):
    body = "x" * (settings.THAW_MAX_REQUEST_BYTES - 1000)
    response = client.post(reverse("admin:login"), {"username": "a", "password": body}, REMOTE_ADDR="10.1.1.2")
    assert response.status_code == 200


def test_a_content_length_that_is_no_number_is_a_400(client):
    response = client.post(reverse("admin:login"), {}, CONTENT_LENGTH="lots")
    assert response.status_code == 400


def test_the_import_upload_takes_files_up_to_its_own_limit_and_no_more(client, settings):
    settings.THAW_IMPORT_IN_BACKGROUND_OVER = 4 * MB  # checked in the request: no thread outlives the test
    client.force_login(SuperuserFactory())
    url = reverse("admin:imports_importbatch_upload")
    fits = SimpleUploadedFile("era.json", b" " * (3 * MB), content_type="application/json")
    assert client.post(url, {"file": fits}).status_code != 413
    too_big = SimpleUploadedFile("era.json", b" " * (settings.THAW_IMPORT_MAX_UPLOAD + 65 * 1024))
    assert client.post(url, {"file": too_big}).status_code == 413


@pytest.mark.parametrize("query", ["user=abc", "user=-1", "user=99999999999999999999", "model=<script>", "user=1.5"])
def test_bad_dashboard_filters_answer_400(client, query):
    client.force_login(SuperuserFactory())
    assert client.get(f"{reverse('admin:index')}?{query}").status_code == 400


def test_good_dashboard_filters_answer_200_and_keep_the_choice(client):
    staff = SuperuserFactory()
    client.force_login(staff)
    response = client.get(f"{reverse('admin:index')}?user={staff.pk}&model=event")
    assert response.status_code == 200
    assert f'<option value="{staff.pk}" selected>' in response.content.decode()
    assert client.get(f"{reverse('admin:index')}?user=&model=").status_code == 200


@pytest.mark.parametrize("path", ["/timeline/", "/admin/login/"])
def test_every_response_carries_a_permissions_policy(client, path):
    policy = client.get(path)["Permissions-Policy"]
    for feature in ("camera=()", "geolocation=()", "microphone=()", "payment=()"):
        assert feature in policy
