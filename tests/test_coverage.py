"""Coverage: the share of an item's body sentences that carry at least one citation (docs/citations.md)."""

import pytest

from events.models import Event, Source
from thaw_site.publishing.publications import Publication
from thaw_site.publishing.services import make_live
from thaw_site.text.markup import CitedDocument, coverage_in_words, coverage_share

# Counted by hand, sentence by sentence:
#  1 "Stalin died on 5 March 1953."                      cited ([@wp] follows it)
#  2 "N. S. Khrushchev, c. 1955, led the party."         cited mid-sentence; "N." "S." "c." end nothing
#  3 "Was the speech planned?"                           not cited
#  4 "Nobody knows."                                     flagged only: a flag is not a citation
#  5 "Camps emptied (p. 4 of the report)."               cited by a group of two sources: counts once
#  6 "an item without a full stop"                       list item: last run of a block is a sentence
#  7 "a cited item"                                      cited
#    "A heading. With two stops" is a heading: no sentences; the code block holds none either.
HAND_COUNTED = """\
# A heading. With two stops

Stalin died on 5 March 1953. [@wp] N. S. Khrushchev, c. 1955, led [@book, p. 4] the party.
Was the speech planned? Nobody knows. [citation needed: 2007-02]

Camps emptied (p. 4 of the report). [@wp; @book]

- an item without a full stop
- a cited item [@wp]

```
Code. Is not prose.
```
"""


def test_coverage_of_a_hand_counted_body():
    document = CitedDocument()
    document.render_body(HAND_COUNTED)
    assert [(s.text, s.cited, s.flagged) for s in document.sentences] == [
        ("Stalin died on 5 March 1953.", True, False),
        ("N. S. Khrushchev, c. 1955, led the party.", True, False),
        ("Was the speech planned?", False, False),
        ("Nobody knows.", False, True),
        ("Camps emptied (p. 4 of the report).", True, False),
        ("an item without a full stop", False, False),
        ("a cited item", True, False),
    ]
    assert document.coverage() == {"sentences": 7, "cited": 4, "flagged": 1}
    assert coverage_share(document.coverage()) == pytest.approx(4 / 7)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("", {"sentences": 0, "cited": 0, "flagged": 0}),
        ("[@wp]", {"sentences": 0, "cited": 0, "flagged": 0}),
        ("One. Two! Three?", {"sentences": 3, "cited": 0, "flagged": 0}),
        ("“Quoted.” [@wp] Next.", {"sentences": 2, "cited": 1, "flagged": 0}),
        ("A claim.[@wp] Another claim. [citation needed]", {"sentences": 2, "cited": 1, "flagged": 1}),
        ("Both. [@wp] [citation needed]", {"sentences": 1, "cited": 1, "flagged": 1}),
        ("He read *Pravda*. It lied. [@wp]", {"sentences": 2, "cited": 1, "flagged": 0}),
    ],
)
def test_sentence_boundaries(body, expected):
    document = CitedDocument()
    document.render_body(body)
    assert document.coverage() == expected


def test_an_item_without_sentences_has_no_share_rather_than_zero():
    assert coverage_share({"sentences": 0, "cited": 0, "flagged": 0}) is None
    assert coverage_share(None) is None


def test_fact_citations_do_not_count_as_body_sentences():
    document = CitedDocument()
    document.render_fact("[@wp, p. 2]", "date_citation")
    document.render_body("One claim.")
    assert document.coverage() == {"sentences": 1, "cited": 0, "flagged": 0}


@pytest.mark.django_db
def test_coverage_is_stored_on_save_and_frozen_into_the_publication():
    Source.objects.create(key="wp", title="Wikipedia", status="published")
    event = Event.objects.create(
        slug="e", title="E", date="1956", body="Cited. [@wp] Uncited. Flagged. [citation needed]"
    )
    assert event.rendered["coverage"] == {"sentences": 3, "cited": 1, "flagged": 1}
    publication = make_live(event)
    event.body = "Now all cited. [@wp]"
    event.save()
    assert Event.objects.get(pk=event.pk).rendered["coverage"] == {"sentences": 1, "cited": 1, "flagged": 0}
    frozen = Publication.objects.get(pk=publication.pk).data["rendered"]["coverage"]
    assert frozen == {"sentences": 3, "cited": 1, "flagged": 1}


def test_coverage_in_words_for_editors():
    assert coverage_in_words({"sentences": 7, "cited": 4, "flagged": 1}) == "57% (4 of 7 sentences cited)"
    assert coverage_in_words({"sentences": 0, "cited": 0, "flagged": 0}) == "—"
    assert coverage_in_words(None) == "—"
