"""The read-only JSON API: published records only, the catalogue's filters, pinned queries."""

import pytest
from django.http import QueryDict

from casebase.catalogue.filters import CaseStudyFilter
from casebase.content.models import (
    CaseStudy,
    CaseStudyPerson,
    Organisation,
    Outcome,
    PracticeApplication,
    Quote,
    Status,
)
from tests.helpers import index_built

pytestmark = pytest.mark.django_db

FILTERS = [
    "",
    "practice=flat-structure&sector=healthcare",
    "practice=visible-leadership&practice=flat-structure",
    "sector=local-government&direction=improved",
    "evidence=regulator&year_from=2016",
    "indicator=ofsted-overall-grade",
    "q=visible+leadership",
    "theme=culture-and-trust&type=county-council",
]
LISTS = [
    "/api/case-studies/",
    "/api/practices/",
    "/api/organisations/",
    "/api/people/",
    "/api/outcomes/",
    "/api/sectors/",
]
DETAILS = [
    "/api/case-studies/leeds-teaching-hospitals/",
    "/api/practices/visible-leadership/",
    "/api/organisations/leeds-teaching-hospitals-nhs-trust/",
    "/api/people/lynn-dobbs/",
    "/api/sectors/healthcare/",
]


def catalogue(query: str) -> set[str]:
    filterset = CaseStudyFilter(QueryDict(query), queryset=CaseStudy.objects.published())
    return set(filterset.qs.values_list("slug", flat=True))


def every_page(client, url: str) -> list[dict]:
    """The results of every page of a paginated list."""
    results = []
    while url:
        body = client.get(url).json()
        results += body["results"]
        url = body["next"]
    return results


@pytest.fixture
def many_case_studies(organisation, source, practice, cqc):
    """Thirty more published case studies, each of its own organisation (one case study per
    organisation and source), with a practice applied and an outcome."""
    organisations = Organisation.objects.bulk_create(
        Organisation(
            name=f"Council {number}",
            slug=f"council-{number}",
            type=organisation.type,
            status=Status.PUBLISHED,
        )
        for number in range(30)
    )
    studies = CaseStudy.objects.bulk_create(
        CaseStudy(
            title=f"Story {number}",
            slug=f"story-{number}",
            organisation=council,
            source=source,
            context="Before.",
            summary="After.",
            period_start=2015,
            status=Status.PUBLISHED,
        )
        for number, council in enumerate([organisation, *organisations])
    )
    PracticeApplication.objects.bulk_create(
        PracticeApplication(
            case_study=study, practice=practice, description="Did it.", status=Status.PUBLISHED
        )
        for study in studies
    )
    Outcome.objects.bulk_create(
        Outcome(
            case_study=study,
            slug="rating",
            indicator=cqc,
            direction=Outcome.Direction.SNAPSHOT,
            design=Outcome.Design.SNAPSHOT,
            evidence=Outcome.Evidence.REGULATOR,
            statement="Rated.",
            source=source,
            status=Status.PUBLISHED,
        )
        for study in studies
    )
    return studies


# --- Lists and details ----------------------------------------------------------------------


