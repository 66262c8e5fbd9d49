"""The framework's floor: plain Django serving one view, with none of the project's apps, middleware or database.

Settings module and URLconf in one, for the benchmark (python manage.py benchmark), which measures the site's
pages against it: `DJANGO_SETTINGS_MODULE=thaw_site.floor gunicorn thaw_site.wsgi` serves it. Its one view is the
project's bare view (thaw_site/public/bench.py), which the project also serves at /_bench/hello/ behind all its
middleware: the two together say what the framework costs, what the project's middleware adds, and what a page
adds to both.
"""

from django.urls import path

from thaw_site.public.bench import hello

DEBUG = False
# Nothing is signed or stored: the key only satisfies Django's check that there is one.
SECRET_KEY = "thaw-floor-signs-nothing-" + "x" * 40
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
INSTALLED_APPS: list[str] = []
MIDDLEWARE: list[str] = []
ROOT_URLCONF = __name__
DATABASES: dict[str, dict[str, str]] = {}
USE_TZ = True

urlpatterns = [path("_bench/hello/", hello, name="bench-hello")]
