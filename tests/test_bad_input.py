"""No query string makes a public page fail: every parameter, every kind of bad value."""

import pytest

pytestmark = pytest.mark.django_db

PARAMETERS = [
    "q", "sector", "practice", "theme", "type", "region", "indicator", "direction", "evidence",
    "year_from", "year_to", "sort", "page", "unknown",
]  # fmt: skip
NASTY = [
    "",
    " ",
    "-1",
    "0",
    "99999999999999999999999",
    "1e309",
    "NaN",
    "\x00",
    "a\x00b",
    "'; DROP TABLE content_casestudy; --",
    '"',
    "<script>alert(1)</script>",
    "%",
    "_",
    "\\",
    "\U0001d518\U0001d52b ✓ ünïcödé",  # Fraktur letters, a tick, accents
    "x" * 5000,
]
PAGES = ["/", "/case-studies/", "/practices/", "/sectors/healthcare/"]


@pytest.mark.parametrize("value", NASTY, ids=range(len(NASTY)))
@pytest.mark.parametrize("name", PARAMETERS)
def test_the_catalogue_answers_any_value_of_any_parameter(client, name, value):
    response = client.get("/case-studies/", {name: value})
    assert response.status_code == 200


@pytest.mark.parametrize("value", NASTY, ids=range(len(NASTY)))
def test_every_page_ignores_stray_parameters(client, value):
    for page in PAGES:
        assert client.get(page, {"q": value, "page": value}).status_code == 200


@pytest.mark.parametrize("slug", ["\x00", "a" * 300, "..", "%00", "ünï"])
def test_odd_slugs_are_not_found_not_errors(client, slug):
    for prefix in ("case-studies", "practices", "sectors", "organisations", "people"):
        assert client.get(f"/{prefix}/{slug}/").status_code == 404
