"""The catalogue's result rows, rendered once per content version.

A row (a case study's title, organisation, results and practices) reads the same on every
catalogue page that lists it, whatever the reader's search, filters, sort or page, until content
changes. Fetching 20 case studies with their practices and results and rendering their 200-odd
links was most of a catalogue page's cost, so each row is rendered once and kept in this
process's memory (the "rows" cache), keyed by the content version: the first change to content
makes every kept row unreachable, and old ones are culled as new ones come. Only the text a
search highlights differs between readers, so it is not part of what is kept.

In-process, not the shared cache: a hit is a dictionary lookup, with no network round trip,
and a deploy (new templates) starts new processes with nothing kept.
"""

from dataclasses import dataclass

from django.core.cache import caches
from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.utils.text import Truncator

from casebase.content.models import CaseStudy

SUMMARY_WORDS = 40


@dataclass(frozen=True)
class Row:
    pk: int
    heading: SafeString  # title, sector, organisation, type and period
    summary: str  # shown unless a search picked a passage
    details: SafeString  # results and practices
    passage: str | None = None  # what a search highlights: set per request, never kept


def rows_by_id(ids: list[int], content_version: str | None) -> dict[int, Row]:
    """The rows of these published case studies, rendering only those not kept. Without a
    content version (a flushed database) nothing can be keyed, so nothing is kept."""
    kept = caches["rows"]
    keys = {pk: f"{content_version}:{pk}" for pk in ids}
    found = kept.get_many(list(keys.values())) if content_version else {}
    rows = {pk: found[key] for pk, key in keys.items() if key in found}
    missing = [pk for pk in ids if pk not in rows]
    if missing:
        studies = CaseStudy.objects.published().for_catalogue().in_bulk(missing)
        rendered = {pk: render(study) for pk, study in studies.items()}
        if content_version:
            kept.set_many({keys[pk]: row for pk, row in rendered.items()}, timeout=None)
        rows.update(rendered)
    return rows


def render(study: CaseStudy) -> Row:
    context = {"study": study}
    return Row(
        pk=study.pk,
        heading=render_to_string("content/result_heading.html", context),
        summary=Truncator(study.summary).words(SUMMARY_WORDS, truncate=" …"),  # as truncatewords
        details=render_to_string("content/result_details.html", context),
    )
