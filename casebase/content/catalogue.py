"""The catalogue index: which published case studies have which facet values, as bitmaps.

Counting a facet under a reader's filters in SQL means a COUNT(DISTINCT) over the joined
applications or outcomes of every matching case study, per facet, per request: at 100,000 case
studies that is seconds. Here each published case study has a position (its place in the
catalogue's default order, organisation A to Z), and each facet value the set of positions that
have it, as a compressed bitmap (pyroaring). A reader's filters are unions and intersections of
those sets, a facet count is the size of an intersection, and a page of results is a slice of
one: microseconds, with no query, however large the catalogue.

The index is built from the database in a few queries and kept in memory, keyed by the content
version (`ContentVersion`), which every change to content replaces inside its own transaction:
the first request after a change rebuilds it, and no request ever counts from stale content.
Views then fetch the page's rows by id from published() querysets, as everywhere else.
"""

import gc
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np
from django.conf import settings
from django.db.models import Aggregate, Count, Max, Min, TextField
from pyroaring import FrozenBitMap as Bits

from casebase.content import grading
from casebase.content.models import (
    CaseStudy,
    ContentVersion,
    Contribution,
    Indicator,
    OrganisationType,
    Outcome,
    Practice,
    PracticeApplication,
    PracticeTheme,
    Sector,
    Status,
)
from casebase.content.search import ranked_matches
from casebase.content.search import words as search_words

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


# Facets with one value per case study (its organisation's): counted in one pass over the
# selection, however many values they have (regions run to thousands).
SINGLE_VALUED = ("sector", "type", "region")


@dataclass(frozen=True)
class Value:
    """One option of a facet: its value in the URL, its label, and who has it."""

    value: str
    label: str
    members: Bits


@dataclass
class Ordering:
    """Another order of the catalogue: `order[i]` is the position at place i, `place[p]` the
    place of position p."""

    order: list[int]
    place: list[int]

    @classmethod
    def by(cls, key: Callable[[int], tuple], size: int) -> "Ordering":
        order = sorted(range(size), key=key)
        place = [0] * size
        for i, position in enumerate(order):
            place[position] = i
        return cls(order, place)

    def slice(self, members: Bits, start: int, stop: int) -> list[int]:
        """Positions of `members` from place `start` to `stop` in this order."""
        places = bits(map(self.place.__getitem__, members))
        return [self.order[i] for i in places[start:stop]]


@dataclass
class CatalogueIndex:
    token: str | None
    ids: list[int]  # position -> case study id
    facets: dict[str, list[Value]]  # in the order readers see the options
    # Every option a reader may choose, with its label, whether or not a case study has it.
    labels: dict[str, dict[str, str]]
    since: list[tuple[int, Bits]]  # (latest year a case study covers, who), ascending
    until: list[tuple[int, Bits]]  # (earliest year it covers, who), ascending
    results: dict[tuple[str, int], Bits]  # (direction, strength) of a published outcome
    best: dict[int, Bits]  # by the strongest evidence of any of their published results
    credited: dict[tuple[str, str], Bits]  # (practice, directness) of a published credit
    areas: dict[str, Bits]  # area of results of a published outcome
    orderings: dict[str, Ordering]
    positions: dict[int, int] = field(init=False)
    all: Bits = field(init=False)
    totals: dict[str, np.ndarray] = field(init=False)  # each facet value's number of members
    owners: dict[str, np.ndarray] = field(init=False)  # SINGLE_VALUED: position -> value index
    searches: dict[tuple[str, ...], "SearchResult"] = field(init=False, default_factory=dict)

    def __post_init__(self):
        self.positions = {pk: position for position, pk in enumerate(self.ids)}
        self.all = Bits(range(len(self.ids)))
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

    def any_of(self, facet: str, values: Iterable[str]) -> Bits:
        return Bits.union(EMPTY, *(self.members(facet, value) for value in values))

    def covering(self, *, since: int | None = None, until: int | None = None) -> Bits:
        """Case studies whose period, or a dated published result, reaches into the years."""
        if since is not None:
            groups = [bits for year, bits in self.since if year >= since]
        else:
            groups = [bits for year, bits in self.until if year <= until]
        return Bits.union(EMPTY, *groups)

    def of_ids(self, ids: Iterable[int]) -> Bits:
        """The positions of these case studies; unpublished ones have none."""
        positions = self.positions
        return bits(position for pk in ids if (position := positions.get(pk)) is not None)

    def id_at(self, positions: Iterable[int]) -> list[int]:
        return [self.ids[position] for position in positions]

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
            found += [(other, shared) for other in exactly[: limit - len(found)]]
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
    """What a search matched: as a set, and in order of relevance (best first, ties in catalogue
    order)."""

    members: Bits
    by_relevance: list[int]

    def first(self, members: Bits, stop: int) -> list[int]:
        """The first `stop` of `members` by relevance."""
        found = []
        for position in self.by_relevance:
            if position in members:
                found.append(position)
                if len(found) == stop:
                    break
        return found


