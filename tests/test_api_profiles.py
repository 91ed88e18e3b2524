"""The API's organisations and people by their profile, and organisations like mine (issue 17,
item 8): the filters and their bad values, sizes in the source's words, people with their roles,
the ranked peers as the page ranks them, drafts kept out, pinned queries."""

import html

import pytest

from casebase.catalogue import index as catalogue
from casebase.content import profiles
from casebase.content.models import (
    CaseStudy,
    CaseStudyPerson,
    Organisation,
    OrganisationFact,
    Person,
    Role,
    Source,
    Status,
)
from casebase.site import likeness
from tests.helpers import index_built, saved
from tests.test_api import every_page, many_case_studies  # noqa: F401 (a fixture)
from tests.test_like_mine import LEEDS_LIKE, alike_rows

pytestmark = pytest.mark.django_db

LEEDS = "leeds-teaching-hospitals-nhs-trust"


def slugs(client, url: str) -> list[str]:
    return [row["slug"] for row in every_page(client, url)]


def organisations_where(**lookups) -> set[str]:
    published = Organisation.objects.published().filter(**lookups)
    return set(published.values_list("slug", flat=True))


def band(organisation: Organisation) -> str | None:
    facts = organisation.facts.filter(source__status=Status.PUBLISHED)
    size = profiles.size(organisation, facts)
    return size.band.lower() if size else None


def assert_refused(response, field: str) -> dict:
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert list(body["errors"]) == [field]
    assert body["errors"][field][0] and f"{field}: " in body["detail"]
    assert body["detail"].endswith(".")
    return body


# --- Organisations by their profile ---------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "lookups"),
    [
        ("sector=healthcare", {"type__sector__slug": "healthcare"}),
        (
            "sector=healthcare&sector=education",
            {"type__sector__slug__in": ["healthcare", "education"]},
        ),
        ("type=county-council", {"type__slug": "county-council"}),
        ("region=yorkshire-and-the-humber", {"region": "yorkshire-and-the-humber"}),
        (
            "sector=local-government&region=south-east",
            {"type__sector__slug": "local-government", "region": "south-east"},
        ),
        ("sector=", {}),  # an empty value chooses nothing, as in the catalogue
    ],
)
def test_organisations_filter_by_sector_type_and_region(client, query, lookups):
    found = slugs(client, f"/api/organisations/?{query}")
    assert set(found) == organisations_where(**lookups)
    assert len(found) == len(set(found)), "each organisation once"
    if lookups:
        assert found


def test_the_filters_are_what_the_organisations_index_shows(client):
    for query in ("sector=healthcare", "type=county-council&region=north-west"):
        page = client.get(f"/organisations/?{query}")
        shown = {o.slug for o in page.context["page_obj"].paginator.object_list}
        assert set(slugs(client, f"/api/organisations/?{query}")) == shown


@pytest.mark.parametrize("size", ["small", "medium", "large"])
def test_the_size_band_is_the_band_of_the_figure_by_its_sectors_rules(client, size):
    found = set(slugs(client, f"/api/organisations/?size={size}"))
    expected = {o.slug for o in Organisation.objects.published() if band(o) == size}
    assert found == expected
    assert {
        row["size"]["band"] for row in every_page(client, f"/api/organisations/?size={size}")
    } <= {size}


def test_the_size_band_in_sql_is_the_same_on_organisation_and_case_study_rows():
    on_organisations = dict(
        Organisation.objects.annotate(band=profiles.organisation_size_band_sql()).values_list(
            "pk", "band"
        )
    )
    assert set(on_organisations.values()) >= {"small", "medium", "large", None}
    for organisation in Organisation.objects.all():
        assert on_organisations[organisation.pk] == band(organisation), organisation.slug
    studies = CaseStudy.objects.annotate(band=profiles.size_band_sql())
    for study in studies:
        assert study.band == on_organisations[study.organisation_id], study.slug


