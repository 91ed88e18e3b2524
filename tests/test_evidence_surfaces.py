"""Strength of evidence wherever results appear, the method page that explains it, and a
practice's evidence in brief (issue 15, items 1 and 3). Expected values are worked out from the
database, so the tests hold whatever the compendium's review decides for a result."""

import csv
import io
import re
from collections import defaultdict

import pytest
from django.urls import reverse

from casebase.content import grading
from casebase.content.models import CaseStudy, Contribution, Outcome, Practice
from tests.helpers import index_built

pytestmark = pytest.mark.django_db


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&#x27;", "'")


def published_outcomes():
    return Outcome.objects.published().select_related("case_study", "indicator")


def strongest_by_case_study() -> dict[str, int]:
    best: dict[str, int] = {}
    for outcome in published_outcomes():
        slug = outcome.case_study.slug
        best[slug] = max(best.get(slug, 0), outcome.strength)
    return best


# --- The method page ---------------------------------------------------------------------


def test_the_method_page_prints_the_method_from_its_own_tables(client):
    page = text(client.get(reverse("evidence-method")).content.decode())
    for criterion in [*grading.WHO_MEASURED.values(), *grading.DESIGNS.values()]:
        assert criterion.meaning.replace("'", "'") in page
    for points, grade, meaning in grading.thresholds():
        assert f"{grade.label} {points} {meaning}" in page
    assert "5 or 6" in page and "1 or fewer" in page


def test_the_method_page_counts_the_published_results_of_each_grade(client):
    page = text(client.get(reverse("evidence-method")).content.decode())
    counts = defaultdict(int)
    for outcome in published_outcomes():
        counts[outcome.strength] += 1
    for _, grade, meaning in grading.thresholds():
        assert f"{meaning} {counts[grade]} " in page, grade


def test_the_method_page_states_the_limits(client):
    page = text(client.get(reverse("evidence-method")).content.decode())
    assert "One report." in page  # the compendium is the only source of case studies
    assert "argues for better management" in page
    assert "None of the" in page and "is a decline" in page  # no declined result yet
    assert "survivorship" in page


def test_each_grade_links_to_its_row_of_the_method(client):
    method = client.get(reverse("evidence-method")).content.decode()
    page = client.get("/case-studies/leeds-teaching-hospitals/").content.decode()
    links = set(re.findall(r'href="/about/evidence/#(strength-[a-z-]+)"', page))
    assert links
    for anchor in links:
        assert f'id="{anchor}"' in method


# --- The grade on every result -------------------------------------------------------------


def test_the_case_study_page_shows_each_results_grade_and_why(client):
    study = CaseStudy.objects.get(slug="leeds-teaching-hospitals")
    page = text(client.get(study.get_absolute_url()).content.decode())
    for outcome in published_outcomes().filter(case_study=study):
        grade = outcome.grade
        assert f"{grade.strength.label} evidence , because:" in page
        for reason in grade.reasons:
            assert reason[1:] in page  # its first letter is lowered after the colon


def test_the_strength_symbol_is_hidden_from_screen_readers_and_the_words_are_not(client):
    page = client.get("/case-studies/leeds-teaching-hospitals/").content.decode()
    badges = re.findall(r'<span class="cb-strength cb-strength--(\d)">(.*?)</a></span>', page)
    assert badges
    for level, badge in badges:
        assert 'class="cb-strength__bars" aria-hidden="true"' in badge
        assert badge.count("cb-strength__bar--on") == int(level)
        assert badge.endswith(f"{grading.Strength(int(level)).label} evidence")


def test_catalogue_rows_and_practice_rows_show_the_grade(client):
    index_built()
    catalogue = client.get("/case-studies/").content.decode()
    practice = client.get("/practices/visible-leadership/").content.decode()
    for page in (catalogue, practice):
        assert 'class="cb-strength cb-strength--' in page


def test_the_csv_and_the_api_carry_the_grade(client):
    rows = list(
        csv.DictReader(
            io.StringIO(client.get("/case-studies/export.csv").content.decode("utf-8-sig"))
        )
    )
    graded = [row for row in rows if row["indicator"]]
    assert len(graded) == published_outcomes().count()
    expected = {
        (o.case_study.slug, o.name): grading.SLUGS[o.strength] for o in published_outcomes()
    }
    for row in graded:
        assert (
            row["strength_of_evidence"] == expected[(row["case_study_slug"], row["result_label"])]
        )
    api = client.get("/api/case-studies/leeds-teaching-hospitals/").json()
    for result in api["outcomes"]:
        outcome = Outcome.objects.get(
            case_study__slug="leeds-teaching-hospitals", slug=result["slug"]
        )
        assert result["strength_of_evidence"]["grade"] == grading.SLUGS[outcome.strength]
        assert result["strength_of_evidence"]["reasons"] == outcome.grade.reasons
        assert result["strength_of_evidence"]["method"].endswith(
            f"/about/evidence/#{grading.anchor(outcome.grade.strength)}"
        )


