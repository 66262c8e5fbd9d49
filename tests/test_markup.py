import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from thaw_site.text.markup import CitedDocument, last_word, letter_for


def render(text):
    document = CitedDocument()
    return document.render_body(text), document


def test_a_citation_becomes_a_numbered_superscript_link_to_its_reference():
    html, document = render("Stalin died in 1953. [@wp]")
    assert '<sup class="reference" id="cite-ref-1-a"><a href="#cite-note-1"' in html
    assert "[1]</a></sup>" in html
    assert [(use.key, use.number, use.letter) for use in document.citations] == [("wp", 1, "a")]


def test_repeated_sources_share_one_number_and_get_letters_in_order():
    _, document = render("A. [@wp, p. 1] B. [@book] C. [@wp, p. 9; @book]")
    assert [(u.key, u.number, u.letter, u.locator) for u in document.citations] == [
        ("wp", 1, "a", "p. 1"),
        ("book", 2, "a", ""),
        ("wp", 1, "b", "p. 9"),
        ("book", 2, "b", ""),
    ]


def test_pandoc_groups_and_locators_parse():
    _, document = render("Claim. [@key1; @key2, pp. 3–5]")
    assert [(u.key, u.locator) for u in document.citations] == [("key1", ""), ("key2", "pp. 3–5")]


def test_flags_show_their_date_in_words_and_record_the_sentence_they_follow():
    html, document = render("First claim. [@wp] The Gulag shrank fast. [citation needed: 2007-02]")
    assert "[<i>citation needed</i>" in html
    assert 'flagged <time datetime="2007-02">February 2007</time>' in html
    assert document.flags[0].flagged == "2007-02"
    assert document.flags[0].sentence == "The Gulag shrank fast."


def test_an_undated_flag_is_still_a_flag():
    html, document = render("Claim. [citation needed]")
    assert "citation needed" in html and "flagged" not in html
    assert document.flags[0].flagged == ""


@pytest.mark.parametrize(
    "fragment",
    [
        "[@ key]",
        "[@key; nope]",
        "[citation needed: 2010]",
        "[citation needed: May 2010]",
        "[@key",
        "[citation needed: 2010-13]",
    ],
)
def test_malformed_citations_and_flags_are_reported_quoting_the_fragment(fragment):
    html, document = render(f"A claim. {fragment} More.")
    assert document.problems
    assert fragment.split(":")[0].split(";")[0][:8] in document.problems[0]
    assert "<sup" not in html


def test_raw_html_is_escaped_never_passed_through():
    html, _ = render("<script>alert(1)</script> <img src=x onerror=alert(1)> <b>bold</b>")
    assert "<script" not in html and "<img" not in html and "<b>" not in html
    assert "&lt;script&gt;" in html


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "java&#x73;cript:alert(1)",
        "data:text/html,<b>x</b>",
        "ftp://x.org/f",
        "vbscript:x",
    ],
)
def test_links_with_unsafe_schemes_render_as_plain_text(url):
    html, _ = render(f"[click]({url})")
    assert "<a " not in html


@pytest.mark.parametrize(
    "url", ["https://example.org/a", "http://example.org", "mailto:ed@example.org", "/sources/", "#top"]
)
def test_http_mailto_and_relative_links_stay_links(url):
    html, _ = render(f"[here]({url})")
    assert f'<a href="{url}">here</a>' in html


def test_images_are_not_embedded():
    html, _ = render("![map](https://example.org/map.png)")
    assert "<img" not in html


def test_facts_share_numbering_with_the_body_and_come_first():
    document = CitedDocument()
    fact = document.render_fact("[@wp, p. 2]", "date_citation")
    body = document.render_body("Text. [@book] More. [@wp]")
    assert "[1]" in fact and 'id="cite-ref-1-b"' in body and "[2]" in body


