"""Settings for Thaw, read from the environment (see .env.example).

DJANGO_DEBUG          1/true/yes/on turns debug mode on; anything else is off.
DJANGO_SECRET_KEY     required when debug is off.
DJANGO_ALLOWED_HOSTS  comma-separated host names.
DATABASE_URL          defaults to a SQLite file beside manage.py.
REDIS_URL             when set, the cache lives in Redis instead of each worker's memory
                      (THAW_CACHE_KEY_PREFIX keeps sites sharing one Redis apart).
THAW_LOCAL_CACHE_ENTRIES  without REDIS_URL, pages each worker keeps in memory (default 5000).
THAW_VARNISH_URLS     comma-separated URLs of Varnish caches in front, purged on publish (deploy/varnish/).
THAW_CACHE_PAGES      0/false/no/off stops caching anonymous public pages (thaw_site/public/cache.py).
THAW_MAIN_PERIOD      slug of the period the home page presents.
THAW_CITATION_POLICY  on by default: items with unknown source keys or malformed citations can't be published.
DJANGO_ADMIN_URL      path of the editorial admin, default "admin/" (a less guessable one is advised).
DJANGO_SECURE_SSL_REDIRECT  0 when a proxy already redirects HTTP to HTTPS (default on without debug).
See docs/security.md for the security settings and docs/operations.md for running the site.
THAW_FOUR_EYES        on by default: nobody but a superuser publishes their own changes.
THAW_SHOW_EDITORS     off by default: public history pages name who published each version.
THAW_SITE_URL         the site's address, which notification emails link to (default http://localhost:8000).
EMAIL_HOST            when set, notifications are sent by SMTP through it (with EMAIL_PORT, EMAIL_HOST_USER,
                      EMAIL_HOST_PASSWORD, EMAIL_USE_TLS); without it they are written to the console.
DEFAULT_FROM_EMAIL    the sender of notification emails.
"""

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_flag("DJANGO_DEBUG")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it to a long random string, or set DJANGO_DEBUG=1 for local development."
        )
    SECRET_KEY = "insecure-development-key-used-only-with-DJANGO_DEBUG"  # noqa: S105 (debug mode only)

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "simple_history",
    "csp",
    "axes",
    "thaw_site",
    "people",
    "events",
    "events.imports",
]

ADMIN_URL = os.environ.get("DJANGO_ADMIN_URL", "admin/").strip("/") + "/"

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    # Before anything reads the body: 405 for unsafe methods outside the admin, 413 for oversized bodies.
    "thaw_site.middleware.RequestLimitsMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "thaw_site.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes requires: it turns a locked-out login into a 429.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "thaw_site.urls"
WSGI_APPLICATION = "thaw_site.wsgi.application"

TEMPLATES = [
    # The public site's templates, in Jinja2 (templates/jinja2/, autoescaped): first, so a public page is found
    # at once.
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "thaw_site.public.jinja2.environment"},
    },
    # The admin's templates, and Django's own, in the Django template language (templates/ but its jinja2/).
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'thaw.sqlite3'}",
        conn_max_age=60,
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES: dict[str, dict[str, Any]]
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            # Sites (or benchmark runs) sharing one Redis keep their keys apart.
            "KEY_PREFIX": os.environ.get("THAW_CACHE_KEY_PREFIX", ""),
        }
    }
else:
    # Each worker's own memory, with room for every page of a mid-sized era (Django's default of 300 entries made a
    # 2,000-event era's pages evict each other). Pages average about 13 kB: 5,000 are up to about 65 MB a worker.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": env_int("THAW_LOCAL_CACHE_ENTRIES", 5000)},
        }
    }

