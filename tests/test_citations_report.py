"""The era citation report: public (/citations/, live publications) and the editors' fuller version."""

import pytest

from events.citation_views import EraReport
from events.citations import public_report, working_report
from events.models import Event, Period, Source
from thaw_site.publishing.services import make_live, take_down

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_era(db):
    """Two events in one period, hand-counted: 2 of 3 sentences cited in a, 0 of 2 in b."""
    for key in ("wp", "book", "unused"):
        make_live(Source.objects.create(key=key, title=f"Source {key}", status="published"))
    period = Period.objects.create(slug="p", name="The period", status="published")
    a = Event.objects.create(
        slug="a",
        title="A",
        date="1956",
        period=period,
        status="published",
        body="One. [@wp] Two. [@wp, p. 2; @book] Three. [citation needed: 2007-02]",
    )
    b = Event.objects.create(slug="b", title="B", date="1957", period=period, status="published", body="Four. Five.")
    for item in (period, a, b):
        make_live(item)
    return period, a, b


def test_coverage_figures_match_a_hand_count(small_era):
    report = public_report()
    [by_period] = report.by_period
    # The period's own body is empty; a: 2 of 3 sentences cited; b: 0 of 2.
    assert (by_period.items, by_period.sentences, by_period.cited) == (3, 5, 2)
    assert by_period.share == pytest.approx(0.4)
    assert (report.overall.sentences, report.overall.cited) == (5, 2)


def test_sources_are_ranked_by_use_and_unused_ones_listed(small_era):
    report = public_report()
    assert [(use.key, use.uses, use.items) for use in report.most_cited] == [("wp", 2, 1), ("book", 1, 1)]
    assert [key for key, _, _ in report.never_cited] == ["unused"]
    assert sorted(entry.title for entry in report.uncited) == ["B", "The period"]
    assert [(flag.flagged, flag.sentence) for flag in report.flags] == [("2007-02", "Three.")]


def test_the_public_report_counts_only_live_publications(small_era):
    _, a, _ = small_era
    take_down(a)
    Event.objects.create(slug="c", title="C", date="1958", body="Draft. [@unused]")
    report = public_report()
    assert report.overall.sentences == 2
    assert [use.key for use in report.most_cited] == []
    assert {key for key, _, _ in report.never_cited} == {"wp", "book", "unused"}


def test_the_working_report_covers_every_item_whatever_its_status(small_era):
    Event.objects.create(slug="c", title="C draft", date="1958", body="Draft. [@unused]")
    report = working_report()
    assert (report.overall.sentences, report.overall.cited) == (6, 3)
    assert {use.key: (use.uses, use.items) for use in report.most_cited} == {
        "wp": (2, 1),
        "book": (1, 1),
        "unused": (1, 1),
    }
    assert report.never_cited == []
    assert {entry.title: entry.status for entry in report.entries}["C draft"] == "Draft"


def test_the_public_report_page(client, era):
    html = client.get("/citations/").content.decode()
    assert "Coverage by period" in html and "Coverage by topic" in html
    assert 'href="/sources/wikipedia-ussr-1953-1964/"' in html.split('id="most-cited-heading"')[1]
    never = html.split('id="never-cited-heading"')[1].split('id="uncited-heading"')[0]
    assert "Soviet Political Society" in never
    assert "February 2007" in html.split('id="oldest-heading"')[1]


def test_the_public_reports_lists_show_their_first_entries_and_how_many_there_are(client, era, monkeypatch):
    monkeypatch.setattr(EraReport, "listed", 1)
    for n in (1, 2):
        make_live(Event.objects.create(slug=f"unsourced-{n}", title=f"Unsourced {n}", date="1956", body="No source."))
    html = client.get("/citations/").content.decode()
    never = html.split('id="never-cited-heading"')[1].split('id="uncited-heading"')[0]
    assert never.count("<li>") == 1 and "The first 1 of 3" in never
    uncited = html.split('id="uncited-heading"')[1].split("</section>")[0]
    assert uncited.count("<li>") == 1 and "The first 1 of 2." in uncited


def test_the_admin_report_is_for_editors_only(client, era, author):
    assert client.get("/admin/citations/report/").status_code == 302
    client.force_login(author)
    response = client.get("/admin/citations/report/")
    assert response.status_code == 200 and "Items, least covered first" in response.content.decode()
