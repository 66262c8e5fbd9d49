"""Editors' notes and disputed facts: through import and export, publishing, the page, JSON-LD, the item's JSON,
search, the corrections page, the citation index and coverage, history and restore, and every bad path named."""

import json
import re

import pytest
from django.core.exceptions import ValidationError

from events.citations import reindex_item
from events.interchange import ImportFailed, export_document, import_document
from events.models import Citation, CitationNeeded, Event
from tests.admin_forms import admin_url, form_data
from tests.factories import SuperuserFactory
from thaw_site.publishing.revisions import one_revision
from thaw_site.publishing.services import restore_revision
from thaw_site.publishing.workflow import compare

pytestmark = pytest.mark.django_db

NOTE = {
    "kind": "wrong",
    "about": "by the millions",
    "text": "Archival counts are far lower than the source says. [@archive-study, p. 12]",
}
DISPUTED = {
    "fact": "Prisoners released",
    "values": [
        {"value": "millions", "citation": "[@wikipedia]"},
        {"value": "about 4,000", "citation": "[citation needed: 2026-12]"},
    ],
}


def document(**event):
    return {
        "format": "thaw-era",
        "version": 1,
        "sources": [
            {"key": "wikipedia", "kind": "webpage", "title": "An encyclopedia article", "status": "published"},
            {"key": "archive-study", "kind": "book", "title": "An archival study", "status": "published"},
        ],
        "events": [
            {
                "slug": "releases",
                "title": "Releases",
                "date": "1953",
                "body": "Prisoners were released by the millions. [@wikipedia]",
                "status": "published",
                "notes": [NOTE],
                "disputed": [DISPUTED],
                **event,
            }
        ],
    }


@pytest.fixture
def imported():
    return import_document(document(), source_name="notes.json")


def json_ld(html):
    return json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))


def test_the_page_shows_the_note_apart_from_the_body_with_its_source(client, imported):
    html = client.get("/events/releases/").content.decode()
    notes = html[html.index('<section class="editors-notes"') : html.index('<div class="body">')]

    assert "The source is wrong: on “by the millions”" in notes
    assert "Archival counts are far lower" in notes
    assert 'href="#cite-note-2"' in notes  # the archival study, numbered after the disputed values' source
    assert "An archival study" in html[html.index('id="references-heading"') :]


def test_the_page_shows_the_disputed_fact_with_a_marker_opening_each_value_and_its_source(client, imported):
    html = client.get("/events/releases/").content.decode()
    facts = html[html.index('<dl class="facts">') : html.index("</dl>")]

    assert "<dt>Prisoners released</dt>" in facts
    assert "millions or about 4,000" in facts  # none preferred: both shown
    assert "<summary>disputed: no value preferred</summary>" in facts
    assert 'href="#cite-note-1"' in facts and "citation needed" in facts


def test_a_preferred_value_is_the_one_shown(client):
    preferred = {**DISPUTED, "values": [DISPUTED["values"][0], {**DISPUTED["values"][1], "preferred": True}]}
    import_document(document(disputed=[preferred]), source_name="preferred.json")
    facts = client.get("/events/releases/").content.decode().split('<dl class="facts">')[1].split("</dl>")[0]

    assert "<summary>disputed</summary>" in facts
    assert "millions or" not in facts and "(preferred)" in facts


def test_json_ld_carries_the_disputed_values_with_their_sources_and_the_note_as_a_correction(client, imported):
    data = json_ld(client.get("/events/releases/").content.decode())
    disputed = data["about"]["subjectOf"][0]

    assert disputed["@type"] == "Claim" and disputed["name"] == "Prisoners released" and "text" not in disputed
    assert [value["text"] for value in disputed["hasPart"]] == ["millions", "about 4,000"]
    assert disputed["hasPart"][0]["citation"] == ["http://testserver/sources/wikipedia/"]
    assert disputed["hasPart"][1]["citation"] == []
    assert data["correction"] == [
        {
            "@type": "CorrectionComment",
            "name": "The source is wrong",
            "text": "Archival counts are far lower than the source says.",
        }
    ]


def test_the_item_json_and_the_export_carry_both_and_import_again_unchanged(client, imported):
    entry = client.get("/events/releases.json").json()["events"][0]
    assert entry["notes"] == [NOTE]
    assert entry["disputed"][0]["values"][1] == {**DISPUTED["values"][1], "preferred": False}

    exported = export_document()
    assert exported["events"][0]["notes"] == [NOTE]
    assert import_document(exported, source_name="again.json").counts() == {"created": 0, "updated": 0, "unchanged": 3}


def test_a_version_1_file_without_notes_imports_unchanged_after_one_with_them_is_gone(imported):
    bare = document()
    del bare["events"][0]["notes"], bare["events"][0]["disputed"]
    report = import_document(bare, source_name="bare.json")

    assert report.updated == [("events", "releases", ["notes", "disputed"])]
    assert Event.objects.get().notes == [] and Event.objects.get().disputed == []


def test_search_finds_the_note_and_the_disputed_value(client, imported):
    assert 'href="/events/releases/"' in client.get("/search/", {"q": "archival counts"}).content.decode()
    assert 'href="/events/releases/"' in client.get("/search/", {"q": "4,000"}).content.decode()


def test_the_corrections_page_lists_live_notes_and_no_draft_ones(client, imported):
    import_document(
        {
            "format": "thaw-era",
            "version": 1,
            "events": [
                {
                    "slug": "draft-one",
                    "title": "Draft one",
                    "date": "1954",
                    "notes": [{"kind": "outdated", "text": "A secret draft note."}],
                }
            ],
        },
        source_name="draft.json",
    )
    html = client.get("/corrections/").content.decode()

    assert 'href="/events/releases/#editors-notes"' in html
    assert "Archival counts are far lower than the source says." in html
    assert "secret draft note" not in html
    assert 'href="/corrections/"' in html  # the footer links it


