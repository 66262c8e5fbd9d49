"""The public templates' environment reads frozen data as the pages expect, escaping all of it."""

import re
from pathlib import Path
from types import SimpleNamespace

from django.template import engines

from thaw_site.public.jinja2 import SOURCE_ENTRY_KEYS, chart_figure, environment, source_entry
from thaw_site.public.pages import Linked, LiveItem
from thaw_site.public.timeline import ChartEntry, build_chart


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


def test_a_source_entry_is_what_its_include_renders_and_is_remembered_by_all_it_reads():
    env = engines["jinja2"].env
    include = env.from_string(
        '{% with source=source, source_url=source_url %}{% include "includes/source_entry.html" %}{% endwith %}'
    )
    read = set(re.findall(r"source\.(\w+)", Path(env.get_template("includes/source_entry.html").filename).read_text()))
    assert read == set(SOURCE_ENTRY_KEYS), "source_entry() is remembered by exactly the keys the template reads"
    sources = [
        {"kind": "book", "title": "<b>Thaw</b>", "author_line": "A & B", "year": 1964, "place": "M", "isbn": "1"},
        {"kind": "article", "title": "T", "url": "javascript:alert(1)", "accessed": "2011-05-01", "publisher": "P"},
        {"title": "Untyped", "url": "https://example.org/<x>", "authors": ["unhashable", "list"]},
        {"kind": "book", "title": ["a list where a title belongs"]},
    ]
    for source in sources:
        for url in (None, "/sources/s-1/"):
            expected = include.render(source=source, source_url=url)
            assert str(source_entry(env, source, url)) == expected == str(source_entry(env, source, url))
    assert "<b>" not in str(source_entry(env, sources[0], None))


def test_listed_events_unpack_what_the_template_read_key_by_key():
    env = engines["jinja2"].env
    events = [
        LiveItem("event", "e-1", "<Moscow>", "S & T", None, None, {"date": "1956-02-25", "when": "25 Feb"}, "/e/1/"),
        LiveItem("event", "e-2", "Second", "", None, None, {"date": "1955~"}, "/e/2/"),
        LiveItem("event", "e-3", "Third", "", None, None, {}, "/e/3/"),
    ]
    key_by_key = env.from_string(
        "{% for e in events %}{{ e.list_data.date|time_tag(e.list_data.when) }}|{{ e.get_absolute_url() }}|"
        "{{ e.title }}|{{ e.summary }};{% endfor %}"
    )
    unpacked = env.from_string(
        "{% for w, u, t, s in events|event_entries %}{{ w }}|{{ u }}|{{ t }}|{{ s }};{% endfor %}"
    )
    assert unpacked.render(events=events) == key_by_key.render(events=events)
    linked = [Linked(event, detail) for event, detail in zip(events, ["<role>", "", "x"], strict=True)]
    key_by_key = env.from_string(
        "{% for l in links %}{{ l.target.list_data.date|time_tag(l.target.list_data.when) }}|"
        "{{ l.target.get_absolute_url() }}|{{ l.target.title }}|{{ l.detail }};{% endfor %}"
    )
    unpacked = env.from_string(
        "{% for w, u, t, d in links|linked_event_entries %}{{ w }}|{{ u }}|{{ t }}|{{ d }};{% endfor %}"
    )
    assert unpacked.render(links=linked) == key_by_key.render(links=linked)


def test_a_chart_is_what_its_include_draws_and_is_remembered_by_its_values():
    env = engines["jinja2"].env
    include = env.from_string('{% with chart_id=i, caption=c %}{% include "includes/chart.html" %}{% endwith %}')
    entries = [ChartEntry("<Party> & state", "1953-03", "1955"), ChartEntry("Premier", "1958-03-27", open_end=True)]
    charts = [build_chart(entries, labelled=True), build_chart(entries), build_chart(entries[:1], labelled=True)]
    for chart in charts:
        for caption in ("Offices", "<b>held</b>"):
            expected = include.render(chart=chart, i="c-1", c=caption)
            assert (
                str(chart_figure(env, chart, "c-1", caption))
                == expected
                == str(chart_figure(env, chart, "c-1", caption))
            )
    assert len({str(chart_figure(env, chart, "c-1", "x")) for chart in charts}) == 3
