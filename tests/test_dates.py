import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from thaw_site.templatetags.thaw import time_tag
from thaw_site.text.dates import format_date, parse_date, span_in_words


@pytest.mark.parametrize(
    ("text", "precision", "earliest", "latest"),
    [
        ("1956-02-25", "day", (1956, 2, 25), (1956, 2, 25)),
        ("1956-02", "month", (1956, 2, 1), (1956, 2, 29)),
        ("1957-02", "month", (1957, 2, 1), (1957, 2, 28)),
        ("1956", "year", (1956, 1, 1), (1956, 12, 31)),
        ("1955~", "year", (1955, 1, 1), (1955, 12, 31)),
    ],
)
def test_each_precision_keeps_its_own_range_without_inventing_a_day(text, precision, earliest, latest):
    date = parse_date(text)
    assert date.precision == precision
    assert date.earliest == datetime.date(*earliest)
    assert date.latest == datetime.date(*latest)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("1956-02-25", "25 February 1956"),
        ("1956-02", "February 1956"),
        ("1956", "1956"),
        ("1955~", "c. 1955"),
        ("1955?", "1955?"),
        ("1955%", "c. 1955?"),
        ("1961-04-12~", "c. 12 April 1961"),
    ],
)
def test_dates_render_as_people_write_them(text, words):
    assert format_date(text) == words


def test_qualifiers_mark_approximate_and_uncertain():
    assert parse_date("1955~").approximate and not parse_date("1955~").uncertain
    assert parse_date("1955?").uncertain and not parse_date("1955?").approximate
    assert parse_date("1955%").approximate and parse_date("1955%").uncertain


@pytest.mark.parametrize(
    "text", ["", "56", "1956-13", "1956-02-30", "1957-02-29", "0000", "about 1955", "1956/1957", "1956-2", " 1956x"]
)
def test_anything_but_edtf_level_0_with_qualifiers_is_refused_with_the_value_named(text):
    with pytest.raises(ValidationError) as error:
        parse_date(text)
    assert repr(text.strip()) in error.value.messages[0]


def test_spans_read_naturally_when_one_end_is_missing():
    assert span_in_words("1953-09", "1964-10") == "September 1953 – October 1964"
    assert span_in_words("1953-09", "") == "from September 1953"
    assert span_in_words("", "1964") == "until 1964"
    assert span_in_words("", "") == ""


@pytest.mark.parametrize(
    ("text", "shown", "html"),
    [
        ("1956-02-25", None, '<time datetime="1956-02-25">25 February 1956</time>'),
        ("1953~", None, '<time datetime="1953">c. 1953</time>'),
        ("1955-06?", "June 1955?", '<time datetime="1955-06">June 1955?</time>'),
        ("1956%", "<b>", '<time datetime="1956">&lt;b&gt;</time>'),
        ("about 1956", None, "about 1956"),
        ("", "undated", "undated"),
    ],
)
def test_time_tag_gives_a_valid_datetime_at_the_precision_known_and_shows_the_honest_date(text, shown, html):
    assert time_tag(text, shown) == html


def test_time_tag_of_a_moment_is_to_the_second():
    moment = datetime.datetime(2026, 12, 4, 20, 21, 30, 624932, tzinfo=datetime.UTC)
    with timezone.override("UTC"):
        assert (
            time_tag(moment, "4 December 2026") == '<time datetime="2026-12-04T20:21:30+00:00">4 December 2026</time>'
        )
