"""The evidence map: how many published case studies sit where a practice meets a sector, or a
practice meets an area of results. Every cell links to the catalogue with exactly its filters,
and its count is the catalogue's count for that link."""

from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.http import QueryDict
from django.urls import reverse
from pyroaring import FrozenBitMap as Bits

from casebase.catalogue.filters import Selection
from casebase.catalogue.index import EMPTY, CatalogueIndex
from casebase.content import grading
from casebase.content.models import Contribution, Indicator, Outcome, Practice, Sector

VIEWS = {"sector": "By sector", "outcome": "By area of results"}


@dataclass
class Cell:
    count: int
    url: str
    label: str  # what the cell means, for screen readers: "Visible leadership in Healthcare"
    evidence: str = ""  # its case studies' strongest evidence and explicit credits, in words


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
        row = practice_row(index, view, params, practice, applied, columns, column_members)
        group.rows.append(row)
    return EvidenceMap(view=view, columns=columns, groups=list(groups.values()))


def practice_row(
    index, view: str, params: QueryDict, practice, applied, columns, column_members
) -> Row:
    """A practice's cells: where it was applied within each column, and in all."""
    cells = [
        cell(
            index,
            practice.slug,
            applied & column_members[column.key],
            url=catalogue_link(params, view, practice.slug, column.filters),
            label=f"{practice.name}: {column.heading}",
        )
        for column in columns
    ]
    total = cell(
        index,
        practice.slug,
        applied,
        url=catalogue_link(params, view, practice.slug, {}),
        label=f"{practice.name}: all",
    )
    return Row(practice, cells, total)


def cell(index: CatalogueIndex, practice: str, members: Bits, url: str, label: str) -> Cell:
    """A cell's count, and the evidence behind it in short: "2 strong, 1 limited; 1 credited
    explicitly" (the credits only where there are some, to keep a phone's column short)."""
    if not members:
        return Cell(0, url, label)
    strongest = ", ".join(
        f"{count} {grade.label.lower()}"
        for grade, found in index.best.items()
        if (count := members.intersection_cardinality(found))
    )
    explicit = members.intersection_cardinality(
        index.credits(practice, Contribution.Directness.EXPLICIT)
    )
    words = [strongest or "no measured result"]
    if explicit:
        words.append(f"{explicit} credited explicitly")
    return Cell(len(members), url, label, "; ".join(words))


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
    the strength of its evidence. An organisation counts once per cell, however many results it
    has."""

    directions: list[tuple[str, str]]
    strengths: list[tuple[int, str]]  # strongest first
    counts: dict[tuple[str, int], int]
    any_evidence: dict[str, int]
    without_result: int
    organisations: int
    # By direction: organisations whose result the source credits to the practice explicitly,
    # and those whose result it credits only to leadership and management in general.
    credited_explicitly: dict[str, int] = field(default_factory=dict)
    credited_in_general: dict[str, int] = field(default_factory=dict)

    def row(self, direction: str) -> list[int]:
        return [self.counts.get((direction, key), 0) for key, _ in self.strengths]


def result_spread(
    index: CatalogueIndex, applied: Bits, credited: dict[tuple[str, str], int] | None = None
) -> Spread:
    """Over the case studies in `applied` (those that applied a practice), from the index;
    `credited` is CatalogueIndex.credited_results() for the practice."""
    credited = credited or {}
    counts = {
        key: count
        for key, members in index.results.items()
        if (count := applied.intersection_cardinality(members))
    }
    with_result = Bits.union(EMPTY, *index.results.values())
    return Spread(
        directions=list(Outcome.Direction.choices),
        strengths=[(grade, grade.label) for grade in grading.SLUGS],
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


# --- A practice's evidence in plain words --------------------------------------------------

# What a result of each direction is called in a sentence: "2 reported an improvement".
DIRECTION_PHRASES = {
    Outcome.Direction.IMPROVED: "an improvement",
    Outcome.Direction.SUSTAINED: "a result sustained",
    Outcome.Direction.DECLINED: "a decline",
    Outcome.Direction.SNAPSHOT: "a single measurement",
}


@dataclass
class EvidenceSummary:
    """How much evidence stands behind a practice, over the case studies in `applied`: counts
    only, and sentences built from them with no adjective the counts do not give."""

    organisations: int
    sectors: list[str]  # names, in the site's order
    strongest: list[tuple[grading.Strength, int]]  # by their results' strongest evidence
    with_results: int
    directions: list[tuple[str, int]]  # organisations reporting a result of each direction
    explicit: int  # organisations with a result the source credits to the practice explicitly
    general: int  # the others with a result it credits to leadership in general

    @property
    def strongest_in_words(self) -> str:
        """ "2 strong, 1 limited" """
        return ", ".join(f"{count} {grade.label.lower()}" for grade, count in self.strongest)

    def sentences(self, practice_name: str) -> list[str]:
        if not self.organisations:
            return [f"No published case study applies {practice_name.lower()} yet."]
        n = self.organisations
        said = [
            f"Applied by {organisations(n)} in {len(self.sectors)} "
            f"sector{plural(len(self.sectors))} ({', '.join(self.sectors).lower()})."
        ]
        if not self.with_results:
            return [*said, "None of them reports a measured result."]
        if self.with_results < n:
            said.append(f"{self.with_results:,} of them report a measured result.")
        said.append(
            "Of those, "
            + in_a_list(
                f"{count:,} reported {DIRECTION_PHRASES[d]}"
                if i == 0
                else f"{count:,} {DIRECTION_PHRASES[d]}"
                for i, (d, count) in enumerate(self.directions)
            )
            + " (an organisation can report several kinds)."
        )
        said.append(
            f"The strongest evidence behind each organisation's results: {self.strongest_in_words}."
        )
        said.append(credits_sentence(practice_name, self.explicit, self.general))
        return said


def in_a_list(items) -> str:
    """ "a, b and c" """
    items = list(items)
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def organisations(count: int) -> str:
    return f"{count:,} organisation{plural(count)}"


def plural(count: int) -> str:
    return "" if count == 1 else "s"


def credits_sentence(practice_name: str, explicit: int, general: int) -> str:
    practice = practice_name.lower()
    general_part = (
        f"; at {organisations(general)} more it credits only leadership and management in general"
        if general
        else ""
    )
    if explicit:
        return (
            f"The source credits {practice} explicitly for results at "
            f"{organisations(explicit)}{general_part}."
        )
    if general:
        return (
            f"The source credits {practice} explicitly for no result; at "
            f"{organisations(general)} it credits only leadership and management in general."
        )
    return f"The source credits {practice} for none of their results."


def evidence_summary(index: CatalogueIndex, practice: str, within: Bits | None = None):
    """The evidence behind `practice` over the published case studies (or those `within`)."""
    applied = index.members("practice", practice)
    if within is not None:
        applied &= within
    explicit = applied & index.credits(practice, Contribution.Directness.EXPLICIT)
    return EvidenceSummary(
        organisations=len(applied),
        sectors=[sector.label for sector in index.facets["sector"] if applied & sector.members],
        strongest=[
            (grade, count)
            for grade, members in index.best.items()
            if (count := applied.intersection_cardinality(members))
        ],
        with_results=applied.intersection_cardinality(Bits.union(EMPTY, *index.best.values())),
        directions=[
            (direction, count)
            for direction, _ in Outcome.Direction.choices
            if (count := applied.intersection_cardinality(index.members("direction", direction)))
        ],
        explicit=len(explicit),
        general=len(
            (applied & index.credits(practice, Contribution.Directness.GENERAL)) - explicit
        ),
    )
