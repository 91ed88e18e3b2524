"""The evidence map: every cell's count is the catalogue's count at the cell's link."""

import re
from html import unescape

import pytest

from casebase.content.models import PracticeApplication, Status
from tests.helpers import index_built, saved

pytestmark = pytest.mark.django_db


def cells(page: str) -> list[tuple[int, str]]:
    """(count, catalogue link) for every linked cell."""
    return [
        (int(count), unescape(href))
        for href, count in re.findall(
            r'<a class="govuk-link" href="(/case-studies/\?[^"]+)">(\d+)<', page
        )
    ]


def catalogue_count(client, link: str) -> int:
    page = client.get(link).content.decode()
    return int(re.search(r'id="results-heading">(\d+) case stud', page).group(1))


@pytest.mark.parametrize(
    "query",
    ["", "?by=outcome", "?sector=healthcare&by=outcome", "?q=leadership", "?region=Norfolk"],
)
def test_every_cell_links_to_exactly_its_case_studies(client, query):
    page = client.get(f"/evidence-map/{query}").content.decode()
    linked = cells(page)
    assert linked
    for count, link in linked:
        assert catalogue_count(client, link) == count, link


def test_filters_carry_over_and_cells_set_their_own_facets(client):
    page = client.get(
        "/evidence-map/?region=Norfolk&practice=flat-structure&page=3"
    ).content.decode()
    for _, link in cells(page):
        assert "region=Norfolk" in link
        assert "page=" not in link
        assert link.count("practice=") == 1


def test_visible_leadership_has_evidence_in_two_sectors(client):
    page = client.get("/evidence-map/").content.decode()
    row = re.search(
        r'href="/practices/visible-leadership/">Visible leadership</a></th>(.*?)</tr>', page, re.S
    )
    counts = re.findall(r">(\d+)<span class=\"govuk-visually-hidden\"> case stud", row.group(1))
    assert counts == ["3", "1", "4"]  # healthcare, local government, all (none in education)
    assert "none, Visible leadership: Education" in row.group(1)
    assert ">2 of 3<" in row.group(1)


def test_the_map_is_a_real_table_for_screen_readers(client):
    page = client.get("/evidence-map/").content.decode()
    assert "<caption" in page
    assert page.count('scope="col"') == 6  # practice, three sectors, all, sectors with evidence
    assert page.count('scope="rowgroup"') == 7  # one per theme
    assert page.count('scope="row"') == 28  # one per practice


def test_a_draft_application_leaves_the_map(client):
    page = client.get("/evidence-map/").content.decode()
    before = sum(count for count, _ in cells(page))
    application = PracticeApplication.objects.get(
        case_study__slug="oakwood-surgery", practice__slug="flat-structure"
    )
    application.status = Status.DRAFT
    saved(application)  # as an editor would: the content version changes
    after = sum(count for count, _ in cells(client.get("/evidence-map/").content.decode()))
    assert after == before - 2  # its Healthcare cell and its "all" cell


@pytest.mark.parametrize(
    ("query", "queries"), [("", 3), ("?by=outcome", 3), ("?sector=healthcare", 3)]
)
def test_the_map_costs_a_fixed_number_of_queries(client, query, queries, django_assert_num_queries):
    # content version, columns, practices with themes; chosen facets are checked by the index
    index_built()
    with django_assert_num_queries(queries):
        assert client.get(f"/evidence-map/{query}").status_code == 200


def test_a_bad_view_or_filter_is_explained(client):
    page = client.get("/evidence-map/?by=colour&practice=nope").content.decode()
    assert "“colour” is not a view of the map" in page
    assert "nope is not one of the available choices" in page
