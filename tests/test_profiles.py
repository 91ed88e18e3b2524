"""Organisation profiles (issue 17, item 1): a standard region, the size the source gives with
its band, the ratings at the start and end of the story, and national identifiers that editors
fill in; shown on the organisation page and, in short, on each case study page."""

import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from casebase.content import profiles
from casebase.content.models import (
    CaseStudy,
    Organisation,
    OrganisationFact,
    Source,
    Status,
)
from tests.helpers import form_data

pytestmark = pytest.mark.django_db


def shown(html: str) -> dict[str, str]:
    """The summary list rows of a page, as text: {key: value}."""
    rows = re.findall(
        r'summary-list__key">([^<]*)</dt>\s*<dd class="govuk-summary-list__value">(.*?)</dd>',
        html,
        re.S,
    )
    return {key.strip(): " ".join(re.sub("<[^>]+>", " ", value).split()) for key, value in rows}


def profile(slug: str):
    organisation = Organisation.objects.select_related("type__sector").get(slug=slug)
    return profiles.size(organisation, OrganisationFact.objects.filter(organisation=organisation))


@pytest.mark.parametrize(
    "slug, kind, band",
    [
        ("leeds-teaching-hospitals-nhs-trust", "staff", "Large"),  # more than 21,000
        ("tameside-and-glossop-integrated-care-nhs-foundation-trust", "staff", "Small"),  # 2,300
        ("the-oakwood-surgery", "registered_patients", "Small"),  # 5,619: no staff figure
        ("norfolk-county-council", "population_served", "Large"),  # 916,000
        ("calderdale-metropolitan-borough-council", "population_served", "Medium"),  # 206,600
        ("rutland-county-council", "population_served", "Small"),  # 41,000
    ],
)
def test_each_organisation_is_banded_by_the_figure_its_sector_is_measured_by(slug, kind, band):
    size = profile(slug)
    assert (size.fact.kind, size.band) == (kind, band)


@pytest.mark.parametrize(
    "slug",
    [
        "exeter-college",  # the source gives no student numbers
        "nhs-england",  # outside the three sectors
    ],
)
def test_no_band_without_a_figure_the_source_gives(slug):
    assert profile(slug) is None


def test_band_boundaries_fall_where_the_method_page_says():
    rule = profiles.SIZE_RULES["local-government"][0]
    assert [rule.band(value) for value in (0, 149_999, 150_000, 499_999, 500_000)] == [
        "Small",
        "Small",
        "Medium",
        "Medium",
        "Large",
    ]
    assert rule.describe() == [
        "Small: under 150,000",
        "Medium: 150,000 to 499,999",
        "Large: 500,000 or more",
    ]


def test_the_latest_period_sizes_an_organisation(source):
    organisation = Organisation.objects.get(
        slug="tameside-and-glossop-integrated-care-nhs-foundation-trust"
    )
    OrganisationFact.objects.create(
        organisation=organisation,
        kind="staff",
        value=Decimal(5_000),
        period="2023-24",
        source=source,
    )
    size = profile(organisation.slug)
    assert (size.fact.period, size.band) == ("2023-24", "Medium")


@pytest.mark.parametrize(
    "slug, start, end",
    [
        ("leeds-teaching-hospitals", ("Requires improvement", 2014), ("Good", 2018)),
        ("tameside-and-glossop", ("Inadequate", 2014), ("Good", None)),
        ("oldham-college", ("Requires improvement", 2017), ("Good", 2018)),
        ("exeter-college", ("Good", 2008), ("Outstanding", None)),
    ],
)
def test_ratings_at_the_start_and_end_come_from_the_storys_inspections(slug, start, end):
    study = CaseStudy.objects.for_catalogue().get(slug=slug)
    first, last = profiles.ratings(study.published_outcomes)
    assert (first.grade, first.year) == start
    assert (last.grade, last.year) == end


def test_a_story_without_inspection_grades_has_no_ratings():
    study = CaseStudy.objects.for_catalogue().get(slug="norfolk")
    assert profiles.ratings(study.published_outcomes) == (None, None)


def test_the_case_study_page_shows_the_profile_in_short(client):
    rows = shown(client.get("/case-studies/leeds-teaching-hospitals/").content.decode())
    assert rows["Type"] == "NHS acute trust"
    assert rows["Size"] == "Staff: more than 21,000. Large for its sector"
    assert rows["Region"].startswith("Yorkshire and the Humber")
    assert rows["Rating at the start"] == "Requires improvement (CQC overall rating, 2014)"
    assert rows["Rating at the end"] == "Good (CQC overall rating, 2018)"


def test_the_organisation_page_shows_the_profile_with_its_identifiers(client):
    organisation = Organisation.objects.get(slug="rutland-county-council")
    Organisation.objects.filter(pk=organisation.pk).update(gss_code="E06000017")
    rows = shown(client.get(organisation.get_absolute_url()).content.decode())
    assert rows["Size"] == "Population served: 41,000. Small for its sector"
    assert rows["Region"] == "East Midlands (Rutland)"
    assert rows["ONS GSS code"] == "E06000017"
    assert "NHS ODS code" not in rows  # never shown empty, never guessed


def test_a_figure_from_an_unpublished_source_sizes_nothing(client):
    Source.objects.filter(facts__organisation__slug="leeds-teaching-hospitals-nhs-trust").update(
        status=Status.DRAFT
    )
    rows = shown(client.get("/case-studies/leeds-teaching-hospitals/").content.decode())
    assert "Size" not in rows


