"""The site for machines: one live item in the interchange format, the timeline for TimelineJS,
and schema.org descriptions of item pages. All built from live publications only."""

from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import wraps
from typing import Any, NotRequired, Protocol, TypedDict, TypeVar, cast

from django.core.exceptions import ValidationError
from django.core.paginator import Page
from django.db.models.fields.json import KT
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.html import escape
from django.utils.timezone import localdate

from thaw_site.public.paging import page_or_404
from thaw_site.publishing.items import INTERCHANGE_FORMAT, INTERCHANGE_VERSION
from thaw_site.publishing.publications import Kind, Publication, item_url
from thaw_site.text.dates import parse_date
from thaw_site.text.identifiers import identifier_links

TIMELINE_EVENTS_PER_PAGE = 500
CREATIVE_WORK_TYPES: dict[str | None, str] = {  # looked up by a source's kind, None when it has none
    "book": "Book",
    "chapter": "Chapter",
    "article-journal": "ScholarlyArticle",
    "article-magazine": "Article",
    "article-newspaper": "NewsArticle",
    "webpage": "WebPage",
    "report": "Report",
    "thesis": "Thesis",
}

# A source's kind as the Zotero item type its page saves as: Zotero takes a DC.type naming one of its item types
# as it is (its RDF translator's detectType).
ZOTERO_ITEM_TYPES: dict[str | None, str] = {
    "book": "book",
    "chapter": "bookSection",
    "article-journal": "journalArticle",
    "article-magazine": "magazineArticle",
    "article-newspaper": "newspaperArticle",
    "webpage": "webpage",
    "manuscript": "manuscript",
    "report": "report",
    "speech": "presentation",
    "thesis": "thesis",
    "interview": "interview",
    "motion_picture": "film",
    "dataset": "dataset",
}
SITE_NAME = "Thaw"

T = TypeVar("T")
View = TypeVar("View", bound=Callable[..., HttpResponse])

# A schema.org description (JSON-LD): an open object whose keys depend on its "@type".
JsonLd = dict[str, object]


class TimelineDate(TypedDict):
    """A TimelineJS date object."""

    year: int
    month: NotRequired[int]
    day: NotRequired[int]
    display_date: str


class TimelineText(TypedDict):
    headline: str
    text: str


class TimelineEvent(TypedDict):
    """A TimelineJS slide, with the id this site gives it."""

    unique_id: str
    start_date: TimelineDate
    end_date: NotRequired[TimelineDate]
    text: TimelineText


# What structured_data reads of an item page's links and references (thaw_site.public.pages builds them: Linked,
# Reference and LiveItem, which it can't name here, as that module imports this one).
class LinkTarget(Protocol):
    @property
    def title(self) -> str: ...

    def get_absolute_url(self) -> str: ...


class Link(Protocol):
    @property
    def target(self) -> LinkTarget: ...

    @property
    def detail(self) -> str: ...


class ReferenceSource(Protocol):
    @property
    def list_data(self) -> Mapping[str, Any]: ...

    def get_absolute_url(self) -> str: ...


class NumberedReference(Protocol):
    @property
    def source(self) -> ReferenceSource | None: ...


