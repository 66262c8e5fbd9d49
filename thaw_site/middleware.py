"""Middleware for hostile and unlucky moments: an unreachable database gives a polite 503, never a traceback or a
bare 500; unsafe methods on the public site, oversized bodies and locked-out logins get their own answers."""

import logging
from collections.abc import Callable

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseNotAllowed
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30


class DatabaseUnavailableMiddleware:
    """Answer 503 with Retry-After when the database cannot be reached.

    The page is rendered without the request, so no context processor touches
    the database that just failed. With CONN_HEALTH_CHECKS on, the next request
    opens a fresh connection, so the site recovers as soon as the server does.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DATABASE_DOWN):
            return None
        return database_unavailable(request, exception)


# What the database driver raises when the server is gone, as Django wraps it.
DATABASE_DOWN = (OperationalError, InterfaceError)


def database_unavailable(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The 503 page, for the middleware above and for middleware that queries before any view runs (process_exception
    only sees a view's exceptions)."""
    logger.warning("Database unavailable while serving %s: %s", request.path, exception)
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class RequestLimitsMiddleware:
    """What a request may be, checked before anything reads its body.

    Outside the admin the site only reads: a method other than GET, HEAD or OPTIONS answers 405. A body larger
    than settings.THAW_MAX_REQUEST_BYTES answers 413 before it is read (Django's own limit counts form fields only,
    so a file part of any size reached even the login page), except for the views in settings.THAW_UPLOAD_VIEWS,
    which take files up to their own limit.
    """

    SAFE_METHODS = ("GET", "HEAD", "OPTIONS")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.admin_prefix = f"/{settings.ADMIN_URL}"

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in self.SAFE_METHODS and not request.path_info.startswith(self.admin_prefix):
            return HttpResponseNotAllowed(self.SAFE_METHODS)
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., HttpResponse], args: object, kwargs: object
    ) -> HttpResponse | None:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return HttpResponseBadRequest("Content-Length is not a number.", content_type="text/plain")
        match = request.resolver_match
        limit = settings.THAW_UPLOAD_VIEWS.get(match.view_name if match else "", settings.THAW_MAX_REQUEST_BYTES)
        if length > limit:
            response = HttpResponse(
                f"The request is {length:,} bytes; this page takes at most {limit:,}.\n",
                status=413,
                content_type="text/plain",
            )
            response["Connection"] = "close"
            return response
        return None


def locked_out(request: HttpRequest, response: HttpResponse | None, credentials: object = None) -> HttpResponse:
    """django-axes' answer to a locked-out login: 429, saying when to try again (the whole cool-off)."""
    seconds = int(settings.AXES_COOLOFF_TIME.total_seconds())
    locked = HttpResponse(
        f"Too many failed sign-ins for this account from your address. Try again in {seconds // 60} minutes.\n",
        status=429,
        content_type="text/plain",
    )
    locked["Retry-After"] = str(seconds)
    locked["Cache-Control"] = "no-store"
    return locked
