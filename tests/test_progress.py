"""Progress of long commands: counts and rate rewritten in place on a terminal, plain lines otherwise."""

import io
import json

from django.core.management import call_command
from django.core.management.base import OutputWrapper

from thaw_site.progress import Progress


class Terminal(io.StringIO):
    def isatty(self):
        return True


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_plain_lines_every_few_seconds_when_not_a_terminal_and_the_final_count_once():
    out, clock = io.StringIO(), Clock()
    progress = Progress(OutputWrapper(out), "importing", 1000, every=5, clock=clock)
    for done in range(100, 1001, 100):
        clock.now += 1
        progress.update(done)
    progress.finish()

    assert out.getvalue().splitlines() == [
        "importing: 500/1,000 (50%), 100/s",
        "importing: 1,000/1,000 (100%), 100/s",
    ]


def test_one_line_rewritten_in_place_on_a_terminal():
    out, clock = Terminal(), Clock()
    progress = Progress(OutputWrapper(out), "pages", clock=clock)
    clock.now = 2
    progress.advance()
    progress.advance()
    progress.finish()

    assert out.getvalue() == "\r\x1b[Kpages: 1, 0/s\r\x1b[Kpages: 2, 1/s\n"


def test_import_era_and_generate_era_report_their_counts(db, tmp_path):
    path = tmp_path / "era.json"
    err = io.StringIO()
    call_command(
        "generate_era", "--events", "30", "--figures", "5", "--sources", "3", "--output", str(path), stderr=err
    )
    assert "generating events: 30/30 (100%)" in err.getvalue()
    items = sum(len(v) for v in json.loads(path.read_text()).values() if isinstance(v, list))

    err = io.StringIO()
    call_command("import_era", str(path), stdout=io.StringIO(), stderr=err)

    assert f"writing items: {items:,}/{items:,} (100%)" in err.getvalue()
    # Before writing, the checks (each item's text rendered) report their own count, ended before writing's.
    assert err.getvalue().index(f"checking items: {items:,}/{items:,} (100%)") < err.getvalue().index("writing items")


def test_import_era_on_a_terminal_ends_the_checking_line_before_writing_begins(db, tmp_path):
    path = tmp_path / "era.json"
    call_command("generate_era", "--events", "5", "--figures", "2", "--sources", "2", "--output", str(path))
    err = Terminal()
    call_command("import_era", str(path), stdout=io.StringIO(), stderr=err)

    checking, writing = err.getvalue().split("\n")[:2]
    assert checking.startswith("\r\x1b[Kchecking items: ") and "(100%)" in checking
    assert writing.startswith("\r\x1b[Kwriting items: ")
