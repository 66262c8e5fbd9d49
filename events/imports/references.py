"""Sources from reference managers: CSL-JSON (Zotero's export), BibTeX and RIS, as thaw-era documents.

Each entry becomes a source: its kind mapped from the file's type (a type several kinds share, such as BibTeX's
@article for journal, magazine and newspaper articles, keeps an existing source's kind), authors as "Family,
Given" or one literal name (BibTeX's brace-protected {Institution}), title, publisher, place, year, ISBN (check
digit verified, by the import), DOI (as the source's `doi` identifier), URL and access date.
The key is the file's own (CSL id, BibTeX key, RIS ID) when it is a valid key, otherwise made stably from the
first author's family name, the year and the title. A source that exists already, by key, ISBN or DOI (its `doi`
identifier, or a https://doi.org/ URL as earlier imports kept it), is updated
over its current entry (fields the file lacks, and its status, stay), so importing the site's own /sources/csl.json,
/sources/bibtex.bib or /sources/ris.ris back changes nothing. New sources are drafts.

BibTeX is read with bibtexparser, its LaTeX (accents, escapes, protecting braces) decoded with pylatexenc, except
in URLs, which BibTeX keeps verbatim; RIS with rispy.
"""

import hashlib
import re
from typing import Any

import bibtexparser
import rispy
from bibtexparser.middlewares import SeparateCoAuthors
from django.utils.text import slugify
from pylatexenc.latex2text import LatexNodes2Text
from stdnum import isbn as isbn_numbers

from events.bibliography import BIBTEX_TYPES, RIS_TYPES
from events.interchange import FORMAT, VERSION, Entry, ImportFailed
from events.models import Source, SourceKind

KEY = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
KINDS = set(SourceKind.values)
# CSL types this site has no kind of, as the nearest kind.
CSL_NEAREST = {"article": "article-journal", "paper-conference": "chapter", "entry-encyclopedia": "chapter",
               "entry-dictionary": "chapter", "post-weblog": "webpage", "post": "webpage", "document": "manuscript",
               "pamphlet": "book", "legislation": "manuscript", "broadcast": "motion_picture"}  # fmt: skip
# Where each source field was in each format, to name it in an error.
FIELD_NAMES = {
    "csl-json": {"kind": "type", "isbn": "ISBN", "url": "URL", "place": "publisher-place", "year": "issued"},
    "bibtex": {"kind": "entry type", "place": "address", "accessed": "urldate"},
    "ris": {"kind": "TY", "title": "TI", "isbn": "SN", "url": "UR", "year": "PY", "accessed": "Y2"},
}
LATEX = LatexNodes2Text()


def made_key(source: Entry) -> str:
    """A stable key for an entry without one: first author's family name, year, and a short hash of the title."""
    family = source["authors"][0].split(",")[0] if source.get("authors") else "anon"
    digest = hashlib.sha256(source.get("title", "").encode()).hexdigest()[:6]
    return "-".join(part for part in (slugify(family)[:40] or "anon", str(source.get("year") or "nd"), digest) if part)


def kind_for(file_type: str, mapping: dict[str, str], fallback: str, *, online: bool) -> list[str]:
    """The kinds a file's type may stand for, most likely first (`mapping`: kind -> the format's type, `fallback`
    the catch-all type, which any kind may be written as). A new source of the catch-all type is a web page when
    it has a URL, otherwise a book, like one of a type no kind is written as."""
    kinds = [kind for kind in SourceKind.values if mapping.get(kind, fallback) == file_type]
    if file_type == fallback:
        likely = SourceKind.WEBPAGE.value if online else SourceKind.BOOK.value
        return [likely, *(kind for kind in SourceKind.values if kind != likely)]
    return kinds or [SourceKind.BOOK.value]


DOI_URL = "https://doi.org/"


