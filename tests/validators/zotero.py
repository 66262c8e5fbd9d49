"""What "Save to Zotero" keeps of a page, by the rules of Zotero's Embedded Metadata translator (zotero/translators,
`Embedded Metadata.js`, 2024, with the RDF translator's `detectType` and `importItem` it hands Dublin Core and
Open Graph tags to), written out here from those rules: Zotero itself runs in a browser extension, not in a test.

The item type:
1. Highwire tags that fix a type win: citation_journal_title (journalArticle), citation_book_title or
   citation_inbook_title (bookSection), citation_conference_title (conferencePaper), citation_dissertation_institution
   (thesis), citation_technical_report_institution (report).
2. Otherwise, with any Dublin Core or Open Graph tag on the page, the RDF translator decides, in this order: an
   og:type it maps (website: webpage, book: book); a DC.type naming a Zotero item type, or one of the eprints and
   PRISM words it knows; the Highwire guess (citation_isbn: book, else citation_title: journalArticle); webpage;
   then the weak guesses (og:type article, DC.type Text: journalArticle).
The fields: Dublin Core, PRISM and Open Graph first (DC.title or og:title, DC.creator, DC.publisher, DC.date,
"ISBN …" in DC.identifier, prism.publicationName, DC.source or og:site_name as the publication, og:url), then the Highwire tags over them
(citation_title, citation_publication_date, citation_date, citation_publisher, citation_isbn, citation_public_url,
citation_author: each "Family, Given" or "Given Family"); then fields the type lacks are dropped.
"""

import re
from html.parser import HTMLParser

RDF_PREFIXES = {"bib", "bibo", "dc", "dcterms", "prism", "foaf", "vcard", "link", "z", "eprint", "eprints", "og"}
HIGHWIRE_TYPES = {
    "citation_journal_title": "journalArticle",
    "citation_technical_report_institution": "report",
    "citation_conference_title": "conferencePaper",
    "citation_conference": "conferencePaper",
    "citation_book_title": "bookSection",
    "citation_inbook_title": "bookSection",
    "citation_dissertation_institution": "thesis",
}
# Highwire fields in the translator's order: a later one present overrides an earlier one.
HIGHWIRE_FIELDS = {
    "citation_title": "title",
    "citation_publication_date": "date",
    "citation_cover_date": "date",
    "citation_date": "date",
    "citation_publisher": "publisher",
    "citation_isbn": "ISBN",
    "citation_public_url": "url",
}
OG_TYPES = {"website": "webpage", "book": "book", "music.song": "audioRecording", "video.movie": "videoRecording"}
ZOTERO_ITEM_TYPES = {
    "book", "bookSection", "journalArticle", "magazineArticle", "newspaperArticle", "webpage", "manuscript",
    "report", "presentation", "thesis", "interview", "film", "dataset", "document",
}  # fmt: skip
DC_TYPE_WORDS = {"book": "book", "authoredbook": "book", "bookitem": "bookSection", "bookchapter": "bookSection",
                 "webpage": "webpage", "homepage": "webpage", "report": "report", "thesis": "thesis"}  # fmt: skip
DC_TYPE_GUESSES = {"text": "journalArticle", "article": "journalArticle", "event": "presentation"}
# The fields of each item type that these tags can fill (Zotero drops the others when it saves).
FIELDS = {
    "book": {"title", "creators", "date", "publisher", "ISBN", "url"},
    "webpage": {"title", "creators", "date", "websiteTitle", "url"},
}


class MetaTags(HTMLParser):
    """(name or property, content) of every <meta> in the page's head, in order."""

    def __init__(self):
        super().__init__()
        self.tags, self.title, self.in_title, self.canonical = [], "", False, ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and (attrs.get("name") or attrs.get("property")) and attrs.get("content"):
            self.tags.append((attrs.get("name") or attrs["property"], attrs["content"]))
        elif tag == "link" and attrs.get("rel") == "canonical":
            self.canonical = attrs.get("href", "")
        self.in_title = tag == "title"

    def handle_data(self, data):
        if self.in_title:
            self.title += data

    def handle_endtag(self, tag):
        self.in_title = False


