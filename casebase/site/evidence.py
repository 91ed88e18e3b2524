"""The evidence map: how many published case studies sit where a practice meets a sector, or a
practice meets an area of results. Every cell links to the catalogue with exactly its filters,
and its count is the catalogue's count for that link."""

from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.http import QueryDict
from django.urls import reverse
from pyroaring import FrozenBitMap as Bits

from casebase.content.catalogue import EMPTY, CatalogueIndex
from casebase.content.filters import Selection
from casebase.content.models import Contribution, Indicator, Outcome, Practice, Sector

VIEWS = {"sector": "By sector", "outcome": "By area of results"}


@dataclass
class Cell:
    count: int
    url: str
    label: str  # what the cell means, for screen readers: "Visible leadership in Healthcare"


@dataclass
class Row:
    practice: Practice
    cells: list[Cell]
    total: Cell

    @property
    def columns_with_evidence(self) -> int:
        return sum(1 for cell in self.cells if cell.count)


@dataclass
class Group:
    theme_name: str
    theme_slug: str
    rows: list[Row] = field(default_factory=list)


@dataclass
class Column:
    key: str
    heading: str
    filters: dict[str, list[str]]  # what the column sets in the catalogue's query


@dataclass
class EvidenceMap:
    view: str
    columns: list[Column]
    groups: list[Group]


def evidence_map(view: str, selection: Selection, params: QueryDict) -> EvidenceMap:
    """The map over the reader's selection; `params` are the reader's filters, which every
    cell's link carries over. Counts come from the catalogue index, so each cell's count is the
    catalogue's for its link."""
    columns = column_choices(view)
    index, selected = selection.index, selection.members()
    column_members = {
        column.key: index.members("sector", column.key)
        if view == "sector"
        else index.areas.get(column.key, EMPTY)
        for column in columns
    }
    groups: dict[str, Group] = {}
    for practice in (
        Practice.objects.published()
        .select_related("theme")
        .order_by("theme__position", "theme__name", "name")
    ):
        group = groups.setdefault(
            practice.theme.slug, Group(practice.theme.name, practice.theme.slug)
        )
        applied = selected & index.members("practice", practice.slug)
        cells = [
            Cell(
                count=applied.intersection_cardinality(column_members[column.key]),
                url=catalogue_link(params, view, practice.slug, column.filters),
                label=f"{practice.name}: {column.heading}",
            )
            for column in columns
        ]
        total = Cell(
            count=len(applied),
            url=catalogue_link(params, view, practice.slug, {}),
            label=f"{practice.name}: all",
        )
        group.rows.append(Row(practice, cells, total))
    return EvidenceMap(view=view, columns=columns, groups=list(groups.values()))


def column_choices(view: str) -> list[Column]:
    """The columns, each with the catalogue filter that reproduces it (one query)."""
    if view == "outcome":
        slugs = defaultdict(list)
        for slug, area in Indicator.objects.order_by("slug").values_list("slug", "area"):
            slugs[area].append(slug)
        return [
            Column(area, heading, {"indicator": slugs[area]})
            for area, heading in Indicator.Area.choices
        ]
    sectors = Sector.objects.order_by("position", "name").values_list("slug", "name")
    return [Column(slug, name, {"sector": [slug]}) for slug, name in sectors]


# The facets a cell sets itself; the reader's other filters carry over.
CELL_FACETS = {"sector": ("practice", "sector"), "outcome": ("practice", "indicator")}


def catalogue_link(
    params: QueryDict, view: str, practice: str, column_filters: dict[str, list[str]]
) -> str:
    query = {
        name: values
        for name, values in params.lists()
        if name not in CELL_FACETS[view] and name not in {"page", "by", "sort"}
    }
    query |= {"practice": [practice], **column_filters}
    return f"{reverse('case-studies')}?{urlencode(query, doseq=True)}"


@dataclass
class Spread:
    """Of the organisations that applied a practice: how many reported each kind of result, by
    how it was evidenced. An organisation counts once per cell, however many results it has."""

    directions: list[tuple[str, str]]
    evidence: list[tuple[str, str]]
    counts: dict[tuple[str, str], int]
    any_evidence: dict[str, int]
    without_result: int
    organisations: int
    # By direction: organisations whose result the source credits to the practice explicitly,
    # and those whose result it credits only to leadership and management in general.
    credited_explicitly: dict[str, int] = field(default_factory=dict)
    credited_in_general: dict[str, int] = field(default_factory=dict)

    def row(self, direction: str) -> list[int]:
        return [self.counts.get((direction, key), 0) for key, _ in self.evidence]


def result_spread(
    index: CatalogueIndex, applied: Bits, credited: dict[tuple[str, str], int] | None = None
) -> Spread:
    """Over the case studies in `applied` (those that applied a practice), from the index;
    `credited` is ContributionQuerySet.organisations_credited() for the practice."""
    credited = credited or {}
    counts = {
        key: count
        for key, members in index.results.items()
        if (count := applied.intersection_cardinality(members))
    }
    with_result = Bits.union(EMPTY, *index.results.values())
    used = {evidence for _, evidence in counts}
    return Spread(
        directions=list(Outcome.Direction.choices),
        evidence=[(key, label) for key, label in Outcome.Evidence.choices if key in used],
        counts=counts,
        any_evidence={
            direction: applied.intersection_cardinality(index.members("direction", direction))
            for direction, _ in Outcome.Direction.choices
        },
        without_result=len(applied - with_result),
        organisations=len(applied),
        credited_explicitly={
            direction: count
            for (direction, directness), count in credited.items()
            if directness == Contribution.Directness.EXPLICIT
        },
        credited_in_general={
            direction: count
            for (direction, directness), count in credited.items()
            if directness == Contribution.Directness.GENERAL
        },
    )