def test_notes_and_disputed_values_enter_the_citation_index_and_coverage(imported):
    event = Event.objects.get()
    reindex_item(event)

    cited = sorted(Citation.objects.filter(event=event).values_list("field", "source__key"))
    assert cited == [("body", "wikipedia"), ("disputed[0].values[0]", "wikipedia"), ("notes[0]", "archive-study")]
    assert list(CitationNeeded.objects.filter(event=event).values_list("field", "flagged")) == [
        ("disputed[0].values[1]", "2026-12")
    ]
    assert event.rendered["coverage"] == {"sentences": 2, "cited": 2, "flagged": 0}  # the body's and the note's


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"notes": [{"kind": "mistaken", "text": "x"}]}, "events[0] 'releases', field notes.0.kind: 'mistaken' is not"),
        (
            {"notes": [{"kind": "wrong", "text": ""}]},
            "events[0] 'releases', field notes.0.text: '' should be non-empty",
        ),
        (
            {"notes": [{"kind": "wrong", "text": "Wrong. [@nowhere]"}]},
            "events[0] 'releases', field notes[0]: citation [@nowhere] names no source",
        ),
        (
            {"disputed": [{"fact": "Released", "values": [DISPUTED["values"][0]]}]},
            "events[0] 'releases', field disputed.0.values: [{'value': 'millions', 'citation': '[@wikipedia]'}] is too short",
        ),
        (
            {
                "disputed": [
                    {"fact": "Released", "values": [{"value": "1", "citation": ""}, {"value": "2", "citation": "x"}]}
                ]
            },
            "events[0] 'releases', field disputed.0.values.0.citation: '' should be non-empty",
        ),
        (
            {
                "disputed": [
                    {
                        "fact": "Released",
                        "values": [{"value": "1", "citation": "x"}, {"value": "2", "citation": "[@wikipedia]"}],
                    }
                ]
            },
            "events[0] 'releases', field disputed[0].values[0]: 'x' must be one citation",
        ),
    ],
)
def test_a_bad_note_or_disputed_fact_stops_the_import_naming_its_place(change, message):
    with pytest.raises(ImportFailed) as failure:
        import_document(document(**change), source_name="bad.json")

    assert any(error.startswith(message) for error in failure.value.errors), failure.value.errors
    assert not Event.objects.exists()


def test_the_admin_refuses_two_preferred_values_and_a_note_citing_no_source(imported):
    event = Event.objects.get()
    event.disputed = [{**DISPUTED, "values": [{**v, "preferred": True} for v in DISPUTED["values"]]}]
    event.notes = [{"kind": "contested", "text": "Contested. [@nowhere]"}]
    with pytest.raises(ValidationError) as failure:
        event.full_clean()

    assert failure.value.message_dict["disputed"] == ["disputed[0].values: at most one value is preferred"]
    assert failure.value.message_dict["notes"] == ["notes[0]: unknown source key 'nowhere' in [@nowhere]"]


def test_an_edited_note_shows_in_the_diff_and_restore_brings_the_old_one_back(imported):
    editor = SuperuserFactory()
    event = Event.objects.get()
    first = event.history.latest()
    event.notes = [{**NOTE, "kind": "contested"}]
    with one_revision(event, user=editor, reason="Softened the note", created=False):
        event.save()

    changes = compare(first, event.history.latest())
    assert [change.name for change in changes] == ["notes"]
    assert "contested" in changes[0].html

    restore_revision(item=event, revision=first, by=editor)
    event.refresh_from_db()
    assert event.notes == [NOTE]


def test_the_admin_edits_notes_disputed_facts_and_identifiers_and_refuses_bad_ones_by_field(client, imported):
    client.force_login(SuperuserFactory())
    superuser_client = client
    event = Event.objects.get()
    url = admin_url(Event, "change", event.pk)
    bad = form_data(
        superuser_client,
        event,
        identifiers='{"wikidata": "Khrushchev"}',
        notes='[{"kind": "wrong", "text": "Wrong. [@nowhere]"}]',
        edit_summary="A bad edit",
    )
    html = superuser_client.post(url, bad).content.decode()
    assert "wikidata: &#x27;Khrushchev&#x27; is not a Wikidata identifier" in html
    assert "notes[0]: unknown source key &#x27;nowhere&#x27;" in html

    good = form_data(
        superuser_client,
        event,
        identifiers='{"wikidata": "Q1000"}',
        notes=json.dumps([{**NOTE, "kind": "outdated"}]),
        edit_summary="Identified, and the note marked outdated",
    )
    assert superuser_client.post(url, good).status_code == 302
    event.refresh_from_db()
    assert event.identifiers == {"wikidata": "Q1000"} and event.notes[0]["kind"] == "outdated"
    assert event.history.latest().history_change_reason == "Identified, and the note marked outdated"


def test_what_editors_write_in_notes_and_disputed_facts_is_escaped_everywhere(client):
    hostile = "<script>alert(1)</script>"
    import_document(
        document(
            notes=[{"kind": "wrong", "about": hostile, "text": f"{hostile} [@wikipedia]"}],
            disputed=[{"fact": hostile, "values": [{"value": hostile, "citation": "[@wikipedia]"}] * 2}],
        ),
        source_name="hostile.json",
    )
    for url in ("/events/releases/", "/corrections/"):
        html = client.get(url).content.decode()
        assert hostile not in html and "&lt;script&gt;" in html, url
