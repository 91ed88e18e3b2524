"""Dates that mean something: a case study says which report it is from and that report's year;
a role is as at the time of the report, never "current" on its own; a result carries the years
of its own evidence, or says "year not given"; "last updated" is only for corrections."""

import html
import re

import pytest

from casebase.content.models import (
    CaseStudy,
    ContentVersion,
    Correction,
    Organisation,
    Outcome,
    Person,
    Role,
    Status,
)
from tests.helpers import index_built

pytestmark = pytest.mark.django_db


def text(page: str) -> str:
    """A page's words as a reader sees them: tags gone, entities read, spaces collapsed."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page))).strip()


def section(page: str, start: str) -> str:
    """The part of a page from the heading `start` to the next h2."""
    begin = page.index(start)
    end = page.find("<h2", begin + len(start))
    return page[begin : end if end != -1 else None]


def roles_shown(page: str, heading: str) -> str:
    return text(section(page, heading))


def test_each_case_study_says_which_report_it_is_from_and_its_year(client):
    for study in CaseStudy.objects.published().select_related("source"):
        page = text(client.get(study.get_absolute_url()).content.decode())
        source = study.source
        assert source.year, "the compendium's case studies all come from a dated report"
        assert f"As reported in {source.title} ({source.year})" in page


def test_the_as_reported_line_links_the_source_when_it_has_a_web_address(client):
    study = CaseStudy.objects.get(slug="leeds-teaching-hospitals")
    study.source.url = "https://example.org/the-management-mission"
    study.source.save()
    ContentVersion.bump()
    page = client.get(study.get_absolute_url()).content.decode()
    line = re.search(r"As reported in.*?</p>", page, re.S)[0]
    assert 'href="https://example.org/the-management-mission"' in line


def test_a_case_study_without_corrections_has_no_last_updated_line(client):
    study = CaseStudy.objects.get(slug="leeds-teaching-hospitals")
    page = text(client.get(study.get_absolute_url()).content.decode())
    assert "Last updated" not in page
    assert "Corrected on" not in page
    assert "No corrections have been published." in page


def test_a_published_correction_shows_corrected_on_its_date_linked_to_the_changes(client):
    study = CaseStudy.objects.get(slug="leeds-teaching-hospitals")
    Correction.objects.create(
        case_study=study, made_on="2026-11-20", status=Status.PUBLISHED, note="It was good."
    )
    Correction.objects.create(case_study=study, made_on="2026-11-28", note="A draft, unseen.")
    page = client.get(study.get_absolute_url()).content.decode()
    assert re.search(
        r'Corrected on <a class="govuk-link" href="#changes">20 November 2026</a>', page
    )
    assert "28 November 2026" not in page
    assert "Last updated" not in text(page)


def test_roles_on_the_case_study_page_are_as_at_the_time_of_the_report(client):
    study = next(
        study
        for study in CaseStudy.objects.published().select_related("source")
        if Role.objects.published()
        .filter(organisation=study.organisation, person__participations__case_study=study)
        .exists()
    )
    page = client.get(study.get_absolute_url()).content.decode()
    shown = roles_shown(page, 'id="people"')
    assert f"at the time of the report, {study.source.year})" in shown
    assert not re.search(r"\bcurrent\b", shown, re.I)
    assert "(former)" not in shown


def test_roles_on_the_person_page_are_as_at_the_time_of_the_report(client):
    person = Person.objects.published().filter(roles__isnull=False).first()
    role = Role.objects.published().filter(person=person).select_related("source").first()
    page = client.get(person.get_absolute_url()).content.decode()
    shown = roles_shown(page, ">Roles")
    assert f"at the time of the report, {role.source.year}" in shown
    assert not re.search(r"\bcurrent\b", shown, re.I)


def test_roles_on_the_organisation_page_are_as_at_the_time_of_the_report(client):
    organisation = Organisation.objects.published().filter(roles__isnull=False).first()
    role = Role.objects.published().filter(organisation=organisation).select_related("source")
    page = client.get(organisation.get_absolute_url()).content.decode()
    shown = roles_shown(page, ">People")
    assert f"at the time of the report, {role.first().source.year}" in shown
    assert not re.search(r"\bcurrent\b", shown, re.I)
    assert "(former)" not in shown


def test_a_former_role_says_it_was_already_former_at_the_time_of_the_report(client):
    role = Role.objects.published().select_related("person", "source").first()
    Role.objects.filter(pk=role.pk).update(is_current=False)
    ContentVersion.bump()
    page = client.get(role.person.get_absolute_url()).content.decode()
    shown = roles_shown(page, ">Roles")
    assert f"former at the time of the report, {role.source.year}" in shown


@pytest.fixture
def undated_result() -> Outcome:
    """A result of Leeds whose before and after values the source gives without years."""
    outcome = (
        Outcome.objects.published()
        .filter(case_study__slug="leeds-teaching-hospitals")
        .filter(baseline_grade__isnull=False, result_grade__isnull=False)
        .select_related("case_study")
        .first()
    )
    Outcome.objects.filter(pk=outcome.pk).update(baseline_year=None, result_year=None)
    ContentVersion.bump()
    outcome.refresh_from_db()
    return outcome


def test_a_result_without_years_says_year_not_given_on_the_case_study_page(client, undated_result):
    page = text(client.get(undated_result.case_study.get_absolute_url()).content.decode())
    change = (
        f"{undated_result.baseline} (year not given) → {undated_result.result} (year not given)"
    )
    assert change in page, "the evidence section's heading"
    assert (
        f"{undated_result.baseline} (year not given) {undated_result.result} (year not given)"
        in (page)
    ), "the table's before and after cells"


def test_a_result_without_years_says_year_not_given_in_the_catalogue_row(client, undated_result):
    index_built()
    page = text(client.get("/case-studies/", {"q": "Leeds"}).content.decode())
    assert f"{undated_result.baseline} (year not given) →" in page


def test_a_dated_result_shows_the_evidence_years(client):
    outcome = (
        Outcome.objects.published()
        .filter(baseline_year__isnull=False, result_year__isnull=False)
        .filter(baseline_grade__isnull=False, result_grade__isnull=False)
        .select_related("case_study")
        .first()
    )
    page = text(client.get(outcome.case_study.get_absolute_url()).content.decode())
    expected = (
        f"{outcome.baseline} ({outcome.baseline_year}) → {outcome.result} ({outcome.result_year})"
    )
    assert expected in page


def test_the_export_keeps_a_missing_year_null(client, undated_result):
    rows = client.get("/case-studies/export.json", {"q": "Leeds"}).json()["rows"]
    row = next(row for row in rows if row["statement"] == undated_result.statement)
    assert row["baseline_year"] is None
    assert row["result_year"] is None