def test_an_organisation_carries_its_size_in_the_sources_words(client):
    body = client.get(f"/api/organisations/{LEEDS}/").json()
    assert body["size"] == {
        "kind": "staff",
        "value": 21000,
        "qualifier": "more_than",
        "period": None,  # the source gives no year
        "band": "large",
        "in_words": "more than 21,000 staff",
    }
    listed = next(row for row in every_page(client, "/api/organisations/") if row["slug"] == LEEDS)
    assert listed["size"] == body["size"]
    assert client.get("/api/organisations/nhs-england/").json()["size"] is None


def test_a_figure_from_a_draft_source_gives_no_size(client, organisation):
    draft = Source.objects.create(
        title="A draft report", slug="a-draft-report", kind="report", status=Status.DRAFT
    )
    OrganisationFact.objects.create(
        organisation=organisation, kind="population_served", value=900_000, source=draft
    )
    assert client.get(f"/api/organisations/{organisation.slug}/").json()["size"] is None
    assert organisation.slug not in slugs(client, "/api/organisations/?size=large")


@pytest.mark.parametrize(
    ("field", "value"),
    [("ods_code", "RR8"), ("gss_code", "E08000035"), ("ukprn", "10004927")],
)
def test_organisations_filter_by_national_identifier_exactly(client, field, value):
    Organisation.objects.filter(slug=LEEDS).update(**{field: value})
    assert slugs(client, f"/api/organisations/?{field}={value}") == [LEEDS]
    other = value[:-1] + ("9" if value[-1] != "9" else "8")
    assert slugs(client, f"/api/organisations/?{field}={other}") == []
    assert client.get(f"/api/organisations/{LEEDS}/").json()[field] == value


def test_a_draft_organisation_is_not_found_by_any_filter(client):
    Organisation.objects.filter(slug=LEEDS).update(ods_code="RR8", status=Status.DRAFT)
    for query in (
        "ods_code=RR8",
        "sector=healthcare",
        "size=large",
        "region=yorkshire-and-the-humber",
    ):
        assert LEEDS not in slugs(client, f"/api/organisations/?{query}")


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("sector=atlantis", "sector", "atlantis is not one of the available choices"),
        ("type=castle", "type", "castle is not one of the available choices"),
        ("region=mars", "region", "mars is not one of the available choices"),
        ("size=huge", "size", "huge is not one of the available choices"),
        ("ods_code=rr8", "ods_code", "This is not a valid NHS ODS code: 3 to 6 capital letters"),
        ("gss_code=E0800", "gss_code", "This is not a valid ONS GSS code"),
        ("ukprn=22345678", "ukprn", "This is not a valid UKPRN: 8 digits starting with 1"),
        ("ukprn=1%002345678", "ukprn", "This is not a valid UKPRN"),
    ],
)
def test_a_bad_organisation_filter_is_400_saying_what_is_wrong(client, query, field, message):
    body = assert_refused(client.get(f"/api/organisations/?{query}"), field)
    assert message in body["errors"][field][0]


# --- People ---------------------------------------------------------------------------------


def test_people_are_every_published_person_a_to_z(client):
    rows = every_page(client, "/api/people/")
    published = Person.objects.published()
    assert {row["slug"] for row in rows} == set(published.values_list("slug", flat=True))
    names = [row["name"] for row in rows]
    assert names == sorted(names, key=str.upper)


def test_a_person_carries_their_published_roles_as_at_the_time_of_the_report(client):
    role = Role.objects.published().filter(organisation__isnull=False).first()
    body = client.get(f"/api/people/{role.person.slug}/").json()
    assert body["url"] == f"http://testserver/people/{role.person.slug}/"
    shown = next(row for row in body["roles"] if row["title"] == role.title)
    assert shown["organisation"] == role.organisation.slug
    assert shown["organisation_name"] == role.organisation.name
    assert (shown["start_year"], shown["end_year"]) == (role.start_year, role.end_year)
    assert shown["is_current"] == role.is_current
    assert shown["as_reported"].endswith(f"at the time of the report, {role.source.year}")


