"""Honest dates: EDTF text kept as written, with a sortable range beside it.

Accepted: EDTF level 0 (`1956`, `1956-02`, `1956-02-25`) with an optional
trailing qualifier: `~` approximate, `?` uncertain, `%` both. For this
subset the bounds are plain calendar arithmetic; the edtf package's parser
gave the same answers but took ~17 ms a date (pyparsing), too slow for
imports of thousands of events, so it is not a dependency.
"""

import calendar
import datetime
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal, cast

from django.core.exceptions import ValidationError

EDTF_PATTERN = re.compile(r"^(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2}))?)?(?P<qualifier>[~?%])?$")
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


@dataclass(frozen=True)
class HonestDate:
    text: str
    year: int
    month: int | None
    day: int | None
    qualifier: str
    earliest: datetime.date
    latest: datetime.date

    @property
    def precision(self) -> Literal["day", "month", "year"]:
        return "day" if self.day else "month" if self.month else "year"

    @property
    def approximate(self) -> bool:
        return self.qualifier in {"~", "%"}

    @property
    def uncertain(self) -> bool:
        return self.qualifier in {"?", "%"}

    @property
    def iso(self) -> str:
        """The date at the precision known, without its qualifier: ISO 8601, and an HTML <time> datetime."""
        return self.text.rstrip("~?%")

    def __str__(self) -> str:
        if self.day:
            words = f"{self.day} {MONTHS[cast(int, self.month) - 1]} {self.year}"  # a day comes with its month
        elif self.month:
            words = f"{MONTHS[self.month - 1]} {self.year}"
        else:
            words = str(self.year)
        if self.approximate:
            words = f"c. {words}"
        if self.uncertain:
            words = f"{words}?"
        return words


@lru_cache(maxsize=4096)
def parse_date(text: str | None) -> HonestDate:
    """Parse EDTF text into a HonestDate, or raise ValidationError naming the text."""
    text = (text or "").strip()
    match = EDTF_PATTERN.match(text)
    if not match:
        raise ValidationError(
            "%(value)r is not an EDTF date such as 1956, 1956-02, 1956-02-25 or 1955~.",
            code="invalid_edtf",
            params={"value": text},
        )
    year = int(match["year"])
    month = int(match["month"]) if match["month"] else None
    day = int(match["day"]) if match["day"] else None
    try:
        if year == 0:
            raise ValueError
        if day:
            earliest = latest = datetime.date(year, cast(int, month), day)  # the pattern has no day without a month
        elif month:
            earliest = datetime.date(year, month, 1)
            latest = datetime.date(year, month, calendar.monthrange(year, month)[1])
        else:
            earliest, latest = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    except ValueError:
        raise ValidationError(
            "%(value)r is not a calendar date.", code="invalid_edtf", params={"value": text}
        ) from None
    return HonestDate(text, year, month, day, match["qualifier"] or "", earliest, latest)


def validate_edtf(text: str) -> None:
    if text:
        parse_date(text)


def format_date(text: str | None) -> str:
    """'1956-02-25' -> '25 February 1956'; empty or invalid text renders as given."""
    if not text:
        return ""
    try:
        return str(parse_date(text))
    except ValidationError:
        return text


def date_range(start: str, end: str = "") -> tuple[datetime.date, datetime.date]:
    """The (earliest, latest) span covered from `start` to the optional `end`."""
    first = parse_date(start)
    last = parse_date(end) if end else first
    return first.earliest, last.latest


def open_range(start: str, end: str) -> tuple[datetime.date | None, datetime.date | None]:
    """(earliest of start, latest of end), each None when that date is missing."""
    return (parse_date(start).earliest if start else None, parse_date(end).latest if end else None)


def span_in_words(start: str, end: str, *, only_start: str = "from", only_end: str = "until") -> str:
    """Two EDTF dates as a span in words; either may be missing."""
    start, end = format_date(start), format_date(end)
    if start and end:
        return f"{start} – {end}"
    if start:
        return f"{only_start} {start}"
    return f"{only_end} {end}" if end else ""
