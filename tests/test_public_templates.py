"""The public templates' environment reads frozen data as the pages expect, escaping all of it."""

from types import SimpleNamespace

from thaw_site.public.jinja2 import environment


def render(source, **context):
    return environment().from_string(source).render(**context)


def test_dotted_names_read_a_dicts_keys_escaped():
    assert render("{{ data.place }}", data={"place": "<Moscow>"}) == "&lt;Moscow&gt;"


def test_a_missing_key_or_attribute_prints_nothing():
    assert render("[{{ data.place }}{{ data.place.name }}{{ item.title }}]", data={}, item=SimpleNamespace()) == "[]"


def test_objects_are_still_read_by_attribute_then_by_key():
    assert render("{{ item.title }}", item=SimpleNamespace(title="Thaw")) == "Thaw"
    assert render("{{ row.0 }}", row=["first"]) == "first"


def test_a_dicts_methods_stay_methods_unless_a_key_has_their_name():
    assert render("{{ data.keys()|list|join(',') }}", data={"a": 1}) == "a"
    assert render("{{ data.items }}", data={"items": "three"}) == "three"
