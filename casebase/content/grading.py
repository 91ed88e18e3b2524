"""How strong the evidence for a result is: the grading method, declared once.

A result's strength comes from three things the record holds: who measured it (its `evidence`),
how it was measured (its `design`, with the years and figures it gives), and whether the source
gives the figure or an editor inferred it. Each criterion scores points; the points make one of
four grades. The tables below are the whole method: the database computes each outcome's grade
from them (`Outcome.strength`, a generated column, so no write can leave it stale), the
`/about/evidence/` page prints them, and `explain()` says why a result has its grade.

Points: who measured it 0 to 3, how 0 to 3, an inference -1; 5 or more is strong, 4 moderate, 2
or 3 limited, less very limited. The scale is for case studies, not trials: even "strong" means
a well-measured change in one organisation, told by a report that argues for better management,
not proof that a practice caused it.
"""

from dataclasses import dataclass

from django.db import models
from django.db.models import Q, Value
from django.db.models.lookups import GreaterThanOrEqual


@dataclass(frozen=True)
class Criterion:
    """One answer to one question of the method: its points and what it means for a reader."""

    points: int
    meaning: str


class Strength(models.IntegerChoices):
    """The grades, weakest first. The number is how many of the four bars are filled."""

    VERY_LIMITED = 1, "Very limited"
    LIMITED = 2, "Limited"
    MODERATE = 3, "Moderate"
    STRONG = 4, "Strong"


# Who measured the result: the value of `Outcome.evidence`. An inspectorate's judgement or an
# official statistic is measured the same way everywhere by a body with no stake in the story.
WHO_MEASURED = {
    "regulator": Criterion(3, "An independent regulator or inspectorate (CQC, Ofsted) judged it."),
    "official_data": Criterion(3, "Official statistics published by a public body."),
    "survey": Criterion(2, "A national survey, run the same way across organisations."),
    "external_review": Criterion(2, "An external or peer review (an LGA peer challenge)."),
    "ranking": Criterion(2, "A ranking, league table or award decided by an outside body."),
    "self_reported": Criterion(1, "The organisation's own figures or account."),
    "not_stated": Criterion(0, "The source does not say who measured it: the report's own claim."),
}

# How it was measured: `Outcome.design`. A before and after scores in full only with both
# figures and both years, a trend only with its first and last years: a change with no dates
# cannot be set against anything else.
DESIGNS = {
    "before_after": Criterion(3, "Before and after, with both figures and both years."),
    "trend": Criterion(3, "A trend over several measurements, with its first and last years."),
    "peers": Criterion(2, "Compared with peers: a ranking or a position among similar bodies."),
    "national": Criterion(2, "Compared with a national figure or average."),
    "snapshot": Criterion(0, "A single measurement: nothing to compare it with."),
}
BEFORE_AFTER_WITHOUT_YEARS = Criterion(1, "Before and after, with both figures but a year missing.")
BEFORE_AFTER_IN_WORDS = Criterion(0, "A change described in words, without the figures.")
TREND_WITHOUT_YEARS = Criterion(1, "A trend over several measurements, its years not given.")

# Whether the figure is in the source: an editor's inference costs a point.
INFERRED = Criterion(-1, "Inferred by Casebase's editors: the source does not give the figure.")
GIVEN = Criterion(0, "Given by the source.")

# What each grade typically means for a reader, for the method page.
MEANINGS = {
    Strength.STRONG: "Measured by a body with no stake in the story, before and after with "
    "both years, or over several measurements.",
    Strength.MODERATE: "Measured independently but with a gap (a year missing, or a position "
    "among peers rather than a change), or the organisation's own dated figures.",
    Strength.LIMITED: "One independent measurement with nothing to compare it with, or the "
    "organisation's own figures without dates.",
    Strength.VERY_LIMITED: "The organisation's or the report's own word, with no figures a "
    "reader could check.",
}

# The fewest points each grade needs, strongest first; fewer than the last is very limited.
THRESHOLDS = [(5, Strength.STRONG), (4, Strength.MODERATE), (2, Strength.LIMITED)]
LOWEST = Strength.VERY_LIMITED
MOST_POINTS = max(c.points for c in WHO_MEASURED.values()) + max(c.points for c in DESIGNS.values())


def thresholds() -> list[tuple[str, Strength, str]]:
    """Every grade with its points in words ("2 or 3") and what it means, strongest first."""
    rows, most = [], MOST_POINTS
    for least, grade in THRESHOLDS:
        rows.append((_span(least, most), grade, MEANINGS[grade]))
        most = least - 1
    return [*rows, (f"{most} or fewer", LOWEST, MEANINGS[LOWEST])]


def _span(least: int, most: int) -> str:
    if least == most:
        return str(least)
    return f"{least} or {most}" if most == least + 1 else f"{least} to {most}"