def search(index: CatalogueIndex, query: str) -> SearchResult:
    """The published case studies matching `query`. Ranking every match is the costly part of a
    search (a word in every story ranks 100,000 of them), so the last few searches are kept with
    the index, and go when it does: a page, a filter or a sort on the same words costs nothing."""
    key = tuple(search_words(query))
    found = index.searches.pop(key, None)
    if found is None:
        positions = index.positions
        scored = sorted(
            (-rank, position)
            for pk, rank in ranked_matches(query)
            if (position := positions.get(pk)) is not None
        )
        by_relevance = [position for _, position in scored]
        found = SearchResult(bits(by_relevance), by_relevance)
    index.searches[key] = found  # most recent last
    while len(index.searches) > KEPT_SEARCHES:
        index.searches.pop(next(iter(index.searches)), None)  # safe if a thread beat us
    return found


# --- Keeping it current --------------------------------------------------------------------

_latest: CatalogueIndex | None = None


def current() -> CatalogueIndex:
    """The index of the content as it is now: one query when nothing changed."""
    global _latest
    token = ContentVersion.current()
    if _latest is not None and token is not None and _latest.token == token:
        return _latest
    # The token is read before building: a change committed meanwhile gives a new token, and
    # the next request rebuilds.
    index = build(token)
    if token is not None:
        _latest = index
        if settings.FREEZE_AFTER_INDEX_BUILD:
            keep_out_of_collections()
    return index


