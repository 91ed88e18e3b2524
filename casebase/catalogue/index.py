"""The catalogue index: which published case studies have which facet values, as bitmaps.

Counting a facet under a reader's filters in SQL means a COUNT(DISTINCT) over the joined
applications or outcomes of every matching case study, per facet, per request: at 100,000 case
studies that is seconds. Here each published case study has a position (its place in the
catalogue's default order, organisation A to Z), and each facet value the set of positions that
have it, as a compressed bitmap (pyroaring). A reader's filters are unions and intersections of
those sets, a facet count is the size of an intersection, and a page of results is a slice of
one: microseconds, with no query, however large the catalogue.

The index is built from the database in a few queries and kept in memory, keyed by the content
version (`ContentVersion`), which every change to content replaces inside its own transaction,
logging the case studies it may move (`ContentChange`). After a change the index catches up in
place, re-reading only those case studies; a change that may move any of them rebuilds it. No
request ever counts from stale content. Views then fetch the page's rows by id from
published() querysets, as everywhere else.
"""

import array
import bisect
from collections import defaultdict
from collections.abc import Hashable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
from django.db import connection
from django.db.models import Aggregate, Count, Max, Min, TextField
from pyroaring import FrozenBitMap as Bits

from casebase.catalogue import facets
from casebase.catalogue.search import LEVELS, id_sets
from casebase.catalogue.search import words as search_words
from casebase.content import grading, profiles
from casebase.content.models import (
    CaseStudy,
    ContentChange,
    ContentVersion,
    Contribution,
    Organisation,
    Outcome,
    PracticeApplication,
    published_application,
    published_outcome,
)

NO_END = 9999  # an ongoing period reaches every later year
KEPT_SEARCHES = 16
EMPTY = Bits()


def bits(positions: Iterable[int]) -> Bits:
    """A set of positions kept as sorted arrays and plain bitmaps, never as runs.

    pyroaring keeps runs wherever they take less room, as they do at 10,000 case studies where
    a sector's members alternate with others in catalogue order. Intersecting runs costs ten
    times more (20 µs against 2 for a practice's members within a sector), and a catalogue
    page counts about sixty such intersections.
    """
    return Bits(positions, optimize=False)


# Facets with one value per case study (its organisation's) are counted in one pass over the
# selection, however many values they have (regions run to thousands).
SINGLE_VALUED = facets.SINGLE_VALUED
# Numbers kept per position (0: none): for the orders, and the organisation's size (its figure
# and which figure it is, profiles.SIZE_KINDS numbered from 1) for organisations like mine.
COLUMNS = ("start", "end", "outcomes", "strongest", "size", "size_kind")

Sets = dict[str, dict[Hashable, Bits]]  # family -> key -> the positions that have it


@dataclass(frozen=True)
class Value:
    """One option of a facet: its value in the URL, its label, and who has it."""

    value: str
    label: str
    members: Bits


@dataclass(frozen=True)
class Ordering:
    """An order of the catalogue: `order[i]` is the position at place i, `place[p]` the place
    of position p (-1: not in the catalogue)."""

    order: np.ndarray
    place: np.ndarray
    ascending: bool  # the order is the positions' own: a slice of a set is a slice of it

    @classmethod
    def of(cls, order: np.ndarray, size: int) -> "Ordering":
        order = np.asarray(order, dtype=np.int64)
        place = np.full(size, -1, dtype=np.int64)
        place[order] = np.arange(len(order))
        return cls(order, place, bool(np.all(order[1:] > order[:-1])))

    def slice(self, members: Bits, start: int, stop: int) -> list[int]:
        """Positions of `members` from place `start` to `stop` in this order: the first `stop`
        places are picked (a partition) and only those sorted."""
        if self.ascending:
            return list(members[start:stop])
        if stop <= start or not members:
            return []
        places = self.place[as_array(members)]
        if stop < len(places):
            places = np.partition(places, stop - 1)[:stop]
        places.sort()
        return self.order[places[start:stop]].tolist()


