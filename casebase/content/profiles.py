"""An organisation's profile: what a reader weighs to judge "like mine" (issue 17).

Its size is the figure the source gives that suits its sector (staff for a trust, registered
patients for a GP practice, population served for a council, students for a college), put in a
band by the thresholds declared here, once; the method page lists them. Its ratings at the start
and end of a story come from the story's published inspection results (CQC, Ofsted).
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Case, OuterRef, Subquery, Value, When
from django.db.models.lookups import GreaterThanOrEqual, IsNull

from casebase.content.models import (
    Indicator,
    Organisation,
    OrganisationFact,
    Outcome,
    Sector,
    Status,
)

Kind = OrganisationFact.Kind


@dataclass(frozen=True)
class SizeRule:
    """How one figure bands an organisation: each band from its lower bound up to the next."""

    kind: str  # an OrganisationFact.Kind
    bands: tuple[tuple[int, str], ...]  # (lower bound, label), smallest first

    def band(self, value) -> str:
        return next(label for floor, label in reversed(self.bands) if value >= floor)

    def describe(self) -> list[str]:
        """Each band in words, for the method page: "Medium: 3,000 to 9,999"."""
        words = []
        for (floor, label), (ceiling, _) in zip(
            self.bands, (*self.bands[1:], (None, None)), strict=True
        ):
            if ceiling is None:
                words.append(f"{label}: {floor:,} or more")
            elif floor == 0:
                words.append(f"{label}: under {ceiling:,}")
            else:
                words.append(f"{label}: {floor:,} to {ceiling - 1:,}")
        return words


SMALL, MEDIUM, LARGE = "Small", "Medium", "Large"
# The bands as a facet's choices: (URL value, label).
BANDS = tuple((label.lower(), label) for label in (SMALL, MEDIUM, LARGE))

# Per sector (by slug), the figures that band its organisations, the first one held deciding.
SIZE_RULES: dict[str, tuple[SizeRule, ...]] = {
    "healthcare": (
        SizeRule(Kind.STAFF, ((0, SMALL), (3_000, MEDIUM), (10_000, LARGE))),
        SizeRule(Kind.REGISTERED_PATIENTS, ((0, SMALL), (6_000, MEDIUM), (12_000, LARGE))),
    ),
    "local-government": (
        SizeRule(Kind.POPULATION_SERVED, ((0, SMALL), (150_000, MEDIUM), (500_000, LARGE))),
    ),
    "education": (SizeRule(Kind.STUDENTS, ((0, SMALL), (5_000, MEDIUM), (15_000, LARGE))),),
}


def size_rules_in_words() -> list[tuple[str, list[tuple[str, list[str]]]]]:
    """For the method page: each sector's name, and for each figure that bands it, its name
    and its bands in words."""
    sectors = Sector.objects.filter(slug__in=SIZE_RULES).order_by("position")
    return [
        (
            sector.name,
            [(Kind(rule.kind).label, rule.describe()) for rule in SIZE_RULES[sector.slug]],
        )
        for sector in sectors
    ]


# A size in words: "{n}" is the figure, as the source qualifies it ("more than 21,000").
IN_WORDS = {
    Kind.STAFF: "{n} staff",
    Kind.REGISTERED_PATIENTS: "{n} registered patients",
    Kind.POPULATION_SERVED: "a population of {n}",
    Kind.STUDENTS: "{n} students",
}


def in_words(kind: str, figure: str) -> str:
    return IN_WORDS.get(kind, "{n}").format(n=figure)


@dataclass(frozen=True)
class Size:
    fact: OrganisationFact
    band: str

    def __str__(self) -> str:
        """As a sentence says it: "more than 21,000 staff"."""
        fact = self.fact
        qualifier = (
            "" if fact.qualifier == fact.Qualifier.EXACT else f"{fact.get_qualifier_display()} "
        )
        return in_words(fact.kind, f"{qualifier}{fact.value:,.0f}")


def size(organisation: Organisation, facts: Iterable[OrganisationFact]) -> Size | None:
    """The organisation's size as its sector measures it, with its band; None where the
    source gives no such figure (or the organisation is outside the three sectors)."""
    sector = organisation.type.sector
    return sized(sector.slug if sector else None, facts)


def sized(sector: str | None, facts: Iterable[OrganisationFact]) -> Size | None:
    """The size these figures give an organisation of this sector (by slug)."""
    by_kind = {}
    for fact in sorted(facts, key=lambda fact: fact.period):  # the latest period wins
        by_kind[fact.kind] = fact
    for rule in SIZE_RULES.get(sector, ()):
        if rule.kind in by_kind:
            fact = by_kind[rule.kind]
            return Size(fact, rule.band(fact.value))
    return None


@dataclass(frozen=True)
class Rating:
    grade: str
    year: int | None
    indicator: str


def is_inspection_grade(outcome: Outcome) -> bool:
    return outcome.indicator.area == Indicator.Area.INSPECTION and (
        outcome.indicator.kind == Indicator.Kind.ORDINAL
    )


def ratings(outcomes: Iterable[Outcome]) -> tuple[Rating | None, Rating | None]:
    """The inspection rating at the start of the story and at its end: the grade before its
    first graded inspection result and the grade after its last one (results are in the
    order the story tells them)."""
    inspections = [outcome for outcome in outcomes if is_inspection_grade(outcome)]
    before = [outcome for outcome in inspections if outcome.baseline_grade_id]
    after = [outcome for outcome in inspections if outcome.result_grade_id]
    start = before[0] if before else None
    end = after[-1] if after else None
    return (
        start and Rating(start.baseline_grade.name, start.baseline_year, start.indicator.name),
        end and Rating(end.result_grade.name, end.result_year, end.indicator.name),
    )


# --- The same, in SQL: the catalogue's facets and their reference ---------------------------

# The grades of the inspectorates' ladders (CQC and Ofsted share their names), as the facet's
# choices: (URL value, label).
RATINGS = (
    ("inadequate", "Inadequate"),
    ("requires-improvement", "Requires improvement"),
    ("good", "Good"),
    ("outstanding", "Outstanding"),
)


@dataclass(frozen=True)
class Rows:
    """Where the rows an expression is annotated on find their organisation: its id (an outer
    reference) and the path to its fields."""

    organisation: str
    path: str


CASE_STUDY_ROWS = Rows(organisation="organisation_id", path="organisation__")
ORGANISATION_ROWS = Rows(organisation="pk", path="")


def latest_figure(kind: str, rows: Rows = CASE_STUDY_ROWS) -> Subquery:
    """On case study rows (or `rows`): their organisation's figure of this kind from its latest
    period, from a published source (what `size` reads)."""
    figures = OrganisationFact.objects.filter(
        organisation=OuterRef(rows.organisation), kind=kind, source__status=Status.PUBLISHED
    )
    return Subquery(figures.order_by("-period").values("value")[:1])


# Every figure that sizes some sector, numbered from 1 where a number stands for it (the catalogue
# index's size column).
SIZE_KINDS = tuple(dict.fromkeys(rule.kind for rules in SIZE_RULES.values() for rule in rules))


def sized_by(then, rows: Rows = CASE_STUDY_ROWS) -> Case:
    """On case study rows (or `rows`): `then(rule, figure)` of the rule that sizes their
    organisation."""
    whens = []
    for sector, rules in SIZE_RULES.items():
        for rule in rules:
            figure = latest_figure(rule.kind, rows)
            known = IsNull(figure, False)
            sector_is = {f"{rows.path}type__sector__slug": sector}
            whens.append(When(known, **sector_is, then=then(rule, figure)))
    return Case(*whens)


def size_figure_sql() -> Case:
    return sized_by(lambda rule, figure: figure)


def size_kind_sql() -> Case:
    return sized_by(lambda rule, figure: Value(SIZE_KINDS.index(rule.kind) + 1))


def size_band_sql(rows: Rows = CASE_STUDY_ROWS) -> Case:
    """On case study rows (or `rows`): their organisation's size band (a BANDS value), as
    `size` gives it."""

    def band(rule: SizeRule, figure) -> Case:
        return Case(
            *(
                When(GreaterThanOrEqual(figure, floor), then=Value(label.lower()))
                for floor, label in reversed(rule.bands)
            )
        )

    return sized_by(band, rows)


def organisation_size_band_sql() -> Case:
    """On organisation rows: their size band (a BANDS value), as `size` gives it."""
    return size_band_sql(ORGANISATION_ROWS)


def rating_at_start_sql() -> Subquery:
    """On case study rows: the rating at the start of their story (a RATINGS value), as
    `ratings` gives it."""
    grade = Case(*(When(baseline_grade__name=label, then=Value(value)) for value, label in RATINGS))
    first = (
        Outcome.objects.published(within_case_study=True)
        .filter(
            case_study=OuterRef("pk"),
            indicator__area=Indicator.Area.INSPECTION,
            indicator__kind=Indicator.Kind.ORDINAL,
            baseline_grade__isnull=False,
        )
        .order_by("position", "id")
        .annotate(rating=grade)
        .values("rating")[:1]
    )
    return Subquery(first)
