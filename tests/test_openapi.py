"""The OpenAPI description of the API: valid, complete, and true of every response."""

import json

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from drf_spectacular.validation import validate_schema
from hypothesis import given, settings
from schemathesis import GenerationMode, checks

from casebase.wsgi import application

pytestmark = pytest.mark.django_db

ENDPOINTS = {
    "/api/case-studies/",
    "/api/case-studies/{slug}/",
    "/api/practices/",
    "/api/practices/{slug}/",
    "/api/organisations/",
    "/api/organisations/{slug}/",
    "/api/people/",
    "/api/people/{slug}/",
    "/api/like-mine/",
    "/api/outcomes/",
    "/api/sectors/",
    "/api/sectors/{slug}/",
}
CATALOGUE_FILTERS = {
    "q",
    "strength",
    "sector",
    "practice",
    "theme",
    "type",
    "region",
    "size",
    "started",
    "indicator",
    "direction",
    "evidence",
    "year_from",
    "year_to",
}


@pytest.fixture
def document(client) -> dict:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    return json.loads(response.content)


def parameters(document: dict, path: str) -> dict[str, dict]:
    return {p["name"]: p for p in document["paths"][path]["get"].get("parameters", [])}


def test_the_document_is_valid_openapi(document):
    validate_schema(document)  # raises on an invalid document
    assert document["openapi"].startswith("3.")


def test_every_endpoint_is_described_with_get_only(document):
    assert set(document["paths"]) == ENDPOINTS
    assert all(set(operations) == {"get"} for operations in document["paths"].values())


