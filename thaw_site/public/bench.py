"""The framework's floor: a view that does nothing, for the benchmark (python manage.py benchmark).

Every page's throughput is reported as a ratio to this view's, measured in the
same run, so the figures mean the same on a faster or slower machine.
"""

from django.http import HttpRequest, HttpResponse


def hello(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"Hello, world.\n", content_type="text/plain")
