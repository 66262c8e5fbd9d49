"""The timeline page, its filters, its constant cost, and the honest drawing of dates."""

import datetime
import re
import uuid

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from thaw_site.public.timeline import ChartEntry, build_chart, office_entries
from thaw_site.publishing.publications import Kind, Publication

pytestmark = pytest.mark.django_db


def test_timeline_lists_every_live_event_grouped_by_year_in_order(client, era):
    html = client.get("/timeline/").content.decode()
    assert "49 events." in html
    assert html.index('id="year-1953"') < html.index('id="year-1956"') < html.index('id="year-1964"')
    assert html.index('href="/events/secret-speech/"') < html.index('href="/events/sputnik-1/"')


def test_timeline_filters_by_topic_figure_and_years_through_the_query_string(client, era):
    space = client.get("/timeline/?topic=space").content.decode()
    assert 'href="/events/sputnik-1/"' in space and 'href="/events/secret-speech/"' not in space
    assert 'href="?topic=space&amp;start=1957&amp;end=1957"' in space
    khrushchev = client.get("/timeline/?figure=nikita-khrushchev").content.decode()
    assert 'href="/events/secret-speech/"' in khrushchev and "with <strong>Nikita Khrushchev</strong>" in khrushchev
    years = client.get("/timeline/?start=1961&end=1961").content.decode()
    assert 'href="/events/gagarin-flight/"' in years and 'href="/events/secret-speech/"' not in years


def test_the_person_filter_offers_the_people_in_the_events_shown_and_the_one_chosen(client, era):
    in_1961 = (
        client.get("/timeline/?start=1961&end=1961").content.decode().split('id="f-figure"')[1].split("</select>")[0]
    )
    assert re.findall(r'<option value="([^"]+)"', in_1961) == ["nikita-khrushchev", "trofim-lysenko", "yuri-gagarin"]
    chosen = client.get("/timeline/?start=1961&end=1961&figure=joseph-stalin").content.decode()
    assert '<option value="joseph-stalin" selected>Joseph Stalin</option>' in chosen


def test_timeline_names_and_ignores_bad_filters_instead_of_failing(client, era):
    response = client.get("/timeline/?start=soon&topic=../../etc&page=999")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Ignored:" in html and "From year" in html and "49 events." in html
    assert "No published event matches" in client.get("/timeline/?topic=no-such-topic").content.decode()


def test_timeline_swaps_a_reversed_year_range(client, era):
    html = client.get("/timeline/?start=1962&end=1961").content.decode()
    assert 'href="/events/gagarin-flight/"' in html and 'href="/events/cuban-missile-crisis/"' in html


def test_withdrawn_and_draft_events_never_reach_the_timeline(client, era):
    Publication.objects.filter(kind=Kind.EVENT, slug="sputnik-1").update(is_live=False)
    html = client.get("/timeline/").content.decode()
    assert "48 events." in html and "sputnik-1" not in html


def many_events(count):
    now = timezone.now()
    Publication.objects.bulk_create(
        Publication(
            kind=Kind.EVENT,
            item_uid=uuid.uuid4(),
            slug=f"generated-{n}",
            title=f"Generated event {n}",
            sort_start=datetime.date(1950 + n % 15, 1 + n % 12, 1),
            sort_end=datetime.date(1950 + n % 15, 1 + n % 12, 28),
            data={"date": f"{1950 + n % 15}-{1 + n % 12:02d}", "when": "sometime"},
            published_at=now,
        )
        for n in range(count)
    )


def test_timeline_costs_the_same_queries_with_ten_thousand_events(client, era):
    with CaptureQueriesContext(connection) as small:
        assert client.get("/timeline/?topic=space&page=1").status_code == 200
    many_events(10_000)
    cache.clear()  # written behind the publishing services' back: count them again, as a publish would
    with CaptureQueriesContext(connection) as large:
        html = client.get("/timeline/?page=100").content.decode()
    assert len(large) == len(small)
    assert "Page 100 of 168" in html


def test_a_day_is_a_point_a_month_or_year_a_span_and_an_approximate_date_fuzzy():
    chart = build_chart(
        [
            ChartEntry("day", "1956-02-25"),
            ChartEntry("month", "1957-10"),
            ChartEntry("year", "1956"),
            ChartEntry("about", "1955~"),
        ]
    )
    marks = {mark.label: mark for mark in chart.marks}
    assert marks["day"].point and not marks["day"].fuzzy
    assert not marks["month"].point and not marks["year"].point
    assert marks["year"].width > 10 * marks["month"].width
    assert marks["about"].fuzzy and not marks["year"].fuzzy
    assert (chart.first_year, chart.last_year) == (1955, 1957)


def test_overlapping_marks_go_to_separate_lanes():
    chart = build_chart([ChartEntry("a", "1956"), ChartEntry("b", "1956-03"), ChartEntry("c", "1958")])
    lanes = {mark.label: mark.lane for mark in chart.marks}
    assert lanes["a"] != lanes["b"] and lanes["c"] == 0


def test_an_office_without_an_end_runs_to_death_or_stays_open():
    offices = [{"title": "First", "start": "1953-09", "end": ""}, {"title": "Undated", "start": "", "end": ""}]
    assert office_entries(offices, died="1971-09-11") == [ChartEntry("First", "1953-09", "1971-09-11")]
    assert office_entries(offices) == [ChartEntry("First", "1953-09", "", open_end=True)]


def test_labelled_charts_give_each_office_its_own_lane():
    chart = build_chart([ChartEntry("First", "1953"), ChartEntry("Second", "1958")], labelled=True)
    assert [mark.lane for mark in chart.marks] == [0, 1]
    assert (
        chart.labelled
        and chart.height > build_chart([ChartEntry("First", "1953"), ChartEntry("Second", "1958")]).height
    )


def test_figure_page_draws_its_offices_on_a_labelled_timeline(client, era):
    html = client.get("/people/nikita-khrushchev/").content.decode()
    assert 'aria-labelledby="offices-chart-title"' in html
    assert '<text class="mark-label' in html and "First Secretary of the Central Committee</text>" in html
