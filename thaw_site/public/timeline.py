"""A visual timeline drawn on the server as SVG geometry, honest about date precision.

A date known to the day is a point; a month, a year or a date range is a span
covering all of it; an approximate or uncertain date is drawn fuzzy. Marks are
packed into lanes so that none overlaps another.
"""

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from django.core.exceptions import ValidationError

from thaw_site.text.dates import date_range, parse_date

WIDTH = 1000
MARGIN = 12
LANE = 14
LABELLED_LANE = 34
AXIS = 22
POINT_RADIUS = 5


@dataclass(frozen=True)
class ChartEntry:
    """Something with an EDTF start and an optional EDTF end; an empty end may mean 'still open'."""

    label: str
    start: str
    end: str = ""
    open_end: bool = False


@dataclass(frozen=True)
class Mark:
    label: str
    x: float
    width: float
    lane: int
    point: bool
    fuzzy: bool
    open_end: bool
    lane_height: int = LANE

    @property
    def y(self) -> int:
        return (self.lane + 1) * self.lane_height - LANE + 2

    @property
    def label_y(self) -> int:
        return self.y - 5

    @property
    def label_at_end(self) -> bool:
        """A label starting late in the chart ends at its mark's end instead, so it stays inside."""
        return self.x > WIDTH * 0.55

    @property
    def label_x(self) -> float:
        return round(self.x + self.width, 1) if self.label_at_end else self.x

    @property
    def cx(self) -> float:
        return self.x

    @property
    def cy(self) -> float:
        return self.y + LANE / 2 - 2

    @property
    def height(self) -> int:
        return LANE - 4

    @property
    def extent(self) -> tuple[float, float]:
        return (self.x - POINT_RADIUS, self.x + POINT_RADIUS) if self.point else (self.x, self.x + self.width)


@dataclass(frozen=True)
class Tick:
    year: int
    x: float
    labelled: bool


@dataclass(frozen=True)
class Chart:
    first_year: int
    last_year: int
    marks: list[Mark]
    ticks: list[Tick]
    lanes: int
    labelled: bool = False
    width: int = WIDTH

    @property
    def axis_y(self) -> int:
        return max(self.lanes, 1) * (LABELLED_LANE if self.labelled else LANE) + 4

    @property
    def height(self) -> int:
        return self.axis_y + AXIS

    @property
    def label_y(self) -> int:
        return self.axis_y + 16


class ListedEvent(Protocol):
    """A live event as a list shows it (a LiveItem, or its Publication)."""

    @property
    def title(self) -> str: ...

    @property
    def list_data(self) -> Mapping[str, Any]: ...


def event_entries(publications: Iterable[ListedEvent]) -> list[ChartEntry]:
    """Entries for live events (their list data holds the EDTF date and optional end)."""
    return [ChartEntry(p.title, p.list_data.get("date", ""), p.list_data.get("end", "")) for p in publications]


def office_entries(offices: Iterable[Mapping[str, Any]], *, died: str = "") -> list[ChartEntry]:
    """Entries for a figure's offices; an office with no end runs to the death date, or stays open."""
    return [
        ChartEntry(office["title"], office["start"], office["end"] or died, open_end=not (office["end"] or died))
        for office in offices
        if office.get("start")
    ]


# An entry laid out: (entry, earliest day, latest day, drawn as a point, drawn fuzzy).
Span = tuple[ChartEntry, datetime.date, datetime.date, bool, bool]


def build_chart(
    entries: Iterable[ChartEntry],
    *,
    first_year: int | None = None,
    last_year: int | None = None,
    labelled: bool = False,
) -> Chart:
    """Lay out the entries between first_year and last_year (default: the years they cover).

    Unlabelled marks share lanes wherever they don't overlap; labelled ones get a lane each, titled.
    """
    spans: list[Span] = []
    for entry in entries:
        try:
            start = parse_date(entry.start)
            earliest, latest = date_range(entry.start, entry.end)
            end = parse_date(entry.end) if entry.end else start
        except ValidationError:
            continue
        point = not entry.end and start.precision == "day"
        fuzzy = start.qualifier != "" or end.qualifier != ""
        spans.append((entry, earliest, latest, point, fuzzy))
    if first_year is None:
        first_year = min((s[1].year for s in spans), default=datetime.date.today().year)
    if last_year is None:
        last_year = max((s[2].year for s in spans), default=first_year)
        if any(s[0].open_end for s in spans):
            last_year = max(last_year, first_year + 1)
    first_year, last_year = min(first_year, last_year), max(first_year, last_year)
    origin = datetime.date(first_year, 1, 1)
    total_days = (datetime.date(last_year + 1, 1, 1) - origin).days
    scale = (WIDTH - 2 * MARGIN) / total_days

    def x_of(day: datetime.date) -> float:
        clamped = min(max(day, origin), datetime.date(last_year, 12, 31) + datetime.timedelta(days=1))
        return round(MARGIN + (clamped - origin).days * scale, 1)

    lane_ends: list[float] = []
    marks = []
    for entry, earliest, latest, point, fuzzy in sorted(spans, key=lambda s: (s[1], s[2])):
        if entry.open_end:
            latest = datetime.date(last_year, 12, 31)
        x = x_of(earliest)
        width = max(x_of(latest + datetime.timedelta(days=1)) - x, 2.0)
        candidate = Mark(entry.label, x, round(width, 1), 0, point, fuzzy, entry.open_end)
        left, right = candidate.extent
        free = (i for i, end in enumerate(lane_ends) if end + 2 <= left and not labelled)
        lane = next(free, len(lane_ends))
        if lane == len(lane_ends):
            lane_ends.append(right)
        else:
            lane_ends[lane] = right
        lane_height = LABELLED_LANE if labelled else LANE
        marks.append(Mark(entry.label, x, round(width, 1), lane, point, fuzzy, entry.open_end, lane_height))
    years = range(first_year, last_year + 2)
    step = 1 if len(years) <= 16 else 5 if len(years) <= 80 else 10
    ticks = [Tick(year, x_of(datetime.date(year, 1, 1)), year % step == 0 and year <= last_year) for year in years]
    return Chart(first_year, last_year, marks, ticks, len(lane_ends), labelled)