@dataclass
class CatalogueIndex:
    token: str | None
    seq: int  # the last change to content it includes (ContentVersion.seq)
    ids: np.ndarray  # position -> case study id (-1: withdrawn or deleted since)
    by_id: np.ndarray  # by_id[id] is the position of a published case study, or -1
    built: str | None  # the version it was built at, before any update in place
    generation: np.ndarray  # by position: the seq its entry was last read at
    all: Bits
    sets: Sets
    # Every option a reader may choose, with its label, whether or not a case study has it.
    options: dict[str, list[tuple[str, str]]]
    columns: dict[str, np.ndarray]  # COLUMNS, by position
    orderings: dict[str, Ordering]  # by the name of the sort
    facets: dict[str, list[Value]] = field(init=False)  # in the order readers see the options
    labels: dict[str, dict[str, str]] = field(init=False)
    since: list[tuple[int, Bits]] = field(init=False)  # (latest year it covers, who), ascending
    until: list[tuple[int, Bits]] = field(init=False)  # (earliest year it covers, who)
    results: dict[tuple[str, int], Bits] = field(init=False)  # (direction, strength) of a result
    best: dict[int, Bits] = field(init=False)  # by the strongest evidence of any of their results
    credited: dict[tuple[str, str], Bits] = field(init=False)  # (practice, directness) of a credit
    areas: dict[str, Bits] = field(init=False)  # area of results of a published outcome
    totals: dict[str, np.ndarray] = field(init=False)  # each facet value's number of members
    owners: dict[str, np.ndarray] = field(init=False)  # SINGLE_VALUED: position -> value index
    searches: dict[tuple[str, ...], "SearchResult"] = field(init=False, default_factory=dict)

    def __post_init__(self):
        sets = self.sets
        self.facets = {
            name: [
                Value(value, label, sets[name][value])
                for value, label in self.options[name]
                if value and value in sets[name]
            ]
            for name in facets.NAMES
        }
        self.labels = {name: dict(choices) for name, choices in self.options.items()}
        self.since, self.until = (sorted(sets[name].items()) for name in ("since", "until"))
        self.results, self.credited, self.areas = sets["results"], sets["credited"], sets["areas"]
        self.best = {grade: sets["best"].get(grade, EMPTY) for grade in grading.SLUGS}
        self._numbers = {
            name: {value.value: number for number, value in enumerate(values)}
            for name, values in self.facets.items()
        }
        self.totals = {
            name: np.array([len(value.members) for value in values], dtype=np.int64)
            for name, values in self.facets.items()
        }
        self.owners = {}
        for name in SINGLE_VALUED:
            values = self.facets[name]
            owner = np.full(len(self.ids), len(values), dtype=np.int32)  # none: a last bucket
            for number, value in enumerate(values):
                owner[as_array(value.members)] = number
            self.owners[name] = owner

    def members(self, facet: str, value: str) -> Bits:
        number = self.value_number(facet, value)
        return EMPTY if number is None else self.facets[facet][number].members

    def value_number(self, facet: str, value: str) -> int | None:
        """The value's place among the facet's options (None: no case study has it)."""
        return self._numbers[facet].get(value)

    def label(self, facet: str, value: str) -> str:
        return self.labels[facet].get(value, value)

    def counts(self, facet: str, within: Bits) -> np.ndarray:
        """How many of `within` have each of the facet's values, in the facet's order."""
        if within is self.all:
            return self.totals[facet]
        values = self.facets[facet]
        owner = self.owners.get(facet)
        if owner is not None:
            return np.bincount(owner[as_array(within)], minlength=len(values) + 1)[:-1]
        counted = (within.intersection_cardinality(value.members) for value in values)
        return np.fromiter(counted, dtype=np.int64, count=len(values))

    def credits(self, practice: str, directness: str) -> Bits:
        """Case studies with a published result the source credits to the practice so."""
        return self.credited.get((practice, directness), EMPTY)

    def credited_results(self, practice: str) -> dict[tuple[str, str], int]:
        """How many case studies have results of each direction the source credits to the
        practice, by how directly: {(direction, directness): count}."""
        return {
            (direction, directness): len(members)
            for (credited, direction, directness), members in self.sets["credited results"].items()
            if credited == practice
        }

    def any_of(self, facet: str, values: Iterable[str]) -> Bits:
        return Bits.union(EMPTY, *(self.members(facet, value) for value in values))

    def covering(self, *, since: int | None = None, until: int | None = None) -> Bits:
        """Case studies whose period, or a dated published result, reaches into the years."""
        if since is not None:
            groups = [bits for year, bits in self.since if year >= since]
        else:
            groups = [bits for year, bits in self.until if year <= until]
        return Bits.union(EMPTY, *groups)

    def position(self, pk: int) -> int | None:
        """A published case study's position (None: not published)."""
        position = int(self.by_id[pk]) if 0 <= pk < len(self.by_id) else -1
        return position if position >= 0 else None

    def of_ids(self, ids: Iterable[int]) -> Bits:
        """The positions of these case studies; unpublished ones have none."""
        found = self.positions_of(np.fromiter(ids, dtype=np.int64))
        return bits_of_array(found[found >= 0])

    def row_version(self, pk: int) -> tuple[str, int] | None:
        """The version of a published case study's entry: what a row showing it is kept under
        (casebase/site/rows.py), so a save re-renders only the rows of what it changed. None
        without a content version (a flushed database): then nothing is kept."""
        if self.built is None:
            return None
        return self.built, int(self.generation[self.by_id[pk]])

    def positions_of(self, ids: np.ndarray) -> np.ndarray:
        """The positions of these case studies, -1 for those not published."""
        return positions_in(self.by_id, ids)

    def id_at(self, positions: Iterable[int]) -> list[int]:
        if not isinstance(positions, np.ndarray):
            positions = np.fromiter(positions, dtype=np.int64)
        return self.ids[positions].tolist()

    def in_catalogue_order(self, members: Bits, start: int, stop: int) -> list[int]:
        return self.orderings["organisation"].slice(members, start, stop)

    def related(
        self, position: int | None, practices: list[str], limit: int
    ) -> list[tuple[int, int]]:
        """(position, practices shared) of the case studies sharing the most of `practices`
        with the one at `position` (None for a draft, which has none), ties in catalogue order.

        Counts are kept as bit planes (a ripple-carry adder over bitmaps): adding a practice is
        a few XORs and ANDs, so no per-case-study loop runs however many share a practice.
        """
        planes: list[Bits] = []
        for practice in practices:
            carry = self.members("practice", practice)
            for i, plane in enumerate(planes):
                planes[i], carry = plane ^ carry, plane & carry
            if carry:
                planes.append(carry)
        others = self.all - Bits([] if position is None else [position])
        found: list[tuple[int, int]] = []
        for shared in range(min(len(practices), 2 ** len(planes) - 1), 0, -1):
            exactly = others
            for i, plane in enumerate(planes):
                exactly = exactly & plane if shared >> i & 1 else exactly - plane
            taken = self.in_catalogue_order(exactly, 0, limit - len(found))
            found += [(other, shared) for other in taken]
            if len(found) == limit:
                break
        return found


