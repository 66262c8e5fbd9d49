"""Gunicorn settings for production: `gunicorn -c gunicorn.conf.py thaw_site.wsgi`.

WEB_CONCURRENCY   worker processes (default 2: this machine has 2 cores).
THREADS           threads per worker (default 4).
PORT              port to listen on (default 8000), on every interface unless BIND is set.

Threaded workers (gthread): a connection that has sent nothing waits in the worker's poller, not in a thread, and
one that sends its request slowly holds one thread of eight, so a few slow or half-open clients can't hold every
worker until its timeout (with sync workers, two half-open connections made a normal GET wait 30 s and fail:
tests/test_security_slow_clients.py). Put nginx or Varnish in front for more than a handful.
"""

import os

bind = os.environ.get("BIND", f"0.0.0.0:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "gthread"
threads = int(os.environ.get("THREADS", "4"))
# Load the application before forking, so workers share its memory pages.
preload_app = True
accesslog = None
timeout = 30
# A request's line and headers: gunicorn's own bounds, kept explicit (bodies are bounded by the site's middleware).
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190
