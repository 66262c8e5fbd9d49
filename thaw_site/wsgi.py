"""WSGI entry point: `gunicorn thaw_site.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "thaw_site.settings")
application = get_wsgi_application()
