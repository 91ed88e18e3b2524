"""Organisations like mine (issue 17, items 3 and 4): the distance, the form and its bad input,
the "why" sentences, the short lists on organisation and case study pages, drafts kept out."""

import re

import pytest

from casebase.catalogue import index as catalogue
from casebase.catalogue import peers
from casebase.catalogue.peers import Profile
from casebase.content.models import (
    CaseStudy,
    Organisation,
    OrganisationFact,
    OrganisationType,
    Status,
)
from tests.helpers import saved

pytestmark = pytest.mark.django_db

LEEDS_LIKE = {
    "sector": "healthcare",
    "type": "nhs-acute-trust",
    "measure": "staff",
    "size": "15000",
    "rating": "requires-improvement",
}


def nearest_slugs(profile: Profile, stop: int = 20, leave_out=()) -> list[str]:
    index = catalogue.current()
    found, _ = peers.nearest(index, profile, stop, leave_out=list(leave_out))
    slugs = dict(CaseStudy.objects.values_list("pk", "slug"))
    return [slugs[pk] for pk in index.id_at([peer.position for peer in found])]


def alike_rows(html: str) -> list[tuple[str, str]]:
    """(case study slug, why) of each result, in order."""
    items = re.split(r'<li class="cb-result">', html)[1:]
    found = []
    for item in items:
        slug = re.search(r'href="/case-studies/([^/]+)/"', item).group(1)
        why = re.search(r"<strong>Why alike:</strong> (.*?)</p>", item, re.S)
        found.append((slug, why.group(1) if why else ""))
    return found


# --- The distance --------------------------------------------------------------------------


def test_an_acute_trust_of_15000_staff_rated_requires_improvement_finds_leeds_first():
    profile = Profile(
        "healthcare", "nhs-acute-trust", None, "staff", 15_000, "requires-improvement"
    )
    assert nearest_slugs(profile)[0] == "leeds-teaching-hospitals"


def test_known_pairs_rank_as_expected():
    # A council of 50,000 people: the small councils before the large ones, councils before
    # anyone in another sector.
    council = Profile("local-government", None, None, "population_served", 50_000, None)
    ranked = nearest_slugs(council)
    assert ranked[:4] == ["rutland", "surrey-heath", "calderdale", "norfolk"]
    # A college that started from "requires improvement": Oldham before Exeter (good).
    college = Profile("education", "fe-college", None, None, None, "requires-improvement")
    ranked = nearest_slugs(college)
    assert ranked.index("oldham-college") < ranked.index("exeter-college")


def test_size_counts_in_orders_of_magnitude_and_only_on_the_same_figure():
    council = Profile("local-government", None, None, "population_served", 41_000, None)
    assert nearest_slugs(council)[0] == "rutland"  # 41,000 exactly
    by_staff = Profile("local-government", None, None, "staff", 41_000, None)
    # No council's staff is known: size is compared with none, so the councils tie and go in
    # catalogue order (organisation A to Z).
    assert nearest_slugs(by_staff)[:4] == ["calderdale", "norfolk", "rutland", "surrey-heath"]


def test_a_missing_attribute_is_skipped_not_treated_as_a_match():
    """Exeter's source gives no student numbers: it is compared on sector, type and rating
    only, and its distance is what those alone give, not a perfect size."""
    index = catalogue.current()
    exeter = index.position(CaseStudy.objects.get(slug="exeter-college").pk)
    mine = Profile("education", "fe-college", None, "students", 9_000, "good")
    squares, weights, compared = peers.differences(index, mine)
    assert compared[exeter] == 3  # sector, type, rating: not size, not region
    assert weights[exeter] == sum(peers.WEIGHTS[name] for name in ("sector", "type", "rating"))
    assert squares[exeter] == 0  # the same on all three


def test_a_body_known_only_by_its_region_is_not_a_perfect_match(case_study):
    """Compared on the region alone (a body outside the three sectors, no size, no rating),
    it would be at distance 0; it carries too little of the profile's weight to be compared."""
    from casebase.content.changes import content_changed

    organisation = case_study.organisation
    organisation.type = OrganisationType.objects.get(slug="think-tank")
    organisation.region = "yorkshire-and-the-humber"
    organisation.save()
    content_changed()
    trust = Profile("healthcare", "nhs-acute-trust", "yorkshire-and-the-humber", "staff", 15_000)
    assert case_study.slug not in nearest_slugs(trust, stop=50)
    assert nearest_slugs(trust)[0] == "leeds-teaching-hospitals"
    # Described by its region alone, it is compared (all the weight given is covered).
    assert case_study.slug in nearest_slugs(Profile(region="yorkshire-and-the-humber"), stop=50)


