"""Narrative markup: Markdown with Pandoc citations and "citation needed" flags.

Bodies are CommonMark rendered by markdown-it-py with raw HTML off (it is
escaped, never passed through) and images off. Links keep only http(s),
mailto and relative targets; any other scheme is shown as plain text.

Inside a body:
    [@key]                      a citation of the Source with that key
    [@key, p. 45]               ... with a locator
    [@key1; @key2, pp. 3–5]     a group citing several sources
    [citation needed]           a flag on the claim just before it
    [citation needed: 2010-05]  ... with the month it was flagged (EDTF)

Numbering follows Wikipedia's named references: each source gets one number,
in order of first appearance, and each place that cites it gets a letter
(a, b, c) so the references list can link back to every use.

Fragments that start like a citation or a flag but do not parse are kept as
text and reported in `CitedDocument.problems`, so editors and importers can
be told exactly which fragment is wrong.

Coverage: while rendering a body the document also splits it into sentences
(see `sentences_of` and docs/citations.md) and records which carry a
citation, so `coverage()` is computed once, at save and at publication.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape
from typing import TYPE_CHECKING, TypedDict, cast

from django.core.exceptions import ValidationError
from markdown_it import MarkdownIt

from thaw_site.text.dates import format_date, parse_date

if TYPE_CHECKING:
    from markdown_it.renderer import RendererProtocol
    from markdown_it.rules_inline import StateInline
    from markdown_it.token import Token
    from markdown_it.utils import EnvType, OptionsDict

KEY = r"[A-Za-z0-9_](?:[A-Za-z0-9_.:/-]*[A-Za-z0-9_])?"
CITE_ITEM = re.compile(rf"^\s*@(?P<key>{KEY})\s*(?:,\s*(?P<locator>[^;@\[\]]*?))?\s*$")
FLAG = re.compile(r"^citation needed(?::\s*(?P<flagged>\d{4}-\d{2}))?$", re.IGNORECASE)
FLAG_START = re.compile(r"^citation\s+needed", re.IGNORECASE)
ANY_MARKER = re.compile(r"\[(?:@|citation\s+needed)[^\]]*\]", re.IGNORECASE)
SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+")
SENTENCE_END = re.compile(r"[.!?]+[\"'”’»)\]]*(?=\s|$)")
# Words that end in a full stop without ending a sentence ("c. 1955", "p. 4", "Dr. Zhivago").
ABBREVIATIONS = {
    "c",
    "ca",
    "cf",
    "e.g",
    "i.e",
    "p",
    "pp",
    "vol",
    "no",
    "ed",
    "eds",
    "trans",
    "dr",
    "mr",
    "mrs",
    "st",
    "vs",
}
SAFE_SCHEMES = {"http", "https", "mailto"}
SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):", re.IGNORECASE)
CONTROL_OR_SPACE = re.compile(r"[\x00-\x20\x7f]+")


@dataclass(frozen=True)
class CitationUse:
    key: str
    locator: str
    number: int
    letter: str
    position: int
    field: str

    @property
    def anchor(self) -> str:
        return f"cite-ref-{self.number}-{self.letter}"


@dataclass(frozen=True)
class FlagUse:
    flagged: str
    sentence: str
    position: int
    field: str


@dataclass
class Sentence:
    text: str = ""
    cited: bool = False
    flagged: bool = False


class SentenceCounts(TypedDict):
    """What a coverage share is computed from: how many body sentences, and how many of them carry a citation."""

    sentences: int
    cited: int


class Coverage(SentenceCounts):
    """`CitedDocument.coverage()`: the counts, and how many sentences carry a flag."""

    flagged: int


class ReferenceUse(TypedDict):
    anchor: str
    letter: str
    locator: str


class Reference(TypedDict):
    """One entry of `CitedDocument.references()`."""

    number: int
    key: str
    uses: list[ReferenceUse]


@dataclass
class CitedDocument:
    """Renders the cited fields of one item so they share one set of numbers."""

    numbers: dict[str, int] = field(default_factory=dict)  # source key -> its number
    citations: list[CitationUse] = field(default_factory=list)
    flags: list[FlagUse] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)

    def render_body(self, text: str, field_name: str = "body") -> str:
        if not text:
            return ""
        env = {"document": self, "field": field_name}
        tokens = _markdown.parse(text, env)
        self.sentences.extend(sentences_of(tokens))
        html: str = _markdown.renderer.render(tokens, _markdown.options, env)
        return html

    def render_fact(self, text: str | None, field_name: str) -> str:
        """A structured fact's citation: exactly one citation group or one flag, rendered inline."""
        text = (text or "").strip()
        if not text:
            return ""
        match = re.fullmatch(r"\[([^\[\]]*)\]", text)
        if not match:
            self.problems.append(
                f"{field_name}: {text!r} must be one citation such as [@key, p. 4] or [citation needed]"
            )
            return ""
        env = {"document": self, "field": field_name}
        html: str = _markdown.renderInline(text, env)
        return html

    @property
    def keys(self) -> set[str]:
        return set(self.numbers)

    def coverage(self) -> Coverage:
        """How many body sentences there are, how many carry a citation, and how many a flag."""
        return {
            "sentences": len(self.sentences),
            "cited": sum(1 for sentence in self.sentences if sentence.cited),
            "flagged": sum(1 for sentence in self.sentences if sentence.flagged),
        }

    def references(self) -> list[Reference]:
        """The references list: one entry per source, numbered, with a back-link per use."""
        entries: dict[int, Reference] = {}
        for use in self.citations:
            entry = entries.setdefault(use.number, {"number": use.number, "key": use.key, "uses": []})
            entry["uses"].append({"anchor": use.anchor, "letter": use.letter, "locator": use.locator})
        return [entries[number] for number in sorted(entries)]

    def _use(self, key: str, locator: str, field_name: str) -> CitationUse:
        number = self.numbers.setdefault(key, len(self.numbers) + 1)
        earlier = sum(1 for use in self.citations if use.number == number)
        use = CitationUse(key, locator, number, letter_for(earlier), len(self.citations) + len(self.flags), field_name)
        self.citations.append(use)
        return use

    def _flag(self, flagged: str, sentence: str, field_name: str) -> FlagUse:
        flag = FlagUse(flagged, sentence, len(self.citations) + len(self.flags), field_name)
        self.flags.append(flag)
        return flag


