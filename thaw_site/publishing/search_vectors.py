"""The weighted text search vector frozen with each publication on PostgreSQL (read by thaw_site.public.search)."""

from typing import TYPE_CHECKING

from django.contrib.postgres.search import SearchVector
from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import CombinedExpression

if TYPE_CHECKING:
    from thaw_site.publishing.publications import Publication

CONFIG = "english"


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
