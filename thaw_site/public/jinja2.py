"""The Jinja2 environment of the public site's templates (templates/jinja2/).

Autoescape stays on: Django's Jinja2 backend turns it on by default and nothing here turns it off. The only
HTML that reaches a page unescaped is what comes marked safe from Python (the markup renderer's output via
`|safe`, search snippets, json_ld), as with the Django template language.

The globals and filters are the tags and filters the templates used under the Django template language; the
project's own come from its template tag libraries, so both engines share one implementation.
"""

import dataclasses
import datetime
import itertools
import operator
from collections.abc import Iterable, Mapping
from functools import lru_cache
from types import SimpleNamespace
from typing import Any

from django.http import QueryDict
from django.template import defaultfilters
from django.template.defaulttags import querystring as django_querystring
from django.templatetags.static import static
from django.utils.timezone import get_current_timezone, template_localtime  # type: ignore[attr-defined]  # missing from the stubs
from django.utils.translation import get_language
from jinja2 import ChainableUndefined, Environment, pass_context, pass_environment
from jinja2.runtime import Context
from markupsafe import Markup, escape

from thaw_site.public.history import history_url, version_url
from thaw_site.public.timeline import Chart
from thaw_site.publishing.publications import cached_reverse
from thaw_site.templatetags.public_site import json_ld
from thaw_site.templatetags.thaw import edtf, is_web_url, percent, time_tag
from thaw_site.text.identifiers import identifier_links


@pass_context
def querystring(context: Context, query_dict: QueryDict | None = None, **kwargs: Any) -> str:
    """Django's {% querystring %}: the request's query string with these parameters set, or removed by None."""
    # It reads nothing of its template Context but the request.
    return django_querystring(SimpleNamespace(request=context["request"]), query_dict, **kwargs)  # type: ignore[arg-type]


def date(value: datetime.date | str | None, arg: str | None = None) -> str:
    """Django's |date, in the current time zone as the Django template language shows datetimes."""
    if arg is None:  # the DATE_FORMAT setting's format: not remembered, as the setting is no part of the key
        return defaultfilters.date(template_localtime(value), arg)
    return formatted_date(value, arg, get_current_timezone(), get_language())


@lru_cache(maxsize=4096)
def formatted_date(value: datetime.date | str | None, arg: str, zone: datetime.tzinfo, language: str | None) -> str:
    """|date with a format, remembered: an item page shows its publication date twice, and formatting one took
    Django as long as a tenth of the page. The answer depends on the current time zone and language too, which
    are in the key (and are the ones `template_localtime` and the format read)."""
    return defaultfilters.date(template_localtime(value), arg)


# What a template reads for a key a dict does not hold.
MISSING = ChainableUndefined()


def listed_event(event: Any) -> tuple[str, str, str]:
    """A listed event's (date as a <time>, address, title), read as the list templates read them
    (`event.list_data.date|time_tag(event.list_data.when)`, a key missing being undefined)."""
    shown = event.list_data
    return time_tag(shown.get("date", MISSING), shown.get("when", MISSING)), event.get_absolute_url(), event.title


def event_entries(events: Iterable[Any]) -> list[tuple[str, str, str, str]]:
    """|event_entries: each listed event (a LiveItem) as (date, address, title, summary), for a list template to
    unpack. Read in Python at once, the values cost a list a third of its time less than looked up one by one by
    the template (an attribute or key at a time, through Environment.getattr)."""
    return [(*listed_event(event), event.summary) for event in events]


def linked_event_entries(links: Iterable[Any]) -> list[tuple[str, str, str, str]]:
    """|linked_event_entries: as |event_entries for links to events (Linked), with each link's detail (a role)
    in place of the summary."""
    return [(*listed_event(linked.target), linked.detail) for linked in links]


# The keys of a source's data that includes/source_entry.html reads (tests/test_public_templates.py checks them).
SOURCE_ENTRY_KEYS = ("kind", "author_line", "title", "place", "publisher", "year", "isbn", "url", "accessed")


