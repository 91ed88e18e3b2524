"""The evidence map: how many published case studies sit where a practice meets a sector, or a
practice meets an area of results. Every cell links to the catalogue with exactly its filters,
and its count is the catalogue's count for that link."""

from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Count, QuerySet
from django.http import QueryDict
from django.urls import reverse

from casebase.content.models import (
    Indicator,
    Outcome,
    Practice,
    PracticeApplication,
    Sector,
)

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


def evidence_map(view: str, case_studies: QuerySet, params: QueryDict) -> EvidenceMap:
    """The map over `case_studies` (already filtered); `params` are the reader's filters, which
    every cell's link carries over."""
    columns = column_choices(view)
    counts = count_cells(view, case_studies)
    totals = dict(
        PracticeApplication.objects.published()
        .filter(case_study__in=case_studies)
        .order_by()
        .values("practice")
        .annotate(n=Count("case_study", distinct=True))
        .values_list("practice", "n")
    )
    groups: dict[str, Group] = {}
    for practice in (
        Practice.objects.published()
        .select_related("theme")
        .order_by("theme__position", "theme__name", "name")
    ):
        group = groups.setdefault(
            practice.theme.slug, Group(practice.theme.name, practice.theme.slug)
        )
        cells = [
            Cell(
                count=counts.get((practice.pk, column.key), 0),
                url=catalogue_link(params, view, practice.slug, column.filters),
                label=f"{practice.name}: {column.heading}",
            )
            for column in columns
        ]
        total = Cell(
            count=totals.get(practice.pk, 0),
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


def count_cells(view: str, case_studies: QuerySet) -> dict[tuple[int, str], int]:
    """Distinct case studies per (practice, column), in one query."""
    if view == "outcome":
        # A case study counts where it applied the practice and reported a result in the area.
        rows = (
            Outcome.objects.published()
            .filter(
                case_study__in=case_studies,
                case_study__applications__in=PracticeApplication.objects.published(),
            )
            .values_list("case_study__applications__practice", "indicator__area")
        )
    else:
        rows = (
            PracticeApplication.objects.published()
            .filter(case_study__in=case_studies)
            .values_list("practice", "case_study__organisation__type__sector__slug")
        )
    first, second = rows.query.values_select
    grouped = (
        rows.order_by()
        .values(first, second)
        .annotate(n=Count("case_study", distinct=True))
        .values_list(first, second, "n")
    )
    return {(practice, column): n for practice, column, n in grouped}


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

    def row(self, direction: str) -> list[int]:
        return [self.counts.get((direction, key), 0) for key, _ in self.evidence]


def result_spread(applications) -> Spread:
    """From applications whose case studies carry `published_outcomes` (no extra query)."""
    cells: dict[tuple[str, str], set[int]] = defaultdict(set)
    by_direction: dict[str, set[int]] = defaultdict(set)
    without_result = 0
    for application in applications:
        outcomes = application.case_study.published_outcomes
        if not outcomes:
            without_result += 1
        for outcome in outcomes:
            cells[(outcome.direction, outcome.evidence)].add(application.case_study_id)
            by_direction[outcome.direction].add(application.case_study_id)
    used = {evidence for _, evidence in cells}
    return Spread(
        directions=list(Outcome.Direction.choices),
        evidence=[(key, label) for key, label in Outcome.Evidence.choices if key in used],
        counts={key: len(ids) for key, ids in cells.items()},
        any_evidence={direction: len(ids) for direction, ids in by_direction.items()},
        without_result=without_result,
        organisations=len(applications),
    )
