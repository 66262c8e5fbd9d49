"""Lint rules with teeth: the code and templates are read, not run.

- `|safe` and `mark_safe` (or Jinja2's `Markup`) only on the markup renderer's output, autoescape never off, in
  the Django templates (templates/, the admin's) and the Jinja2 ones (templates/jinja2/, the public site's);
- no `QuerySet.update()`, `bulk_update()`, `bulk_create()` or raw SQL on models with history (they write none),
  except in a function that records the revisions itself;
- no request data expanded into `filter()`/`exclude()`/`get()`/`Q()` or fed to `order_by()`.
"""

import ast
import re
import sys
from pathlib import Path

import pytest
from django.apps import apps

PROJECT = Path(__file__).resolve().parent.parent
CODE = sorted(
    path
    for app in ("thaw_site", "events", "people")
    for path in (PROJECT / app).rglob("*.py")
    if "migrations" not in path.parts
)
TEMPLATES = sorted(  # the Jinja2 ones are in templates/jinja2/
    path for root in (PROJECT / "templates", *(PROJECT.glob("*/templates"))) for path in root.rglob("*.html")
)

# HTML that came out of thaw_site.text.markup (CitedItem.rendered, frozen into publications as data.rendered).
RENDERER_OUTPUT = re.compile(r"^(?:\w+\.)*rendered(?:\.\w+)+$")
# The editorial record keeps each note's and disputed value's rendered citations under "html"
# (CitedItem.editorial_record): renderer output too, named where it is shown.
RENDERER_OUTPUT_IN = {
    "templates/jinja2/includes/editors_notes.html": {"note.html"},
    "templates/jinja2/includes/disputed_facts.html": {"value.html"},
    "templates/jinja2/preview/live.html": {"fact.html"},  # a structured fact's citation: data.rendered[<field>]
}
# Modules allowed to call mark_safe: the renderer itself, should it ever need to.
RAW_SQL_ALLOWED = {
    "events/management/commands/import_era.py",  # ANALYZE after a large import: statistics, no rows
    "events/imports/background.py",  # PostgreSQL advisory locks around a background import: no rows
    "thaw_site/public/prepared.py",  # reads only: SQL compiled once by Django from QuerySets, parameters bound
    "thaw_site/publishing/bulk.py",  # insert_rows: COPY / executemany of rows without history, names quoted
}
MARK_SAFE_ALLOWED = {
    "thaw_site/text/markup.py",
    "thaw_site/public/search.py",  # snippets escaped whole before <mark> is put back
    "thaw_site/templatetags/public_site.py",  # JSON-LD escaped as json_script does; Jinja2's output, escaped
}
QUERY_CALLS = {"filter", "exclude", "get", "Q", "order_by", "get_or_create", "update_or_create"}
REQUEST_NAMES = {"request", "GET", "POST", "query_params", "data"}
BULK_WRITES = {"update", "bulk_update", "bulk_create", "raw", "extra"}


def relative(path):
    return path.relative_to(PROJECT).as_posix()


def tracked_model_names():
    return {model.__name__ for model in apps.get_models() if hasattr(model._meta, "simple_history_manager_attribute")}


def names_in(node):
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)} | {
        n.attr for n in ast.walk(node) if isinstance(n, ast.Attribute)
    }


def manager_owner(node):
    """`Event` for `Event.objects.filter(...).update`, else None."""
    for inner in ast.walk(node):
        if isinstance(inner, ast.Attribute) and inner.attr == "objects" and isinstance(inner.value, ast.Name):
            return inner.value.id
    return None