class Reader:
    """Entries of one reference file as source entries, collecting every bad field by entry."""

    def __init__(self, file_format: str) -> None:
        self.file_format = file_format
        self.errors: list[str] = []
        self.places: dict[tuple[str, int], str] = {}
        self.sources: list[tuple[Entry, list[str], str]] = []  # (entry, possible kinds, DOI)

    def add(self, place: str, key: str, kinds: list[str], fields: dict[str, Any], doi: str = "") -> None:
        entry: Entry = {"kind": kinds[0], **{name: value for name, value in fields.items() if value not in ("", None)}}
        if not entry.get("title"):
            self.errors.append(f"{place}: no title")
            return
        if entry.get("isbn"):
            entry["isbn"] = entry["isbn"].split()[0]
            if not isbn_numbers.is_valid(entry["isbn"]):
                name = FIELD_NAMES[self.file_format].get("isbn", "isbn")
                self.errors.append(
                    f"{place}, field {name}: {entry['isbn']!r} is not a valid ISBN (check digit or length)"
                )
        if doi:
            entry["identifiers"] = {"doi": doi}
        entry["key"] = key.lower() if KEY.match(key.lower()) else made_key(entry)
        self.places["sources", len(self.sources)] = place
        self.sources.append((entry, kinds, doi))

    def document(self) -> dict[str, Any]:
        """The sources as a thaw-era document, each existing one (by key, ISBN or DOI) updated, not duplicated."""
        if self.errors:
            raise ImportFailed(self.errors)
        by_key = {source.key: source for source in Source.objects.all()}
        by_isbn = {source.isbn: source for source in by_key.values() if source.isbn}
        by_doi = {
            source.url.lower().removeprefix(DOI_URL): source
            for source in by_key.values()
            if source.url.lower().startswith(DOI_URL)
        }
        by_doi |= {
            source.identifiers["doi"].lower(): source for source in by_key.values() if source.identifiers.get("doi")
        }
        entries: list[Entry] = []
        seen: dict[str, str] = {}  # key -> the place of the entry that has it
        for index, (entry, kinds, doi) in enumerate(self.sources):
            isbn = isbn_numbers.compact(entry.get("isbn", ""))
            existing = (
                by_key.get(entry["key"])
                or by_isbn.get(isbn)
                or by_isbn.get(isbn_numbers.to_isbn10(isbn) if isbn.startswith("978") and len(isbn) == 13 else "")
                or by_isbn.get(isbn_numbers.to_isbn13(isbn) if len(isbn) == 10 else "")
                or (by_doi.get(doi.lower()) if doi else None)
            )
            if existing is not None:
                current = existing.to_interchange()
                identifiers = {**current["identifiers"], **entry.get("identifiers", {})}
                entry = {**current, **entry, "key": existing.key, "identifiers": identifiers}
                if current["kind"] in kinds:
                    entry["kind"] = current["kind"]
            if entry["key"] in seen:
                self.errors.append(f"{self.places['sources', index]}: the same source as {seen[entry['key']]}")
            seen[entry["key"]] = self.places["sources", index]
            entries.append(entry)
        if self.errors:
            raise ImportFailed(self.errors)
        return {"format": FORMAT, "version": VERSION, "sources": entries}


def csl_year(value: object) -> int | None:
    parts = value.get("date-parts") if isinstance(value, dict) else None
    first = parts[0] if isinstance(parts, list) and parts and isinstance(parts[0], list) else []
    return first[0] if first and isinstance(first[0], int) else None


def read_csl_json(items: list[Any]) -> Reader:
    reader = Reader("csl-json")
    for index, item in enumerate(items):
        place = f"item {index + 1}" + (f" {item.get('id')!r}" if isinstance(item, dict) and item.get("id") else "")
        if not isinstance(item, dict):
            reader.errors.append(f"{place}: not a CSL-JSON item (an object)")
            continue
        kind = item.get("type", "")
        kind = kind if kind in KINDS else CSL_NEAREST.get(kind, "")
        if not kind:
            reader.errors.append(f"{place}, field type: {item.get('type')!r} is not a CSL type this site reads")
            continue
        authors = [
            f"{name['family']}, {name['given']}" if name.get("given") else name.get("family") or name.get("literal", "")
            for name in item.get("author", [])
            if isinstance(name, dict)
        ]
        accessed = item.get("accessed", {}).get("date-parts", [[]])[0] if isinstance(item.get("accessed"), dict) else []
        fields = {
            "title": item.get("title", ""),
            "authors": [name for name in authors if name],
            "publisher": item.get("publisher", ""),
            "place": item.get("publisher-place", ""),
            "year": csl_year(item.get("issued")),
            "isbn": item.get("ISBN", ""),
            "url": item.get("URL", ""),
            "accessed": "-".join(f"{int(p):02d}" for p in accessed) if len(accessed) == 3 else None,
        }
        reader.add(place, str(item.get("id", "")), [kind], fields, doi=item.get("DOI", ""))
    return reader