@pytest.mark.parametrize("url", LISTS + DETAILS)
def test_every_endpoint_answers_json(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"


@pytest.mark.parametrize("url", [url for url in LISTS if url != "/api/sectors/"])
def test_lists_are_paginated_by_page_number(client, url):
    body = client.get(url).json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == len(every_page(client, url))


def test_case_study_list_gives_every_published_case_study(client):
    results = every_page(client, "/api/case-studies/")
    assert {row["slug"] for row in results} == catalogue("")
    leeds = next(row for row in results if row["slug"] == "leeds-teaching-hospitals")
    assert leeds["sector"] == "healthcare"
    assert leeds["url"] == "http://testserver/case-studies/leeds-teaching-hospitals/"


def test_case_study_detail_holds_the_whole_story(client):
    body = client.get("/api/case-studies/leeds-teaching-hospitals/").json()
    assert body["organisation"] == "leeds-teaching-hospitals-nhs-trust"
    assert body["outcomes"] and body["applications"] and body["people"] and body["quotes"]
    assert body["source"]["slug"] == "the-management-mission"
    outcome = body["outcomes"][0]
    assert outcome["case_study"] == "leeds-teaching-hospitals"
    assert outcome["source"]["title"]


def test_outcomes_carry_values_years_and_source(client):
    rows = every_page(client, "/api/outcomes/")
    assert len(rows) == Outcome.objects.published().count()
    graded = next(row for row in rows if row["indicator"] == "cqc-overall-rating")
    assert graded["result_grade"] and graded["result_value"] is None
    numeric = next(row for row in rows if row["result_value"] is not None)
    assert isinstance(numeric["result_value"], int | float), "a number, not a string"
    assert all(row["source"]["title"] and row["statement"] for row in rows)


def test_practice_detail_lists_where_it_was_applied(client):
    body = client.get("/api/practices/flat-structure/").json()
    assert body["theme"]["slug"]
    assert {row["case_study"] for row in body["applications"]} == catalogue(
        "practice=flat-structure"
    )


def test_organisation_detail_has_facts_and_case_studies(client):
    body = client.get("/api/organisations/leeds-teaching-hospitals-nhs-trust/").json()
    assert body["case_studies"] == ["leeds-teaching-hospitals"]
    assert any(fact["kind"] == "staff" for fact in body["facts"])


@pytest.mark.parametrize(
    "url",
    [
        "/api/case-studies/no-such-study/",
        "/api/practices/no-such-practice/",
        "/api/organisations/no-such-organisation/",
        "/api/sectors/no-such-sector/",
        "/api/case-studies/?page=99",
    ],
)
def test_unknown_slugs_and_pages_are_404_problems(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 404 and body["detail"]


# --- The catalogue's filters ----------------------------------------------------------------


@pytest.mark.parametrize("query", FILTERS)
def test_case_study_filters_give_what_the_catalogue_gives(client, query):
    rows = every_page(client, f"/api/case-studies/?{query}")
    assert {row["slug"] for row in rows} == catalogue(query)


@pytest.mark.parametrize("query", FILTERS)
def test_outcome_filters_keep_the_outcomes_of_the_filtered_case_studies(client, query):
    rows = every_page(client, f"/api/outcomes/?{query}")
    expected = Outcome.objects.published().filter(case_study__slug__in=catalogue(query))
    assert sorted((row["case_study"], row["slug"]) for row in rows) == sorted(
        expected.values_list("case_study__slug", "slug")
    )


def test_flat_structure_in_healthcare_is_a_real_subset(client):
    rows = every_page(client, "/api/case-studies/?practice=flat-structure&sector=healthcare")
    assert rows
    assert {row["sector"] for row in rows} == {"healthcare"}
    assert all("flat-structure" in row["practices"] for row in rows)


@pytest.mark.parametrize("base", ["/api/case-studies/", "/api/outcomes/"])
@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("practice=no-such-practice", "practice"),
        ("sector=atlantis", "sector"),
        ("direction=sideways", "direction"),
        ("year_from=soon", "year_from"),
        ("year_to=99999", "year_to"),
        ("q=a%00b", "q"),
        ("region=a%00b", "region"),
    ],
)
def test_an_invalid_filter_value_is_400_saying_what_is_wrong(client, base, query, field):
    response = client.get(f"{base}?{query}")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert list(body["errors"]) == [field]
    assert body["errors"][field] and f"{field}: " in body["detail"]


@pytest.mark.parametrize("base", ["/api/case-studies/", "/api/outcomes/"])
def test_an_empty_filter_value_chooses_nothing_as_in_the_catalogue(client, base):
    everything = client.get(base).json()["count"]
    for name in ("sector", "practice", "theme", "type", "indicator", "direction", "evidence"):
        response = client.get(f"{base}?{name}=")
        assert response.status_code == 200, response.json()
        assert response.json()["count"] == everything
    healthcare = client.get(f"{base}?sector=healthcare").json()["count"]
    assert client.get(f"{base}?sector=&sector=healthcare").json()["count"] == healthcare


def test_unknown_parameters_are_ignored(client):
    assert client.get("/api/case-studies/?colour=blue").status_code == 200


# --- Published only -------------------------------------------------------------------------


