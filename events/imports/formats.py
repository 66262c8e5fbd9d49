"""The files an import reads, by name: each becomes a thaw-era document before the same validation and write.

- `.json`: a thaw-era document, or a CSL-JSON list of references (Zotero's export, events/imports/references.py);
- `.csv`, `.xlsx`: a TimelineJS-style spreadsheet of events (events/imports/spreadsheet.py);
- `.bib`, `.ris`: references (events/imports/references.py).
"""

import re
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from events.imports import references, spreadsheet
from events.imports.batches import Outcome, run_import
from events.interchange import ImportFailed, parse_document

SUFFIXES = (".json", ".csv", ".xlsx", ".bib", ".ris")
PLACE = re.compile(r"^(\w+)\[(\d+)\](?: '[^']*')?(?:, field (\w+))?")


@dataclass
class Converted:
    document: Any  # a thaw-era document, checked by the import
    file_format: str
    places: dict[tuple[str, int], str] = field(default_factory=dict)  # (section, index) -> its place in the file
    columns: dict[str, str] = field(default_factory=dict)  # thaw-era field -> the file's column or field

    def locate(self, error: str) -> str:
        """An import's error about `events[3] 'slug', field date` named by its place in this file too."""
        match = PLACE.match(error)
        place = self.places.get((match[1], int(match[2]))) if match else None
        if match is None or place is None:
            return error
        column = self.columns.get(match[3] or "")
        return f"{place}{f', column {column}' if column else ''} ({error})"


def read_file(name: str, raw: bytes) -> Converted:
    """The thaw-era document in the file `name` (for messages and its suffix) whose contents are `raw`."""
    suffix = PurePath(name).suffix.lower()
    if suffix not in SUFFIXES:
        raise ImportFailed([f"{name}: not a file this site reads ({', '.join(SUFFIXES)})"])
    if suffix in (".csv", ".xlsx"):
        rows = spreadsheet.csv_rows(raw, name) if suffix == ".csv" else spreadsheet.xlsx_rows(raw, name)
        document, places = spreadsheet.read_spreadsheet(rows)
        return Converted(document, suffix[1:], places, spreadsheet.FIELD_COLUMNS)
    if suffix in (".bib", ".ris"):
        text = references.decoded(raw, name)
        reader = references.read_bibtex(text) if suffix == ".bib" else references.read_ris(text)
    elif isinstance(document := parse_document(raw, name), list):
        reader = references.read_csl_json(document)
    else:
        return Converted(document, "thaw-era")
    document = references.reference_document(reader, name)
    return Converted(document, reader.file_format, reader.places, references.FIELD_NAMES[reader.file_format])


def import_file(name: str, raw: bytes, **options: Any) -> Outcome:
    """Read the file and import it as a batch: `options` are run_import's (user, dry_run, keep_file)."""
    converted = read_file(name, raw)
    try:
        return run_import(
            converted.document, file_name=PurePath(name).name, raw=raw, file_format=converted.file_format, **options
        )
    except ImportFailed as failure:
        raise ImportFailed([converted.locate(error) for error in failure.errors]) from None
