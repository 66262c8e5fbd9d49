from django import template

register = template.Library()


@register.filter
def percent(share):
    """0.571 -> '57%'; None (nothing to count) -> '—'."""
    return "—" if share is None else f"{share:.0%}"