@pytest.mark.parametrize(
    "query",
    [
        "sector=healthcare",
        "sector=education&sector=local-government",
        "type=fe-college",
        "region=north-west",
        "sector=healthcare&region=yorkshire-and-the-humber",
    ],
)
def test_people_filter_as_the_index_of_people_does(client, query):
    page = client.get(f"/people/?{query}")
    shown = {person.slug for person in page.context["page_obj"].paginator.object_list}
    found = slugs(client, f"/api/people/?{query}")
    assert set(found) == shown and shown
    assert len(found) == len(set(found))


def test_people_are_found_by_their_roles_organisations(client, organisation, person, source):
    Organisation.objects.filter(pk=organisation.pk).update(region="wales")
    Role.objects.create(
        person=person, title="Chief Executive", organisation=organisation, source=source
    )
    assert "pat-example" in slugs(client, "/api/people/?region=wales&type=county-council")
    assert "pat-example" not in slugs(client, "/api/people/?region=wales&type=fe-college")


def test_draft_people_roles_and_organisations_stay_out(client, organisation, person, source):
    """A role is public when its person, its source and its organisation are."""
    draft_source = Source.objects.create(
        title="A draft report", slug="a-draft-report", kind="report", status=Status.DRAFT
    )
    role = Role.objects.create(
        person=person, title="Chief Executive", organisation=organisation, source=draft_source
    )
    Organisation.objects.filter(pk=organisation.pk).update(region="wales")
    assert client.get("/api/people/pat-example/").json()["roles"] == []
    assert "pat-example" not in slugs(client, "/api/people/?region=wales")
    Role.objects.filter(pk=role.pk).update(source=source)
    assert client.get("/api/people/pat-example/").json()["roles"]
    assert "pat-example" in slugs(client, "/api/people/?region=wales")
    Organisation.objects.filter(pk=organisation.pk).update(status=Status.DRAFT)
    assert client.get("/api/people/pat-example/").json()["roles"] == []
    assert "pat-example" not in slugs(client, "/api/people/?region=wales")
    Person.objects.filter(pk=person.pk).update(status=Status.DRAFT)
    assert "pat-example" not in slugs(client, "/api/people/")
    assert client.get("/api/people/pat-example/").status_code == 404


def test_a_person_in_a_draft_case_study_is_not_found_through_it(client, case_study, person):
    Organisation.objects.filter(pk=case_study.organisation_id).update(region="wales")
    CaseStudyPerson.objects.create(case_study=case_study, person=person, involvement="Led it.")
    assert "pat-example" in slugs(client, "/api/people/?region=wales")
    case_study.status = Status.DRAFT
    case_study.save()
    assert "pat-example" not in slugs(client, "/api/people/?region=wales")


@pytest.mark.parametrize(
    ("query", "field"),
    [("sector=atlantis", "sector"), ("type=castle", "type"), ("region=mars", "region")],
)
def test_a_bad_people_filter_is_400_saying_what_is_wrong(client, query, field):
    body = assert_refused(client.get(f"/api/people/?{query}"), field)
    assert "is not one of the available choices" in body["errors"][field][0]


def test_an_unknown_person_is_a_404_naming_the_list(client):
    response = client.get("/api/people/nobody/")
    assert response.status_code == 404
    assert "/api/people/" in response.json()["detail"]


# --- Organisations like mine ----------------------------------------------------------------


def page_rows(client, params: dict) -> list[tuple[str, str]]:
    response = client.get("/like-mine/", params)
    assert response.status_code == 200
    return [(slug, html.unescape(why)) for slug, why in alike_rows(response.content.decode())]


def api_rows(body: dict) -> list[tuple[str, str]]:
    return [(row["case_study"]["slug"], row["why"]) for row in body["results"]]


@pytest.mark.parametrize(
    "params",
    [
        LEEDS_LIKE,
        {"sector": "local-government", "measure": "population_served", "size": "50000"},
        {"sector": "education", "type": "fe-college", "rating": "requires-improvement"},
        {"sector": "healthcare", "region": "north-west"},
        {"organisation": "Leeds Teaching Hospitals NHS Trust"},
        {"organisation": "rutland-county-council"},
        {"organisation": "LTHT"},
    ],
)
def test_like_mine_ranks_as_the_page_does_with_the_same_reasons(client, params):
    body = client.get("/api/like-mine/", params).json()
    assert api_rows(body) == page_rows(client, params)
    assert body["results"]
    distances = [row["distance"] for row in body["results"]]
    assert distances == sorted(distances)
    assert all(row["attributes_compared"] >= 1 for row in body["results"])


