"""An editor's import in a real browser: a TimelineJS sheet with one bad date is refused naming its cell, the fixed
sheet is previewed, confirmed, found among the imports and undone, leaving the site exactly as before."""

import pytest

from events.imports.models import ImportBatch
from events.models import Event
from tests.browser.test_browser_editorial_workflow import signed_in
from tests.test_import_era import export_text
from tests.test_import_spreadsheets import twenty_events, write_csv

pytestmark = pytest.mark.browser


def upload(page, site, path):
    page.goto(f"{site}/admin/imports/importbatch/upload/")
    page.set_input_files("#id_file", str(path))
    with page.expect_navigation():
        page.click("input[value='Preview the import']")


def test_upload_preview_confirm_and_undo_a_spreadsheet(chromium, live_server, era_site, reviewer, tmp_path):
    exported = export_text()
    boris = signed_in(chromium, live_server, "boris")
    rows = twenty_events()
    rows[7][1] = "13"

    upload(boris, era_site, write_csv(tmp_path, rows, "thaw.csv"))
    assert "row 9, column Month: '13' is not a month (1–12)" in boris.locator("#import-errors").inner_text()

    rows[7][1] = "3"
    upload(boris, era_site, write_csv(tmp_path, rows, "thaw.csv"))
    assert "would create 20, update 0" in boris.locator("#import-counts").inner_text()
    assert not Event.objects.filter(slug="event-number-6").exists()

    with boris.expect_navigation():
        boris.click("input[value='Confirm the import']")
    assert "Imported thaw.csv: created 20, updated 0" in boris.locator("ul.messagelist").inner_text()
    assert Event.objects.get(slug="event-number-6").date == "1959-03"

    boris.goto(f"{era_site}/admin/imports/importbatch/")
    boris.click("text=thaw.csv")
    boris.click("#undo-import")
    with boris.expect_navigation():
        boris.click("input[value='Undo this import']")
    assert "removed 20 item(s) it created" in boris.locator("ul.messagelist").inner_text()
    assert ImportBatch.objects.get().undone_at is not None
    assert export_text() == exported
