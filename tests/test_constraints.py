"""What must always hold is enforced by the database, and explained to editors by validation."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from casebase.content.models import (
    CaseStudy,
    Contribution,
    Finding,
    Grade,
    Indicator,
    Outcome,
    PracticeApplication,
    Quote,
    Role,
    Status,
)

pytestmark = pytest.mark.django_db


def validation_messages(obj) -> str:
    with pytest.raises(ValidationError) as caught:
        obj.full_clean()
    return " ".join(caught.value.messages)


def rejected_by_database(obj) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        obj.save()


def outcome(case_study, cqc, **fields) -> Outcome:
    defaults = {
        "case_study": case_study,
        "slug": "cqc",
        "indicator": cqc,
        "direction": Outcome.Direction.IMPROVED,
        "evidence": Outcome.Evidence.REGULATOR,
        "statement": "It was rated good.",
        "source": case_study.source,
    }
    return Outcome(**defaults | fields)


def test_a_result_dated_before_its_baseline_is_rejected(case_study, cqc):
    bad = outcome(case_study, cqc, baseline_year=2018, result_year=2016)
    assert "A result cannot come before its baseline." in validation_messages(bad)
    rejected_by_database(bad)


def test_an_implausible_year_is_rejected(case_study, cqc):
    bad = outcome(case_study, cqc, result_year=20222)
    assert "Result year must be between 1800 and 2100." in validation_messages(bad)
    rejected_by_database(bad)


def test_a_single_measurement_cannot_have_a_baseline(case_study, cqc):
    bad = outcome(case_study, cqc, direction=Outcome.Direction.SNAPSHOT, baseline_year=2014)
    assert "A single measurement has no baseline" in validation_messages(bad)
    rejected_by_database(bad)


def test_a_grade_must_come_from_the_indicators_own_scale(case_study, cqc):
    ofsted_good = Grade.objects.get(scale__slug="ofsted-grade", name="Good")
    bad = outcome(case_study, cqc, result_grade=ofsted_good)
    assert "Choose a grade from the CQC rating scale." in validation_messages(bad)


def test_a_number_is_refused_for_a_graded_indicator(case_study, cqc):
    bad = outcome(case_study, cqc, result_value=3)
    assert "CQC overall rating is not measured in numbers." in validation_messages(bad)


def test_an_outcome_cannot_have_both_a_grade_and_a_number(case_study):
    percentage = Indicator.objects.get(slug="staff-proud-to-work-here")
    good = Grade.objects.get(scale__slug="cqc-rating", name="Good")
    bad = outcome(case_study, percentage, result_value=96, result_grade=good)
    assert "is not graded: give a number or nothing." in validation_messages(bad)
    rejected_by_database(bad)  # outcome_result_grade_or_value


def test_grades_know_their_order():
    grades = list(Grade.objects.filter(scale__slug="cqc-rating").values_list("name", flat=True))
    assert grades == ["Inadequate", "Requires improvement", "Good", "Outstanding"]


def test_a_graded_indicator_needs_a_scale():
    bad = Indicator(name="Made-up grade", slug="made-up-grade", kind=Indicator.Kind.ORDINAL)
    assert "A graded indicator needs a scale" in validation_messages(bad)
    rejected_by_database(bad)


def test_slugs_are_unique(case_study):
    duplicate = CaseStudy(
        title="Another",
        slug=case_study.slug,
        organisation=case_study.organisation,
        source=case_study.source,
        context="x",
        summary="y",
    )
    assert "Case study with this Slug already exists." in validation_messages(duplicate)


def test_one_case_study_per_organisation_and_source(case_study):
    twin = CaseStudy(
        title="Twin",
        slug="twin",
        organisation=case_study.organisation,
        source=case_study.source,
        context="x",
        summary="y",
    )
    assert "This source already has a case study of this organisation." in validation_messages(twin)
    rejected_by_database(twin)


def test_a_period_cannot_end_before_it_starts(case_study):
    case_study.period_start, case_study.period_end = 2020, 2019
    assert "The period cannot end before it starts." in validation_messages(case_study)


def test_a_role_cannot_end_before_it_starts_nor_be_current_with_an_end(person, source):
    backwards = Role(person=person, title="Chief", start_year=2020, end_year=2010, source=source)
    assert "A role cannot end before it starts." in validation_messages(backwards)
    rejected_by_database(backwards)
    current_ended = Role(
        person=person, title="Chief", end_year=2010, is_current=True, source=source
    )
    assert "A current role has no end year." in validation_messages(current_ended)
    rejected_by_database(current_ended)


def test_a_practice_is_applied_once_per_case_study(case_study, practice):
    PracticeApplication.objects.create(case_study=case_study, practice=practice, description="x")
    again = PracticeApplication(case_study=case_study, practice=practice, description="y")
    assert "This case study already applies this practice." in validation_messages(again)
    rejected_by_database(again)


def test_a_contribution_stays_within_one_case_study(case_study, practice, cqc):
    leeds_outcome = Outcome.objects.filter(case_study__slug__contains="leeds").first()
    application = PracticeApplication.objects.create(
        case_study=case_study, practice=practice, description="x"
    )
    crossed = Contribution(
        case_study=case_study,
        application=application,
        outcome=leeds_outcome,
        directness="explicit",
        passage="because",
    )
    assert "Choose an outcome of this case study." in validation_messages(crossed)


def test_a_quote_illustrates_a_practice_of_its_own_case_study(case_study, person):
    elsewhere = PracticeApplication.objects.exclude(case_study=case_study).first()
    quote = Quote(
        text="Hello",
        speaker=person,
        case_study=case_study,
        application=elsewhere,
        source=case_study.source,
    )
    assert "Choose a practice applied in this quote's case study." in validation_messages(quote)


def test_a_percentage_finding_stays_between_0_and_100(source):
    bad = Finding(
        slug="too-many", statement="x", excerpt="x", value=127, unit="percent", source=source
    )
    assert "A percentage must be between 0 and 100." in validation_messages(bad)
    rejected_by_database(bad)


def test_a_figure_needs_a_unit(source):
    bad = Finding(slug="no-unit", statement="x", excerpt="x", value=27, source=source)
    assert "A figure needs a unit, and a unit needs a figure." in validation_messages(bad)
    rejected_by_database(bad)


def test_new_records_start_as_drafts(organisation, source):
    fresh = CaseStudy.objects.create(
        title="Fresh",
        slug="fresh",
        organisation=organisation,
        source=source,
        context="c",
        summary="s",
    )
    assert fresh.status == Status.DRAFT
    assert fresh not in CaseStudy.objects.published()


def test_a_case_study_of_a_draft_organisation_is_not_published(case_study):
    case_study.organisation.status = Status.DRAFT
    case_study.organisation.save()
    assert case_study not in CaseStudy.objects.published()


def test_parts_of_a_draft_case_study_are_not_published():
    leeds = CaseStudy.objects.get(slug__contains="leeds")
    published_before = Outcome.objects.published().filter(case_study=leeds).count()
    assert published_before > 0
    CaseStudy.objects.filter(pk=leeds.pk).update(status=Status.DRAFT)
    assert not Outcome.objects.published().filter(case_study=leeds).exists()
    assert not PracticeApplication.objects.published().filter(case_study=leeds).exists()
    assert not Quote.objects.published().filter(case_study=leeds).exists()
    assert not Contribution.objects.published().filter(case_study=leeds).exists()
