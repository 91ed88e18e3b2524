"""Rows of lists of case studies, rendered once per content version: the catalogue's results,
and on a practice's page, where it was applied (`kept_applications`, the same way).

A row (a case study's title, organisation, results and practices) reads the same on every
catalogue page that lists it, whatever the reader's search, filters, sort or page, until content
changes. Fetching 20 case studies with their practices and results and rendering their 200-odd
links was most of a catalogue page's cost, so each row is rendered once and kept in this
process's memory (`kept`), for the content version: the first change to content makes every
kept row unreachable, and the least recently shown go first when too many are kept. Only the
text a search highlights differs between readers, so it is not part of what is kept.

In-process, not the shared cache: a hit is a dictionary lookup, with no network round trip,
and a deploy (new templates) starts new processes with nothing kept.
"""

import threading
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass

from django.conf import settings
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


class KeptRows:
    """The rows this process keeps for one content version: at most `ROW_CACHE_ENTRIES`, the
    least recently shown dropped first, and every one dropped when the version changes.

    Not Django's LocMemCache: it pickles each row in and out, which cost 0.4 ms for a page's
    20, a twentieth of the page; these rows are immutable, so they are kept as they are.
    """

    def __init__(self):
        self.version: str | None = None
        self.rows: OrderedDict[Hashable, Row | SafeString] = OrderedDict()
        self.lock = threading.Lock()  # for threaded servers (runserver, gthread workers)

    def get_many(self, version: str, keys: list[Hashable]) -> dict:
        with self.lock:
            if version != self.version:
                return {}
            found = {key: row for key in keys if (row := self.rows.get(key)) is not None}
            for key in found:
                self.rows.move_to_end(key)
            return found

    def set_many(self, version: str, rows: dict) -> None:
        with self.lock:
            if version != self.version:
                self.version, self.rows = version, OrderedDict()
            self.rows.update(rows)
            while len(self.rows) > settings.ROW_CACHE_ENTRIES:
                self.rows.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.version, self.rows = None, OrderedDict()


kept = KeptRows()  # the catalogue's, by case study id
kept_applications = KeptRows()  # the practice pages', by (practice id, case study id)
# The practice pages' counts of credited results (not rows, but kept the same way, so a page
# whose rows are all kept still costs no query for them), by practice id.
kept_credit_counts = KeptRows()


def kept_or_rendered(
    kept_rows: KeptRows, keys: list[Hashable], content_version: str | None, render_missing
) -> dict:
    """The rows for these keys: those kept, and `render_missing(keys)` for the rest. Without a
    content version (a flushed database) nothing can be keyed, so nothing is kept."""
    rows = kept_rows.get_many(content_version, keys) if content_version else {}
    missing = [key for key in keys if key not in rows]
    if missing:
        rendered = render_missing(missing)
        if content_version:
            kept_rows.set_many(content_version, rendered)
        rows.update(rendered)
    return rows


def rows_by_id(ids: list[int], content_version: str | None) -> dict[int, Row]:
    """The catalogue rows of these published case studies, rendering only those not kept."""
    return kept_or_rendered(kept, ids, content_version, render_rows)


def render_rows(ids: list[int]) -> dict[int, Row]:
    studies = CaseStudy.objects.published().for_catalogue().in_bulk(ids)
    return {pk: render(study) for pk, study in studies.items()}


def render(study: CaseStudy) -> Row:
    context = {"study": study}
    return Row(
        pk=study.pk,
        heading=render_to_string("content/result_heading.html", context),
        summary=Truncator(study.summary).words(SUMMARY_WORDS, truncate=" …"),  # as truncatewords
        details=render_to_string("content/result_details.html", context),
    )