def test_like_mine_pages_ten_at_a_time_as_the_page_does(client, settings):
    params = {"sector": "healthcare"}
    first = client.get("/api/like-mine/", params).json()
    second = client.get("/api/like-mine/", {**params, "page": 2}).json()
    assert len(first["results"]) == likeness.PAGE_SIZE
    assert first["count"] == min(first["compared"], likeness.PAGE_SIZE * likeness.MAX_PAGES)
    assert "page=2" in first["next"] and "sector=healthcare" in first["next"]
    assert api_rows(second) == page_rows(client, {**params, "page": 2})
    assert not {row[0] for row in api_rows(first)} & {row[0] for row in api_rows(second)}


def test_a_like_mine_result_names_its_case_study_and_organisation(client):
    top = client.get("/api/like-mine/", LEEDS_LIKE).json()["results"][0]
    assert top["case_study"]["slug"] == "leeds-teaching-hospitals"
    assert top["case_study"]["url"] == "http://testserver/case-studies/leeds-teaching-hospitals/"
    assert top["case_study"]["title"]
    assert top["organisation"] == {"slug": LEEDS, "name": "Leeds Teaching Hospitals NHS Trust"}
    assert top["why"].startswith("Also an NHS acute trust; more than 21,000 staff against your")
    assert top["attributes_compared"] == 4 and 0 <= top["distance"] < 0.1


def test_an_organisation_named_is_not_its_own_peer(client):
    body = client.get("/api/like-mine/", {"organisation": "Leeds Teaching Hospitals NHS Trust"})
    assert "leeds-teaching-hospitals" not in {row[0] for row in api_rows(body.json())}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({}, "sector"),
        ({"sector": "atlantis"}, "sector"),
        ({"sector": "healthcare", "type": "county-council"}, "type"),
        ({"sector": "healthcare", "size": "lots", "measure": "staff"}, "size"),
        ({"sector": "healthcare", "size": "15000"}, "measure"),
        ({"sector": "healthcare", "measure": "staff"}, "size"),
        ({"sector": "healthcare", "rating": "brilliant"}, "rating"),
        ({"sector": "healthcare", "region": "mars"}, "region"),
        ({"organisation": "Nowhere Trust"}, "organisation"),
        ({"organisation": "a\x00b"}, "organisation"),
    ],
)
def test_bad_like_mine_input_is_400_with_the_forms_messages(client, params, field):
    body = assert_refused(client.get("/api/like-mine/", params), field)
    form = likeness.LikeMineForm(params, index=catalogue.current())
    assert not form.is_valid()
    assert body["errors"][field] == list(form.errors[field])


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_like_mine_is_read_only(client, method):
    response = getattr(client, method)("/api/like-mine/", data={}, content_type="application/json")
    assert response.status_code == 405


@pytest.mark.parametrize(("page", "status"), [("x", 400), ("0", 404), ("3", 404), ("11", 404)])
def test_a_like_mine_page_that_is_not_there_is_a_problem(client, page, status):
    response = client.get("/api/like-mine/", {**LEEDS_LIKE, "page": page})
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"


