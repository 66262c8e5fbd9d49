"""Gunicorn settings for production: `gunicorn -c gunicorn.conf.py thaw_site.wsgi`.

WEB_CONCURRENCY   worker processes (default 2: this machine has 2 cores; sync workers, one request each).
PORT              port to listen on (default 8000), on every interface unless BIND is set.
"""

import os

bind = os.environ.get("BIND", f"0.0.0.0:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "sync"
# Load the application before forking, so workers share its memory pages.
preload_app = True
accesslog = None
timeout = 30
