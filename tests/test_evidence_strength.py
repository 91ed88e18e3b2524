"""Strength of evidence per result (issue 15, item 1): one method, declared in
casebase.content.grading, computed by the database and explained in Python, the same way."""

import itertools
import json

import pytest
from django.db import IntegrityError, transaction

from casebase.content import grading
from casebase.content.models import Grade, Indicator, Outcome, Status

pytestmark = pytest.mark.django_db


def outcome(case_study, indicator, **fields) -> Outcome:
    values = {
        "case_study": case_study,
        "slug": f"result-{Outcome.objects.count()}",
        "indicator": indicator,
        "direction": Outcome.Direction.IMPROVED,
        "evidence": Outcome.Evidence.REGULATOR,
        "statement": "It got better.",
        "source": case_study.source,
        "status": Status.PUBLISHED,
    }
    return Outcome.objects.create(**values | fields)


def test_the_database_grades_every_combination_as_the_method_explains_it(case_study):
    """The generated column and `explain()` are two readings of one table: every answer to the
    three questions, with and without figures and years, gets the same grade from both."""
    percent = Indicator.objects.filter(kind=Indicator.Kind.PERCENTAGE).first()
    created = []
    for evidence, design, ends, years, inferred in itertools.product(
        Outcome.Evidence.values,
        Outcome.Design.values,
        (0, 1, 2),
        (0, 1, 2),
        (False, True),
    ):
        snapshot = design == Outcome.Design.SNAPSHOT
        if snapshot and (ends == 2 or years == 2):
            continue  # a single measurement has no baseline (a constraint)
        fields = {
            "evidence": evidence,
            "design": design,
            "direction": Outcome.Direction.SNAPSHOT if snapshot else Outcome.Direction.IMPROVED,
            "result_value": 60 if ends else None,
            "result_year": 2020 if years else None,
            "inferred": inferred,
            "inference": "Worked out from the table." if inferred else "",
        }
        if not snapshot:
            fields |= {"baseline_value": 40 if ends == 2 else None}
            fields |= {"baseline_year": 2016 if years == 2 else None}
        created.append(outcome(case_study, percent, **fields))
    assert len(created) > 300
    stored = dict(Outcome.objects.filter(case_study=case_study).values_list("pk", "strength"))
    for result in created:
        assert stored[result.pk] == result.grade.strength, result.grade
    assert set(stored.values()) == set(grading.Strength.values)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        # A regulator's grades before and after, both dated: the strongest a case study gets.
        ({"baseline": "Requires improvement", "baseline_year": 2014, "result_year": 2016}, 4),
        # The same without the year of the result: a change that cannot be placed.
        ({"baseline": "Requires improvement", "baseline_year": 2014}, 3),
        # The same, inferred by an editor rather than given: one grade lower.
        ({"baseline": "Requires improvement", "baseline_year": 2014, "inferred": True}, 2),
        # One inspection, nothing to compare it with.
        ({"direction": "snapshot", "design": "snapshot"}, 2),
        # "Consistently good" over several inspections, from the first year to the last...
        ({"design": "trend", "baseline": "Good", "baseline_year": 2015, "result_year": 2019}, 4),
        # ...and without the years (Oakwood Surgery's): a trend nobody can place or check.
        ({"design": "trend", "baseline": "Good"}, 3),
    ],
)
def test_a_regulators_grades(case_study, cqc, fields, expected):
    baseline = fields.pop("baseline", None)
    if baseline:
        fields["baseline_grade"] = Grade.objects.get(scale=cqc.scale, name=baseline)
    if fields.get("inferred"):
        fields["inference"] = "From the trust's annual report table."
    result = outcome(
        case_study, cqc, result_grade=Grade.objects.get(scale=cqc.scale, name="Good"), **fields
    )
    result.refresh_from_db()
    assert result.strength == expected
    assert result.grade.strength == expected


def test_the_organisations_own_words_about_a_change_are_very_limited(case_study, cqc):
    words = Indicator.objects.filter(kind=Indicator.Kind.NARRATIVE).first()
    result = outcome(case_study, words, evidence=Outcome.Evidence.SELF_REPORTED)
    result.refresh_from_db()
    assert result.strength == grading.Strength.VERY_LIMITED
    assert result.grade.reasons == [
        grading.WHO_MEASURED["self_reported"].meaning,
        grading.BEFORE_AFTER_IN_WORDS.meaning,
        grading.GIVEN.meaning,
    ]


def test_who_measured_it_may_be_not_stated_and_then_counts_least(case_study):
    words = Indicator.objects.filter(kind=Indicator.Kind.NARRATIVE).first()
    stated = outcome(case_study, words, evidence=Outcome.Evidence.SELF_REPORTED)
    unstated = outcome(case_study, words, evidence=Outcome.Evidence.NOT_STATED)
    assert grading.WHO_MEASURED["not_stated"].points < grading.WHO_MEASURED["self_reported"].points
    assert unstated.grade.who.points < stated.grade.who.points


def test_a_single_measurement_cannot_be_called_a_before_and_after(case_study, cqc):
    with pytest.raises(IntegrityError), transaction.atomic():
        outcome(case_study, cqc, direction="snapshot", design="before_after")


def test_an_inferred_figure_must_say_how_it_was_inferred(case_study, cqc):
    with pytest.raises(IntegrityError), transaction.atomic():
        outcome(case_study, cqc, inferred=True, inference="")


def test_every_choice_of_the_model_is_graded_by_the_method():
    assert set(grading.WHO_MEASURED) == set(Outcome.Evidence.values)
    assert set(grading.DESIGNS) == set(Outcome.Design.values)


def test_every_compendium_result_has_a_grade_the_method_explains():
    for result in Outcome.objects.all():
        assert result.strength == result.grade.strength, result


def test_results_recorded_before_the_method_can_still_be_restored():
    """Revision history holds results saved before `design` existed: brought up to date, a
    single measurement stays one (0014's upgrade)."""
    from importlib import import_module

    migration = import_module("casebase.content.migrations.0014_evidence_strength")
    old = json.dumps([{"model": "content.outcome", "fields": {"direction": "snapshot"}}])
    fields = json.loads(migration.upgraded(old))[0]["fields"]
    assert fields == {
        "direction": "snapshot",
        "design": "snapshot",
        "inferred": False,
        "inference": "",
        "label": "",
    }
    assert migration.upgraded(migration.upgraded(old)) == migration.upgraded(old)