def as_array(members: Bits) -> np.ndarray:
    """The positions as an index array. NumPy indexes with intp: given uint32, it converts
    them on every use, which took a gather of a third of 100,000 from 0.05 to 0.13 ms."""
    return np.frombuffer(members.to_array(), dtype=np.uint32).astype(np.intp)


def concatenated(parts: list[Bits], start: int, stop: int) -> list[int]:
    """Positions from `start` to `stop` of the sets read one after the other."""
    found: list[int] = []
    for part in parts:
        size = len(part)
        if stop > 0 and start < size:
            found += part[max(start, 0) : min(stop, size)]
        start, stop = start - size, stop - size
    return found


@dataclass(frozen=True)
class SearchResult:
    """What a search matched, as a set, and the matches with every word in each of the search's
    levels (casebase/catalogue/search.py: title, then title and names, then those and
    practices), read from the database as a page first needs them. Each level holds the one
    before it: a match ranks by the first that holds it, equal ranks in catalogue order."""

    members: Bits
    terms: list[str]
    ordering: Ordering  # the catalogue's default order, for equal ranks
    by_id: np.ndarray  # the index's (not the index: no reference cycle through its searches)
    levels: dict[int, Bits] = field(default_factory=dict)  # those read so far, by depth

    def level(self, depth: int) -> Bits:
        """The matches with every word in LEVELS[depth] (at len(LEVELS): every match)."""
        if depth == len(LEVELS):
            return self.members
        if depth not in self.levels:
            (ids,) = id_sets(self.terms, [LEVELS[depth]])
            self.levels[depth] = self.members & bits_of_array(published(self.by_id, ids))
        return self.levels[depth]

    def first(self, members: Bits, stop: int) -> list[int]:
        """The first `stop` of `members` by relevance: each level's new matches in catalogue
        order, until the page is full. Only what the page shows is ordered, and a level is read
        only when the ones before it leave the page short: a word in every story and in many
        titles costs the match and its titles, not a rank for each of 100,000."""
        found: list[int] = []
        above = EMPTY
        for depth in range(len(LEVELS) + 1):
            if len(found) >= stop:
                break
            level = self.level(depth)
            found += self.ordering.slice((level - above) & members, 0, stop - len(found))
            above = level
        return found


