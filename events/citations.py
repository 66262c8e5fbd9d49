"""The citation index: Citation and CitationNeeded rows derived from an item's markup.

Kept in step with every save of a cited item (see EventsConfig.ready), so
"cited by", the unsourced-statements list and coverage are queries.
"""

from django.db import transaction

from thaw_site.dates import parse_date

from .models import Citation, CitationNeeded, Source


def reindex_item(item):
    """Replace the item's index rows with those of its current text. Unknown keys are skipped."""
    reindex_items([item])


@transaction.atomic
def reindex_items(items):
    """`reindex_item` for many items of one model in a fixed number of queries (imports use it)."""
    if not items:
        return
    model_name = items[0]._meta.model_name
    documents = [getattr(item, "citation_document", None) or item.cite()[0] for item in items]
    owners = {f"{model_name}__in": [item.pk for item in items]}
    Citation.objects.filter(**owners).delete()
    CitationNeeded.objects.filter(**owners).delete()
    keys = {use.key for document in documents for use in document.citations}
    sources = Source.objects.in_bulk(keys, field_name="key")
    Citation.objects.bulk_create(
        (
            Citation(
                **{model_name: item},
                field=use.field,
                position=use.position,
                source=sources[use.key],
                locator=use.locator,
                number=use.number,
            )
            for item, document in zip(items, documents, strict=True)
            for use in document.citations
            if use.key in sources
        ),
        batch_size=2000,
    )
    CitationNeeded.objects.bulk_create(
        (
            CitationNeeded(
                **{model_name: item},
                field=flag.field,
                position=flag.position,
                flagged=flag.flagged,
                flagged_on=parse_date(flag.flagged).earliest if flag.flagged else None,
                sentence=flag.sentence,
            )
            for item, document in zip(items, documents, strict=True)
            for flag in document.flags
        ),
        batch_size=2000,
    )


def reindex_on_save(sender, instance, raw=False, **kwargs):
    # Inside thaw_site.revisions.one_revision the item is saved with history silenced;
    # the revision's closing signal reindexes it once, with its final text.
    if not raw and not hasattr(instance, "skip_history_when_saving"):
        reindex_item(instance)