def design_rows() -> list[tuple[str, Criterion]]:
    """How it was measured, for the method page: each design with its points, a before and
    after in its three forms and a trend in its two."""
    from casebase.content.models import Outcome  # the models import this module

    labels = dict(Outcome.Design.choices)
    rows = []
    for value, criterion in DESIGNS.items():
        rows.append((labels[value], criterion))
        if value == "before_after":
            rows += [
                (labels[value], BEFORE_AFTER_WITHOUT_YEARS),
                (labels[value], BEFORE_AFTER_IN_WORDS),
            ]
        elif value == "trend":
            rows.append((labels[value], TREND_WITHOUT_YEARS))
    return rows


# The grades as readers choose them in the catalogue's URLs (strength=strong), strongest first.
SLUGS = {grade: grade.label.lower().replace(" ", "-") for grade in reversed(Strength)}
CHOICES = [(slug, grade.label) for grade, slug in SLUGS.items()]
BY_SLUG = {slug: grade for grade, slug in SLUGS.items()}


def anchor(grade: Strength) -> str:
    """Where the method page explains a grade."""
    return f"strength-{SLUGS[grade]}"


def strength(points: int) -> Strength:
    return next((grade for least, grade in THRESHOLDS if points >= least), LOWEST)


@dataclass(frozen=True)
class Grade:
    strength: Strength
    who: Criterion
    design: Criterion
    figure: Criterion

    @property
    def reasons(self) -> list[str]:
        return [self.who.meaning, self.design.meaning, self.figure.meaning]


def design_criterion(design: str, *, both_ends: bool, both_years: bool) -> Criterion:
    if design == "trend":
        return DESIGNS[design] if both_years else TREND_WITHOUT_YEARS
    if design != "before_after":
        return DESIGNS[design]
    if not both_ends:
        return BEFORE_AFTER_IN_WORDS
    return DESIGNS["before_after"] if both_years else BEFORE_AFTER_WITHOUT_YEARS


def explain(outcome) -> Grade:
    """The grade of an outcome and the three answers it rests on."""
    both_ends = all(
        getattr(outcome, f"{end}_grade_id") is not None
        or getattr(outcome, f"{end}_value") is not None
        for end in ("baseline", "result")
    )
    both_years = outcome.baseline_year is not None and outcome.result_year is not None
    who = WHO_MEASURED[outcome.evidence]
    design = design_criterion(outcome.design, both_ends=both_ends, both_years=both_years)
    figure = INFERRED if outcome.inferred else GIVEN
    return Grade(strength(who.points + design.points + figure.points), who, design, figure)


# --- The same method as SQL, for the generated column ----------------------------------------

HAS_BOTH_ENDS = (Q(baseline_grade__isnull=False) | Q(baseline_value__isnull=False)) & (
    Q(result_grade__isnull=False) | Q(result_value__isnull=False)
)
HAS_BOTH_YEARS = Q(baseline_year__isnull=False) & Q(result_year__isnull=False)


def _points(field: str, table: dict[str, Criterion]) -> models.Case:
    return models.Case(
        *(models.When(Q(**{field: value}), then=Value(c.points)) for value, c in table.items()),
        default=Value(0),
        output_field=models.IntegerField(),
    )


def _design_points() -> models.Case:
    before_after = Q(design="before_after")
    return models.Case(
        models.When(
            before_after & HAS_BOTH_ENDS & HAS_BOTH_YEARS,
            then=Value(DESIGNS["before_after"].points),
        ),
        models.When(before_after & HAS_BOTH_ENDS, then=Value(BEFORE_AFTER_WITHOUT_YEARS.points)),
        models.When(before_after, then=Value(BEFORE_AFTER_IN_WORDS.points)),
        models.When(Q(design="trend") & HAS_BOTH_YEARS, then=Value(DESIGNS["trend"].points)),
        models.When(design="trend", then=Value(TREND_WITHOUT_YEARS.points)),
        *(
            models.When(design=value, then=Value(c.points))
            for value, c in DESIGNS.items()
            if value not in ("before_after", "trend")
        ),
        default=Value(0),
        output_field=models.IntegerField(),
    )


def strength_expression():
    """`explain(outcome).strength`, computed by the database."""
    figure = models.Case(
        models.When(inferred=True, then=Value(INFERRED.points)),
        default=Value(GIVEN.points),
        output_field=models.IntegerField(),
    )
    points = _points("evidence", WHO_MEASURED) + _design_points() + figure
    return models.Case(
        *(
            models.When(GreaterThanOrEqual(points, least), then=Value(int(grade)))
            for least, grade in THRESHOLDS
        ),
        default=Value(int(LOWEST)),
        output_field=models.PositiveSmallIntegerField(),
    )