def test_the_method_page_lists_every_sectors_bands(client):
    rows = shown(client.get("/about/evidence/").content.decode())
    assert (
        "Staff: Small: under 3,000; Medium: 3,000 to 9,999; Large: 10,000 or more."
        in (rows["Healthcare"])
    )
    assert "Population served" in rows["Local government"]
    assert "Students" in rows["Education"]


@pytest.mark.parametrize(
    "field, bad, message",
    [
        ("ods_code", "rr8!", "This is not a valid NHS ODS code"),
        ("gss_code", "E0800003", "This is not a valid ONS GSS code"),
        ("ukprn", "20001234", "This is not a valid UKPRN"),
        ("region", "Yorkshire", "Select a valid choice"),
    ],
)
def test_an_editor_gets_a_clear_error_for_a_malformed_profile_value(
    editor_client, field, bad, message
):
    organisation = Organisation.objects.get(slug="leeds-teaching-hospitals-nhs-trust")
    url = f"/admin/content/organisation/{organisation.pk}/change/"
    data = form_data(editor_client.get(url)) | {field: bad}
    response = editor_client.post(url, data)
    assert response.status_code == 200
    assert message in str(response.context["adminform"].form.errors[field])
    organisation.refresh_from_db()
    assert getattr(organisation, field) != bad


def test_an_identifier_belongs_to_one_organisation_only():
    Organisation.objects.filter(slug="norfolk-county-council").update(gss_code="E10000020")
    rutland = Organisation.objects.get(slug="rutland-county-council")
    rutland.gss_code = "E10000020"
    with pytest.raises(ValidationError, match="Another organisation already has this ONS GSS code"):
        rutland.full_clean()


def test_the_database_refuses_a_region_outside_the_standard_list():
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.filter(slug="norfolk-county-council").update(region="Anglia")


def test_the_api_and_downloads_carry_region_and_identifiers(client):
    Organisation.objects.filter(slug="norfolk-county-council").update(gss_code="E10000020")
    answer = client.get("/api/organisations/norfolk-county-council/").json()
    assert (answer["region"], answer["region_name"], answer["area_served"]) == (
        "east-of-england",
        "East of England",
        "Norfolk",
    )
    assert answer["gss_code"] == "E10000020"
    csv = client.get("/case-studies/export.csv", {"region": "east-of-england"})
    text = b"".join(csv.streaming_content).decode() if csv.streaming else csv.content.decode()
    header, *lines = text.splitlines()
    assert "area_served" in header and "organisation_gss_code" in header
    assert any("East of England" in line and "E10000020" in line for line in lines)


# --- Catalogue facets: size band and rating at the start (issue 17, item 2) -------------------


def catalogue_slugs(client, query: dict) -> set[str]:
    html = client.get("/case-studies/", query).content.decode()
    rows = re.findall(r'<li class="cb-result">.*?href="/case-studies/([a-z0-9-]+)/"', html, re.S)
    return set(rows)


def reference(query: dict) -> set[str]:
    from casebase.catalogue.filters import CaseStudyFilter

    found = CaseStudyFilter(query, queryset=CaseStudy.objects.published()).qs
    return set(found.values_list("slug", flat=True))


@pytest.mark.parametrize(
    "query, expected",
    [
        ({"size": "large"}, {"leeds-teaching-hospitals", "norfolk"}),
        ({"size": "medium"}, {"calderdale"}),
        (
            {"started": ["inadequate", "requires-improvement"]},
            {"leeds-teaching-hospitals", "oldham-college", "tameside-and-glossop"},
        ),
        ({"started": "good", "size": "small"}, {"oakwood-surgery"}),
        ({"region": "north-west"}, {"oldham-college", "tameside-and-glossop"}),
    ],
)
def test_the_catalogue_filters_by_size_band_rating_at_the_start_and_region(client, query, expected):
    from django.http import QueryDict

    data = QueryDict(mutable=True)
    for key, value in query.items():
        data.setlist(key, value if isinstance(value, list) else [value])
    assert reference(data) == expected
    assert catalogue_slugs(client, query) == expected


def test_the_new_facets_are_counted_like_the_others(client):
    html = client.get("/case-studies/", {"sector": "healthcare"}).content.decode()
    text = " ".join(re.sub("<[^>]+>", " ", html).split())
    assert "Size for its sector Small (3) Large (1)" in text  # Medium has none: not listed
    assert "Rating at the start Inadequate (1) Requires improvement (1) Good (1)" in text


def test_a_new_figure_moves_a_case_study_to_its_new_band_on_the_next_request(client):
    from tests.helpers import saved

    assert "rutland" not in catalogue_slugs(client, {"size": "medium"})
    fact = OrganisationFact.objects.get(
        organisation__slug="rutland-county-council", kind="population_served"
    )
    fact.value = Decimal(200_000)
    saved(fact)
    assert "rutland" in catalogue_slugs(client, {"size": "medium"})
    assert "rutland" not in catalogue_slugs(client, {"size": "small"})


def test_an_unknown_band_or_rating_is_explained_not_an_error(client):
    response = client.get("/case-studies/", {"size": "huge", "started": "terrible"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "huge" in html and "terrible" in html  # named in the notice of what was ignored
    api = client.get("/api/case-studies/", {"size": "huge"})
    assert api.status_code == 400
