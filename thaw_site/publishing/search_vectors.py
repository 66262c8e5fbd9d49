"""The weighted text search vector frozen with each publication on PostgreSQL (read by thaw_site.public.search),
and the text it is made of.

Names in their own script are found however they are typed: Russian writes ё or, as most printed text does,
е, and a reader may type either, in either case. `fold` maps both to one form; the searchable text carries the
folded form of every word outside ASCII beside the word itself, and a query is searched for in folded form too.
"""

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.contrib.postgres.search import SearchVector
from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import CombinedExpression

if TYPE_CHECKING:
    from thaw_site.publishing.publications import Publication

CONFIG = "english"
WORD = re.compile(r"\w+")


def fold(text: str) -> str:
    """Lowercase, with ё read as е: the form searches compare names in their own script by."""
    return text.lower().replace("ё", "е")


def fold_words(text: str) -> str:
    """The text with each word outside ASCII folded; ASCII words (and websearch's OR) left as they are."""
    return WORD.sub(lambda match: match.group() if match.group().isascii() else fold(match.group()), text)


def searchable_text(text: str, also: Iterable[str] = ()) -> str:
    """The text a publication is searched by: the item's text and `also` (e.g. its identifiers), then the folded
    form of each word outside ASCII that differs from it (SQLite's LIKE folds the case of ASCII only)."""
    text = " ".join([text, *also]).strip()
    folded = dict.fromkeys(fold(word) for word in WORD.findall(text) if not word.isascii())
    extra = [word for word in folded if word not in text]
    return " ".join([text, *extra])


def search_vector() -> CombinedExpression:
    return (
        SearchVector("title", weight="A", config=CONFIG)
        + SearchVector("summary", weight="B", config=CONFIG)
        + SearchVector("search_text", weight="C", config=CONFIG)
    )


def store_search_vectors(publications: "QuerySet[Publication]") -> None:
    """Compute and store the search vector of a queryset of publications (PostgreSQL only), in one query.

    Stored, not computed per query: ranking the matches and rechecking the GIN index's hits would
    otherwise rebuild the vector of every matching row's text (300 ms for ~900 matches at 10,000 events)."""
    if connection.vendor == "postgresql":
        publications.update(search_vector=search_vector())
