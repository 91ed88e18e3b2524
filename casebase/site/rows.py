"""Rows of lists of case studies, rendered once per version of what they show: the catalogue's
results, and on a practice's page, where it was applied.

A row (a case study's title, organisation, results and practices) reads the same on every
catalogue page that lists it, whatever the reader's search, filters, sort or page, until that
case study changes. Fetching 20 case studies with their practices and results and rendering
their 200-odd links was most of a catalogue page's cost, so each row is rendered once and kept
in this process's memory (`kept`), under a key that holds the version of the case study it
shows (`CatalogueIndex.row_version`): a save makes only the rows of the case studies it changed
unreachable, so the pages after it re-render those alone; the least recently shown go first
when too many are kept. Only the text a search highlights differs between readers, so it is not
part of what is kept.

In-process, not the shared cache: a hit is a dictionary lookup, with no network round trip,
and a deploy (new templates) starts new processes with nothing kept.
"""

import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass

from cachetools import LRUCache
from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.utils.text import Truncator

from casebase.catalogue.index import CatalogueIndex
from casebase.content.models import CaseStudy

SUMMARY_WORDS = 40


@dataclass(frozen=True)
class Row:
    pk: int
    heading: SafeString  # title, sector, organisation, type and period
    summary: str  # shown unless a search picked a passage
    details: SafeString  # results and practices
    passage: str | None = None  # what a search highlights: set per request, never kept


class Kept:
    """This process's memory of rendered rows: one LRU cache (cachetools) of at most
    `ROW_CACHE_ENTRIES`, under a lock for threaded servers (runserver, gthread workers).

    Not Django's LocMemCache: it pickles each row in and out, which cost 0.4 ms for a page's
    20, a twentieth of the page; these rows are immutable, so they are kept as they are.
    """

    def __init__(self):
        self.lock = threading.Lock()
        self.memory: LRUCache = LRUCache(maxsize=0)

    def get_many(self, keys: list[Hashable]) -> dict:
        with self.lock:
            return {key: row for key in keys if (row := self.memory.get(key)) is not None}

    def set_many(self, rows: dict) -> None:
        with self.lock:
            if self.memory.maxsize != settings.ROW_CACHE_ENTRIES:  # a setting changed
                self.memory = LRUCache(maxsize=settings.ROW_CACHE_ENTRIES)
            if self.memory.maxsize:
                self.memory.update(rows)

    def clear(self) -> None:
        with self.lock:
            self.memory.clear()


kept = Kept()


def kept_or_rendered(
    keys: list[Hashable], versioned: Callable[[Hashable], Hashable | None], render_missing
) -> dict:
    """The rows for these keys: those kept, and `render_missing(keys)` for the rest.
    `versioned(key)` is the key in memory, with the version of what the row shows; None when
    nothing can be keyed (a flushed database), and then nothing is kept."""
    in_memory = {key: memory_key for key in keys if (memory_key := versioned(key)) is not None}
    found = kept.get_many(list(in_memory.values()))
    rows = {key: found[memory_key] for key, memory_key in in_memory.items() if memory_key in found}
    missing = [key for key in keys if key not in rows]
    if missing:
        rendered = render_missing(missing)
        kept.set_many({in_memory[key]: row for key, row in rendered.items() if key in in_memory})
        rows.update(rendered)
    return rows


def rows_by_id(ids: list[int], index: CatalogueIndex) -> dict[int, Row]:
    """The catalogue rows of these published case studies, rendering only those not kept."""
    return kept_or_rendered(ids, lambda pk: row_key(index, "row", pk), render_rows)


def row_key(index: CatalogueIndex, kind: str, *key: int) -> tuple | None:
    """The key in memory of a row of `kind` showing the case study whose id ends `key`."""
    version = index.row_version(key[-1])
    return None if version is None else (kind, *key, version)


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
