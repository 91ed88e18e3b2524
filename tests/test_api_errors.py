"""Every way a request under /api/ can fail answers one shape: RFC 9457 problem details, as
`application/problem+json`, whichever part of Django or DRF refused it. Pages outside /api/
keep their HTML error pages."""

import math
from http import HTTPStatus

import pytest

pytestmark = pytest.mark.django_db

PROBLEM = {"type", "title", "status", "detail", "instance"}


def assert_problem(response, status: int, instance: str) -> dict:
    """The response is a problem of that status about that path; returns its body."""
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["type"] == "about:blank"  # no semantics beyond the status code's
    assert body["title"] == HTTPStatus(status).phrase  # as RFC 9457 asks with about:blank
    assert body["status"] == status
    assert body["instance"] == instance
    assert body["detail"].endswith(".") and len(body["detail"]) > len(body["title"])
    return body


# --- 404: no such endpoint, record or page ----------------------------------------------------


@pytest.mark.parametrize(
    ("url", "instance"),
    [
        ("/api/nope/", "/api/nope/"),
        ("/api/", "/api/"),
        ("/api/case-studies/nope/extra/", "/api/case-studies/nope/extra/"),
        ("/api/case-studies/caf%C3%A9/", "/api/case-studies/caf%C3%A9/"),  # not a slug
    ],
)
def test_a_path_no_endpoint_answers_is_a_problem_pointing_to_the_description(client, url, instance):
    body = assert_problem(client.get(url), 404, instance)
    assert set(body) == PROBLEM
    assert "/api/openapi.json" in body["detail"]


@pytest.mark.parametrize(
    ("url", "kind", "listing"),
    [
        ("/api/case-studies/nope/", "case study", "/api/case-studies/"),
        ("/api/practices/nope/", "practice", "/api/practices/"),
        ("/api/organisations/nope/", "organisation", "/api/organisations/"),
        ("/api/people/nope/", "person", "/api/people/"),
        ("/api/sectors/nope/", "sector", "/api/sectors/"),
    ],
)
def test_an_unknown_slug_is_a_problem_naming_it_and_the_list(client, url, kind, listing):
    body = assert_problem(client.get(url), 404, url)
    assert set(body) == PROBLEM
    assert f"No published {kind} has the slug 'nope'" in body["detail"]
    assert listing in body["detail"]


def test_a_page_past_the_last_is_a_problem_naming_the_last(client, settings):
    count = client.get("/api/case-studies/").json()["count"]
    last = math.ceil(count / settings.REST_FRAMEWORK["PAGE_SIZE"])
    body = assert_problem(client.get("/api/case-studies/?page=999"), 404, "/api/case-studies/")
    assert set(body) == PROBLEM
    assert body["detail"] == f"There is no page 999 of this list: the last is page {last}."


def test_page_zero_is_not_a_page_either(client):
    body = assert_problem(client.get("/api/outcomes/?page=0"), 404, "/api/outcomes/")
    assert body["detail"].startswith("There is no page 0 of this list")


@pytest.mark.parametrize(
    "url", ["/api/case-studies/?format=xml", "/api/sectors/healthcare/?format=x"]
)
def test_a_format_it_does_not_have_is_a_problem_naming_json(client, url):
    path = url.split("?")[0]
    body = assert_problem(client.get(url), 404, path)
    assert body["detail"].startswith("There is no format ") and "only in JSON" in body["detail"]


def test_a_format_it_has_is_json(client):
    response = client.get("/api/sectors/?format=json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"


# --- 400: bad input ---------------------------------------------------------------------------


@pytest.mark.parametrize("base", ["/api/case-studies/", "/api/outcomes/"])
@pytest.mark.parametrize(
    ("query", "fields"),
    [
        ("sector=nowhere", {"sector"}),
        ("year_from=x", {"year_from"}),
        ("sector=nowhere&year_from=x&direction=sideways", {"sector", "year_from", "direction"}),
    ],
)
def test_a_bad_filter_value_is_a_problem_with_the_messages_of_each_parameter(
    client, base, query, fields
):
    body = assert_problem(client.get(f"{base}?{query}"), 400, base)
    assert set(body) == PROBLEM | {"errors"}
    assert set(body["errors"]) == fields
    for name, messages in body["errors"].items():
        assert messages and all(isinstance(message, str) and message for message in messages)
        assert f"{name}: {messages[0]}" in body["detail"]


def test_a_bad_filter_value_message_says_what_is_wrong(client):
    body = client.get("/api/case-studies/?sector=nowhere").json()
    assert body["errors"] == {
        "sector": ["Select a valid choice. nowhere is not one of the available choices."]
    }


@pytest.mark.parametrize("url", ["/api/case-studies/", "/api/practices/", "/api/outcomes/"])
def test_a_page_that_is_not_a_number_is_a_problem_naming_the_page_parameter(client, url):
    body = assert_problem(client.get(f"{url}?page=x"), 400, url)
    assert body["errors"] == {"page": ["Enter a whole number, not 'x'."]}


def test_a_request_for_an_unknown_host_is_a_problem(client):
    response = client.get("/api/case-studies/", HTTP_HOST="evil.example.com")
    body = assert_problem(response, 400, "/api/case-studies/")
    assert set(body) == PROBLEM


# --- 405, 406 ---------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize(
    "url", ["/api/case-studies/", "/api/sectors/healthcare/", "/api/outcomes/"]
)
def test_a_write_method_is_a_problem_saying_the_api_is_read_only(client, url, method):
    response = getattr(client, method)(url, data={}, content_type="application/json")
    body = assert_problem(response, 405, url)
    assert set(body) == PROBLEM
    assert f"{method.upper()} is not allowed" in body["detail"] and "read-only" in body["detail"]
    assert response["Allow"] == "GET, HEAD, OPTIONS"


@pytest.mark.parametrize("accept", ["text/csv", "text/html", "application/xml"])
def test_an_accept_header_it_cannot_satisfy_is_a_problem_naming_what_it_can(client, accept):
    response = client.get("/api/case-studies/", HTTP_ACCEPT=accept)
    body = assert_problem(response, 406, "/api/case-studies/")
    assert set(body) == PROBLEM
    assert "application/json" in body["detail"]


def test_a_client_that_also_accepts_problems_gets_json(client):
    response = client.get(
        "/api/case-studies/", HTTP_ACCEPT="application/json, application/problem+json"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"


# --- 500 --------------------------------------------------------------------------------------


def test_a_server_error_is_a_problem_without_the_internals(client, monkeypatch):
    from casebase.api import views

    def broken(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(views.CaseStudyViewSet, "get_queryset", broken)
    client.raise_request_exception = False
    response = client.get("/api/case-studies/")
    body = assert_problem(response, 500, "/api/case-studies/")
    assert set(body) == PROBLEM
    assert "secret internals" not in response.content.decode()
    assert "default-src 'self'" in response["Content-Security-Policy"]


# --- Outside /api/ nothing changes ------------------------------------------------------------


@pytest.mark.parametrize("url", ["/nope/", "/case-studies/caf%C3%A9/", "/apis/", "/api-docs/"])
def test_a_page_outside_the_api_is_still_the_html_404_page(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert "Page not found" in response.content.decode()


def test_a_server_error_outside_the_api_is_still_the_html_500_page(client, monkeypatch):
    from casebase.site import views

    monkeypatch.setattr(views.HomeView, "get_context_data", lambda *a, **k: 1 / 0)
    client.raise_request_exception = False
    response = client.get("/")
    assert response.status_code == 500
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert "Sorry, there is a problem with Casebase" in response.content.decode()
