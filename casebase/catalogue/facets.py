"""The catalogue's facets, each declared once.

A facet is a question a reader filters by ("which sector?"), answered by a field of the case
study's organisation, of its published practice applications or of its published results.
From this list derive the catalogue's form and its counts, the catalogue index's sets, the
SQL FilterSet (the API's schema and the tests' reference), and the filters a download records.
Several values within one facet combine with OR; different facets with AND.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

from django.db.models import Expression, Q, QuerySet

from casebase.content import grading, profiles
from casebase.content.models import (
    CaseStudy,
    Indicator,
    Organisation,
    OrganisationType,
    Outcome,
    Practice,
    PracticeApplication,
    PracticeTheme,
    Sector,
)

# Where a facet's value lives, from a case study: its one organisation, a value worked out in
# SQL from the case study's row (its `expression`), or its published parts.
HeldBy = Literal["organisation", "case_study", "applications", "outcomes"]


@dataclass(frozen=True)
class FacetSpec:
    name: str  # the URL parameter
    label: str
    held_by: HeldBy
    field: str  # the value's field on the organisation, application or outcome
    # The options: rows chosen by slug (in the order readers see them), fixed choices, or
    # neither (whatever values the data holds, as regions).
    rows: Callable[[], QuerySet] | None = None
    choices: tuple[tuple[str, str], ...] | None = None
    stored: Callable[[str], object] = lambda value: value  # a URL value as the field stores it
    shown: Callable[[object], str] = lambda value: value  # a stored value as the URL gives it
    api_list: str | None = None  # where the API lists a model facet's slugs
    # held_by "case_study": the value on a case study's row, as a query expression
    expression: Callable[[], Expression] | None = None

    @property
    def single_valued(self) -> bool:
        """One value per case study: its organisation's, or worked out from its row."""
        return self.held_by in ("organisation", "case_study")

    @property
    def column(self) -> str:
        """Where a single-valued facet's value is on a case study's row (annotated with
        `annotations()` for a worked-out one)."""
        if self.held_by == "case_study":
            return f"facet_{self.name}"
        return f"organisation__{self.field}"

    def options(self, values_in_data: Iterable[str] = ()) -> list[tuple[str, str]]:
        """Every (value, label) a reader may choose, in the order the catalogue lists them."""
        if self.rows is not None:
            return list(self.rows().values_list("slug", "name"))
        if self.choices is not None:
            return list(self.choices)
        return [(value, value) for value in sorted(values_in_data)]

    def condition(self, values: Iterable[str]) -> Q:
        """The published case studies with any of these values, in SQL."""
        stored = [self.stored(value) for value in values]
        if self.held_by == "case_study":
            studies = CaseStudy.objects.annotate(**annotations([self]))
            return Q(pk__in=studies.filter(**{f"{self.column}__in": stored}).values("pk"))
        if self.single_valued:
            return Q(**{f"{self.column}__in": stored})
        parts = PART_QUERYSETS[self.held_by]().filter(**{f"{self.field}__in": stored})
        return Q(pk__in=parts.values("case_study"))


def annotations(specs: Iterable[FacetSpec]) -> dict[str, Expression]:
    """What case study rows are annotated with to hold these facets' worked-out values."""
    return {spec.column: spec.expression() for spec in specs if spec.held_by == "case_study"}


def published_applications() -> QuerySet:
    return PracticeApplication.objects.published()


def published_outcomes() -> QuerySet:
    return Outcome.objects.published()


PART_QUERYSETS = {"applications": published_applications, "outcomes": published_outcomes}


def by_position(model) -> Callable[[], QuerySet]:
    return lambda: model.objects.order_by("position", "slug")


FACETS = (
    FacetSpec(
        "sector",
        "Sector",
        "organisation",
        "type__sector__slug",
        rows=by_position(Sector),
        api_list="sectors",
    ),
    FacetSpec(
        "theme",
        "Practice theme",
        "applications",
        "practice__theme__slug",
        rows=lambda: PracticeTheme.objects.published().order_by("position", "slug"),
        api_list="practices",
    ),
    FacetSpec(
        "practice",
        "Practice",
        "applications",
        "practice__slug",
        rows=lambda: Practice.objects.published().order_by("slug"),
        api_list="practices",
    ),
    FacetSpec(
        "type",
        "Type of organisation",
        "organisation",
        "type__slug",
        rows=lambda: OrganisationType.objects.order_by("slug"),
        api_list="organisations",
    ),
    FacetSpec(
        "region",
        "Region",
        "organisation",
        "region",
        choices=tuple(Organisation.Region.choices),
    ),
    FacetSpec(
        "size",
        "Size for its sector",
        "case_study",
        "size",
        choices=profiles.BANDS,
        expression=profiles.size_band_sql,
    ),
    FacetSpec(
        "started",
        "Rating at the start",
        "case_study",
        "started",
        choices=profiles.RATINGS,
        expression=profiles.rating_at_start_sql,
    ),
    FacetSpec(
        "indicator",
        "What was measured",
        "outcomes",
        "indicator__slug",
        rows=lambda: Indicator.objects.order_by("slug"),
        api_list="outcomes",
    ),
    FacetSpec(
        "direction",
        "Result",
        "outcomes",
        "direction",
        choices=tuple(Outcome.Direction.choices),
    ),
    FacetSpec(
        "strength",
        "Strength of evidence",
        "outcomes",
        "strength",
        choices=tuple(grading.CHOICES),
        stored=grading.BY_SLUG.__getitem__,
        shown=grading.SLUGS.__getitem__,
    ),
    FacetSpec(
        "evidence",
        "Who measured the result",
        "outcomes",
        "evidence",
        choices=tuple(Outcome.Evidence.choices),
    ),
)
BY_NAME = {facet.name: facet for facet in FACETS}
NAMES = tuple(BY_NAME)
SINGLE_VALUED = tuple(facet.name for facet in FACETS if facet.single_valued)
# Facets whose options are rows: the catalogue checks a chosen slug against its index.
MODEL_FACETS = tuple(facet.name for facet in FACETS if facet.rows is not None)


def held_by(where: HeldBy) -> list[FacetSpec]:
    return [facet for facet in FACETS if facet.held_by == where]