# --- The catalogue's facet and sort ---------------------------------------------------------


@pytest.mark.parametrize("grade", list(grading.Strength))
def test_the_strength_facet_finds_case_studies_with_a_result_of_that_grade(client, grade):
    index_built()
    slug = grading.SLUGS[grade]
    expected = set(
        published_outcomes().filter(strength=grade).values_list("case_study__slug", flat=True)
    )
    page = client.get(f"/case-studies/?strength={slug}").content.decode()
    found = set(
        re.findall(
            r'<h3 class="govuk-heading-m[^"]*"><a class="govuk-link" href="/case-studies/([^/]+)/"',
            page,
        )
    )
    assert found == expected
    api = client.get(f"/api/case-studies/?strength={slug}").json()
    assert {study["slug"] for study in api["results"]} == expected


def test_the_strength_facet_counts_like_the_others(client):
    index_built()
    page = text(client.get("/case-studies/").content.decode())
    facet = page[page.index("Strength of evidence") : page.index("Who measured the result")]
    for grade in grading.Strength:
        expected = (
            published_outcomes().filter(strength=grade).values("case_study").distinct().count()
        )
        if expected:
            assert f"{grade.label} ({expected})" in facet


def test_an_unknown_grade_is_explained_not_an_error(client):
    response = client.get("/case-studies/?strength=excellent")
    assert response.status_code == 200
    assert "excellent" in response.content.decode()


def test_sorting_by_evidence_puts_the_strongest_first(client):
    index_built()
    page = client.get("/case-studies/?sort=evidence").content.decode()
    order = re.findall(
        r'<h3 class="govuk-heading-m[^"]*"><a class="govuk-link" href="/case-studies/([^/]+)/"',
        page,
    )
    best = strongest_by_case_study()
    strengths = [best.get(slug, 0) for slug in order]
    assert strengths == sorted(strengths, reverse=True)
    assert len(order) == CaseStudy.objects.published().count()


# --- A practice's evidence in brief ----------------------------------------------------------


def test_a_practices_page_opens_with_its_evidence_in_plain_words(client):
    index_built()
    practice = Practice.objects.get(slug="management-training")
    applied = set(practice.case_studies.published().values_list("slug", flat=True))
    explicit = set(
        Contribution.objects.published()
        .filter(application__practice=practice, directness="explicit")
        .values_list("case_study__slug", flat=True)
    )
    best = strongest_by_case_study()
    page = text(client.get(practice.get_absolute_url()).content.decode())
    brief = page[page.index("The evidence in brief") : page.index("What happened where")]
    assert f"Applied by {len(applied)} organisations" in brief
    graded = defaultdict(int)
    for slug in applied:
        if slug in best:
            graded[best[slug]] += 1
    words = ", ".join(
        f"{graded[grade]} {grade.label.lower()}" for grade in grading.SLUGS if graded[grade]
    )
    assert f"The strongest evidence behind each organisation's results: {words}." in brief
    assert f"explicitly for results at {len(explicit)} organisation" in brief
    for adjective in ("proven", "effective", "robust", "works"):
        assert adjective not in brief.lower()


def test_the_api_gives_a_practices_evidence_summary(client):
    index_built()
    summary = client.get("/api/practices/management-training/").json()["evidence_summary"]
    practice = Practice.objects.get(slug="management-training")
    assert summary["organisations"] == practice.case_studies.published().count()
    assert sum(summary["strongest_evidence"].values()) == summary["organisations_with_results"]
    assert summary["summary"].startswith(f"Applied by {summary['organisations']} organisations")


def test_each_evidence_map_cell_says_the_evidence_behind_its_count(client):
    index_built()
    page = text(client.get("/evidence-map/").content.decode())
    assert "Strongest evidence:" in page
    assert "credited explicitly" in page
    assert "0 credited explicitly" not in page  # said only where there are some


def test_a_practice_nobody_applied_says_so(client):
    from casebase.catalogue import index as catalogue
    from casebase.site.evidence import evidence_summary

    summary = evidence_summary(catalogue.current(), "no-such-practice")
    assert summary.sentences("Nothing") == ["No published case study applies nothing yet."]