def matches(index: CatalogueIndex, query: str) -> SearchResult:
    """The published case studies matching `query`, and those with every word in its title:
    one query, whose matches cross into Python as strings parsed in C (the other levels are
    read when a page needs them). The last few searches are kept with the index, and go when
    it does: a page, a filter or a sort on the same words costs nothing."""
    key = tuple(search_words(query))
    found = index.searches.pop(key, None)
    if found is None:
        terms = list(key)
        ids, titles = id_sets(terms, [None, LEVELS[0]])
        members = bits_of_array(published(index.by_id, ids))
        ordering = index.orderings["organisation"]
        found = SearchResult(members, terms, ordering, index.by_id)
        found.levels[0] = members & bits_of_array(published(index.by_id, titles))
    index.searches[key] = found  # most recent last
    while len(index.searches) > KEPT_SEARCHES:
        index.searches.pop(next(iter(index.searches)), None)  # safe if a thread beat us
    return found


def published(by_id: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """The positions of those of these case studies that are published."""
    positions = positions_in(by_id, ids)
    return positions[positions >= 0]


def bits_of_array(positions: np.ndarray) -> Bits:
    """A set of positions from an array, read in C (a typed buffer, not a Python iteration:
    0.7 ms for 100,000, against 5 ms)."""
    return Bits(array.array("I", positions.astype(np.uint32).tobytes()), optimize=False)


# --- Keeping it current --------------------------------------------------------------------

_latest: CatalogueIndex | None = None


def current() -> CatalogueIndex:
    """The index of the content as it is now: one query when nothing changed. After a change,
    the index catches up by re-reading only the case studies the log of changes names (a few
    queries, milliseconds at any size); after a change that may move any of them (a practice
    renamed, a source withdrawn) or one the log no longer holds, it is built afresh."""
    global _latest
    version = ContentVersion.read()
    if version is None:  # no version row (a flushed database): nothing to key it by
        return build(None, 0)
    latest = _latest
    if latest is not None and latest.token == version[0]:
        return latest
    with snapshot():
        token, seq = ContentVersion.read()
        changes = ContentChange.since(latest.seq, latest.token) if latest is not None else None
        if changes is None or any(ids is None for _, ids in changes):
            index = build(token, seq)
        else:
            index = updated(latest, {pk for _, ids in changes for pk in ids}, token, seq)
    _latest = index
    return index


@contextmanager
def snapshot():
    """Reads within see one committed state of the database, so the index is the content at
    one change of the log, however many queries make it. A read-only transaction of its own:
    Django's (BEGIN IMMEDIATE on SQLite) would take the write lock and hold up editors."""
    if connection.in_atomic_block:  # already one transaction (a test, a command)
        yield
        return
    begin = {"postgresql": "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"}
    with connection.cursor() as cursor:
        cursor.execute(begin.get(connection.vendor, "BEGIN DEFERRED"))
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("ROLLBACK")


class IdList(Aggregate):
    """A group's ids as one comma-separated text: a million rows cross into Python as a few
    hundred strings, parsed in C, instead of a million tuples."""

    function = "GROUP_CONCAT"
    output_field = TextField()

    def as_postgresql(self, compiler, connection, **extra):
        template = "STRING_AGG(%(expressions)s::text, ',')"
        return self.as_sql(compiler, connection, template=template, **extra)


def published_studies(only: set[int] | None = None) -> Iterator[tuple]:
    """(id, the organisation's facets' values, start, end) of the published case studies (of
    `only`), in catalogue order: organisation A to Z, then title. Read in chunks: 100,000 rows
    held at once took 38 MB, which the worker kept after the build."""
    studies = CaseStudy.objects.published()
    if only is not None:
        studies = studies.filter(pk__in=only)
    single = [facets.BY_NAME[name] for name in SINGLE_VALUED]
    return (
        studies.annotate(**facets.annotations(single))
        .order_by(*CATALOGUE_ORDER)
        .annotate(size=profiles.size_figure_sql(), size_kind=profiles.size_kind_sql())
        .values_list(
            "pk", *(f.column for f in single), "size", "size_kind", "period_start", "period_end"
        )
        .iterator(chunk_size=2000)
    )


CATALOGUE_ORDER = ("organisation__name", "title", "pk")


def build(token: str | None, seq: int) -> CatalogueIndex:
    """The index of every published case study, positions in catalogue order."""
    size = CaseStudy.objects.published().count()  # in the same snapshot as the rows
    gathering = Gathering(size)
    ids = gathering.studies(published_studies())
    sets, columns = gathering.parts()
    return CatalogueIndex(
        token=token,
        seq=seq,
        ids=ids,
        by_id=gathering.by_id,
        built=token,
        generation=np.full(size, seq, dtype=np.int64),
        all=Bits(range(size)),
        sets=sets,
        options=facet_options(sets),
        columns=columns,
        orderings=orderings(Ordering.of(np.arange(size), size), columns),
    )


def updated(index: CatalogueIndex, changed: set[int], token: str, seq: int) -> CatalogueIndex:
    """The index with the entries of the `changed` case studies read again: each keeps its
    position, a newly published one takes the next, an unpublished one leaves its own empty.
    The index itself is left as it is, for the requests still reading it."""
    studies = list(published_studies(only=changed))
    ids, by_id, touched, mine = placed(index, changed, [row[0] for row in studies])
    gathering = Gathering(len(ids), by_id, within={"case_study__in": changed})
    gathering.studies(studies)
    fresh, columns = gathering.parts()
    stale = bits(touched)
    sets = {family: merged(index.sets[family], stale, fresh[family]) for family in index.sets}
    columns = kept_columns(index.columns, columns, touched, list(mine.values()))
    return CatalogueIndex(
        token=token,
        seq=seq,
        ids=ids,
        by_id=by_id,
        built=index.built,
        generation=grown(index.generation, len(ids), at=list(mine.values()), value=seq),
        all=(index.all - stale) | bits(mine.values()),
        sets=sets,
        options=index.options | facet_options(sets, rows=False),
        columns=columns,
        orderings=reordered(index, ids, columns, touched, mine),
    )


def placed(
    index: CatalogueIndex, changed: set[int], published: list[int]
) -> tuple[np.ndarray, np.ndarray, list[int], dict[int, int]]:
    """Positions after a change: (ids, by_id, the positions the changed case studies had,
    {id: position} of those published now). One no longer published leaves a hole (-1); one
    newly published takes the next position; the others keep theirs."""
    before = index.positions_of(np.fromiter(changed, dtype=np.int64))
    touched = before[before >= 0].tolist()
    new = [pk for pk in published if index.position(pk) is None]
    ids = np.concatenate([index.ids, np.array(new, dtype=np.int64)])
    by_id = grown(index.by_id, max([len(index.by_id) - 1, *changed]) + 1, fill=-1)
    for pk in changed.difference(published):
        if (position := index.position(pk)) is not None:
            ids[position] = by_id[pk] = -1
    by_id[new] = np.arange(len(index.ids), len(ids))
    return ids, by_id, touched, {pk: int(by_id[pk]) for pk in published}


def grown(
    array: np.ndarray, size: int, *, fill: int = 0, at: list[int] = (), value: int = 0
) -> np.ndarray:
    """A copy of `array` `size` long, new places `fill`ed, and `value` put `at` those places."""
    result = np.full(size, fill, dtype=array.dtype)
    result[: len(array)] = array
    result[np.asarray(at, dtype=np.int64)] = value  # (a bare () would index every place)
    return result


def kept_columns(
    old: dict[str, np.ndarray], fresh: dict[str, np.ndarray], touched: list[int], mine: list[int]
) -> dict[str, np.ndarray]:
    """The columns with the `touched` positions cleared and `mine` read afresh."""
    columns = {}
    for name, column in old.items():
        kept = grown(column, len(fresh[name]), at=touched, value=0)
        kept[mine] = fresh[name][mine]
        columns[name] = kept
    return columns


def reordered(
    index: CatalogueIndex,
    ids: np.ndarray,
    columns: dict[str, np.ndarray],
    touched: list[int],
    mine: dict[int, int],
) -> dict[str, Ordering]:
    """Every order with the `touched` positions taken out and `mine` put back where they go."""
    organisation = index.orderings["organisation"]
    order = organisation.order[~np.isin(organisation.order, touched)]
    for pk, position in mine.items():
        order = np.insert(order, catalogue_place(pk, order, ids), position)
    organisation = Ordering.of(order, len(ids))
    return orderings(organisation, columns, index.orderings, touched, mine)


def merged(old: dict[Hashable, Bits], stale: Bits, new: dict[Hashable, Bits]) -> dict:
    """A family of sets with the `stale` positions taken out and the `new` sets added; a key
    left with no position goes, as a fresh build would not have it."""
    result = {}
    for key, members in old.items():
        if key in new or members.intersect(stale):
            members = (members - stale) | new.get(key, EMPTY)
        if members:
            result[key] = members
    return result | {key: found for key, found in new.items() if key not in old}


def catalogue_place(pk: int, order: np.ndarray, ids: np.ndarray) -> int:
    """Where a case study goes in catalogue `order` (organisation A to Z, then title): a binary
    search, each step asking the database whether the case study at that place comes before
    it, so the order is the database's own (its collation, which Python would not reproduce).
    About 17 primary-key lookups at 100,000, each one plain statement: built by the ORM they
    took 20 ms of a 77 ms catch-up; counting the ones before it took 240 ms."""
    study, organisation = CaseStudy._meta.db_table, Organisation._meta.db_table
    before = (
        f"SELECT (o.name, c.title, c.id) < (%s, %s, %s) FROM {study} c "
        f"JOIN {organisation} o ON o.id = c.organisation_id WHERE c.id = %s"
    )
    name, title = CaseStudy.objects.values_list("organisation__name", "title").get(pk=pk)
    low, high = 0, len(order)
    with connection.cursor() as cursor:
        while low < high:
            middle = (low + high) // 2
            cursor.execute(before, (name, title, pk, int(ids[order[middle]])))
            if cursor.fetchone()[0]:
                low = middle + 1
            else:
                high = middle
    return low


def positions_in(by_id: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """The positions of these case studies, -1 for those not published."""
    found = np.full(len(ids), -1, dtype=np.int64)
    known = (ids >= 0) & (ids < len(by_id))
    found[known] = by_id[ids[known]]
    return found


class Gathering:
    """What the database says of some published case studies, read in a few grouped queries,
    each case study's ids turned into positions: a build numbers them in catalogue order, as
    they come; an update finds them in `by_id`, its positions after the change."""

    def __init__(self, size: int, by_id: np.ndarray | None = None, within: dict | None = None):
        self.size, self.by_id, self.within = size, by_id, within or {}
        self.sets: Sets = {name: {} for name in (*facets.NAMES, *FAMILIES)}
        self.columns = {name: np.zeros(size, dtype=np.int32) for name in COLUMNS}
        # The years each covers, from its period and results (0: none known).
        self.earliest = np.zeros(size, dtype=np.int32)
        self.latest = np.zeros(size, dtype=np.int32)

    def parts(self) -> tuple[Sets, dict[str, np.ndarray]]:
        """Everything but the studies' own rows (`studies`, read first)."""
        self.applications()
        self.outcomes()
        self.credits()
        return self.result()

    def positions(self, id_list: str) -> Bits:
        """Positions of the published case studies among comma-separated ids."""
        found = positions_in(self.by_id, np.fromstring(id_list, dtype=np.int64, sep=","))
        return bits_of_array(found[found >= 0])

    def grouped(self, queryset, *fields: str) -> list[tuple]:
        """(*fields, positions) of each group of the rows: what the index needs, per value."""
        rows = queryset.order_by().values(*fields).annotate(ids=IdList("case_study"))
        return [(*group, self.positions(ids)) for *group, ids in rows.values_list(*fields, "ids")]

    def studies(self, rows: Iterable[tuple]) -> np.ndarray:
        """The facets of the organisation (one value each) and the period; returns the ids
        by position, and for a build, numbers them."""
        members = {name: defaultdict(lambda: array.array("I")) for name in SINGLE_VALUED}
        ids = array.array("q")
        for row, (pk, *values, size, size_kind, start, end) in enumerate(rows):
            position = row if self.by_id is None else int(self.by_id[pk])
            ids.append(pk)
            for name, value in zip(SINGLE_VALUED, values, strict=True):
                members[name][value].append(position)
            self.columns["size"][position] = size or 0
            self.columns["size_kind"][position] = size_kind or 0
            self.columns["start"][position], self.columns["end"][position] = start or 0, end or 0
            if start is not None or end is not None:
                self.earliest[position] = start if start is not None else end
                self.latest[position] = end if end is not None else NO_END
        for name, values in members.items():
            self.sets[name] = {value: bits(found) for value, found in values.items()}
        ids = np.frombuffer(ids, dtype=np.int64).copy()
        if self.by_id is None:
            self.by_id = np.full(int(ids.max(initial=0)) + 1, -1, dtype=np.int64)
            self.by_id[ids] = np.arange(len(ids))
        return ids

    def applications(self) -> None:
        """Published applications (of published practices), by each facet they hold."""
        applications = PracticeApplication.objects.published(within_case_study=True)
        held = facets.held_by("applications")
        groups = self.grouped(applications.filter(**self.within), *(f.field for f in held))
        for number, facet in enumerate(held):
            self.sets[facet.name] = unions((group[number], group[-1]) for group in groups)

    def outcomes(self) -> None:
        """Published outcomes (with a published source), grouped by everything the index
        needs; and per case study, how many and the years they cover."""
        outcomes = Outcome.objects.published(within_case_study=True).filter(**self.within)
        fields = (*(facet.field for facet in OUTCOME_FACETS), "indicator__area")
        groups = [
            (dict(zip(fields, group, strict=True)), found)
            for *group, found in self.grouped(outcomes, *fields)
        ]
        sets = self.sets
        for facet in OUTCOME_FACETS:
            sets[facet.name] = unions(
                (facet.shown(row[facet.field]), found) for row, found in groups
            )
        sets["results"] = unions(
            ((row["direction"], row["strength"]), found) for row, found in groups
        )
        sets["areas"] = unions((row["indicator__area"], found) for row, found in groups)
        strongest = self.columns["strongest"]  # 0: no published result
        for row, found in groups:
            where = as_array(found)
            strongest[where] = np.maximum(strongest[where], row["strength"])
        for grade in grading.SLUGS:
            if found := np.flatnonzero(strongest == grade).tolist():
                sets["best"][grade] = bits(found)
        self.outcome_years(outcomes)
        sets["since"], sets["until"] = by_year(self.latest), by_year(self.earliest)

    def outcome_years(self, outcomes) -> None:
        counted = (
            outcomes.order_by()
            .values("case_study")
            .annotate(
                n=Count("pk"),
                b0=Min("baseline_year"),
                r0=Min("result_year"),
                b1=Max("baseline_year"),
                r1=Max("result_year"),
            )
            .values_list("case_study", "n", "b0", "r0", "b1", "r1")
            .iterator(chunk_size=2000)
        )
        for case_study, count, *years in counted:
            position = int(self.by_id[case_study]) if case_study < len(self.by_id) else -1
            if position < 0:
                continue
            self.columns["outcomes"][position] = count
            if known := [year for year in years if year]:
                earliest = self.earliest[position] or min(known)
                self.earliest[position] = min(earliest, *known)
                self.latest[position] = max(self.latest[position], *known)

    def credits(self) -> None:
        """Published credits: a published application's practice, for a published result."""
        credits = Contribution.objects.filter(
            published_application("application__", case_study=False),
            published_outcome("outcome__", case_study=False),
            **self.within,
        )
        groups = self.grouped(
            credits, "application__practice__slug", "directness", "outcome__direction"
        )
        self.sets["credited"] = unions(
            ((practice, directness), found) for practice, directness, _, found in groups
        )
        self.sets["credited results"] = {
            (practice, direction, directness): found
            for practice, directness, direction, found in groups
        }

    def result(self) -> tuple[Sets, dict[str, np.ndarray]]:
        """Only keys someone has: ids of unpublished case studies leave some sets empty."""
        sets = {
            family: {key: found for key, found in keyed.items() if found}
            for family, keyed in self.sets.items()
        }
        return sets, self.columns


OUTCOME_FACETS = facets.held_by("outcomes")


# The sets kept besides the facets' own.
FAMILIES = ("results", "areas", "credited", "credited results", "best", "since", "until")


def unions(pairs: Iterable[tuple]) -> dict:
    """{key: the union of every set given for that key}."""
    grouped: dict = defaultdict(list)
    for key, found in pairs:
        grouped[key].append(found)
    return {key: Bits.union(*found) for key, found in grouped.items()}


def facet_options(sets: Sets, *, rows: bool = True) -> dict[str, list[tuple[str, str]]]:
    """Every facet's (value, label) pairs in the order the catalogue lists them; `rows=False`:
    only those of the facets whose options are the values the data holds (regions)."""
    return {
        facet.name: facet.options(sets[facet.name])
        for facet in facets.FACETS
        if rows or (facet.rows is None and facet.choices is None)
    }


def by_year(years: np.ndarray) -> dict[int, Bits]:
    """{year: the positions with that year}; 0 is no year."""
    positions = np.flatnonzero(years)
    if not len(positions):
        return {}
    positions = positions[np.argsort(years[positions], kind="stable")]
    found, starts = np.unique(years[positions], return_index=True)
    groups = np.split(positions, starts[1:])
    return {int(year): bits_of_array(group) for year, group in zip(found, groups, strict=True)}


def sort_keys(columns: dict[str, np.ndarray], place: np.ndarray) -> dict[str, list[np.ndarray]]:
    """Each sort but the catalogue's own, as the columns it orders by, the first first; ties
    in catalogue order (`place`)."""
    start, end, outcomes = (columns[name].astype(np.int64) for name in COLUMNS[:3])
    strongest = columns["strongest"].astype(np.int64)
    return {
        "recent": [end == 0, -end, start == 0, -start, place],  # undated stories last
        "outcomes": [-outcomes, place],
        # The strongest evidence of any result first; among equals, more results first.
        "evidence": [-strongest, -outcomes, place],
    }


def orderings(
    organisation: Ordering,
    columns: dict[str, np.ndarray],
    before: dict[str, Ordering] | None = None,
    touched: list[int] = (),
    inserted: dict[int, int] | None = None,
) -> dict[str, Ordering]:
    """Every sort's order: sorted afresh for a build; for an update, the `before` orders with
    the `touched` positions taken out and the `inserted` ones put back where they now go."""
    size = len(organisation.place)
    result = {"organisation": organisation}
    for name, keys in sort_keys(columns, organisation.place).items():
        if before is None:
            live = organisation.order
            order = live[np.lexsort([key[live] for key in reversed(keys)])]
        else:
            order = before[name].order[~np.isin(before[name].order, touched)]
            for position in (inserted or {}).values():
                key = tuple(column[position] for column in keys)
                at = bisect.bisect_left(
                    order, key, key=lambda p: tuple(column[p] for column in keys)
                )
                order = np.insert(order, at, position)
        result[name] = Ordering.of(order, size)
    return result
