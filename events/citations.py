"""The citation index: Citation and CitationNeeded rows derived from an item's markup.

Kept in step with every save of a cited item (see EventsConfig.ready), so
"cited by", the unsourced-statements list and coverage are queries.
"""

from django.db import transaction

from thaw_site.dates import parse_date

from .models import Citation, CitationNeeded, Source


@transaction.atomic
def reindex_item(item):
    """Replace the item's index rows with those of its current text. Unknown keys are skipped."""
    document = getattr(item, "citation_document", None) or item.cite()[0]
    owner = {item._meta.model_name: item}
    Citation.objects.filter(**owner).delete()
    CitationNeeded.objects.filter(**owner).delete()
    sources = Source.objects.in_bulk({use.key for use in document.citations}, field_name="key")
    Citation.objects.bulk_create(
        Citation(
            **owner,
            field=use.field,
            position=use.position,
            source=sources[use.key],
            locator=use.locator,
            number=use.number,
        )
        for use in document.citations
        if use.key in sources
    )
    CitationNeeded.objects.bulk_create(
        CitationNeeded(
            **owner,
            field=flag.field,
            position=flag.position,
            flagged=flag.flagged,
            flagged_on=parse_date(flag.flagged).earliest if flag.flagged else None,
            sentence=flag.sentence,
        )
        for flag in document.flags
    )


def reindex_on_save(sender, instance, raw=False, **kwargs):
    # Inside thaw_site.revisions.one_revision the item is saved with history silenced;
    # the revision's closing signal reindexes it once, with its final text.
    if not raw and not hasattr(instance, "skip_history_when_saving"):
        reindex_item(instance)