def test_a_draft_case_study_is_neither_listed_nor_shown(client):
    CaseStudy.objects.filter(slug="calderdale").update(status=Status.DRAFT)
    listed = {row["slug"] for row in every_page(client, "/api/case-studies/")}
    assert "calderdale" not in listed
    assert client.get("/api/case-studies/calderdale/").status_code == 404
    outcomes = every_page(client, "/api/outcomes/")
    assert "calderdale" not in {row["case_study"] for row in outcomes}


def test_draft_parts_of_a_published_case_study_stay_hidden(client):
    study = CaseStudy.objects.get(slug="leeds-teaching-hospitals")
    Outcome.objects.filter(case_study=study).update(statement="Draftword outcome.")
    Outcome.objects.filter(case_study=study).update(status=Status.DRAFT)
    Quote.objects.filter(case_study=study).update(status=Status.DRAFT)
    person = CaseStudyPerson.objects.filter(case_study=study).first().person
    person.status = Status.DRAFT
    person.save()
    body = client.get("/api/case-studies/leeds-teaching-hospitals/").json()
    assert body["outcomes"] == [] and body["quotes"] == []
    assert person.slug not in {row["person"] for row in body["people"]}
    statements = {row["statement"] for row in every_page(client, "/api/outcomes/")}
    assert "Draftword outcome." not in statements


def test_a_draft_practice_or_organisation_is_404(client):
    CaseStudy.objects.filter(slug="calderdale").update(status=Status.DRAFT)
    organisation = CaseStudy.objects.get(slug="calderdale").organisation
    organisation.status = Status.DRAFT
    organisation.save()
    assert client.get(f"/api/organisations/{organisation.slug}/").status_code == 404
    PracticeApplication.objects.filter(practice__slug="flat-structure").update(status=Status.DRAFT)
    body = client.get("/api/practices/flat-structure/").json()
    assert body["applications"] == []


# --- Read only ------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize("url", LISTS + DETAILS)
def test_write_methods_are_not_allowed(client, url, method):
    response = getattr(client, method)(url, data={}, content_type="application/json")
    assert response.status_code == 405


# --- Queries --------------------------------------------------------------------------------

QUERIES = {
    # count for the pager; the page; its published applications; its published outcomes
    "/api/case-studies/": 4,
    # the content version (the catalogue index checks the practice and selects); count; page;
    # applications; outcomes
    "/api/case-studies/?practice=visible-leadership": 5,
    # count; page (with theme)
    "/api/practices/": 2,
    # count; page (with type and sector); their published figures (for their size)
    "/api/organisations/": 3,
    # count; page (with case study, indicator, grades and source)
    "/api/outcomes/": 2,
    # the content version (the catalogue index selects); count; page
    "/api/outcomes/?practice=visible-leadership": 3,
    # the sectors
    "/api/sectors/": 1,
    # the case study; applications; outcomes; people; quotes; contributions
    "/api/case-studies/leeds-teaching-hospitals/": 6,
    # the practice; its published applications; the content version (its evidence summary
    # counts on the catalogue index)
    "/api/practices/visible-leadership/": 3,
    # the organisation; its facts; its published case studies
    "/api/organisations/leeds-teaching-hospitals-nhs-trust/": 3,
    # the sector
    "/api/sectors/healthcare/": 1,
}


@pytest.mark.parametrize(("url", "queries"), QUERIES.items())
def test_every_endpoint_has_pinned_queries(client, url, queries, django_assert_num_queries):
    index_built()
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/api/case-studies/",
        "/api/case-studies/?practice=visible-leadership",
        "/api/outcomes/",
        "/api/practices/visible-leadership/",
        "/api/organisations/testshire-county-council/",
    ],
)
def test_queries_stay_the_same_with_many_rows(
    client, url, many_case_studies, django_assert_num_queries
):
    queries = QUERIES.get(url, 3)  # the Testshire organisation: as for any organisation
    index_built()
    with django_assert_num_queries(queries):
        response = client.get(url)
    assert response.status_code == 200


def test_a_long_and_a_short_story_cost_the_same(client, django_assert_num_queries):
    studies = CaseStudy.objects.published()
    longest = max(studies, key=lambda study: study.applications.count())
    shortest = min(studies, key=lambda study: study.applications.count())
    for study in (longest, shortest):
        with django_assert_num_queries(6):
            client.get(f"/api/case-studies/{study.slug}/")
