"""An organisation's profile: what a reader weighs to judge "like mine" (issue 17).

Its size is the figure the source gives that suits its sector (staff for a trust, registered
patients for a GP practice, population served for a council, students for a college), put in a
band by the thresholds declared here, once; the method page lists them. Its ratings at the start
and end of a story come from the story's published inspection results (CQC, Ofsted).
"""

from collections.abc import Iterable
from dataclasses import dataclass

from casebase.content.models import (
    Indicator,
    Organisation,
    OrganisationFact,
    Outcome,
    Sector,
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


@dataclass(frozen=True)
class Size:
    fact: OrganisationFact
    band: str


def size(organisation: Organisation, facts: Iterable[OrganisationFact]) -> Size | None:
    """The organisation's size as its sector measures it, with its band; None where the
    source gives no such figure (or the organisation is outside the three sectors)."""
    sector = organisation.type.sector
    if sector is None:
        return None
    by_kind = {}
    for fact in sorted(facts, key=lambda fact: fact.period):  # the latest period wins
        by_kind[fact.kind] = fact
    for rule in SIZE_RULES.get(sector.slug, ()):
        if rule.kind in by_kind:
            fact = by_kind[rule.kind]
            return Size(fact, rule.band(fact.value))
    return None


@dataclass(frozen=True)
class Rating:
    grade: str
    year: int | None
    indicator: str


def ratings(outcomes: Iterable[Outcome]) -> tuple[Rating | None, Rating | None]:
    """The inspection rating at the start of the story and at its end: the baseline of its
    first graded inspection result and the result of its last one on the same indicator
    (results are in the order the story tells them)."""
    graded = [
        outcome
        for outcome in outcomes
        if outcome.indicator.area == Indicator.Area.INSPECTION
        and outcome.indicator.kind == Indicator.Kind.ORDINAL
        and (outcome.baseline_grade_id or outcome.result_grade_id)
    ]
    if not graded:
        return None, None
    same = [outcome for outcome in graded if outcome.indicator_id == graded[0].indicator_id]
    first, last = same[0], same[-1]
    start = first.baseline_grade and Rating(
        first.baseline_grade.name, first.baseline_year, first.indicator.name
    )
    end = last.result_grade and Rating(
        last.result_grade.name, last.result_year, last.indicator.name
    )
    return start, end