def letter_for(index: int) -> str:
    """0 -> a, 25 -> z, 26 -> aa: the back-link labels of a repeated reference."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("a") + remainder) + letters
    return letters


def parse_group(content: str) -> list[tuple[str, str]] | None:
    """'@a; @b, p. 4' -> [('a', ''), ('b', 'p. 4')], or None when malformed."""
    items = []
    for part in content.split(";"):
        match = CITE_ITEM.match(part)
        if not match:
            return None
        items.append((match["key"], (match["locator"] or "").strip()))
    return items


def coverage_share(coverage: SentenceCounts | None) -> float | None:
    """The share (0–1) of sentences that carry a citation, or None for an item without sentences."""
    if not coverage or not coverage.get("sentences"):
        return None
    return coverage["cited"] / coverage["sentences"]


def coverage_in_words(coverage: SentenceCounts | None) -> str:
    """'57% (4 of 7 sentences cited)' for editors' lists and forms; '—' when there is nothing to count."""
    share = coverage_share(coverage)
    if share is None:
        return "—"
    counts = cast(SentenceCounts, coverage)  # there is a share, so there are counts
    return f"{share:.0%} ({counts['cited']} of {counts['sentences']} sentences cited)"


def last_word(text: str, end: int) -> str:
    """The run of non-space characters ending at `end` (or before a newline there), as `(\\S+)$` finds it searched
    up to `end`, which scanned the text from its start for every full stop: a tenth of validating a large import."""
    if end and text[end - 1] == "\n":
        end -= 1
    start = end
    while start and not text[start - 1].isspace():
        start -= 1
    return text[start:end]


def ends_sentence(text: str, match: re.Match[str]) -> bool:
    """Whether a full stop (or ! or ?) at `match` ends a sentence: not after an initial or a known abbreviation."""
    if not match.group().startswith(".") or len(match.group()) > 1:
        return True
    word = last_word(text, match.start())
    if not word:
        return True
    word = word.lstrip("(\"'“‘«")
    return not ((len(word) == 1 and word.isupper()) or word.lower() in ABBREVIATIONS)


def sentences_of(tokens: Sequence["Token"]) -> list[Sentence]:
    """The sentences of a parsed body, each knowing whether a citation or a flag follows or sits inside it.

    A sentence is a run of text in a paragraph, list item or quotation that ends with . ! or ?
    (closing quotes and brackets included) followed by a space or the end of the block; the
    last run of a block is a sentence even without a full stop. Markers belong to the sentence
    they follow, as footnote markers do. Headings and code blocks hold no sentences.
    """
    sentences: list[Sentence] = []
    for index, token in enumerate(tokens):
        if token.type != "inline" or (index and tokens[index - 1].type == "heading_open"):
            continue
        current, ended = Sentence(), False
        for child in token.children or []:
            if child.type == "citation":
                current.cited = True
            elif child.type == "citation_needed":
                current.flagged = True
            elif child.type in ("text", "code_inline", "softbreak", "hardbreak"):
                text = child.content if child.type in ("text", "code_inline") else " "
                start = 0
                for match in SENTENCE_END.finditer(text):
                    if ends_sentence(text, match):
                        current, ended = _grow(sentences, current, ended, text[start : match.end()])
                        ended, start = True, match.end()
                current, ended = _grow(sentences, current, ended, text[start:])
        if current.text.strip():
            sentences.append(current)
    for sentence in sentences:
        sentence.text = " ".join(sentence.text.split())
    return sentences


