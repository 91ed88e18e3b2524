"""The catalogue's CSV and JSON exports and the whole published dataset."""

import csv
import io

import pytest
from django.http import QueryDict

from casebase.catalogue.filters import CaseStudyFilter
from casebase.catalogue.index import current as current_index
from casebase.content.models import (
    CaseStudy,
    CaseStudyPerson,
    Outcome,
    Quote,
    Status,
)

pytestmark = pytest.mark.django_db

FILTERS = [
    "",
    "practice=flat-structure&sector=healthcare",
    "practice=visible-leadership&practice=flat-structure",
    "sector=local-government&direction=improved",
    "evidence=regulator&year_from=2016",
    "q=visible+leadership&sector=healthcare",
]


def catalogue(query: str) -> set[str]:
    filterset = CaseStudyFilter(QueryDict(query), queryset=CaseStudy.objects.published())
    return set(filterset.qs.values_list("slug", flat=True))


def csv_rows(response) -> list[dict]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff"), "a byte-order mark, for Excel"
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def expected_rows(query: str) -> int:
    """One row per published outcome, and one for a case study with none."""
    studies = catalogue(query)
    outcomes = Outcome.objects.published().filter(case_study__slug__in=studies)
    without = studies - set(outcomes.values_list("case_study__slug", flat=True))
    return outcomes.count() + len(without)


# --- CSV ------------------------------------------------------------------------------------