# Anonymous public pages (thaw_site/public/cache.py): kept until a publish or withdrawal changes what they show,
# or this long; at most THAW_PAGE_VARIANTS query strings of one path. Browsers may reuse a page max-age seconds.
THAW_PAGE_CACHE_SECONDS = 24 * 60 * 60
THAW_PAGE_VARIANTS = 50
THAW_PAGE_MAX_AGE = 60
# Front-end caches purged by tag on publish and withdrawal (thaw_site/publishing/frontend_caches.py): Varnish with
# deploy/varnish/thaw.vcl at THAW_VARNISH_URLS. A purged front-end cache may keep a page an hour (s-maxage): a
# publish retires it at once, and the hour bounds a purge that was lost. Without one, a shared cache can't be
# told, so it keeps a page no longer than a browser may.
THAW_FRONTEND_CACHES = (
    [{"BACKEND": "thaw_site.publishing.frontend_caches.Varnish", "URLS": env_list("THAW_VARNISH_URLS")}]
    if env_list("THAW_VARNISH_URLS")
    else []
)
THAW_PAGE_SHARED_MAX_AGE = 60 * 60 if THAW_FRONTEND_CACHES else THAW_PAGE_MAX_AGE
THAW_UNCACHED_PREFIXES = (f"/{ADMIN_URL}", "/_bench/")
if env_flag("THAW_CACHE_PAGES", True):
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
        "thaw_site.public.cache.PublicPageCacheMiddleware",
    )

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# The largest file an editor may upload to import in the admin (import_era reads up to 200 MB from the server).
THAW_IMPORT_MAX_UPLOAD = 20 * 1024 * 1024
# Request bodies (thaw_site.middleware.RequestLimitsMiddleware): any request's at most this many bytes (as Django's
# own limit on form data), and the views named here, which take uploads, at most their own limit.
THAW_MAX_REQUEST_BYTES = 2_621_440
THAW_UPLOAD_VIEWS = {"admin:imports_importbatch_upload": THAW_IMPORT_MAX_UPLOAD + 64 * 1024}  # + the form around it
# A confirmed upload larger than this is imported in the background while a status page shows its progress.
THAW_IMPORT_IN_BACKGROUND_OVER = 1024 * 1024
# The editors' live preview (thaw_site.public.preview.live_preview) renders at most this many characters of a form's
# cited text per request (413 beyond: a longer text is previewed after saving). 100,000 characters with a citation in
# every sentence render in about 0.9 s, of prose in 0.25 s.
THAW_LIVE_PREVIEW_MAX_CHARS = 100_000
# A background check or import whose thread holds no lock this long after it started has stopped (its server did).
THAW_IMPORT_START_GRACE = 30

AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out username or address before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=30)
# Only the pair locks: failures from one address lock that address out of that account, so nobody elsewhere can lock
# an editor out by guessing at their username (docs/security.md).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_CALLABLE = "thaw_site.middleware.locked_out"
AXES_RESET_ON_SUCCESS = True

# Headers (docs/security.md). HSTS is sent only over HTTPS, as browsers ignore it elsewhere.
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Permissions-Policy (django-permissions-policy): a history site uses none of the browser's powerful features.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}
SECURE_HSTS_SECONDS = 0 if DEBUG else 31_536_000
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 12
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = not DEBUG
if not DEBUG:
    SECURE_SSL_REDIRECT = env_flag("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# No inline script or style anywhere, the admin included (it ships external JS and JSON data blocks).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

THAW_MAIN_PERIOD = os.environ.get("THAW_MAIN_PERIOD", "khrushchev-era")
THAW_CITATION_POLICY = env_flag("THAW_CITATION_POLICY", True)
THAW_FOUR_EYES = env_flag("THAW_FOUR_EYES", default=True)
THAW_SHOW_EDITORS = env_flag("THAW_SHOW_EDITORS")

# Notifications (thaw_site/publishing/notifications.py): by SMTP when EMAIL_HOST is set, else to the console.
THAW_SITE_URL = os.environ.get("THAW_SITE_URL", "http://localhost:8000").rstrip("/")
if os.environ.get("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_flag("EMAIL_USE_TLS", True)
    EMAIL_TIMEOUT = 10
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Thaw <thaw@localhost>")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

SERIALIZATION_MODULES = {"backup": "thaw_site.management.serializer"}  # see manage.py backup
