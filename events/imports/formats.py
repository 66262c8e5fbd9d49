"""The files an import reads, by name: each becomes a thaw-era document before the same validation and write.

- `.json`: a thaw-era document, or a CSL-JSON list of references (Zotero's export);
- `.csv`, `.xlsx`: a TimelineJS-style spreadsheet of events (events/imports/spreadsheet.py);
- `.bib`, `.ris`: references (events/imports/references.py).
"""

from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from events.imports.batches import Outcome, run_import
from events.interchange import ImportFailed, parse_document

SUFFIXES = (".json",)


@dataclass
class Converted:
    document: Any  # a thaw-era document, checked by the import
    file_format: str


def read_file(name: str, raw: bytes) -> Converted:
    """The thaw-era document in the file `name` (for messages and its suffix) whose contents are `raw`."""
    suffix = PurePath(name).suffix.lower()
    if suffix not in SUFFIXES:
        raise ImportFailed([f"{name}: not a file this site reads ({', '.join(SUFFIXES)})"])
    return Converted(parse_document(raw, name), "thaw-era")


def import_file(name: str, raw: bytes, **options: Any) -> Outcome:
    """Read the file and import it as a batch: `options` are run_import's (user, dry_run, keep_file)."""
    converted = read_file(name, raw)
    return run_import(
        converted.document, file_name=PurePath(name).name, raw=raw, file_format=converted.file_format, **options
    )
