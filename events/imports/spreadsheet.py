"""TimelineJS-style spreadsheets (.csv, .xlsx) as thaw-era documents: one event a row.

The first row names the columns of TimelineJS's Google Sheets template: Year, Month, Day, Time, End Year, End
Month, End Day, End Time, Display Date, Headline, Text, Media, Media Credit, Media Caption, Media Thumbnail, Type,
Group, Background (in any order; Year and Headline are required). Each row becomes:

- an **event** (Type empty): its date the EDTF of Year, Month and Day at the precision given (1956, 1956-02,
  1956-02-25: no day or month means that precision, never an invented one), the end likewise; Headline its title,
  Text its body (TimelineJS's HTML made Markdown: links and paragraphs kept, other tags dropped), Group a topic
  (an existing one of that name or slug, or a new draft topic);
- a **period** (Type "era"): Headline its name, the dates its start and end;
- nothing (Type "title": the timeline's title slide).

An item is named by its Headline (the slug made from it, or a hash of it when it has no ASCII letters), so
importing the sheet again updates the same items: their other fields, and the status of existing items, are kept.
New items are drafts. Time, End Time, Display Date, the Media columns and Background have no place in an event and
are not imported. Every bad cell is named by row and column; nothing is imported while any is bad.
"""

import csv
import datetime
import hashlib
import html
import io
import re
from typing import Any

import openpyxl
from django.utils.text import slugify

from events.interchange import FORMAT, SECTIONS, VERSION, Entry, ImportFailed
from events.models import Topic

COLUMNS = (
    "Year",
    "Month",
    "Day",
    "Time",
    "End Year",
    "End Month",
    "End Day",
    "End Time",
    "Display Date",
    "Headline",
    "Text",
    "Media",
    "Media Credit",
    "Media Caption",
    "Media Thumbnail",
    "Type",
    "Group",
    "Background",
)
REQUIRED = ("Year", "Headline")
# Where each thaw-era field an import can complain about came from, to name the cell.
FIELD_COLUMNS = {"date": "Year", "end": "End Year", "title": "Headline", "name": "Headline", "body": "Text",
                 "topics": "Group", "start": "Year", "slug": "Headline"}  # fmt: skip
Cell = str


def csv_rows(raw: bytes, name: str) -> list[list[Cell]]:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFailed([f"{name}: not UTF-8 (byte {error.start})"]) from None
    try:
        return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text, newline=""))]
    except csv.Error as error:
        raise ImportFailed([f"{name}: not a CSV file ({error})"]) from None


def cell_text(value: object) -> Cell:
    """An .xlsx cell as the text a CSV would hold: whole numbers without '.0', dates as ISO."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()[:10]
    return str(value).strip()


def xlsx_rows(raw: bytes, name: str) -> list[list[Cell]]:
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises zipfile, XML and its own errors for a file it can't read
        raise ImportFailed([f"{name}: not an .xlsx workbook ({type(error).__name__})"]) from None
    try:
        sheet = workbook.worksheets[0]
        return [[cell_text(value) for value in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


def html_to_markdown(text: str) -> str:
    """TimelineJS's Text is HTML: keep links and paragraphs as Markdown, drop other tags, unescape entities."""
    text = re.sub(r"(?is)<a\s[^>]*href=\"([^\"]*)\"[^>]*>(.*?)</a>", r"[\2](\1)", text)
    text = re.sub(r"(?i)<br\s*/?>|</p>\s*<p[^>]*>", "\n\n", text)
    text = re.sub(r"<[^>]+>", "", text)
    return html.unescape(text).strip()


def slug_for(headline: str) -> str:
    slug = slugify(headline)[:100].strip("-")
    return slug or "item-" + hashlib.sha256(headline.encode()).hexdigest()[:12]


