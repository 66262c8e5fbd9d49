import json
from typing import Any

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.template import engines
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# As django.utils.html.json_script: no '<', '>' or '&' can close the script element or open a comment.
SCRIPT_SAFE = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def json_ld(data: object) -> str:
    """A schema.org description in <script type="application/ld+json">, escaped like json_script."""
    if not data:
        return ""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(SCRIPT_SAFE)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308


@register.simple_tag(takes_context=True)
def public_include(context: template.Context, template_name: str, **values: Any) -> SafeString:
    """{% include %} of a public (Jinja2, autoescaped) template from an admin one, so both share one copy."""
    template = engines["jinja2"].get_template(template_name)
    # django-stubs types flatten()'s keys as anything a context can be indexed with; they are variable names.
    html = template.render({**context.flatten(), **values}, request=context.get("request"))  # type: ignore[dict-item]
    return mark_safe(html)  # noqa: S308 - Jinja2 escaped it (autoescape is on)