def test_nothing_in_common_is_not_a_peer():
    index = catalogue.current()
    found, total = peers.nearest(index, Profile(), 10)
    assert (found, total) == ([], 0)


def test_ties_go_to_more_attributes_compared_then_catalogue_order():
    # Healthcare only: every healthcare case study is at distance 0; those with a known size
    # and rating are not compared on them (the profile has neither), so all tie on one
    # attribute and follow the catalogue's order.
    ranked = nearest_slugs(Profile(sector="healthcare"), stop=5)
    healthcare = list(
        CaseStudy.objects.published()
        .filter(organisation__type__sector__slug="healthcare")
        .order_by("organisation__name", "title")
        .values_list("slug", flat=True)
    )
    assert ranked[: len(healthcare)] == healthcare


# --- The page ------------------------------------------------------------------------------


def test_the_form_alone_answers_200_without_results(client):
    response = client.get("/like-mine/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<form method="get" action="/like-mine/"' in html
    assert "cb-result" not in html


def test_a_description_finds_the_most_alike_with_why_and_what_happened(client):
    response = client.get("/like-mine/", LEEDS_LIKE)
    assert response.status_code == 200
    rows = alike_rows(response.content.decode())
    assert rows[0] == (
        "leeds-teaching-hospitals",
        "Also an NHS acute trust; more than 21,000 staff against your 15,000; "
        "also started from ‘requires improvement’.",
    )
    html = response.content.decode()
    assert "CQC" in html  # what happened: its results, as in the catalogue


def test_the_url_holds_the_whole_state_and_pages_on(client):
    response = client.get("/like-mine/", LEEDS_LIKE)
    html = response.content.decode()
    assert 'value="15000"' in html and 'value="healthcare" checked' in html
    first = alike_rows(html)
    assert len(first) == 10
    following = re.search(r'href="\?([^"]+)#results">The next', html).group(1)
    second = alike_rows(
        client.get("/like-mine/?" + following.replace("&amp;", "&")).content.decode()
    )
    assert second and not {slug for slug, _ in second} & {slug for slug, _ in first}


def test_naming_an_organisation_finds_its_peers_without_itself(client):
    for name in (
        "Leeds Teaching Hospitals NHS Trust",
        "LTHT",
        "leeds-teaching-hospitals-nhs-trust",
    ):
        html = client.get("/like-mine/", {"organisation": name}).content.decode()
        rows = alike_rows(html)
        assert rows and "leeds-teaching-hospitals" not in [slug for slug, _ in rows]
        assert "Like Leeds Teaching Hospitals NHS Trust" in html


@pytest.mark.parametrize(
    "query, messages",
    [
        (
            {"organisation": "Nowhere Trust"},
            ["Casebase has no organisation called “Nowhere Trust”"],
        ),
        ({"rating": "good"}, ["Choose your sector, or name an organisation Casebase has"]),
        ({"sector": "healthcare", "size": "lots"}, ["Enter your size as a whole number"]),
        (
            {"sector": "healthcare", "size": "15000"},
            ["Choose what your size counts, such as staff"],
        ),
        ({"sector": "healthcare", "measure": "staff"}, ["Enter how many"]),
        ({"sector": "healthcare", "size": "0", "measure": "staff"}, ["must be 1 or more"]),
        (
            {"sector": "education", "type": "gp-practice"},
            ["GP practice is not a type in the sector"],
        ),
        ({"sector": "space"}, ["Select a valid choice"]),
        ({"sector": "healthcare", "region": "Atlantis"}, ["Select a valid choice"]),
        (
            {"sector": "education", "type": "gp-practice", "size": "x"},
            ["GP practice is not a type", "Enter your size as a whole number"],
        ),
    ],
)
def test_bad_input_is_explained_with_a_400_and_the_form_kept(client, query, messages):
    response = client.get("/like-mine/", query)
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html and "<title>Error:" in html
    for message in messages:
        assert message in html
    assert "cb-result" not in html


def test_the_form_submitted_empty_is_bad_input(client):
    # As a browser sends the form with nothing chosen: every field but the radios, blank.
    empty = dict.fromkeys(("organisation", "type", "measure", "size", "region", "rating"), "")
    response = client.get("/like-mine/", empty)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'href="#id_sector_0">Choose your sector' in html and 'id="id_sector_0"' in html


def test_the_link_to_the_next_page_says_how_many_it_shows(client):
    html = client.get("/like-mine/", LEEDS_LIKE).content.decode()
    total = int(re.search(r"of the (\d+) case studies", html).group(1))
    assert total > 10
    left = min(10, total - 10)
    words = "The next most alike" if left == 1 else f"The next {left} most alike"
    assert f'#results">{words}</a>' in html
    last_page = client.get("/like-mine/", {**LEEDS_LIKE, "page": str(-(-total // 10))})
    assert "The next" not in last_page.content.decode()


def test_a_page_out_of_range_shows_the_first(client):
    response = client.get("/like-mine/", {**LEEDS_LIKE, "page": "999"})
    assert response.status_code == 200
    assert alike_rows(response.content.decode())[0][0] == "leeds-teaching-hospitals"


def test_the_page_costs_a_fixed_number_of_queries(client, django_assert_num_queries):
    client.get("/like-mine/", LEEDS_LIKE)  # the index built, page 1's rows kept
    with django_assert_num_queries(7):  # page 2's rows rendered: 3 more, as in the catalogue
        client.get("/like-mine/", {**LEEDS_LIKE, "page": "2"})
    for page in ("1", "2"):
        with django_assert_num_queries(4):  # version, types, ids of the organisations, figures
            client.get("/like-mine/", {**LEEDS_LIKE, "page": page})
    with django_assert_num_queries(6):  # and the organisation named, with its case studies
        client.get("/like-mine/", {"organisation": "Rutland County Council"})


# --- Drafts --------------------------------------------------------------------------------


def test_drafts_are_never_peers_nor_named(client):
    study = CaseStudy.objects.get(slug="leeds-teaching-hospitals")
    study.status = Status.DRAFT
    saved(study)
    rows = alike_rows(client.get("/like-mine/", LEEDS_LIKE).content.decode())
    assert "leeds-teaching-hospitals" not in [slug for slug, _ in rows]
    organisation = Organisation.objects.get(slug="rutland-county-council")
    organisation.status = Status.DRAFT
    saved(organisation)
    response = client.get("/like-mine/", {"organisation": "Rutland County Council"})
    assert response.status_code == 400
    html = client.get("/case-studies/norfolk/").content.decode()
    assert "/case-studies/rutland/" not in html


def test_a_figure_from_an_unpublished_source_is_not_shown_as_a_reason(client):
    fact = OrganisationFact.objects.get(
        organisation__slug="leeds-teaching-hospitals-nhs-trust", kind="staff"
    )
    fact.source.status = Status.DRAFT
    saved(fact.source)
    rows = dict(alike_rows(client.get("/like-mine/", LEEDS_LIKE).content.decode()))
    assert "21,000" not in rows.get("leeds-teaching-hospitals", "")


# --- Organisations like this one -----------------------------------------------------------


def short_list(html: str) -> list[str]:
    block = re.search(r'id="alike-heading".*?</aside>', html, re.S)
    return (
        re.findall(r'<li><a class="govuk-link" href="/case-studies/([^/]+)/"', block.group(0))
        if block
        else []
    )


def test_the_case_study_page_lists_organisations_like_this_one(client):
    html = client.get("/case-studies/rutland/").content.decode()
    listed = short_list(html)
    assert len(listed) == 3 and "rutland" not in listed
    assert set(listed) <= {"norfolk", "surrey-heath", "calderdale"}
    assert "against 41,000 here" in html
    assert 'href="/like-mine/?organisation=rutland-county-council#results"' in html


def test_the_organisation_page_lists_organisations_like_this_one(client):
    html = client.get("/organisations/oldham-college/").content.decode()
    listed = short_list(html)
    assert listed and "oldham-college" not in listed
    assert listed[0] == "exeter-college"  # the other further education college


def test_a_preview_of_a_draft_has_no_short_list(admin_client):
    study = CaseStudy.objects.get(slug="rutland")
    CaseStudy.objects.filter(pk=study.pk).update(status=Status.DRAFT)
    html = admin_client.get(f"/preview/case-studies/{study.slug}/").content.decode()
    assert 'id="alike-heading"' not in html


def test_like_mine_survives_the_page_cache(client, settings):
    settings.PAGE_CACHE_SECONDS = 60
    first = client.get("/like-mine/", LEEDS_LIKE)
    again = client.get("/like-mine/", LEEDS_LIKE)
    assert alike_rows(first.content.decode())[0][0] == "leeds-teaching-hospitals"
    assert alike_rows(again.content.decode()) == alike_rows(first.content.decode())