def latex_text(value: str) -> str:
    return " ".join(LATEX.latex_to_text(value).split())


def bibtex_name(raw: str) -> str:
    """A BibTeX name as "Family, Given"; a brace-protected {Institution} stays whole."""
    name = raw.strip()
    if name.startswith("{") and name.endswith("}"):
        return latex_text(name)
    if "," in name:
        family, given = name.split(",", 1)
        return f"{latex_text(family)}, {latex_text(given)}"
    given, _, family = name.rpartition(" ")
    return f"{latex_text(family)}, {latex_text(given)}" if given else latex_text(family)


def publisher_of(fields: dict[str, str]) -> str:
    """The publisher, wherever the entry type keeps it (a @misc's howpublished, unless only "Online")."""
    for name in ("publisher", "institution", "school", "howpublished"):
        if fields.get(name, "").strip() and fields[name].strip() != "Online":
            return fields[name]
    return ""


def read_bibtex(text: str) -> Reader:
    reader = Reader("bibtex")
    library = bibtexparser.parse_string(text, append_middleware=[SeparateCoAuthors()])
    for block in library.failed_blocks:
        first_line = (block.raw or "").strip().split("\n")[0][:60]
        reader.errors.append(f"line {(block.start_line or 0) + 1}: not a BibTeX entry ({first_line!r})")
    for index, entry in enumerate(library.entries):
        place = f"entry {index + 1} {entry.key!r} (line {(entry.start_line or 0) + 1})"
        fields = {field.key.lower(): field.value for field in entry.fields}
        year = fields.get("year", "")
        if year and not re.fullmatch(r"\d{1,4}", year.strip()):
            reader.errors.append(f"{place}, field year: {year!r} is not a year")
            continue
        kinds = kind_for(entry.entry_type.lower(), BIBTEX_TYPES, "misc", online=bool(fields.get("url")))
        reader.add(
            place,
            entry.key,
            kinds,
            {
                "title": latex_text(fields.get("title", "")),
                "authors": [bibtex_name(name) for name in fields.get("author", [])],
                "publisher": latex_text(publisher_of(fields)),
                "place": latex_text(fields.get("address", "")),
                "year": int(year) if year else None,
                "isbn": fields.get("isbn", "").strip(),
                "url": fields.get("url", "").strip(),
                "accessed": fields.get("urldate", "").strip() or None,
            },
            doi=fields.get("doi", "").strip(),
        )
    return reader


def read_ris(text: str) -> Reader:
    reader = Reader("ris")
    try:
        records = rispy.loads(text)
    except (OSError, ValueError) as error:  # rispy raises IOError for text that isn't RIS
        raise ImportFailed([f"not an RIS file ({error})"]) from None
    for index, record in enumerate(records):
        place = f"record {index + 1}" + (f" {record['id']!r}" if record.get("id") else "")
        year = str(record.get("year") or record.get("publication_year") or "").split("/")[0]
        if year and not re.fullmatch(r"\d{1,4}", year):
            reader.errors.append(f"{place}, field PY: {year!r} is not a year")
            continue
        urls = record.get("urls") or []
        reader.add(
            place,
            str(record.get("id", "")),
            kind_for(record.get("type_of_reference", ""), RIS_TYPES, "GEN", online=bool(urls)),
            {
                "title": record.get("title") or record.get("primary_title") or "",
                "authors": record.get("authors") or record.get("first_authors") or [],
                "publisher": record.get("publisher", ""),
                "place": record.get("place_published", ""),
                "year": int(year) if year else None,
                "isbn": record.get("issn", ""),
                "url": urls[0] if urls else "",
                "accessed": record.get("access_date") or None,
            },
            doi=record.get("doi", ""),
        )
    return reader


def decoded(raw: bytes, name: str) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFailed([f"{name}: not UTF-8 (byte {error.start})"]) from None


def reference_document(reader: Reader, name: str) -> dict[str, Any]:
    """The reader's sources as a thaw-era document, or every problem named with the file's name."""
    try:
        return reader.document()
    except ImportFailed as failure:
        raise ImportFailed([f"{name}: {error}" for error in failure.errors]) from None
