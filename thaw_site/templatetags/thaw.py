import datetime
from functools import lru_cache

from django import template
from django.core.exceptions import ValidationError
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.timezone import localtime

from thaw_site.text.dates import format_date, parse_date

register = template.Library()


@register.filter
def edtf(value: str | None) -> str:
    """'1956-02-25' -> '25 February 1956', '1955~' -> 'c. 1955'."""
    return format_date(value)


@register.filter
def time_tag(value: datetime.datetime | str | None, shown: str | None = None) -> SafeString:
    """A <time> whose datetime a machine reads, showing the honest words (by default the EDTF date's).

    An EDTF date's datetime is the date at the precision known, without its qualifier ('1955~' -> '1955', shown
    as 'c. 1955'); a moment's is to the second, in the current time zone. Text that is no date is shown as
    it is, in no <time>, which would need a datetime.
    """
    if isinstance(value, datetime.datetime):
        words = shown if shown is not None else str(value)
        return format_html('<time datetime="{}">{}</time>', localtime(value).isoformat(timespec="seconds"), words)
    if isinstance(value, str | None) and isinstance(shown, str | None):
        return date_tag(value, shown)
    return date_tag.__wrapped__(value, shown)


@lru_cache(maxsize=8192)
def date_tag(value: str | None, shown: str | None) -> SafeString:
    """time_tag of an EDTF date, remembered: a list of events shows a few hundred distinct dates, many times."""
    try:
        machine, words = parse_date(value).iso, format_date(value)
    except ValidationError:
        return format_html("{}", shown if shown is not None else value or "")
    return format_html('<time datetime="{}">{}</time>', machine, shown if shown is not None else words)


@register.filter
def is_web_url(value: object) -> bool:
    """Only http(s) addresses become links, whatever reached the database."""
    return isinstance(value, str) and value.lower().startswith(("http://", "https://"))


@register.filter
def percent(share: float | None) -> str:
    """0.571 -> '57%'; None (nothing to count) -> '—'."""
    return "—" if share is None else f"{share:.0%}"
