"""Links to an item's public history and to a publication's permanent page."""

from django import template
from django.urls import reverse

from thaw_site.models import URL_NAMES

register = template.Library()


@register.filter
def history_url(publication):
    return reverse(f"{URL_NAMES[publication.kind]}_history", args=[publication.slug])


@register.simple_tag
def version_url(publication, slug):
    """A publication's permanent address, under the item's current slug."""
    return reverse(f"{URL_NAMES[publication.kind]}_version", args=[slug, publication.pk])
