from django import template

from thaw_site.text.dates import format_date

register = template.Library()


@register.filter
def edtf(value: str | None) -> str:
    """'1956-02-25' -> '25 February 1956', '1955~' -> 'c. 1955'."""
    return format_date(value)


@register.filter
def is_web_url(value: object) -> bool:
    """Only http(s) addresses become links, whatever reached the database."""
    return isinstance(value, str) and value.lower().startswith(("http://", "https://"))


@register.filter
def percent(share: float | None) -> str:
    """0.571 -> '57%'; None (nothing to count) -> '—'."""
    return "—" if share is None else f"{share:.0%}"