def calls(path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            yield node, name


def test_the_lint_reads_the_code_and_templates():
    assert len(CODE) > 20 and len(TEMPLATES) > 30
    jinja2 = PROJECT / "templates" / "jinja2"
    assert any(path.is_relative_to(jinja2) for path in TEMPLATES) and not all(
        p.is_relative_to(jinja2) for p in TEMPLATES
    )
    assert {"Event", "Figure", "Source", "Topic", "Period", "Office"} <= tracked_model_names()


def test_safe_filter_only_marks_renderer_output():
    offenders = []
    for path in TEMPLATES:
        text = path.read_text(encoding="utf-8")
        for expression in re.findall(r"\{\{\s*([^}]*?)\s*\|\s*safe\b", text):
            expression = expression.strip()
            if not RENDERER_OUTPUT.match(expression) and expression not in RENDERER_OUTPUT_IN.get(relative(path), ()):
                offenders.append(f"{relative(path)}: {expression}")
        for expression in re.findall(r"\{%-?\s*(?:set|with|if|for)\b([^%]*?\|\s*safe\b[^%]*)%\}", text):
            offenders.append(f"{relative(path)}: |safe in {{% {expression.strip()} %}}")
        if re.search(r"\{%-?\s*autoescape\s+(?:off|false)\b", text, re.IGNORECASE) or "|safeseq" in text:
            offenders.append(f"{relative(path)}: autoescape off / safeseq")
        if re.search(r"\bMarkup\s*\(|\|\s*mark_safe\b", text):
            offenders.append(f"{relative(path)}: Markup")
    assert offenders == []


def test_mark_safe_only_in_the_renderer():
    offenders = [
        relative(path)
        for path in CODE
        for _, name in calls(path)
        if name in {"mark_safe", "SafeString", "Markup"} and relative(path) not in MARK_SAFE_ALLOWED
    ]
    assert offenders == []


def test_jinja2_autoescape_is_never_turned_off():
    offenders = [
        relative(path)
        for path in CODE
        if re.search(r"autoescape\s*[=:]\s*False|\"autoescape\"\s*:\s*False", path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def functions_recording_revisions(path):
    """Line ranges of the functions that write history rows themselves (thaw_site.publishing.revisions.record_revisions)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return [
        range(function.lineno, function.end_lineno + 1)
        for function in ast.walk(tree)
        if isinstance(function, ast.FunctionDef)
        and any(isinstance(n, ast.Name) and n.id == "record_revisions" for n in ast.walk(function))
    ]


def test_no_history_less_bulk_writes_on_tracked_models():
    tracked = tracked_model_names()
    offenders = []
    for path in CODE:
        recording = functions_recording_revisions(path)
        for node, name in calls(path):
            if name in BULK_WRITES and isinstance(node.func, ast.Attribute):
                owner = manager_owner(node.func.value)
                if owner in tracked and not any(node.lineno in lines for lines in recording):
                    offenders.append(f"{relative(path)}:{node.lineno} {owner}.…{name}()")
        raw = re.search(r"\bcursor\(\)|\.execute\(|RawSQL\(", path.read_text(encoding="utf-8"))
        if raw and relative(path) not in RAW_SQL_ALLOWED:
            offenders.append(f"{relative(path)}: raw SQL")
    assert offenders == []


def test_no_request_data_reaches_query_arguments():
    offenders = []
    for path in CODE:
        for node, name in calls(path):
            if name not in QUERY_CALLS:
                continue
            arguments = [*node.args, *(keyword.value for keyword in node.keywords)]
            from_request = any(names_in(argument) & REQUEST_NAMES for argument in arguments)
            expanded = any(keyword.arg is None for keyword in node.keywords)
            if from_request and (expanded or name == "order_by"):
                offenders.append(f"{relative(path)}:{node.lineno} {name}(**request …)")
    assert offenders == []


@pytest.mark.parametrize(
    ("source", "rule"),
    [
        ("Event.objects.filter(slug='x').update(title='y')\n", test_no_history_less_bulk_writes_on_tracked_models),
        ("Q(**request.GET.dict())\n", test_no_request_data_reaches_query_arguments),
        ("qs.order_by(request.GET['o'])\n", test_no_request_data_reaches_query_arguments),
        ("mark_safe(value)\n", test_mark_safe_only_in_the_renderer),
        ("markupsafe.Markup(value)\n", test_mark_safe_only_in_the_renderer),
        ("Environment(autoescape=False)\n", test_jinja2_autoescape_is_never_turned_off),
        ('OPTIONS = {"autoescape": False}\n', test_jinja2_autoescape_is_never_turned_off),
    ],
)
def test_each_rule_catches_what_it_forbids(tmp_path, monkeypatch, source, rule):
    planted = tmp_path / "planted.py"
    planted.write_text(source, encoding="utf-8")
    monkeypatch.setattr(sys.modules[__name__], "CODE", [planted])
    monkeypatch.setattr(sys.modules[__name__], "relative", lambda path: path.name)
    with pytest.raises(AssertionError):
        rule()


def test_the_safe_rule_catches_a_title_marked_safe(tmp_path, monkeypatch):
    template = tmp_path / "bad.html"
    template.write_text("{{ item.title|safe }} {{ data.rendered.body|safe }}", encoding="utf-8")
    monkeypatch.setattr(sys.modules[__name__], "TEMPLATES", [template])
    monkeypatch.setattr(sys.modules[__name__], "relative", lambda path: path.name)
    with pytest.raises(AssertionError, match=r"item\.title"):
        test_safe_filter_only_marks_renderer_output()


def test_a_bulk_write_is_allowed_only_in_a_function_that_records_its_revisions(tmp_path, monkeypatch):
    planted = tmp_path / "planted.py"
    recorded = "def recorded(offices):\n    Office.objects.bulk_create(offices)\n    record_revisions(offices)\n"
    planted.write_text(f"{recorded}\n\ndef silent(offices):\n    Office.objects.bulk_create(offices)\n")
    monkeypatch.setattr(sys.modules[__name__], "CODE", [planted])
    monkeypatch.setattr(sys.modules[__name__], "relative", lambda path: path.name)
    with pytest.raises(AssertionError) as caught:
        test_no_history_less_bulk_writes_on_tracked_models()
    assert "planted.py:7 Office" in str(caught.value) and "planted.py:2" not in str(caught.value)


@pytest.mark.parametrize(
    ("text", "caught"),
    [
        ("{% autoescape false %}{{ item.title }}{% endautoescape %}", "autoescape off"),
        ("{% autoescape off %}{{ item.title }}{% endautoescape %}", "autoescape off"),
        ("{% set title = item.title|safe %}{{ title }}", "|safe in"),
        ("{{ Markup(item.title) }}", "Markup"),
        ("{{ item.summary | safe }}", "item.summary"),
    ],
)
def test_the_template_rules_catch_jinja2_escapes(tmp_path, monkeypatch, text, caught):
    template = tmp_path / "bad.html"
    template.write_text(text, encoding="utf-8")
    monkeypatch.setattr(sys.modules[__name__], "TEMPLATES", [template])
    monkeypatch.setattr(sys.modules[__name__], "relative", lambda path: path.name)
    with pytest.raises(AssertionError, match=re.escape(caught)):
        test_safe_filter_only_marks_renderer_output()


def test_the_public_templates_are_autoescaped():
    from django.template import engines

    assert engines["jinja2"].env.autoescape is True
    html = engines["jinja2"].from_string("{{ title }}").render({"title": "<script>"})
    assert html == "&lt;script&gt;"