@pytest.mark.parametrize("text", ["@wp", "[@wp] and more", "see [@wp]"])
def test_a_fact_citation_must_be_exactly_one_citation(text):
    document = CitedDocument()
    document.render_fact(text, "born_citation")
    assert document.problems and document.problems[0].startswith("born_citation:")


def test_backlink_letters_continue_past_z():
    assert [letter_for(i) for i in (0, 1, 25, 26, 27, 51, 52)] == ["a", "b", "z", "aa", "ab", "az", "ba"]


markup_alphabet = st.lists(
    st.sampled_from([*list("ab @;,:[]()<>\"'&*_`#-\n!/=."), "javascript:", "citation needed", "<script>", "onerror="]),
    max_size=80,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.one_of(markup_alphabet, st.deferred(lambda: structured_body)))
def test_any_input_renders_without_error_or_unescaped_html(text):
    html, _ = render(text)
    tags = re.findall(r"<\s*([a-zA-Z][a-zA-Z0-9]*)", html)
    assert set(tags) <= {
        "p",
        "em",
        "strong",
        "a",
        "sup",
        "i",
        "span",
        "time",
        "code",
        "pre",
        "ul",
        "ol",
        "li",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "hr",
        "br",
    }
    assert "javascript:" not in re.sub(r"&[a-z]+;", "", "".join(re.findall(r'href="([^"]*)"', html))).lower()
    assert "onerror=" not in "".join(re.findall(r"<[^>]*>", html))


citation_group = st.lists(
    st.tuples(st.sampled_from(["wp", "book", "a.b", "x_1"]), st.sampled_from(["", "p. 4", "pp. 3–5", "sec. 2"])),
    min_size=1,
    max_size=3,
).map(lambda items: "[" + "; ".join(f"@{key}, {loc}" if loc else f"@{key}" for key, loc in items) + "]")
structured_body = st.lists(
    st.one_of(
        citation_group,
        st.sampled_from(["[citation needed]", "[citation needed: 2007-02]", "A claim.", "More text", "\n\n", "- "]),
    ),
    max_size=30,
).map(" ".join)


@settings(max_examples=200, deadline=None)
@given(structured_body)
def test_numbering_follows_first_appearance_and_letters_run_in_order(text):
    html, document = render(text)
    assert not document.problems
    first_seen = list(dict.fromkeys(use.key for use in document.citations))
    assert {key: number for number, key in enumerate(first_seen, 1)} == document.numbers
    for number in document.numbers.values():
        letters = [use.letter for use in document.citations if use.number == number]
        assert letters == [letter_for(i) for i in range(len(letters))]
    anchors = re.findall(r'id="(cite-ref-[^"]+)"', html)
    assert anchors == [use.anchor for use in document.citations]
    assert len(set(anchors)) == len(anchors)


@settings(max_examples=200, deadline=None)
@given(structured_body)
def test_references_group_every_use_under_one_number_per_source(text):
    _, document = render(text)
    references = document.references()
    assert [entry["number"] for entry in references] == list(range(1, len(document.numbers) + 1))
    assert sum(len(entry["uses"]) for entry in references) == len(document.citations)
    assert len({entry["key"] for entry in references}) == len(references)


@settings(max_examples=200, deadline=None)
@given(st.one_of(structured_body, markup_alphabet))
def test_coverage_counts_stay_within_the_sentences(text):
    _, document = render(text)
    coverage = document.coverage()
    assert 0 <= coverage["cited"] <= coverage["sentences"]
    assert 0 <= coverage["flagged"] <= coverage["sentences"]
    assert coverage["sentences"] == len(document.sentences)


@settings(max_examples=500)
@given(st.text(alphabet=st.sampled_from(list("ab. \n\t\u00a0\u2003(«Dr")), max_size=30), st.data())
def test_last_word_is_what_the_pattern_searched_up_to_the_full_stop_finds(text, data):
    end = data.draw(st.integers(min_value=0, max_value=len(text)))
    found = re.compile(r"(\S+)$").search(text, 0, end)
    assert last_word(text, end) == (found.group(1) if found else "")
