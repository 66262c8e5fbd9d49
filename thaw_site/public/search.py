"""Search across live publications: PostgreSQL full-text search, or a plain substring match on SQLite.

Either way a name in its own script is found with or without ё, in either case (search_vectors.fold).

Snippets are highlighted with private-use markers first and turned into <mark>
only after the text around them is escaped, so nothing an editor wrote can
reach the page as HTML.
"""

import re
from collections.abc import Sequence

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connection
from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from thaw_site.publishing.publications import Publication
from thaw_site.publishing.search_vectors import CONFIG, fold, fold_words

MIN_QUERY_LENGTH = 2
START, STOP = "\ue000", "\ue001"
SNIPPET_CHARS = 220
WORDS = re.compile(r"\w+", re.UNICODE)


def search(query: str) -> QuerySet[Publication]:
    """Live publications matching the query, best first, each with a `snippet` attribute source."""
    live: QuerySet[Publication] = Publication.objects.live().defer("data", "list_data", "search_vector")
    if connection.vendor == "postgresql":
        text_query = SearchQuery(fold_words(query), search_type="websearch", config=CONFIG)
        return (
            live.filter(search_vector=text_query)
            .annotate(rank=SearchRank(F("search_vector"), text_query))
            .annotate(
                headline=SearchHeadline(
                    "search_text",
                    text_query,
                    config=CONFIG,
                    start_sel=START,
                    stop_sel=STOP,
                    max_words=35,
                    min_words=15,
                )
            )
            .order_by("-rank", "title", "id")
        )
    terms = WORDS.findall(query)
    if not terms:
        return live.none()
    matches = Q()
    for term in terms:
        matches &= (
            Q(title__icontains=term)
            | Q(summary__icontains=term)
            | Q(search_text__icontains=term)
            | Q(search_text__icontains=fold(term))
        )
    return (
        live.filter(matches)
        .annotate(
            rank=Case(When(title__icontains=terms[0], then=Value(2)), default=Value(1), output_field=IntegerField())
        )
        .order_by(F("rank").desc(), "title", "id")
    )


def marked_snippet(text: str, terms: Sequence[str]) -> str:
    """A window of plain text around the first term found, with every term wrapped in the markers."""
    lowered = text.lower()
    found = [lowered.find(term.lower()) for term in terms]
    first = min((i for i in found if i >= 0), default=0)
    start = max(0, first - SNIPPET_CHARS // 3)
    window = text[start : start + SNIPPET_CHARS]
    if start > 0:
        window = "…" + window.split(" ", 1)[-1]
    if start + SNIPPET_CHARS < len(text):
        window = window.rsplit(" ", 1)[0] + "…"
    if terms:
        pattern = re.compile("|".join(re.escape(term) for term in sorted(terms, key=len, reverse=True)), re.IGNORECASE)
        window = pattern.sub(lambda m: f"{START}{m.group(0)}{STOP}", window)
    return window


def snippet_html(publication: Publication, query: str) -> SafeString:
    """The publication's highlighted snippet as safe HTML."""
    marked = getattr(publication, "headline", None)
    if marked is None:
        # search_text begins with the title, which the result shows already.
        text = publication.search_text.removeprefix(publication.title).strip() or publication.summary
        marked = marked_snippet(text, WORDS.findall(query))
    return mark_safe(escape(marked).replace(START, "<mark>").replace(STOP, "</mark>"))  # noqa: S308 - escaped above
