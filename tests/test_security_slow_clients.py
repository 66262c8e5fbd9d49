"""A slow client can't starve the workers: with the shipped gunicorn settings (two threaded workers), half-open
connections — connected and silent, or sending their headers a byte at a time — don't delay a normal GET /.

With the sync workers shipped before, two such connections held both workers until their 30 s timeout.
Real processes on a SQLite file of the shipped era: the test's own database is not one other processes can open.
"""

import socket
import time

import pytest

from tests.test_cache_shared_workers import ERA, GUNICORN, Site, status_and_body

pytestmark = pytest.mark.skipif(not GUNICORN.exists(), reason="gunicorn is not installed in this environment")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    site = Site(tmp_path_factory.mktemp("slow-clients"))
    site.manage("migrate", "-v0")
    site.manage("import_era", str(ERA))
    with site.serve():  # the shipped settings as they are: WEB_CONCURRENCY's two workers
        yield site


def timed_get(url):
    started = time.monotonic()
    status, _ = status_and_body(url)
    return status, time.monotonic() - started


@pytest.mark.parametrize("sends", [b"", b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "])
def test_two_half_open_connections_do_not_delay_a_normal_get(site, sends):
    status, _ = timed_get(site.url + "/")  # the page as a reader gets it, cached once
    assert status == 200
    _, usual = timed_get(site.url + "/")
    slow = [socket.create_connection(("127.0.0.1", site.port)) for _ in range(2)]
    try:
        for connection in slow:
            connection.sendall(sends)
        time.sleep(0.5)  # both are with the workers now
        status, waited = timed_get(site.url + "/")
    finally:
        for connection in slow:
            connection.close()
    assert status == 200
    assert waited - usual < 1.0, (usual, waited)
