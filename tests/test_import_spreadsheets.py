"""TimelineJS-style spreadsheets (.csv, .xlsx) imported as events: honest dates, Group as topic, every bad cell
named by row and column, and the same batch and undo as any import."""

import csv
import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from events.imports.models import ImportBatch
from events.models import Event, Period, Topic
from tests.test_import_era import export_text

HEADER = ["Year", "Month", "Day", "Time", "End Year", "End Month", "End Day", "End Time", "Display Date", "Headline",
          "Text", "Media", "Media Credit", "Media Caption", "Media Thumbnail", "Type", "Group", "Background"]  # fmt: skip


def row(**cells):
    names = {name.lower().replace(" ", "_"): name for name in HEADER}
    values = {names[key]: str(value) for key, value in cells.items()}
    return [values.get(name, "") for name in HEADER]


def twenty_events():
    rows = [row(headline="The Thaw in twenty events", type="title")]
    for number in range(20):
        rows.append(row(year=1953 + number % 12, month=(number % 12) + 1, headline=f"Event number {number}"))
    return rows


def write_csv(tmp_path, rows, name="sheet.csv"):
    path = tmp_path / name
    with path.open("w", newline="", encoding="utf-8") as file:
        csv.writer(file).writerows([HEADER, *rows])
    return path


def write_xlsx(tmp_path, rows, name="sheet.xlsx"):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for cells in rows:
        sheet.append([int(cell) if cell.isdigit() else (cell or None) for cell in cells])
    path = tmp_path / name
    workbook.save(path)
    return path


def run(path, *args):
    out = io.StringIO()
    call_command("import_era", str(path), *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def refused(path):
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_era", str(path), stdout=io.StringIO(), stderr=err)
    return err.getvalue()


@pytest.mark.parametrize("write", [write_csv, write_xlsx])
def test_a_sheet_of_twenty_events_imports_as_draft_events_with_dates_at_their_precision(db, tmp_path, write):
    rows = twenty_events()
    rows.append(
        row(
            year=1957,
            month=10,
            day=4,
            end_year=1958,
            end_month=1,
            headline="Sputnik <i>1</i>",
            group="Space race",
            text='<p>Launched.</p><p>See <a href="https://example.org/s">this</a> &amp; more.</p>',
        )
    )
    rows.append(row(year=1953, end_year=1964, headline="The Thaw", type="era"))
    rows.append(row(year=1956, headline="A year only", time="10:30", media="https://example.org/x.jpg"))

    assert run(write(tmp_path, rows)).endswith("created 24, updated 0, unchanged 0.\n")

    sputnik = Event.objects.get(slug="sputnik-1")
    assert (sputnik.title, sputnik.date, sputnik.end, sputnik.status) == ("Sputnik 1", "1957-10-04", "1958-01", "draft")
    assert sputnik.body == "Launched.\n\nSee [this](https://example.org/s) & more."
    assert list(sputnik.topics.values_list("slug", "name")) == [("space-race", "Space race")]
    assert Event.objects.get(slug="a-year-only").date == "1956"
    assert Event.objects.get(slug="event-number-1").date == "1954-02"
    assert (Period.objects.get(slug="the-thaw").start, Period.objects.get(slug="the-thaw").end) == ("1953", "1964")
    assert not Event.objects.filter(title__startswith="The Thaw in").exists()
    assert ImportBatch.objects.get().file_format == write.__name__.removeprefix("write_")


@pytest.mark.parametrize("write", [write_csv, write_xlsx])
def test_one_bad_date_in_twenty_is_named_by_row_and_column_and_nothing_is_written(db, tmp_path, write):
    rows = twenty_events()
    rows[7][1] = "13"  # row 9 of the sheet (the header is row 1, the title slide row 2)

    errors = refused(write(tmp_path, rows))

    assert "row 9, column Month: '13' is not a month (1–12)" in errors
    assert not Event.objects.exists() and not ImportBatch.objects.exists()


def test_every_bad_cell_is_named(db, tmp_path):
    rows = [
        row(year="56", headline="Short year"),
        row(year=1956, month=2, day=30, headline="No such day"),
        row(year=1956, day=3, headline="Day without month"),
        row(year=1956, end_month=3, headline="End month without end year"),
        row(year=1956, headline=""),
        row(headline="No year"),
        row(year=1956, headline="Twice"),
        row(year=1957, headline="twice"),
        row(year=1956, headline="Odd type", type="slide"),
        row(year=1957, end_year=1956, headline="Ends first"),
    ]

    errors = refused(write_csv(tmp_path, rows))

    for expected in [
        "row 2, column Year: '56' is not a year (1000–9999)",
        "row 3, column Day: '30' is not a day of 1956-02",
        "row 4, column Day: '3' without a Month",
        "row 5, column End Month: '3' without a End Year",
        "row 6, column Headline: empty",
        "row 7, column Year: empty",
        "row 9, column Headline: 'twice' names the same item as row 8",
        "row 10, column Type: 'slide' is not empty, 'title' or 'era'",
    ]:
        assert expected in errors
    rows = [row(year=1957, end_year=1956, headline="Ends first")]
    assert "row 2, column End Year (events[0] 'ends-first', field end: '1956' is before date '1957')" in refused(
        write_csv(tmp_path, rows, "ends.csv")
    )


def test_unknown_or_missing_columns_are_named(db, tmp_path):
    path = tmp_path / "odd.csv"
    path.write_text("Year,Titel\n1956,x\n", encoding="utf-8")

    errors = refused(path)

    assert "row 1, column 'Titel': not a TimelineJS column" in errors
    assert "row 1: no 'Headline' column" in errors


def test_a_file_that_is_not_a_workbook_is_refused(db, tmp_path):
    path = tmp_path / "fake.xlsx"
    path.write_bytes(b"not a zip")

    assert "fake.xlsx: not an .xlsx workbook" in refused(path)


def test_importing_the_sheet_again_changes_nothing_and_keeps_what_editors_added(db, tmp_path):
    path = write_csv(tmp_path, [*twenty_events(), row(year=1956, headline="Congress", group="Party")])
    run(path)
    event = Event.objects.get(slug="congress")
    event.place = "Moscow"
    event.status = "in_review"
    event.save()

    assert run(path).endswith("created 0, updated 0, unchanged 21.\n")  # the topic now exists: named, not listed
    event.refresh_from_db()
    assert (event.place, event.status) == ("Moscow", "in_review")
    assert Topic.objects.count() == 1


def test_a_group_names_an_existing_topic_by_name(era, tmp_path):
    run(write_csv(tmp_path, [row(year=1956, headline="Congress", group="de-stalinization")]))

    assert list(Event.objects.get(slug="congress").topics.values_list("slug", flat=True)) == ["de-stalinization"]


def test_a_sheet_import_is_undone_like_any_other(era, tmp_path):
    exported = export_text()
    run(write_csv(tmp_path, twenty_events()))

    call_command("import_era", "--undo", str(ImportBatch.objects.get().pk), stdout=io.StringIO())

    assert export_text() == exported