def keep_out_of_collections() -> None:
    """Move what is alive now, the new index above all, out of the cyclic garbage collector's
    sight until the next build. A full collection walks every object it tracks: at 100,000
    case studies that took 40 to 60 ms, a pause in whichever reader's request set it off;
    frozen, the index and the code loaded so far are no longer walked (11 to 15 ms).
    Unfrozen first, so what was frozen last time and has died since (a cycle refcounting
    cannot free) is collected rather than kept forever."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()


class IdList(Aggregate):
    """A group's ids as one comma-separated text: a million rows cross into Python as a few
    hundred strings, parsed in C, instead of a million tuples."""

    function = "GROUP_CONCAT"
    output_field = TextField()

    def as_postgresql(self, compiler, connection, **extra):
        template = "STRING_AGG(%(expressions)s::text, ',')"
        return self.as_sql(compiler, connection, template=template, **extra)


def build(token: str | None) -> CatalogueIndex:
    studies = list(
        CaseStudy.objects.published()
        .order_by("organisation__name", "title", "pk")
        .values_list(
            "pk",
            "organisation__type__sector__slug",
            "organisation__type__slug",
            "organisation__region",
            "period_start",
            "period_end",
        )
    )
    ids = [row[0] for row in studies]
    position_of = {pk: position for position, pk in enumerate(ids)}
    published = Bits(ids)

    def positions(id_list: str) -> Bits:
        """Positions of the published case studies among comma-separated ids."""
        return bits(map(position_of.__getitem__, Bits(map(int, id_list.split(","))) & published))

    # Each facet present with no values too: a site with nothing published has no regions.
    members: dict[str, dict[str, list[int]]] = {name: defaultdict(list) for name in SINGLE_VALUED}
    earliest: dict[int, int] = {}
    latest: dict[int, int] = {}
    for position, (_, sector, kind, region, start, end) in enumerate(studies):
        members["sector"][sector].append(position)
        members["type"][kind].append(position)
        members["region"][region].append(position)
        if start is not None or end is not None:
            earliest[position] = start if start is not None else end
            latest[position] = end if end is not None else NO_END
    sets: dict[str, dict[str, Bits]] = {
        name: {value: bits(found) for value, found in values.items()}
        for name, values in members.items()
    }

    # Published applications of published practices, whose case study is published (by
    # `positions`): what PracticeApplication.objects.published() selects, without its joins.
    practices = dict(Practice.objects.published().values_list("pk", "slug").order_by())
    themes = dict(Practice.objects.published().values_list("slug", "theme__slug").order_by())
    sets["practice"] = {
        practices[practice]: positions(id_list)
        for practice, id_list in PracticeApplication.objects.filter(
            status=Status.PUBLISHED, practice__in=practices
        )
        .order_by()
        .values("practice")
        .annotate(ids=IdList("case_study"))
        .values_list("practice", "ids")
    }
    sets["theme"] = unions(
        (themes[practice], found) for practice, found in sets["practice"].items()
    )

    # Published outcomes (with a published source), grouped by everything the index needs.
    outcomes = Outcome.objects.filter(status=Status.PUBLISHED, source__status=Status.PUBLISHED)
    grouped_by = ("indicator__slug", "indicator__area", "direction", "evidence", "strength")
    groups = [
        (*group, positions(id_list))
        for *group, id_list in outcomes.order_by()
        .values(*grouped_by)
        .annotate(ids=IdList("case_study"))
        .values_list(*grouped_by, "ids")
    ]
    sets["indicator"] = unions((group[0], group[5]) for group in groups)
    sets["direction"] = unions((group[2], group[5]) for group in groups)
    sets["evidence"] = unions((group[3], group[5]) for group in groups)
    sets["strength"] = unions((grading.SLUGS[group[4]], group[5]) for group in groups)
    strongest = np.zeros(len(ids), dtype=np.int8)  # 0: no published result
    for *_, strength, found in groups:
        where = as_array(found)
        strongest[where] = np.maximum(strongest[where], strength)
    outcome_counts = [0] * len(ids)
    for case_study, count, *years in (
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
    ):
        position = position_of.get(case_study)
        if position is None:
            continue
        outcome_counts[position] = count
        for year in filter(None, years):
            earliest[position] = min(year, earliest.get(position, year))
            latest[position] = max(year, latest.get(position, year))

    # Published credits: a published application's practice, for a published result.
    credited = {
        (practices[practice], directness): positions(id_list)
        for practice, directness, id_list in Contribution.objects.filter(
            application__status=Status.PUBLISHED,
            application__practice__in=practices,
            outcome__status=Status.PUBLISHED,
            outcome__source__status=Status.PUBLISHED,
        )
        .order_by()
        .values("application__practice", "directness")
        .annotate(ids=IdList("case_study"))
        .values_list("application__practice", "directness", "ids")
    }

    options = facet_options(sets["region"])
    return CatalogueIndex(
        token=token,
        ids=ids,
        facets={
            name: [
                Value(value, label, sets[name][value])
                for value, label in choices
                if value and value in sets[name]
            ]
            for name, choices in options.items()
        },
        labels={name: dict(choices) for name, choices in options.items()},
        since=by_year(latest),
        until=by_year(earliest),
        results=unions(((group[2], group[4]), group[5]) for group in groups),
        best={grade: bits(np.flatnonzero(strongest == grade).tolist()) for grade in grading.SLUGS},
        credited=credited,
        areas=unions((group[1], group[5]) for group in groups),
        orderings=orderings(studies, outcome_counts, strongest),
    )


def unions(pairs: Iterable[tuple]) -> dict:
    """{key: the union of every set given for that key}."""
    grouped: dict = defaultdict(list)
    for key, found in pairs:
        grouped[key].append(found)
    return {key: Bits.union(*found) for key, found in grouped.items()}


def facet_options(regions: Iterable[str]) -> dict[str, list[tuple[str, str]]]:
    """Every facet's (value, label) pairs in the order the catalogue lists them."""
    return {
        "sector": list(Sector.objects.order_by("position", "slug").values_list("slug", "name")),
        "theme": list(
            PracticeTheme.objects.published()
            .order_by("position", "slug")
            .values_list("slug", "name")
        ),
        "practice": list(Practice.objects.published().order_by("slug").values_list("slug", "name")),
        "type": list(OrganisationType.objects.order_by("slug").values_list("slug", "name")),
        "region": [(region, region) for region in sorted(regions)],
        "indicator": list(Indicator.objects.order_by("slug").values_list("slug", "name")),
        "direction": sorted(Outcome.Direction.choices),
        "evidence": sorted(Outcome.Evidence.choices),
        "strength": grading.CHOICES,
    }


def by_year(years: dict[int, int]) -> list[tuple[int, Bits]]:
    grouped: dict[int, list[int]] = defaultdict(list)
    for position, year in years.items():
        grouped[year].append(position)
    return [(year, bits(grouped[year])) for year in sorted(grouped)]


def orderings(
    studies: list[tuple], outcome_counts: list[int], strongest: np.ndarray
) -> dict[str, Ordering]:
    def recent(position: int) -> tuple:  # undated stories last
        start, end = studies[position][4], studies[position][5]
        return (end is None, -(end or 0), start is None, -(start or 0), position)

    size = len(studies)
    return {
        "recent": Ordering.by(recent, size),
        "outcomes": Ordering.by(lambda position: (-outcome_counts[position], position), size),
        # The strongest evidence of any result first; among equals, more results first.
        "evidence": Ordering.by(
            lambda position: (-strongest[position], -outcome_counts[position], position), size
        ),
    }