def _grow(sentences: list[Sentence], current: Sentence, ended: bool, text: str) -> tuple[Sentence, bool]:
    """Add text to the current sentence, or start the next one when the current has ended."""
    if not text.strip():
        current.text += text
        return current, ended
    if ended:
        sentences.append(current)
        current = Sentence()
    current.text += text
    return current, False


def sentence_before(text: str) -> str:
    """The sentence a flag follows: the last sentence of the text before it, markers removed."""
    plain = ANY_MARKER.sub("", text).strip()
    pieces = [piece for piece in SENTENCE_BREAK.split(plain) if piece.strip()]
    return pieces[-1].strip() if pieces else ""


def _citation_rule(state: "StateInline", silent: bool) -> bool:
    if state.src[state.pos] != "[":
        return False
    end = state.src.find("]", state.pos + 1)
    content = state.src[state.pos + 1 : end] if end != -1 else state.src[state.pos + 1 :]
    starts_like_citation = content.lstrip().startswith("@")
    starts_like_flag = bool(FLAG_START.match(content.strip()))
    if not (starts_like_citation or starts_like_flag):
        return False
    document: CitedDocument = state.env["document"]
    fragment = state.src[state.pos : end + 1] if end != -1 else state.src[state.pos : state.pos + 80]
    problem = None
    if end == -1 or "[" in content:
        problem = f"unclosed or nested citation {fragment!r}"
    elif starts_like_citation:
        items = parse_group(content)
        if items is None:
            problem = f"malformed citation {fragment!r}"
    else:
        match = FLAG.match(content.strip())
        flagged = match["flagged"] or "" if match else ""
        if match is None or (flagged and not is_month(flagged)):
            problem = f"malformed flag {fragment!r} (write [citation needed] or [citation needed: 2010-05])"
    if problem:
        if not silent:
            document.problems.append(f"{state.env['field']}: {problem}")
        return False
    if not silent:
        if starts_like_citation:
            token = state.push("citation", "", 0)
            cited = cast("list[tuple[str, str]]", items)  # a group that did not parse is a problem, above
            token.meta = {"uses": [document._use(key, locator, state.env["field"]) for key, locator in cited]}
        else:
            token = state.push("citation_needed", "", 0)
            token.meta = {"flag": document._flag(flagged, sentence_before(state.src[: state.pos]), state.env["field"])}
    state.pos = end + 1
    return True


def is_month(text: str) -> bool:
    try:
        return parse_date(text).precision == "month"
    except ValidationError:
        return False


def _render_citation(
    self: "RendererProtocol", tokens: Sequence["Token"], idx: int, options: "OptionsDict", env: "EnvType"
) -> str:
    return "".join(
        f'<sup class="reference" id="{use.anchor}"><a href="#cite-note-{use.number}" '
        f'aria-label="Reference {use.number}">[{use.number}]</a></sup>'
        for use in tokens[idx].meta["uses"]
    )


def _render_citation_needed(
    self: "RendererProtocol", tokens: Sequence["Token"], idx: int, options: "OptionsDict", env: "EnvType"
) -> str:
    flag: FlagUse = tokens[idx].meta["flag"]
    dated = ""
    if flag.flagged:
        dated = (
            f'<span class="flag-date">, flagged <time datetime="{escape(flag.flagged)}">'
            f"{escape(format_date(flag.flagged))}</time></span>"
        )
    return f'<sup class="citation-needed">[<i>citation needed</i>{dated}]</sup>'


def is_safe_link(url: str) -> bool:
    cleaned = CONTROL_OR_SPACE.sub("", url)
    scheme = SCHEME.match(cleaned)
    return scheme is None or scheme.group(1).lower() in SAFE_SCHEMES


def _build_markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False})
    md.disable("image")
    md.validateLink = is_safe_link  # type: ignore[method-assign]  # markdown-it's way to replace the link check
    md.inline.ruler.before("link", "citation", _citation_rule)
    md.add_render_rule("citation", _render_citation)
    md.add_render_rule("citation_needed", _render_citation_needed)
    return md


_markdown = _build_markdown()
