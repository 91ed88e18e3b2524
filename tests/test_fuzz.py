"""Property-based robustness: thousands of random query strings and paths, zero 5xx."""

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.django_db

ENDPOINTS = [
    "/",
    "/case-studies/",
    "/case-studies/leeds-teaching-hospitals/",
    "/case-studies/leeds-teaching-hospitals/cite.bib",
    "/practices/",
    "/practices/visible-leadership/",
    "/sectors/healthcare/",
    "/organisations/rutland-county-council/",
    "/people/karen-james/",
    "/evidence-map/",
    "/case-studies/export.csv",
    "/case-studies/export.json",
    "/api/case-studies/",
    "/api/outcomes/",
    "/api/practices/",
    "/api/organisations/",
    "/feeds/case-studies.atom",
    "/sitemap.xml",
    "/healthz",
]
KNOWN = [
    "q", "sector", "practice", "theme", "type", "region", "indicator", "direction",
    "evidence", "year_from", "year_to", "sort", "page", "by", "format", "limit", "offset",
]  # fmt: skip
# Anything a browser or a script might send: controls, NULs, surrogate-free Unicode, numbers.
TEXT = st.one_of(
    st.text(max_size=40),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(["", "0", "-1", "1e309", "NaN", "healthcare", "visible-leadership", "*"]),
)
PARAMS = st.lists(st.tuples(st.one_of(st.sampled_from(KNOWN), st.text(max_size=12)), TEXT),
                  max_size=6)  # fmt: skip
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def no_server_error(path: str, params: list[tuple[str, str]]) -> None:
    query = {}
    for name, value in params:
        query.setdefault(name, []).append(value)
    response = Client(raise_request_exception=False).get(path, query)
    assert response.status_code < 500, (path, params, response.status_code)


@pytest.mark.parametrize("path", ENDPOINTS)
@FUZZ
@given(params=PARAMS)
def test_no_query_string_makes_an_endpoint_fail(path, params):
    no_server_error(path, params)


SEGMENT = st.text(
    alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="/?#"),
    min_size=1,
    max_size=30,
)
PREFIXES = ["case-studies", "practices", "sectors", "organisations", "people", "api/case-studies",
            "api/practices", "feeds/practices", "feeds/sectors", ""]  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(prefix=st.sampled_from(PREFIXES), segments=st.lists(SEGMENT, min_size=1, max_size=3))
def test_no_path_makes_the_site_fail(prefix, segments):
    path = "/" + "/".join([prefix, *segments]).lstrip("/") + "/"
    response = Client(raise_request_exception=False).get(path)
    assert response.status_code < 500, (path, response.status_code)
