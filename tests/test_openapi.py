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
    (path, GenerationMode.NEGATIVE) for path in ["/api/case-studies/", "/api/outcomes/"]
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
