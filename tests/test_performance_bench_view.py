"""The bare view the benchmark measures every page against."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def test_bench_hello_answers_plain_text_without_touching_the_database(client, db):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/_bench/hello/")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain"
    assert response.content == b"Hello, world.\n"
    assert len(queries) == 0


def test_bench_hello_is_never_cached(client):
    assert "public" not in client.get("/_bench/hello/").get("Cache-Control", "")
