"""/citations/needed/ (public, live publications) and the editors' "Unsourced statements" worklist."""

import re

import pytest

from events.citations import live_cited, unsourced_statements
from events.models import Event, Period
from tests.factories import UserFactory
from thaw_site.publishing.services import make_live

pytestmark = pytest.mark.django_db


def flagged_dates(html):
    return re.findall(r'flagged <time datetime="([0-9-]+)">', html)


def test_the_public_list_shows_every_live_flag_oldest_first_a_page_at_a_time(client, era, monkeypatch):
    monkeypatch.setattr("events.citation_views.FLAGS_PER_PAGE", 50)
    html = client.get("/citations/needed/").content.decode()
    total = sum(len(p.data["flags"]) for p in live_cited())
    pages = -(-total // 50)
    assert total > 100 and f"Page 1 of {pages}" in html and f"({total})" in html
    dates = flagged_dates(html)
    assert dates[:3] == ["2007-02", "2009-09", "2010-05"]
    assert "February 2007" in html.split("2009-09")[0]
    for number in range(2, pages + 1):
        page = client.get(f"/citations/needed/?page={number}").content.decode()
        assert f'rel="prev" href="?page={number - 1}"' in page
        dates += flagged_dates(page)
    assert len(dates) == total and dates == sorted(dates)
    assert client.get(f"/citations/needed/?page={pages + 1}").status_code == 404
    assert client.get("/citations/needed/?page=first").status_code == 404


def test_the_pages_of_a_filtered_list_keep_the_filter(client, era, monkeypatch):
    monkeypatch.setattr("events.citation_views.FLAGS_PER_PAGE", 5)
    html = client.get("/citations/needed/?kind=event").content.decode()
    assert 'rel="next" href="?kind=event&amp;page=2"' in html


def test_the_public_list_shows_the_sentence_each_flag_follows(client, era):
    event = Event.objects.get(slug="secret-speech")
    event.body = "Khrushchev spoke for four hours. [citation needed: 2001-03]"
    event.save()
    assert "four hours" not in client.get("/citations/needed/").content.decode()  # not published yet
    make_live(event)
    html = client.get("/citations/needed/").content.decode()
    assert flagged_dates(html)[0] == "2001-03"
    assert "<blockquote>Khrushchev spoke for four hours.</blockquote>" in html


def test_drafts_never_reach_the_public_list(client, era):
    Event.objects.create(slug="draft", title="CANARY draft", date="1956", body="Unsourced. [citation needed: 1999-01]")
    html = client.get("/citations/needed/").content.decode()
    assert "CANARY" not in html and "1999-01" not in html


def test_filters_narrow_by_kind_topic_and_period(client, era):
    everything = flagged_dates(client.get("/citations/needed/").content.decode())
    for query in ("kind=figure", "kind=event", "topic=economy", "period=khrushchev-era"):
        narrowed = flagged_dates(client.get(f"/citations/needed/?{query}").content.decode())
        assert 0 < len(narrowed) <= len(everything), query
    figures = client.get("/citations/needed/?kind=figure").content.decode()
    assert "/events/" not in figures.split('id="flags-heading"')[1].split('id="notices-heading"')[0]


def test_an_unknown_filter_value_is_ignored_not_an_error(client, era):
    everything = client.get("/citations/needed/").content.decode()
    for query in ("kind=source", "topic=<script>", "period=nope"):
        response = client.get(f"/citations/needed/?{query}")
        assert response.status_code == 200
        assert flagged_dates(response.content.decode()) == flagged_dates(everything)


def test_items_with_the_page_level_notice_are_listed(client, era):
    period = Period.objects.get(slug="khrushchev-era")
    period.needs_citations_since = "2010-05"
    period.save()
    make_live(period)
    notices = client.get("/citations/needed/").content.decode().split('id="notices-heading"')[1]
    assert 'href="/periods/khrushchev-era/"' in notices and "May 2010" in notices


@pytest.fixture
def author_client(client, author):
    client.force_login(author)
    return client


def test_the_worklist_is_for_staff_only(client, era):
    assert client.get("/admin/citations/unsourced/").status_code == 302
    client.force_login(UserFactory(username="reader"))
    assert client.get("/admin/citations/unsourced/").status_code == 302


def test_the_worklist_lists_working_copies_oldest_first_including_drafts(author_client, era):
    Event.objects.create(slug="draft", title="CANARY draft", date="1956", body="Unsourced. [citation needed: 1999-01]")
    html = author_client.get("/admin/citations/unsourced/").content.decode()
    dates = re.findall(r'<time datetime="([0-9-]+)">', html)
    assert dates[0] == "1999-01" and dates[1:4] == ["2007-02", "2009-09", "2010-05"]
    assert dates == sorted(dates)
    assert "CANARY draft" in html


def test_the_worklist_names_who_added_each_flag_from_the_history(era, django_user_model):
    author = django_user_model.objects.create_user("author")
    later = django_user_model.objects.create_user("later-editor")
    event = Event.objects.create(slug="e", title="E", date="1956", body="A claim.")
    for user, body in (
        (author, "A claim. [citation needed: 2020-01]"),
        (later, "A claim. [citation needed: 2020-01] Another. [citation needed: 2021-06]"),
    ):
        event.body = body
        event._history_user = user
        event.save()
    flags = {flag.flagged: flag for flag in unsourced_statements(model="event") if flag.item == event}
    assert flags["2020-01"].added_by == author
    assert flags["2021-06"].added_by == later
    assert flags["2020-01"].sentence == "A claim."


def test_the_worklist_filters_by_period_topic_and_model(era):
    everything = unsourced_statements()
    assert everything and [f.sort_key for f in everything] == sorted(f.sort_key for f in everything)
    figures = unsourced_statements(model="figure")
    assert figures and all(flag.item._meta.model_name == "figure" for flag in figures)
    economy = unsourced_statements(topic="economy")
    assert economy and all(flag.item.topics.filter(slug="economy").exists() for flag in economy)
    in_period = unsourced_statements(period="khrushchev-era")
    assert in_period and len(in_period) < len(everything)


def test_a_flag_on_a_fact_names_the_fact(client, era):
    event = Event.objects.get(slug="secret-speech")
    event.date_citation = "[citation needed: 2001-01]"
    event.save()
    make_live(event)
    first = client.get("/citations/needed/").content.decode().split('class="flag-list"')[1].split("</li>")[0]
    assert "/events/secret-speech/" in first and "on the date" in first


def test_the_worklist_reads_history_in_a_query_per_model_not_per_item(era, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        flags = unsourced_statements()
    assert len(flags) > 100 and all(flag.added_at for flag in flags)


def test_the_public_list_costs_a_few_queries(client, era, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        client.get("/citations/needed/?topic=economy")