class Sheet:
    """The rows of one sheet read as events, periods and topics, collecting every bad cell."""

    def __init__(self, rows: list[list[Cell]], existing_topics: dict[str, str]) -> None:
        self.errors: list[str] = []
        self.places: dict[tuple[str, int], str] = {}
        self.document: dict[str, Any] = {"events": [], "periods": [], "topics": []}
        self.existing_topics = existing_topics  # lowercased name or slug -> slug
        self.rows = rows

    def date(self, row: dict[str, Cell], number: int, prefix: str) -> str | None:
        """The EDTF date of a row's (End) Year, Month and Day, at their precision; None when Year is empty."""
        year, month, day = (row.get(f"{prefix}{part}", "") for part in ("Year", "Month", "Day"))
        if not year:
            for part, value in (("Month", month), ("Day", day)):
                if value:
                    self.errors.append(f"row {number}, column {prefix}{part}: {value!r} without a {prefix}Year")
            return None
        bad = len(self.errors)
        parts = []
        for part, value, low, high in (("Year", year, 1000, 9999), ("Month", month, 1, 12), ("Day", day, 1, 31)):
            if not value:
                break
            if not re.fullmatch(r"\d{1,4}", value) or not low <= int(value) <= high:
                self.errors.append(
                    f"row {number}, column {prefix}{part}: {value!r} is not a {part.lower()} ({low}–{high})"
                )
                return None
            parts.append(int(value))
        if day and not month:
            self.errors.append(f"row {number}, column {prefix}Day: {day!r} without a {prefix}Month")
        if len(parts) == 3:
            try:
                datetime.date(*parts)
            except ValueError:
                self.errors.append(f"row {number}, column {prefix}Day: {day!r} is not a day of {year}-{int(month):02d}")
        if len(self.errors) > bad:
            return None
        return "-".join([f"{parts[0]:04d}", *(f"{part:02d}" for part in parts[1:])])

    def read(self) -> None:
        header = self.rows[0] if self.rows else []
        unknown = [name for name in header if name and name not in COLUMNS]
        self.errors += [f"row 1, column {name!r}: not a TimelineJS column" for name in unknown]
        self.errors += [f"row 1: no {name!r} column" for name in REQUIRED if name not in header]
        if self.errors:
            return
        seen: dict[tuple[str, str], int] = {}
        for number, cells in enumerate(self.rows[1:], start=2):
            if not any(cells):
                continue
            row = {name: cells[i] if i < len(cells) else "" for i, name in enumerate(header) if name}
            kind = row.get("Type", "").lower()
            if kind == "title":
                continue
            if kind not in ("", "era"):
                self.errors.append(f"row {number}, column Type: {row['Type']!r} is not empty, 'title' or 'era'")
                continue
            section = "periods" if kind == "era" else "events"
            headline = html_to_markdown(row["Headline"])
            if not headline:
                self.errors.append(f"row {number}, column Headline: empty; every event needs one")
                continue
            slug = slug_for(headline)
            if (section, slug) in seen:
                self.errors.append(
                    f"row {number}, column Headline: {headline!r} names the same item as row {seen[section, slug]}"
                )
                continue
            seen[section, slug] = number
            start, end = self.date(row, number, ""), self.date(row, number, "End ")
            if section == "events" and not row["Year"]:
                self.errors.append(f"row {number}, column Year: empty; every event needs a date")
            self.places[section, len(self.document[section])] = f"row {number}"
            if section == "periods":
                self.document["periods"].append({"slug": slug, "name": headline, "start": start, "end": end})
                continue
            event: Entry = {"slug": slug, "title": headline, "date": start, "end": end}
            if row.get("Text"):
                event["body"] = html_to_markdown(row["Text"])
            if row.get("Group"):
                event["topics"] = [self.topic(row["Group"])]
            self.document["events"].append(event)

    def topic(self, group: str) -> str:
        slug = self.existing_topics.get(group.lower()) or self.existing_topics.get(slug_for(group))
        if slug is None:
            slug = slug_for(group)
            self.existing_topics[group.lower()] = slug
            self.document["topics"].append({"slug": slug, "name": group})
        return slug


def merged(section: str, entries: list[Entry]) -> list[Entry]:
    """Each entry over the item's current one, when it exists: the fields the sheet has no column for stay."""
    model, ident_field = SECTIONS[section]
    found = model.objects.prefetch_related(*model.publishing_prefetch).in_bulk(
        [entry[ident_field] for entry in entries], field_name=ident_field
    )
    return [
        {**found[entry[ident_field]].to_interchange(), **entry} if entry[ident_field] in found else entry
        for entry in entries
    ]


def read_spreadsheet(rows: list[list[Cell]]) -> tuple[dict[str, Any], dict[tuple[str, int], str]]:
    """The thaw-era document of a TimelineJS sheet's rows, and each item's row ("row 5") by (section, index)."""
    topics = {}
    for slug, name in Topic.objects.values_list("slug", "name"):
        topics[slug] = topics[name.lower()] = slug
    sheet = Sheet(rows, topics)
    sheet.read()
    if sheet.errors:
        raise ImportFailed(sheet.errors)
    document: dict[str, Any] = {"format": FORMAT, "version": VERSION}
    for section, entries in sheet.document.items():
        document[section] = merged(section, entries)
    return document, sheet.places
