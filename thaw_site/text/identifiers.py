"""Authority identifiers: the ids that library and linked-data authority files give a person, an event, a
subject or a book, checked by pattern and turned into links.

An item's `identifiers` is an object keyed by scheme: {"wikidata": "Q1000", "viaf": "66477450"}. Every item
may carry the four authority files; sources may also carry a DOI and an OCLC number beside their ISBN.
Identifiers are never guessed: an editor enters one they have looked up.
"""

import re
from collections.abc import Iterable, Mapping
from typing import NamedTuple
from urllib.parse import quote


class Scheme(NamedTuple):
    label: str
    pattern: re.Pattern[str]
    example: str
    url: str  # with {} for the identifier


SCHEMES: dict[str, Scheme] = {
    "wikidata": Scheme("Wikidata", re.compile(r"Q[1-9][0-9]*"), "Q1000", "https://www.wikidata.org/wiki/{}"),
    "viaf": Scheme("VIAF", re.compile(r"[1-9][0-9]{0,21}"), "66477450", "https://viaf.org/viaf/{}"),
    "gnd": Scheme(
        "GND",
        re.compile(r"1[0-3]?[0-9]{7}[0-9X]|[47][0-9]{6}-[0-9]|[1-9][0-9]{0,7}-[0-9X]|3[0-9]{7}[0-9X]"),
        "118561219",
        "https://d-nb.info/gnd/{}",
    ),
    "loc": Scheme(
        "Library of Congress",
        re.compile(r"(?:gf|n|nb|nr|no|ns|sh|sj|sn)[0-9]{8,10}"),
        "n79021400",
        "https://id.loc.gov/authorities/{}",
    ),
    "doi": Scheme("DOI", re.compile(r"10\.[0-9]{4,9}/\S+"), "10.1000/182", "https://doi.org/{}"),
    "oclc": Scheme("OCLC", re.compile(r"[1-9][0-9]{0,11}"), "1340562", "https://www.worldcat.org/oclc/{}"),
}
AUTHORITY_FILES = ("wikidata", "viaf", "gnd", "loc")  # what every item may carry
SOURCE_SCHEMES = (*AUTHORITY_FILES, "doi", "oclc")  # and sources beside their ISBN


def identifier_problems(identifiers: object, allowed: Iterable[str]) -> list[str]:
    """One message per problem, each naming the scheme: unknown schemes, values of the wrong type or pattern."""
    allowed = tuple(allowed)
    if not isinstance(identifiers, Mapping):
        return [f"must be an object keyed by {', '.join(allowed)}"]
    problems = []
    for scheme, value in identifiers.items():
        if scheme not in allowed:
            problems.append(f"{scheme}: not an identifier here; use {', '.join(allowed)}")
        elif not isinstance(value, str) or not SCHEMES[scheme].pattern.fullmatch(value):
            problems.append(
                f"{scheme}: {value!r} is not a {SCHEMES[scheme].label} identifier (e.g. {SCHEMES[scheme].example})"
            )
    return problems


def valid_identifiers(identifiers: object, allowed: Iterable[str]) -> dict[str, str]:
    """The identifiers that pass identifier_problems, in the order of SCHEMES: what publishing shows of them (a
    row saved without validation, by a raw save or a script, may hold anything)."""
    if not isinstance(identifiers, Mapping):
        return {}
    return {
        scheme: identifiers[scheme]
        for scheme in SCHEMES
        if scheme in allowed
        and scheme in identifiers
        and not identifier_problems({scheme: identifiers[scheme]}, allowed)
    }


def identifier_url(scheme: str, value: str) -> str:
    if scheme == "loc":  # subject headings and names live under different paths
        value = ("subjects/" if value.startswith(("sh", "sj")) else "names/") + value
    return SCHEMES[scheme].url.format(quote(value, safe="/"))


class IdentifierLink(NamedTuple):
    scheme: str
    label: str
    value: str
    url: str


def identifier_links(identifiers: Mapping[str, str]) -> list[IdentifierLink]:
    """The item's identifiers as links, in the order of SCHEMES; unknown schemes are left out."""
    return [
        IdentifierLink(scheme, SCHEMES[scheme].label, identifiers[scheme], identifier_url(scheme, identifiers[scheme]))
        for scheme in SCHEMES
        if isinstance(identifiers.get(scheme), str)
    ]