def split_name(name: str) -> dict[str, str]:
    """ZU.cleanAuthor: "Family, Given" at the comma, otherwise the last word is the family name."""
    if "," in name:
        family, given = (part.strip() for part in name.split(",", 1))
    else:
        given, _, family = name.strip().rpartition(" ")
    return {"firstName": given, "lastName": family}


def highwire_creators(values: list[str]) -> list[dict[str, str]]:
    """processHighwireCreators: each citation_author may hold several names split by ";" (or, when it is the only
    one, by commas with a space on both sides of the first), adjacent repeats skipped."""
    names: list[str] = []
    for value in values:
        parts = re.split(r"\s*;\s*", value)
        if len(parts) == 1 and len(values) == 1:
            by_comma = re.split(r"\s*,\s*", parts[0])
            if len(by_comma) > 1 and " " in by_comma[0] and " " in by_comma[1]:
                parts = by_comma
        for part in (part.strip() for part in parts):
            if re.search(r"[^\s,\-.;]", part) and (not names or names[-1] != part):
                names.append(part)
    return [split_name(name) for name in names]


def zotero_item(html: bytes) -> dict:
    """The item Zotero saves from this page: its itemType and the fields above."""
    page = MetaTags()
    page.feed(html.decode())
    hw_type = hw_guess = None
    rdf: dict[str, list[str]] = {}  # "dc:title" -> its values, in order
    for names, content in page.tags:
        for tag in names.split():
            parts = re.split(r"[.:_]", tag)
            prefix = parts[1].lower() if len(parts) > 2 and parts[1].lower() in RDF_PREFIXES else parts[0].lower()
            if prefix in RDF_PREFIXES:
                prop = tag[tag.lower().index(prefix) + len(prefix) + 1 :]
                rdf.setdefault(f"{prefix}:{prop[:1].lower()}{prop[1:]}", []).append(content)
                continue
            short = tag[tag.rfind("citation_") :]
            if short in HIGHWIRE_TYPES:
                hw_type = HIGHWIRE_TYPES[short]
            elif short in ("citation_title", "citation_series_title"):
                hw_guess = hw_guess or "journalArticle"
            elif short == "citation_isbn":
                hw_guess = "book"
    if hw_type or not rdf:
        item_type = hw_type or hw_guess
    else:
        og_type = rdf.get("og:type", [""])[0]
        dc_type = rdf.get("dc:type", [""])[0]
        dc_word = dc_type.lower().replace(" ", "")
        item_type = (
            OG_TYPES.get(og_type)
            or (dc_type if dc_type in ZOTERO_ITEM_TYPES else DC_TYPE_WORDS.get(dc_word))
            or hw_guess
            or "webpage"
        )
    item: dict = {"itemType": item_type}
    first = {key: values[0] for key, values in rdf.items()}
    item["title"] = first.get("dc:title") or first.get("og:title")
    item["creators"] = [split_name(name) for name in rdf.get("dc:creator", [])]
    item["publicationTitle"] = first.get("prism:publicationName") or first.get("dc:source") or first.get("og:site_name")
    item["publisher"] = first.get("dc:publisher")
    item["date"] = first.get("dc:date")
    isbns = [value[5:] for value in rdf.get("dc:identifier", []) if value[:5].upper() == "ISBN "]
    item["ISBN"] = isbns[0] if isbns else None
    item["url"] = first.get("og:url")
    meta = {}
    for name, content in page.tags:
        meta.setdefault(name, []).append(content)
    for tag, field in HIGHWIRE_FIELDS.items():
        if meta.get(tag):
            item[field] = ", ".join(meta[tag]) if field == "ISBN" else meta[tag][0]
    if meta.get("citation_author"):
        item["creators"] = highwire_creators(meta["citation_author"])
    item["title"] = item["title"] or page.title
    item["url"] = item["url"] or page.canonical
    if item_type == "webpage":
        item["websiteTitle"] = item.pop("publicationTitle")
    kept = FIELDS.get(item_type, item)
    return {key: value for key, value in item.items() if key == "itemType" or (key in kept and value is not None)}
