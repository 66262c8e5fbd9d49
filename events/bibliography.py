"""The bibliography of live sources, for reference managers: CSL-JSON, BibTeX and RIS.

Each entry's key is the source's key (the one cited as [@key]), so it stays
the same across exports and imports. Only live sources are listed, read from
their publications like every public page.
"""

import json
import re
from typing import TYPE_CHECKING, TypedDict, cast

from django.http import HttpResponse

from thaw_site.public.cache import EVERY_CHANGE, page_policy
from thaw_site.public.machine import open_to_any_origin
from thaw_site.publishing.publications import Kind, Publication

if TYPE_CHECKING:
    from django.http import HttpRequest

# BibTeX's standard entry type for a kind of source, when the source has the field that type requires (btxdoc)
# beyond author, title and year, which its publisher fills (BIBTEX_REQUIRES). Other kinds (no journal or book title
# is recorded for articles and chapters), and a source without a publisher or year, are @misc, which requires
# nothing, as a standard style expects of web pages (howpublished: the publisher; note: online, and when accessed).
BIBTEX_TYPES = {"book": "book", "report": "techreport", "thesis": "phdthesis"}
BIBTEX_REQUIRES = {"book": "publisher", "techreport": "institution", "phdthesis": "school"}
RIS_TYPES = {
    "book": "BOOK",
    "chapter": "CHAP",
    "article-journal": "JOUR",
    "article-magazine": "MGZN",
    "article-newspaper": "NEWS",
    "webpage": "ELEC",
    "manuscript": "MANSCPT",
    "report": "RPRT",
    "thesis": "THES",
    "motion_picture": "MPCT",
    "dataset": "DATA",
}
LATEX_SPECIALS = re.compile(r"[\\{}&%$#_~^]")
LATEX_ESCAPES = {"\\": r"\textbackslash{}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}


class SourceData(TypedDict):
    """A live source's publication data as read here (Source.snapshot freezes it)."""

    key: str
    kind: str
    authors: list[str]  # each "Family, Given", or one literal name
    title: str
    publisher: str
    place: str
    year: int | None
    isbn: str
    url: str
    accessed: str | None  # ISO date
    identifiers: dict[str, str]  # by scheme (thaw_site.text.identifiers): doi, oclc and authority files


def live_sources() -> list[SourceData]:
    """The data of every live source, in key order."""
    return [p.data for p in Publication.objects.live().of_kind(Kind.SOURCE).only("data").order_by("slug")]


def split_name(name: str) -> tuple[str, str | None]:
    """'Schapiro, Leonard' -> ('Schapiro', 'Leonard'); an institution's name -> (name, None)."""
    family, comma, given = name.partition(",")
    return (family.strip(), given.strip()) if comma else (name.strip(), None)


def doi(source: SourceData) -> str:
    return source.get("identifiers", {}).get("doi", "")


def csl_item(source: SourceData) -> dict[str, object]:
    item: dict[str, object] = {"id": source["key"], "type": source["kind"], "title": source["title"]}
    authors = []
    for name in source["authors"]:
        family, given = split_name(name)
        authors.append({"family": family, "given": given} if given is not None else {"literal": family})
    if authors:
        item["author"] = authors
    optional = {
        "publisher": source.get("publisher"),
        "publisher-place": source.get("place"),
        "ISBN": source.get("isbn"),
        "URL": source.get("url"),
        "DOI": doi(source),
    }
    item.update({name: value for name, value in optional.items() if value})
    if source.get("year"):
        item["issued"] = {"date-parts": [[source["year"]]]}
    if source.get("accessed"):
        item["accessed"] = {"date-parts": [[int(part) for part in cast(str, source["accessed"]).split("-")]]}
    return item


def latex_escape(text: object) -> str:
    """Escape TeX's special characters; other Unicode stays as UTF-8, which BibTeX tools read."""
    return LATEX_SPECIALS.sub(lambda match: LATEX_ESCAPES.get(match.group(), "\\" + match.group()), str(text))


def bibtex_entry(source: SourceData) -> str:
    names = []
    for name in source["authors"]:
        family, given = split_name(name)
        # Braces keep an institution's name whole instead of being split into first and last names.
        names.append(
            f"{latex_escape(family)}, {latex_escape(given)}" if given is not None else f"{{{latex_escape(family)}}}"
        )
    publisher = latex_escape(source.get("publisher") or "")
    # URLs and DOIs are read verbatim by BibTeX tools; braces would end the field, so they are percent-encoded.
    url, doi_name = (
        (value or "").replace("{", "%7B").replace("}", "%7D") for value in (source.get("url"), doi(source))
    )
    entry_type = BIBTEX_TYPES.get(source["kind"], "misc")
    required = BIBTEX_REQUIRES.get(entry_type)
    fields = {
        "author": " and ".join(names),
        # Braced whole, so that a style keeps its capitals ("Soviet Union", not "Soviet union").
        "title": f"{{{latex_escape(source['title'])}}}",
        "publisher": publisher,
        "address": latex_escape(source.get("place") or ""),
        "year": str(source.get("year") or ""),
        "isbn": source.get("isbn") or "",
        "doi": doi_name,
        "url": url,
        "urldate": source.get("accessed") or "",
    }
    if required and publisher and source.get("year"):
        fields[required] = publisher
    else:
        entry_type = "misc"
        # As Wikipedia's own BibTeX has it; the URL is in `url`, which styles print (and BibTeX reads verbatim).
        fields["howpublished"] = publisher or "Online"
        fields["note"] = f"Online; accessed {source['accessed']}" if source.get("accessed") else "Online"
    body = "".join(f"  {name} = {{{value}}},\n" for name, value in fields.items() if value)
    return f"@{entry_type}{{{source['key']},\n{body}}}\n"


def ris_record(source: SourceData) -> str:
    lines = [("TY", RIS_TYPES.get(source["kind"], "GEN")), ("ID", source["key"])]
    lines += [("AU", name) for name in source["authors"]]
    lines += [
        ("TI", source["title"]),
        ("PB", source.get("publisher") or ""),
        ("CY", source.get("place") or ""),
        ("PY", str(source.get("year") or "")),
        ("SN", source.get("isbn") or ""),
        ("DO", doi(source)),
        ("UR", source.get("url") or ""),
        ("Y2", source.get("accessed") or ""),
    ]
    # RIS is line-based: a value's own line breaks would start bogus tags.
    return "".join(f"{tag}  - {' '.join(value.split())}\r\n" for tag, value in lines if value) + "ER  - \r\n"


def download(content: str, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@page_policy(EVERY_CHANGE)
@open_to_any_origin
def csl_json(request: "HttpRequest") -> HttpResponse:
    items = [csl_item(source) for source in live_sources()]
    return download(
        json.dumps(items, ensure_ascii=False, indent=2), "application/vnd.citationstyles.csl+json", "thaw-sources.json"
    )


@page_policy(EVERY_CHANGE)
@open_to_any_origin
def bibtex(request: "HttpRequest") -> HttpResponse:
    return download(
        "\n".join(bibtex_entry(source) for source in live_sources()), "application/x-bibtex", "thaw-sources.bib"
    )


@page_policy(EVERY_CHANGE)
@open_to_any_origin
def ris(request: "HttpRequest") -> HttpResponse:
    return download(
        "\r\n".join(ris_record(source) for source in live_sources()),
        "application/x-research-info-systems",
        "thaw-sources.ris",
    )
