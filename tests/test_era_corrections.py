"""The shipped era, corrected where its source is wrong: editors' notes and a disputed value with their sources,
flags where no source is at hand, the source's own flags over everything they flagged, and Brezhnev."""

import re

import pytest

from events.models import CitationNeeded, Event, Period, Source
from people.models import Figure
from thaw_site.public.search import search

pytestmark = pytest.mark.django_db

WIKIPEDIA_PAGE = "/sources/wikipedia-ussr-1953-1964/"


def notes_of(html):
    return html[html.index('<section class="editors-notes"') : html.index('<div class="body">')]


@pytest.mark.parametrize(
    ("url", "about"),
    [
        ("/events/khrushchev-becomes-premier/", "a tradition followed by all his predecessors and successors"),
        ("/events/gulag-releases/", "released political prisoners by the millions"),
        ("/events/gomulka-rises-to-power/", "rarely meddled in its neighbours"),
        ("/people/nikita-khrushchev/", "Khrushchev followed Stalin as First Secretary"),
    ],
)
def test_each_claim_the_article_gets_wrong_has_an_editors_note_with_its_source(client, era, url, about):
    html = client.get(url).content.decode()
    notes = notes_of(html)

    assert about in notes
    assert re.search(r'href="#cite-note-\d+"', notes) or "citation needed" in notes
    assert f'href="{url}#editors-notes"' in client.get("/corrections/").content.decode()


@pytest.mark.parametrize("url", ["/events/khrushchev-becomes-premier/", "/events/gulag-releases/"])
def test_the_two_notes_the_issue_names_cite_a_source_the_reader_can_follow(client, era, url):
    html = client.get(url).content.decode()
    number = re.search(r'href="#cite-note-(\d+)"', notes_of(html)).group(1)
    reference = html.split(f'id="cite-note-{number}"')[1].split("</li>")[0]
    assert f'href="{WIKIPEDIA_PAGE}"' in reference


def test_khrushchev_shows_his_name_in_russian_and_a_disputed_start_as_first_secretary(client, era):
    html = client.get("/people/nikita-khrushchev/").content.decode()
    facts = html.split('<dl class="facts">')[1].split("</dl>")[0]

    assert "Никита Сергеевич Хрущёв" in html
    assert "<dt>First Secretary from</dt>" in facts and "<summary>disputed</summary>" in facts
    assert "March 1953, on Stalin&#39;s death" in facts and "(preferred)" in facts


def test_the_february_2007_flag_covers_the_whole_sentence_and_the_summary_carries_it(era):
    event = Event.objects.get(slug="gulag-releases")
    (flag,) = CitationNeeded.objects.filter(event=event, flagged="2007-02")

    assert "by the millions" in flag.sentence and "13 million" in flag.sentence
    assert "[citation needed: 2007-02]" in event.summary and "13 million" in event.summary


def test_the_february_2011_section_notice_is_on_every_figure_drawn_from_that_section(era):
    drawn = ["john-f-kennedy", "nikita-khrushchev", "richard-nixon", "trofim-lysenko"]
    noticed = Figure.objects.filter(slug__in=drawn, needs_citations_since="2011-02")
    assert sorted(noticed.values_list("slug", flat=True)) == drawn


def test_the_seven_year_plan_ends_when_it_was_dropped(era):
    plan = Event.objects.get(slug="seven-year-plan-adopted")
    assert plan.end == "1963" and "1963" in plan.when and "1965" not in plan.when


def test_brezhnev_is_a_figure_with_his_name_in_russian_found_in_either_script(client, era):
    html = client.get("/people/leonid-brezhnev/").content.decode()

    assert "Леонид Ильич Брежнев" in html and "Brezhnev era" in html
    assert "leonid-brezhnev" in [p.slug for p in search("Брежнев")]
    assert "leonid-brezhnev" in [p.slug for p in search("Brezhnev")]
    assert 'href="/people/leonid-brezhnev/"' in client.get("/events/khrushchev-ouster/").content.decode()


def test_the_wikipedia_source_names_the_version_reflected_and_when_it_was_read(era):
    source = Source.objects.get(key="wikipedia-ussr-1953-1964")
    assert "c. 2011" in source.title and source.accessed is not None
    assert "action=history" in source.url and "offset=2012" in source.url


def test_office_dates_and_the_periods_exact_days_carry_a_flag(era):
    assert not Period.objects.filter(dates_citation="").exists()
    assert not Figure.objects.filter(offices_citation="").exclude(offices=None).exists()
    flagged = CitationNeeded.objects.filter(field__in=["dates_citation", "offices_citation"])
    assert flagged.count() == Period.objects.count() + Figure.objects.exclude(offices=None).distinct().count()