@pytest.mark.usefixtures("many_case_studies")
def test_like_mine_stops_at_the_pages_the_page_shows(client):
    params = {"sector": "local-government"}
    count = client.get("/api/like-mine/", params).json()["count"]
    assert count <= likeness.PAGE_SIZE * likeness.MAX_PAGES
    last = -(-count // likeness.PAGE_SIZE)
    assert client.get("/api/like-mine/", {**params, "page": last}).status_code == 200
    assert client.get("/api/like-mine/", {**params, "page": last + 1}).status_code == 404


def test_a_draft_case_study_is_never_a_peer(client):
    study = CaseStudy.objects.get(slug="leeds-teaching-hospitals")
    study.status = Status.DRAFT
    saved(study)
    found = api_rows(client.get("/api/like-mine/", LEEDS_LIKE).json())
    assert "leeds-teaching-hospitals" not in {slug for slug, _ in found}
    assert found == page_rows(client, LEEDS_LIKE)


def test_a_draft_organisation_cannot_be_named(client):
    organisation = Organisation.objects.get(slug=LEEDS)
    organisation.status = Status.DRAFT
    saved(organisation)
    assert_refused(client.get("/api/like-mine/", {"organisation": LEEDS}), "organisation")


# --- With the page cache on (as in production) ------------------------------------------------


def test_the_page_cache_keeps_every_new_parameter(client, settings):
    """The cache drops the parameters no page reads before it looks a page up: each of these
    must be one it keeps, or the filter would be silently ignored."""
    settings.PAGE_CACHE_SECONDS = 3600
    Organisation.objects.filter(slug=LEEDS).update(ods_code="RR8", ukprn="10004927")
    for query in ("ods_code=RR8", "ukprn=10004927", "size=large&region=yorkshire-and-the-humber"):
        assert slugs(client, f"/api/organisations/?{query}") == [LEEDS], query
    assert "lynn-dobbs" not in slugs(client, "/api/people/?sector=healthcare")
    named = client.get("/api/like-mine/", {"organisation": "LTHT", "page": "1"}).json()
    assert api_rows(named) == page_rows(client, {"organisation": "LTHT"})


# --- Queries --------------------------------------------------------------------------------

QUERIES = {
    # count; page (with type and sector); their published figures
    "/api/organisations/": 3,
    # the sector chosen (checked by slug); count; page; figures
    "/api/organisations/?sector=healthcare&region=north-west": 4,
    # count (the size band worked out in SQL); page; figures
    "/api/organisations/?size=large&region=yorkshire-and-the-humber&ods_code=": 3,
    # the organisation; its figures; its published case studies
    f"/api/organisations/{LEEDS}/": 3,
    # count; page; their published roles (with organisation and source)
    "/api/people/": 3,
    # the type chosen (checked by slug); count; page; roles
    "/api/people/?type=fe-college&region=north-west": 4,
    # the person; their roles
    "/api/people/lynn-dobbs/": 2,
    # the content version (the catalogue index); the types of organisation (the form's
    # choices); the case studies found with their organisations; their figures (for "why")
    "/api/like-mine/?sector=healthcare&type=nhs-acute-trust&measure=staff&size=15000": 4,
    # as above, with the organisation named (by its name) and its case studies' ids
    "/api/like-mine/?organisation=Leeds+Teaching+Hospitals+NHS+Trust": 6,
}


@pytest.mark.parametrize(("url", "queries"), QUERIES.items())
def test_every_new_endpoint_has_pinned_queries(client, url, queries, django_assert_num_queries):
    index_built()
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/api/organisations/",
        "/api/organisations/?sector=healthcare&region=north-west",
        "/api/people/",
        "/api/like-mine/?sector=healthcare&type=nhs-acute-trust&measure=staff&size=15000",
    ],
)
@pytest.mark.usefixtures("many_case_studies")
def test_queries_stay_the_same_with_many_rows(client, url, source, django_assert_num_queries):
    councils = Organisation.objects.filter(slug__startswith="council-")
    OrganisationFact.objects.bulk_create(
        OrganisationFact(organisation=o, kind="population_served", value=100_000, source=source)
        for o in councils
    )
    people = Person.objects.bulk_create(
        Person(name=f"Person {n}", slug=f"person-{n}", status=Status.PUBLISHED) for n in range(30)
    )
    Role.objects.bulk_create(
        Role(person=p, title="Leader", organisation=o, source=source)
        for p, o in zip(people, councils, strict=False)
    )
    saved(*councils[:1])  # the catalogue index reads the new figures
    index_built()
    with django_assert_num_queries(QUERIES[url]):
        assert client.get(url).status_code == 200
