"""The framework's floor the benchmark measures item pages against, and the report section it rewrites."""

import os

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from thaw_site.management import floor
from thaw_site.management.commands.benchmark import FLOOR_HEADING, MIXED_HEADING, replace_section


def test_floor_serves_the_bare_view_with_no_middleware_and_refuses_other_paths():
    worker = floor.Worker("thaw_site.floor", dict(os.environ))
    try:
        assert worker.rate("/_bench/hello/", 0.05) > 0
        with pytest.raises(RuntimeError, match="did not answer 200 in-process: error 404"):
            worker.rate("/events/", 0.05)
    finally:
        worker.close()


def test_floor_settings_have_no_apps_middleware_or_database():
    from thaw_site import floor as settings

    assert settings.INSTALLED_APPS == settings.MIDDLEWARE == []
    assert settings.DATABASES == {}


def test_served_in_process_a_request_goes_through_the_whole_site(db):
    site = WSGIHandler()
    # As Django's test client does: the end of a request would close the test's connection mid-transaction.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        assert floor.serve(site, "/_bench/hello/") == "200 OK"
        assert floor.serve(site, "/events/no-such-event/") == "404 Not Found"
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_interleaved_gives_medians_and_ratios_to_the_floor_measured_before_and_to_the_bare_view():
    floors = iter([100.0, 100.0, 200.0, 200.0, 100.0, 100.0])
    site = {floor.BARE: iter([50.0, 100.0, 50.0]), "/p/": iter([10.0, 40.0, 20.0])}
    rows = floor.interleaved(
        [("bare view", floor.BARE), ("page", "/p/")],
        lambda path: next(floors),
        lambda path: next(site[path]),
        rounds=3,
    )
    bare, page = rows
    assert bare["to_bare"] == 1
    assert bare["to_floor"] == 0.5
    assert page["rate"] == 20
    assert page["to_floor"] == pytest.approx(0.2)  # 10/100, 40/200, 20/100
    assert page["to_bare"] == pytest.approx(0.4)  # 10/50, 40/100, 20/50


def test_replace_section_keeps_the_rest_of_the_report():
    report = f"# Benchmarks\n\n## Pages\n\nold pages\n\n{FLOOR_HEADING}\n\nold floor\n\n## Mixed\n\nmixed\n"
    replaced = replace_section(report, f"{FLOOR_HEADING}\n\nnew floor\n")
    assert replaced == f"# Benchmarks\n\n## Pages\n\nold pages\n\n{FLOOR_HEADING}\n\nnew floor\n\n## Mixed\n\nmixed\n"


def test_replace_section_appends_it_when_the_report_has_none():
    assert replace_section("# Benchmarks\n", f"{FLOOR_HEADING}\n\nnew\n") == f"# Benchmarks\n\n{FLOOR_HEADING}\n\nnew\n"
    assert replace_section("", f"{FLOOR_HEADING}\n") == f"{FLOOR_HEADING}\n"


def test_replace_section_replaces_the_section_under_its_own_heading():
    report = f"# Benchmarks\n\n{MIXED_HEADING}\n\nold mixed\n\n{FLOOR_HEADING}\n\nfloor\n"
    replaced = replace_section(report, f"{MIXED_HEADING}\n\nnew mixed\n")
    assert replaced == f"# Benchmarks\n\n{MIXED_HEADING}\n\nnew mixed\n\n{FLOOR_HEADING}\n\nfloor\n"