@pytest.mark.parametrize("path", ["/api/case-studies/", "/api/outcomes/"])
def test_the_catalogue_filters_are_described_with_their_types(document, path):
    described = parameters(document, path)
    assert set(described) == CATALOGUE_FILTERS | {"page"}
    assert described["q"]["schema"]["type"] == "string"
    assert described["year_from"]["schema"] == {"type": "integer", "minimum": 1800, "maximum": 2100}
    practice = described["practice"]
    assert practice["schema"]["type"] == "array" and practice["explode"] is True
    assert practice["schema"]["items"] == {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$"}
    assert "/api/practices/" in practice["description"]
    assert described["direction"]["schema"]["items"]["enum"] == [
        "improved",
        "sustained",
        "declined",
        "snapshot",
    ]
    assert described["region"]["schema"]["items"]["enum"][:2] == ["north-east", "north-west"]
    assert described["size"]["schema"]["items"]["enum"] == ["small", "medium", "large"]
    assert described["started"]["schema"]["items"]["enum"] == [
        "inadequate",
        "requires-improvement",
        "good",
        "outstanding",
    ]
    assert described["strength"]["schema"]["items"]["enum"] == [
        "strong",
        "moderate",
        "limited",
        "very-limited",
    ]


REGIONS = ["north-east", "north-west", "yorkshire-and-the-humber"]  # the first three
SLUG = {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$"}


@pytest.mark.parametrize("path", ["/api/organisations/", "/api/people/"])
def test_organisations_and_people_describe_their_profile_filters(document, path):
    described = parameters(document, path)
    profile = {"sector", "type", "region"}
    extra = {"size", "ods_code", "gss_code", "ukprn"} if path == "/api/organisations/" else set()
    assert set(described) == profile | extra | {"page"}
    for name in profile:
        assert described[name]["schema"]["type"] == "array" and described[name]["explode"]
    assert described["sector"]["schema"]["items"] == SLUG
    assert "/api/sectors/" in described["sector"]["description"]
    assert described["region"]["schema"]["items"]["enum"][:3] == REGIONS
    assert len(described["region"]["schema"]["items"]["enum"]) == 12


def test_organisations_describe_size_bands_and_identifier_formats(document):
    described = parameters(document, "/api/organisations/")
    assert described["size"]["schema"]["items"]["enum"] == ["small", "medium", "large"]
    assert described["ods_code"]["schema"] == {"type": "string", "pattern": "^[A-Z0-9]{3,6}$"}
    assert described["gss_code"]["schema"] == {"type": "string", "pattern": "^[EWSN][0-9]{8}$"}
    assert described["ukprn"]["schema"] == {"type": "string", "pattern": "^1[0-9]{7}$"}
    assert "exactly" in described["ukprn"]["description"]


def test_an_organisation_describes_its_size(document):
    schemas = document["components"]["schemas"]
    assert "size" in schemas["Organisation"]["properties"]
    size = schemas["Size"]["properties"]
    assert set(size) == {"kind", "value", "qualifier", "period", "band", "in_words"}
    assert schemas[size["band"]["allOf"][0]["$ref"].rsplit("/", 1)[-1]]["enum"] == [
        "small",
        "medium",
        "large",
    ]
    role = schemas["Role"]["properties"]
    assert {"organisation", "organisation_name", "is_current", "as_reported"} <= set(role)


def test_like_mine_describes_the_forms_questions(document):
    described = parameters(document, "/api/like-mine/")
    assert set(described) == {
        "organisation",
        "sector",
        "type",
        "measure",
        "size",
        "region",
        "rating",
        "page",
    }
    assert described["sector"]["schema"] == SLUG
    assert described["measure"]["schema"]["enum"] == [
        "staff",
        "registered_patients",
        "population_served",
        "students",
    ]
    assert described["size"]["schema"] == {"type": "integer", "minimum": 1, "maximum": 100_000_000}
    assert described["region"]["schema"]["enum"][:3] == REGIONS
    assert described["rating"]["schema"]["enum"] == [
        "inadequate",
        "requires-improvement",
        "good",
        "outstanding",
    ]
    assert described["organisation"]["schema"]["maxLength"] == 200
    assert described["page"]["schema"]["type"] == "integer"


def test_like_mine_describes_its_ranked_peers(document):
    response = document["paths"]["/api/like-mine/"]["get"]["responses"]["200"]
    page = response["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    schemas = document["components"]["schemas"]
    assert set(schemas[page]["properties"]) == {"count", "compared", "next", "previous", "results"}
    peer = schemas["Peer"]["properties"]
    assert set(peer) == {"case_study", "organisation", "distance", "attributes_compared", "why"}
    assert peer["distance"]["type"] == "number"


def test_lists_describe_their_pages(document):
    response = document["paths"]["/api/case-studies/"]["get"]["responses"]["200"]
    page = response["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert set(document["components"]["schemas"][page]["properties"]) == {
        "count",
        "next",
        "previous",
        "results",
    }


def described_errors(path: str) -> set[str]:
    if path == "/api/sectors/":
        return set()  # not paginated, no filters
    if path.endswith("{slug}/"):
        return {"404"}
    return {"400", "404"}  # a bad filter value or page number; no such page


def test_errors_are_described_as_problem_details(document):
    problem = {"$ref": "#/components/schemas/Problem"}
    for path, operations in document["paths"].items():
        responses = operations["get"]["responses"]
        errors = {code: response for code, response in responses.items() if code != "200"}
        assert set(errors) == described_errors(path), path
        for response in errors.values():
            assert response["content"] == {"application/problem+json": {"schema": problem}}
    described = document["components"]["schemas"]["Problem"]
    assert set(described["required"]) == {"type", "title", "status", "detail", "instance"}
    assert described["properties"]["errors"]["additionalProperties"]["type"] == "array"


# --- Every response matches its description ---------------------------------------------------


# schemathesis' pytest integration (`from_fixture`) does not run under pytest 9, and a schema
# loaded at import would need the database before pytest-django has made it: each test loads the
# schema itself, inside its transaction where the compendium is, and runs hypothesis directly.


# Negative data exists only where a parameter can be wrong: the filters and the page number.
CASES = [(path, GenerationMode.POSITIVE) for path in sorted(ENDPOINTS)] + [
    (path, GenerationMode.NEGATIVE)
    for path in [
        "/api/case-studies/",
        "/api/outcomes/",
        "/api/organisations/",
        "/api/people/",
        "/api/like-mine/",
    ]
]


@pytest.fixture
def app():
    """The WSGI app on the test's own connection. Django closes the connection after each
    request, which would end the test's transaction (on PostgreSQL); its test client avoids
    that the same way."""
    for signal in (signals.request_started, signals.request_finished):
        signal.disconnect(close_old_connections)
    yield application
    for signal in (signals.request_started, signals.request_finished):
        signal.connect(close_old_connections)


@pytest.mark.parametrize(("path", "mode"), CASES)
def test_every_response_matches_the_openapi_description(app, path, mode):
    operation = schemathesis.openapi.from_wsgi("/api/openapi.json", app)[path]["GET"]

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=25, deadline=None, database=None)
    def answers_as_described(case):
        # An empty value (`?year_from=`) means "no filter", as when a form leaves a field
        # blank; schemathesis counts it as invalid data that should have been refused. And a
        # well-formed slug that names no practice is refused (400, documented): which slugs
        # exist is data, not schema, so "valid data rejected" is not a fault here.
        case.call_and_validate(
            excluded_checks=[checks.negative_data_rejection, checks.positive_data_acceptance]
        )

    answers_as_described()


def test_the_document_is_generated_without_the_database(django_assert_num_queries):
    """check --deploy generates it on a fresh machine, before any migration."""
    from drf_spectacular.generators import SchemaGenerator

    with django_assert_num_queries(0):
        SchemaGenerator().get_schema(request=None, public=True)