def open_to_any_origin(view: View) -> View:
    """Let pages on any site read the answer (CORS): the data is public, and TimelineJS or a reference manager
    embedded elsewhere fetches it from the reader's browser. Credentials are never asked for or sent."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response["Access-Control-Allow-Origin"] = "*"
        return response

    return cast(View, wrapped)


@open_to_any_origin
def item_json(request: HttpRequest, slug: str, kind: str) -> JsonResponse:
    """The live version of one item as a thaw-era document holding just that item (importable as it is)."""
    publication = Publication.objects.live().filter(kind=kind, slug=slug).only("data").first()
    if publication is None or "interchange" not in publication.data:
        raise Http404(f"No published {kind} here.")
    document = {
        "format": INTERCHANGE_FORMAT,
        "version": INTERCHANGE_VERSION,
        f"{kind}s": [publication.data["interchange"]],
    }
    return JsonResponse(document, json_dumps_params={"ensure_ascii": False, "indent": 2})


def timeline_date(text: str | None) -> TimelineDate | None:
    """An EDTF date as a TimelineJS date object; None for empty or unreadable text."""
    if not text:
        return None
    try:
        date = parse_date(text)
    except ValidationError:
        return None
    value: TimelineDate = {"year": date.year, "display_date": str(date)}
    if date.month:
        value["month"] = date.month
    if date.day:
        value["day"] = date.day
    return value


def page_url(request: HttpRequest, page: Page[T], number: int) -> str | None:
    """The absolute URL of another page of this paginated document, or None past either end."""
    if not (1 <= number <= page.paginator.num_pages):
        return None
    query = request.GET.copy()
    query["page"] = number  # type: ignore[assignment]  # the stubs want str; urlencode() writes str(number)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


@open_to_any_origin
def timeline_json(request: HttpRequest) -> JsonResponse:
    """Live events in the JSON that TimelineJS (timeline.knightlab.com) reads, a page at a time.

    Beside TimelineJS's `title` and `events`: `count` (live events on every page together) and the absolute
    URLs of the `next` and `previous` pages (null at either end). `?page=N` that is not a page is a 404.
    """
    rows = (
        Publication.objects.live()
        .of_kind(Kind.EVENT)
        .in_order()
        .values("slug", "title", "summary", date=KT("list_data__date"), end=KT("list_data__end"))
    )
    page = page_or_404(request, rows, TIMELINE_EVENTS_PER_PAGE)
    events: list[TimelineEvent] = []
    for row in page.object_list:
        start = timeline_date(row["date"])
        if start is None:
            continue
        url = request.build_absolute_uri(f"/events/{row['slug']}/")
        event: TimelineEvent = {
            "unique_id": row["slug"],
            "start_date": start,
            "text": {
                "headline": escape(row["title"]),
                "text": f'<p>{escape(row["summary"])}</p><p><a href="{escape(url)}">Read with its sources</a></p>',
            },
        }
        end = timeline_date(row["end"])
        if end:
            event["end_date"] = end
        events.append(event)
    document = {
        "title": {
            "text": {
                "headline": "Thaw: the Soviet Union, 1953–1964",
                "text": "Every published event of the era, each linked to its cited page.",
            }
        },
        "events": events,
        "count": page.paginator.count,
        "next": page_url(request, page, page.number + 1),
        "previous": page_url(request, page, page.number - 1),
    }
    return JsonResponse(document, json_dumps_params={"ensure_ascii": False})


def iso_date(text: str | None) -> str | None:
    """EDTF without its qualifier is ISO 8601 (1956, 1956-02, 1956-02-25)."""
    return text.rstrip("~?%") if text else None


def natural_name(name: str) -> str:
    """'Taubman, William' -> 'William Taubman' (a source's authors are stored family name first); an
    institution's name, with no comma, as it is."""
    family, comma, given = name.partition(",")
    return f"{given.strip()} {family.strip()}" if comma else name


def in_role(property_name: str, thing: JsonLd, role_name: str, **role: object) -> JsonLd:
    """schema.org's Role: between the subject and `thing`, which it nests under the same property, naming the
    role; the thing itself when there is no role to name."""
    if not role_name:
        return thing
    return {"@type": "Role", "roleName": role_name, property_name: thing, **{k: v for k, v in role.items() if v}}


def creative_work(source: Mapping[str, Any], url: str) -> JsonLd:
    """A source (its publication data) as a schema.org CreativeWork."""
    work: JsonLd = {
        "@type": CREATIVE_WORK_TYPES.get(source.get("kind"), "CreativeWork"),
        "name": source.get("title"),
        "url": url,
        "author": [{"@type": "Person", "name": natural_name(name)} for name in source.get("authors", [])],
    }
    if source.get("publisher"):
        work["publisher"] = {"@type": "Organization", "name": source["publisher"]}
    if source.get("year"):
        work["datePublished"] = str(source["year"])
    if source.get("isbn"):
        work["isbn"] = source["isbn"]
    same_as = [source["url"]] if source.get("url") else []
    same_as += same_as_of(source)
    if same_as:
        work["sameAs"] = same_as if len(same_as) > 1 else same_as[0]
    return work


def same_as_of(data: Mapping[str, Any]) -> list[str]:
    """The authority files' pages for the thing an item describes (its `identifiers`)."""
    return [link.url for link in identifier_links(data.get("identifiers") or {})]


def disputed_claims(request: HttpRequest, disputed: Iterable[Mapping[str, Any]]) -> list[JsonLd]:
    """Each disputed fact as a Claim about the thing the page describes: its preferred value, if any, as the
    claim's text, and every competing value as a part, a Claim of its own citing its sources. (schema.org gives
    Events and People no additionalProperty: that is for products, places and values.)"""
    claims: list[JsonLd] = []
    for fact in disputed:
        claim: JsonLd = {
            "@type": "Claim",
            "name": fact["fact"],
            "description": "Disputed: the sources disagree"
            + ("." if fact["preferred"] else ", and none of their values is preferred."),
            "hasPart": [
                {
                    "@type": "Claim",
                    "name": fact["fact"],
                    "text": value["value"],
                    "citation": [request.build_absolute_uri(item_url(Kind.SOURCE, key)) for key in value["keys"]],
                }
                for value in fact["values"]
            ],
        }
        if fact["preferred"]:
            claim["text"] = fact["preferred"]
        claims.append(claim)
    return claims


def citation_meta(request: HttpRequest, publication: Publication) -> list[tuple[str, str]]:
    """The <meta name content> pairs reference managers read from an item page (Highwire Press citation_* tags
    and Dublin Core, as Zotero's Embedded Metadata translator and Google Scholar do): a source's page as the work
    itself (a book as a book with its authors, publisher and ISBN), any other item's page as a web page of this
    site, dated by the version shown."""
    page_url = request.build_absolute_uri(request.path)
    data = publication.data
    if publication.kind == Kind.SOURCE:
        pairs = [("citation_title", publication.title), ("DC.title", publication.title)]
        pairs += [(name, author) for author in data.get("authors", []) for name in ("citation_author", "DC.creator")]
        if data.get("year"):
            pairs += [("citation_publication_date", str(data["year"])), ("DC.date", str(data["year"]))]
        if data.get("publisher"):
            pairs += [("citation_publisher", data["publisher"]), ("DC.publisher", data["publisher"])]
        if data.get("publisher") and data.get("kind") != "book":
            # No container title is recorded, so the publisher names the site, journal or newspaper: without
            # it, Zotero would take this site's og:site_name for the publication the source appeared in.
            pairs.append(("prism.publicationName", data["publisher"]))
        if data.get("isbn"):
            pairs += [("citation_isbn", data["isbn"]), ("DC.identifier", f"ISBN {data['isbn']}")]
        url = data.get("url") or page_url
        return [
            *pairs,
            ("citation_public_url", url),
            ("DC.identifier", url),
            ("DC.type", ZOTERO_ITEM_TYPES.get(data.get("kind"), "document")),
        ]
    date = localdate(publication.published_at).isoformat()
    return [
        ("citation_title", publication.title),
        ("citation_publication_date", date),
        ("citation_public_url", page_url),
        ("DC.title", publication.title),
        ("DC.date", date),
        ("DC.type", "webpage"),
        ("DC.identifier", page_url),
        ("DC.publisher", SITE_NAME),
    ]


def linked_url(request: HttpRequest, linked: Link) -> str:
    return request.build_absolute_uri(linked.target.get_absolute_url())


def structured_data(
    request: HttpRequest,
    publication: Publication,
    links: Mapping[str, Sequence[Link]],
    references: Iterable[NumberedReference],
) -> JsonLd:
    """A schema.org description of an item page: the page (with its citations) about the thing it describes."""
    data = publication.data
    url = request.build_absolute_uri(publication.get_absolute_url())
    if publication.kind == Kind.SOURCE:
        return {"@context": "https://schema.org", **creative_work(data, url)}
    about: JsonLd = {"@type": "Thing", "name": publication.title, "description": publication.summary}
    if publication.kind == Kind.EVENT:
        about = {
            "@type": "Event",
            "name": publication.title,
            "description": publication.summary,
            "startDate": iso_date(data.get("date")),
            "endDate": iso_date(data.get("end")) or iso_date(data.get("date")),
            "eventStatus": "https://schema.org/EventScheduled",
            "attendee": [
                in_role(
                    "attendee",
                    {"@type": "Person", "name": linked.target.title, "url": linked_url(request, linked)},
                    linked.detail,
                )
                for linked in links.get("participant", [])
            ],
        }
        if data.get("place"):
            about["location"] = {"@type": "Place", "name": data["place"]}
    elif publication.kind == Kind.FIGURE:
        about = {
            "@type": "Person",
            "name": publication.title,
            "description": publication.summary,
            "memberOf": [
                in_role(
                    "memberOf",
                    {"@type": "Organization", "name": office["organisation"]},
                    office["title"],
                    startDate=iso_date(office.get("start")),
                    endDate=iso_date(office.get("end")),
                )
                for office in data.get("offices", [])
                if office.get("organisation")
            ],
        }
        if data.get("native_name"):
            about["alternateName"] = data["native_name"]
        if data.get("born"):
            about["birthDate"] = iso_date(data["born"])
        if data.get("died"):
            about["deathDate"] = iso_date(data["died"])
    if same_as := same_as_of(data):
        about["sameAs"] = same_as
    if data.get("disputed"):
        about["subjectOf"] = disputed_claims(request, data["disputed"])
    page: JsonLd = {
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": publication.title,
        "description": publication.summary,
        "url": url,
        "datePublished": publication.published_at.replace(microsecond=0).isoformat(),
        "about": about,
        "citation": [
            creative_work(reference.source.list_data, request.build_absolute_uri(reference.source.get_absolute_url()))
            for reference in references
            if reference.source is not None
        ],
    }
    if data.get("notes"):
        page["correction"] = [
            {"@type": "CorrectionComment", "name": note["label"], "text": note["plain"]} for note in data["notes"]
        ]
    return page
