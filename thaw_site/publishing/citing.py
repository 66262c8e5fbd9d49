"""Items whose text cites sources: periods, events and figures.

`save()` derives the rendered HTML of every cited field (the body and the
citations attached to structured facts such as a date), so pages never
render Markdown per request. The citation index (events.Citation rows) is
derived from the same rendering by `events.citations.reindex_item`.
"""

from collections.abc import Iterable
from datetime import date
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from thaw_site.publishing.items import Link, Publishable, Snapshot
from thaw_site.publishing.publications import Kind, models_by_kind
from thaw_site.text.dates import validate_edtf
from thaw_site.text.markup import ANY_MARKER, CitedDocument

FACT_HELP = "One citation for this fact, e.g. [@key, p. 12], or [citation needed: 2026-11]."


def citation_errors(item: "CitedItem") -> dict[str, list[str]]:
    """{field: [message]} for every malformed citation or flag and every unknown source key in the item."""
    document, _ = item.cite()
    errors: dict[str, list[str]] = {}
    for problem in document.problems:
        field_name, _, message = problem.partition(": ")
        errors.setdefault(field_name, []).append(message)
    sources = models_by_kind()[Kind.SOURCE]
    key = sources.natural_key_field
    known = set(sources.objects.filter(**{f"{key}__in": document.keys}).values_list(key, flat=True))
    for use in document.citations:
        if use.key not in known:
            errors.setdefault(use.field, []).append(f"unknown source key {use.key!r} in [@{use.key}]")
    return errors


def citation_problems(item: Publishable) -> list[str]:
    """What stops the item being published under the citation policy, as "field: message" lines.

    Empty when the policy (settings.THAW_CITATION_POLICY, on by default) is off, or for items
    that cite nothing by nature (topics, sources).
    """
    if not getattr(settings, "THAW_CITATION_POLICY", True) or not isinstance(item, CitedItem):
        return []
    return [f"{name}: {message}" for name, messages in citation_errors(item).items() for message in messages]


class CitedItem(Publishable):
    summary = models.TextField(blank=True, help_text="Plain text, one or two sentences.")
    body = models.TextField(
        blank=True,
        help_text=(
            "Markdown. Cite with [@key], [@key, p. 45] or [@key1; @key2, pp. 3–5]; "
            "flag an unsourced claim with [citation needed: YYYY-MM]."
        ),
    )
    needs_citations_since = models.CharField(
        max_length=7,
        blank=True,
        validators=[validate_edtf],
        help_text="Month (YYYY-MM) since when the whole item has needed more citations, if it does.",
    )
    rendered = models.JSONField(default=dict, blank=True, editable=False)

    # Names of CharFields holding one citation for a structured fact, in page order.
    cited_facts: ClassVar[tuple[str, ...]] = ()

    class Meta:
        abstract = True

    def cite(self) -> tuple[CitedDocument, dict[str, object]]:
        """Render every cited field into one document, facts first as they appear first on the page.

        Kept on the instance until its text changes: saving, indexing and publishing an item each read it, and
        rendering is most of what they cost (an import of 10,000 events rendered each three times)."""
        texts = (*(getattr(self, name) for name in self.cited_facts), self.body)
        kept = self.__dict__.get("_citations")
        if kept is not None and kept[0] == texts:
            return kept[1], dict(kept[2])
        document = CitedDocument()
        rendered: dict[str, object] = {
            name: document.render_fact(getattr(self, name), name) for name in self.cited_facts
        }
        rendered["body"] = document.render_body(self.body)
        rendered["coverage"] = document.coverage()
        self._citations = (texts, document, rendered)
        return document, dict(rendered)

    def clean(self) -> None:
        super().clean()
        errors = citation_errors(self)
        if errors:
            raise ValidationError(errors)

    def derive_fields(self) -> None:
        super().derive_fields()
        _, self.rendered = self.cite()

    def cited_snapshot(
        self,
        *,
        title: str,
        sort_start: date | None,
        sort_end: date | None,
        data: dict[str, Any],
        links: Iterable[Link],
    ) -> Snapshot:
        """A Snapshot of this item with its rendered text, references, flags and citation links."""
        document, rendered = self.cite()
        cites = [("cites", "source", use.key, use.locator) for use in document.citations]
        return Snapshot(
            title=title,
            summary=self.summary,
            sort_start=sort_start,
            sort_end=sort_end,
            data={
                **data,
                "summary": self.summary,
                "rendered": rendered,
                "references": document.references(),
                "flags": [{"flagged": f.flagged, "sentence": f.sentence, "field": f.field} for f in document.flags],
                "needs_citations_since": self.needs_citations_since,
            },
            search_text=" ".join([title, self.summary, ANY_MARKER.sub("", self.body)]),
            links=[*links, *cites],
        )