def test_csv_is_an_attachment_in_utf8(client):
    response = client.get("/case-studies/export.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="casebase-case-studies.csv"'


@pytest.mark.parametrize("query", FILTERS)
def test_csv_holds_exactly_the_filtered_case_studies(client, query):
    rows = csv_rows(client.get(f"/case-studies/export.csv?{query}"))
    assert {row["case_study_slug"] for row in rows} == catalogue(query)
    assert len(rows) == expected_rows(query)


def test_every_csv_row_names_its_source(client):
    rows = csv_rows(client.get("/case-studies/export.csv"))
    assert all(row["source_title"] for row in rows)
    leeds = [row for row in rows if row["case_study_slug"] == "leeds-teaching-hospitals"]
    assert leeds[0]["sector"] == "Healthcare"
    assert leeds[0]["case_study_url"] == "http://testserver/case-studies/leeds-teaching-hospitals/"
    assert "; " in leeds[0]["practices"]
    assert any(row["baseline"] and row["baseline_year"] for row in leeds)


def test_a_case_study_without_outcomes_gets_one_row_with_its_own_source(client, case_study):
    rows = csv_rows(client.get("/case-studies/export.csv?type=county-council"))
    row = next(row for row in rows if row["case_study_slug"] == case_study.slug)
    assert row["indicator"] == row["result"] == row["statement"] == ""
    assert row["source_title"] == case_study.source.title


def test_invalid_filter_values_are_ignored_as_in_the_catalogue(client):
    query = "practice=no-such-practice&sector=healthcare&year_from=soon&colour=blue"
    response = client.get(f"/case-studies/export.csv?{query}")
    assert response.status_code == 200
    assert {row["case_study_slug"] for row in csv_rows(response)} == catalogue("sector=healthcare")


@pytest.mark.parametrize("value", ['=HYPERLINK("http://evil")', "+1", "-1+2", "@SUM(A1)", "\tx"])
def test_csv_cells_cannot_run_as_formulas(client, value):
    CaseStudy.objects.filter(slug="calderdale").update(title=value)
    rows = csv_rows(client.get("/case-studies/export.csv"))
    titles = {row["case_study_title"] for row in rows if row["case_study_slug"] == "calderdale"}
    assert titles == {f"'{value}"}


def test_json_keeps_a_planted_formula_as_it_is(client):
    CaseStudy.objects.filter(slug="calderdale").update(title='=HYPERLINK("http://evil")')
    rows = client.get("/case-studies/export.json").json()["rows"]
    assert 'HYPERLINK("http://evil")' in {row["case_study_title"][1:] for row in rows}


# --- JSON -----------------------------------------------------------------------------------


def test_json_is_an_attachment_with_source_filters_and_count(client):
    response = client.get("/case-studies/export.json?practice=flat-structure&sector=healthcare")
    assert response["Content-Disposition"] == 'attachment; filename="casebase-case-studies.json"'
    body = response.json()
    assert "The Management Mission" in body["source"]
    assert body["filters"] == {"practice": ["flat-structure"], "sector": ["healthcare"]}
    assert (
        body["count"]
        == len(body["rows"])
        == expected_rows("practice=flat-structure&sector=healthcare")
    )


@pytest.mark.parametrize("query", FILTERS)
def test_json_holds_the_same_rows_as_the_csv(client, query):
    rows = client.get(f"/case-studies/export.json?{query}").json()["rows"]
    from_csv = csv_rows(client.get(f"/case-studies/export.csv?{query}"))
    assert [row["case_study_slug"] for row in rows] == [row["case_study_slug"] for row in from_csv]
    assert [row["statement"] for row in rows] == [row["statement"] for row in from_csv]


def test_json_names_what_it_ignored(client):
    body = client.get("/case-studies/export.json?year_from=soon&sector=healthcare").json()
    assert body["filters"] == {"sector": ["healthcare"]}
    assert "year_from" in body["ignored"]


@pytest.mark.parametrize("url", ["/case-studies/export.csv", "/case-studies/export.json"])
@pytest.mark.parametrize("value", ["\x00", "x" * 5000, "1e309", "'; DROP TABLE x; --"])
@pytest.mark.parametrize("name", ["q", "practice", "region", "year_from", "direction"])
def test_no_value_makes_an_export_fail(client, url, name, value):
    assert client.get(url, {name: value}).status_code == 200


# --- Queries: a fixed number whatever the number of rows ------------------------------------

# The content version (the catalogue index, already built, selects and counts them); the case
# studies (with organisation, type, sector and source); their published applications; their
# published outcomes.
EXPORT_QUERIES = 4


@pytest.mark.parametrize("url", ["/case-studies/export.csv", "/case-studies/export.json"])
def test_exports_cost_the_same_for_one_row_and_for_all(client, url, django_assert_num_queries):
    current_index()
    with django_assert_num_queries(EXPORT_QUERIES):
        everything = client.get(url)
    # plus the search's matches (the indicator is checked against the index, with no query)
    with django_assert_num_queries(EXPORT_QUERIES + 1):
        one = client.get(url, {"indicator": "ofsted-overall-grade", "q": "oldham"})
    assert len(everything.content) > 5 * len(one.content)


# --- The download limit -----------------------------------------------------------------------


def test_more_case_studies_than_a_download_holds_are_refused_with_a_way_forward(
    client, settings, django_assert_num_queries
):
    settings.DOWNLOAD_MAX_CASE_STUDIES = 3
    healthcare = CaseStudy.objects.published().filter(organisation__type__sector__slug="healthcare")
    assert healthcare.count() > 3
    current_index()
    with django_assert_num_queries(1):  # the content version: the index counts them, none read
        page = client.get("/case-studies/export.csv?sector=healthcare")
    assert page.status_code == 400
    text = page.content.decode()
    assert "Too many case studies to download at once" in text
    assert f"would hold {healthcare.count()} case studies" in text and "at most 3." in text
    assert 'href="/case-studies/?sector=healthcare"' in text
    assert 'href="/api/case-studies/?sector=healthcare"' in text
    body = client.get("/case-studies/export.json?sector=healthcare")
    assert body.status_code == 400 and "/api/case-studies/" in body.json()["error"]

    education = CaseStudy.objects.published().filter(organisation__type__sector__slug="education")
    assert education.count() <= 3
    assert client.get("/case-studies/export.csv?sector=education").status_code == 200


def test_the_catalogue_offers_downloads_only_within_the_limit(client, settings):
    settings.DOWNLOAD_MAX_CASE_STUDIES = 3
    page = client.get("/case-studies/?sector=healthcare").content.decode()
    assert "/case-studies/export.csv" not in page
    assert "too many to download at once: a download holds at most 3" in page
    assert 'href="/api/case-studies/?sector=healthcare"' in page
    page = client.get("/case-studies/?sector=education").content.decode()
    assert 'href="/case-studies/export.csv?sector=education"' in page


# --- The whole dataset ----------------------------------------------------------------------


def test_dataset_holds_every_kind_of_published_record(client):
    response = client.get("/data/casebase.json")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="casebase.json"'
    body = response.json()
    assert body["generated"] and body["licence"]
    assert "The Management Mission" in body["source"]
    for kind in [
        "sectors",
        "themes",
        "practices",
        "organisations",
        "people",
        "sources",
        "case_studies",
        "findings",
        "recommendations",
        "testimonials",
    ]:
        assert body[kind], kind
    assert len(body["case_studies"]) == CaseStudy.objects.published().count()
    leeds = next(s for s in body["case_studies"] if s["slug"] == "leeds-teaching-hospitals")
    assert leeds["outcomes"] and leeds["quotes"] and leeds["contributions"]
    assert any(person["roles"] for person in body["people"])
    assert any(organisation["facts"] for organisation in body["organisations"])


def test_no_draft_of_any_kind_is_in_the_dataset(client, organisation, source, person):
    draft_study = CaseStudy.objects.create(
        title="Zanzibarword draft",
        slug="zanzibarword",
        organisation=organisation,
        source=source,
        context="Zanzibarword.",
        summary="Zanzibarword.",
    )
    leeds = CaseStudy.objects.get(slug="leeds-teaching-hospitals")
    outcome = Outcome.objects.filter(case_study=leeds).first()
    outcome.statement, outcome.status = "Quixoticword result.", Status.DRAFT
    outcome.save()
    quote = Quote.objects.filter(case_study=leeds).first()
    quote.text, quote.status = "Jabberwockword said.", Status.DRAFT
    quote.save()
    participant = CaseStudyPerson.objects.filter(case_study=leeds).first().person
    participant.name, participant.status = "Xylophoneword Person", Status.DRAFT
    participant.save()
    person.name, person.status = "Kumquatword Person", Status.DRAFT
    person.save()
    text = client.get("/data/casebase.json").content.decode()
    for word in ["Zanzibarword", "Quixoticword", "Jabberwockword", "Xylophoneword", "Kumquatword"]:
        assert word not in text, word
    assert draft_study.slug not in text
    assert participant.slug not in text


# how many case studies (against the download limit); sectors; themes; practices;
# organisations, their facts and case studies; people and their roles; sources and what they
# draw on; case studies, their applications, outcomes, people, quotes and contributions; quotes
# outside case studies; findings; recommendations; testimonials
DATASET_QUERIES = 21


def test_the_dataset_has_a_fixed_number_of_queries(client, django_assert_num_queries):
    with django_assert_num_queries(DATASET_QUERIES):
        client.get("/data/casebase.json")


def test_a_dataset_larger_than_a_download_holds_points_to_the_api(
    client, settings, django_assert_num_queries
):
    settings.DOWNLOAD_MAX_CASE_STUDIES = 10
    with django_assert_num_queries(1):
        response = client.get("/data/casebase.json")
    assert response.status_code == 400
    message = response.json()["error"]
    assert "holds 11 case studies, too many for one download (at most 10)" in message
    assert "/api/case-studies/" in message


def test_the_dataset_costs_the_same_with_more_records(
    client, organisation, case_study, person, django_assert_num_queries
):
    with django_assert_num_queries(DATASET_QUERIES):
        client.get("/data/casebase.json")