@pass_environment
def source_entry(env: Environment, source: Mapping[str, Any], source_url: str | None = None) -> Markup:
    """source_entry(source, source_url): includes/source_entry.html for this source's data (and its page's
    address, if it is linked), remembered by what the template reads of them. A page's references list a source
    entry each, and the same sources on page after page; rendering each anew was most of a reference list's time.
    The entry is Jinja2's own (autoescaped) output, as the include gave."""
    shown = tuple((key, source[key]) for key in SOURCE_ENTRY_KEYS if key in source)
    try:
        return rendered_source_entry(env, shown, source_url)
    except TypeError:  # a value that can't be part of a key (say, a list where a string belongs): not remembered
        return rendered_source_entry.__wrapped__(env, shown, source_url)


@lru_cache(maxsize=4096)
def rendered_source_entry(env: Environment, shown: tuple[tuple[str, Any], ...], source_url: str | None) -> Markup:
    module = env.get_template("includes/source_entry.html").make_module(
        {"source": dict(shown), "source_url": source_url}
    )
    return escape(module)  # the module's __html__: its output, which autoescaping made safe


@pass_environment
def chart_figure(env: Environment, chart: Chart, chart_id: str, caption: str) -> Markup:
    """chart_figure(chart, chart_id, caption): includes/chart.html for this chart (thaw_site.public.timeline.Chart),
    remembered by the chart's own values: the same lists draw the same charts request after request, and drawing
    one was a twentieth of a figure's page. Jinja2's own (autoescaped) output, as the include gave."""
    values = (getattr(chart, field.name) for field in dataclasses.fields(chart))
    kept = tuple(tuple(value) if isinstance(value, list) else value for value in values)
    return rendered_chart(env, kept, chart_id, caption)


@lru_cache(maxsize=1024)
def rendered_chart(env: Environment, values: tuple[Any, ...], chart_id: str, caption: str) -> Markup:
    """The chart drawn from its values (its lists as tuples, which the template reads alike)."""
    template = env.get_template("includes/chart.html")
    return escape(template.make_module({"chart": Chart(*values), "chart_id": chart_id, "caption": caption}))


def regroup(items: Iterable[object], attribute: str) -> list[SimpleNamespace]:
    """{% regroup %}: (grouper, list) for each run of consecutive items with the same (dotted) attribute."""
    key = operator.attrgetter(attribute)
    return [SimpleNamespace(grouper=grouper, list=list(group)) for grouper, group in itertools.groupby(items, key)]


class PublicEnvironment(Environment):
    """Jinja2's environment, reading `mapping.key` from a dict's keys first.

    Jinja2 looks `x.key` up as an attribute first and as a key only when that raises AttributeError; the pages
    read hundreds of keys of frozen data that way (`data.place`, `linked.target.list_data.date`), and each
    raised and caught an exception. For a dict holding the key the answer is the same but for a key named like a
    dict method, which no template reads as a method.
    """

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute in obj:
            return obj[attribute]
        return super().getattr(obj, attribute)


def environment(**options: Any) -> Environment:
    # Missing variables and attributes print as nothing, as in the Django template language (the backend's
    # default, DebugUndefined when DEBUG, would print them as "{{ name }}"). A template's final newline is
    # kept, as the Django template language keeps it, so includes lay out the same.
    options["undefined"] = ChainableUndefined
    options.setdefault("keep_trailing_newline", True)
    # Autoescape on, whatever OPTIONS say (the backend's default, made certain here).
    options.pop("autoescape", None)
    env = PublicEnvironment(autoescape=True, **options)
    env.globals.update(
        {
            "static": static,
            "url": cached_reverse,
            "querystring": querystring,
            "json_ld": json_ld,
            "chart_figure": chart_figure,
            "source_entry": source_entry,
            "identifier_links": identifier_links,
            "version_url": version_url,
        }
    )
    env.filters.update(
        {
            "date": date,
            "edtf": edtf,
            "event_entries": event_entries,
            "linked_event_entries": linked_event_entries,
            "history_url": history_url,
            "is_web_url": is_web_url,
            "percent": percent,
            "pluralize": defaultfilters.pluralize,
            "regroup": regroup,
            "time_tag": time_tag,
            "urlencode": defaultfilters.urlencode,
        }
    )
    return env
