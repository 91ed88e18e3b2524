"""The indexes of organisations and people (/organisations/, /people/): A to Z, filtered by
sector, type of organisation and region, 20 a page, published records only, and any query
string answered with the page and a sentence about what could not be used."""

import html
import re

import pytest

from casebase.content.models import (
    CaseStudy,
    CaseStudyPerson,
    Organisation,
    OrganisationType,
    Person,
    Role,
    Status,
)
from tests.test_bad_input import NASTY

pytestmark = pytest.mark.django_db

INDEXES = ["/organisations/", "/people/"]


def page(client, url: str, params: dict | None = None) -> str:
    response = client.get(url, params or {})
    assert response.status_code == 200
    return response.content.decode()


def listed(text: str) -> list[str]:
    """The names of the rows, in the order the page lists them."""
    return [
        html.unescape(name)
        for name in re.findall(
            r'<li class="cb-result">\s*<h3[^>]*><a class="govuk-link" href="[^"]+">([^<]+)</a>',
            text,
        )
    ]


def row(text: str, name: str) -> str:
    """The text of one row, tags dropped and spaces collapsed."""
    for item in text.split('<li class="cb-result">')[1:]:
        if f">{name}</a>" in item:
            item = item.split("\n        </li>")[0]
            return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", item)).strip()
    raise AssertionError(f"{name} is not listed")


def filed(name: str) -> str:
    return name.upper().removeprefix("THE ")


def organisation_in(type_slug: str, name: str, *, region: str = "", **fields) -> Organisation:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return Organisation.objects.create(
        name=name,
        slug=slug,
        type=OrganisationType.objects.get(slug=type_slug),
        region=region,
        status=fields.pop("status", Status.PUBLISHED),
        **fields,
    )


# --- Organisations --------------------------------------------------------------------------


def test_the_organisations_index_lists_every_published_organisation_a_to_z_with_the_count(
    client,
):
    text = page(client, "/organisations/")
    published = Organisation.objects.published()
    names = listed(text)
    assert len(names) == published.count() <= 20
    assert set(names) == {organisation.name for organisation in published}
    assert names == sorted(names, key=filed)
    assert f"{published.count()} organisations</h2>" in text


def test_a_to_z_files_a_name_under_its_first_word_after_the(client):
    assert "The Oakwood Surgery" in listed(page(client, "/organisations/", {"letter": "O"}))
    assert "The Oakwood Surgery" not in listed(page(client, "/organisations/", {"letter": "T"}))
    names = listed(page(client, "/organisations/"))
    assert names.index("The Oakwood Surgery") < names.index("Oldham College")


def test_each_organisation_shows_its_type_sector_region_and_published_case_studies(client):
    text = page(client, "/organisations/")
    assert row(text, "Leeds Teaching Hospitals NHS Trust") == (
        "Leeds Teaching Hospitals NHS Trust NHS acute trust · Healthcare · "
        "Yorkshire and the Humber · 1 case study"
    )
    # Outside the three sectors and without a region: neither is shown.
    assert row(text, "Chartered Management Institute") == (
        "Chartered Management Institute Professional body · no case studies"
    )


def test_case_study_counts_count_published_case_studies_only(client, case_study, source):
    text = page(client, "/organisations/")
    assert row(text, "Testshire County Council").endswith("1 case study")
    for status in (Status.DRAFT, Status.WITHDRAWN):
        CaseStudy.objects.filter(pk=case_study.pk).update(status=status)
        text = page(client, "/organisations/")
        assert row(text, "Testshire County Council").endswith("no case studies")


def test_draft_and_withdrawn_organisations_are_never_listed(client):
    organisation_in("county-council", "Draftshire County Council", status=Status.DRAFT)
    organisation_in("county-council", "Withdrawnshire County Council", status=Status.WITHDRAWN)
    for params in ({}, {"letter": "D"}, {"letter": "W"}, {"type": "county-council"}):
        names = listed(page(client, "/organisations/", params))
        assert "Draftshire County Council" not in names
        assert "Withdrawnshire County Council" not in names
    # Nor counted, nor given a letter.
    text = page(client, "/organisations/", {"type": "county-council"})
    count = Organisation.objects.published().filter(type__slug="county-council").count()
    assert f"{count} organisations found</h2>" in text
    assert "letter=W" not in text


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"sector": "healthcare"}, {"type__sector__slug": "healthcare"}),
        (
            {"sector": ["education", "healthcare"]},
            {"type__sector__slug__in": ["education", "healthcare"]},
        ),
        ({"type": "county-council"}, {"type__slug": "county-council"}),
        ({"region": "yorkshire-and-the-humber"}, {"region": "yorkshire-and-the-humber"}),
        (
            {"sector": "healthcare", "region": "yorkshire-and-the-humber"},
            {"type__sector__slug": "healthcare", "region": "yorkshire-and-the-humber"},
        ),
        ({"sector": "education", "type": "county-council"}, {"pk": None}),
    ],
)  # fmt: skip
def test_organisations_are_filtered_by_sector_type_and_region(client, params, expected):
    """Values of one filter combine with OR, different filters with AND."""
    names = listed(page(client, "/organisations/", params))
    wanted = Organisation.objects.published().filter(**expected)
    assert sorted(names) == sorted(organisation.name for organisation in wanted)
    assert wanted.exists() or "No organisation matches all of your choices" in page(
        client, "/organisations/", params
    )


def test_the_region_filter_offers_the_standard_regions_and_shows_their_names(client):
    text = page(client, "/organisations/", {"region": "north-west"})
    for value, label in Organisation.Region.choices:
        assert f'name="region" type="checkbox" value="{value}"' in text
        assert f">{label}</label>" in text
    assert 'value="north-west" checked' in text
    assert 'Remove <span class="govuk-visually-hidden">Region:</span> North West' in text


# --- A to Z and pages -------------------------------------------------------------------------


def test_a_letter_lists_only_the_organisations_filed_under_it(client):
    names = listed(page(client, "/organisations/", {"letter": "n"}))
    assert names == sorted(
        (o.name for o in Organisation.objects.published() if filed(o.name).startswith("N")),
        key=filed,
    )
    assert names


def test_a_to_z_links_only_letters_with_organisations_under_the_filters(client):
    text = page(client, "/organisations/", {"sector": "healthcare"})
    assert 'href="?sector=healthcare&amp;letter=L">L</a>' in text  # Leeds
    assert "letter=C" not in text  # Calderdale is local government
    assert '<span class="cb-meta">C<span class="govuk-visually-hidden">: none</span></span>' in text
    # The chosen letter is marked, and "All" goes back to every letter with the filters kept.
    text = page(client, "/organisations/", {"sector": "healthcare", "letter": "L"})
    assert '<strong aria-current="page">L</strong>' in text
    assert 'href="?sector=healthcare">All' in text


def test_the_index_pages_twenty_at_a_time_and_its_page_links_keep_the_filters(client):
    for number in range(25):
        organisation_in("county-council", f"Zedshire {number:02} County Council")
    params = {"sector": "local-government", "letter": "Z"}
    first = page(client, "/organisations/", params)
    assert "25 organisations found</h2>" in first
    assert listed(first) == [f"Zedshire {number:02} County Council" for number in range(20)]
    assert 'href="?sector=local-government&amp;letter=Z&amp;page=2"' in first
    second = page(client, "/organisations/", {**params, "page": "2"})
    assert listed(second) == [f"Zedshire {number:02} County Council" for number in range(20, 25)]
    assert "(page 2) – Casebase</title>" in second
    # A letter link or a filter's removal starts again from the first page.
    assert "page=2&amp;letter" not in second
    assert 'href="?sector=local-government&amp;letter=A"' not in second  # none under A


# --- What cannot be used ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "notice"),
    [
        ({"sector": "nope"}, "Sector: “nope” is not one of the choices. It was ignored."),
        ({"type": "hospital"}, "Type of organisation: “hospital” is not one of the choices."),
        ({"region": "Leeds"}, "Region: “Leeds” is not one of the choices. It was ignored."),
        ({"letter": "ab"}, "“ab” is not a letter from A to Z. It was ignored."),
        ({"letter": "É"}, "“É” is not a letter from A to Z. It was ignored."),
        ({"page": "abc"}, "“abc” is not a page number; showing page 1 of"),
        ({"page": "9999"}, "There is no page 9999; showing page"),
        ({"page": "-1"}, "“-1” is not a page number; showing page"),
        ({"colour": "red"}, "“colour” is not a filter here and was ignored."),
    ],
)
@pytest.mark.parametrize("url", INDEXES)
def test_what_cannot_be_used_is_ignored_and_the_page_says_so(client, url, params, notice):
    text = page(client, url, params)
    assert "Some of your choices could not be used" in text
    assert notice in text
    assert listed(text)  # the index, unfiltered by what was ignored


def test_a_known_value_beside_an_unknown_one_is_still_used(client):
    text = page(client, "/organisations/", {"sector": ["nope", "education"]})
    assert "“nope” is not one of the choices" in text
    assert set(listed(text)) == {
        o.name for o in Organisation.objects.published().filter(type__sector__slug="education")
    }


def test_a_page_past_the_last_shows_the_last_and_says_so(client):
    for number in range(25):
        organisation_in("county-council", f"Zedshire {number:02} County Council")
    text = page(client, "/organisations/", {"letter": "Z", "page": "7"})
    assert "There is no page 7; showing page 2 of 2." in text
    assert len(listed(text)) == 5


@pytest.mark.parametrize("value", NASTY, ids=range(len(NASTY)))
@pytest.mark.parametrize("name", ["sector", "type", "region", "letter", "page", "unknown"])
@pytest.mark.parametrize("url", INDEXES)
def test_any_value_of_any_parameter_answers_with_the_page(client, url, name, value):
    assert client.get(url, {name: value}).status_code == 200


def test_an_empty_value_chooses_nothing_and_says_nothing(client):
    text = page(client, "/organisations/", {"sector": "", "letter": "", "page": ""})
    assert "could not be used" not in text
    assert len(listed(text)) == Organisation.objects.published().count()


# --- People -------------------------------------------------------------------------------------


def test_the_people_index_lists_published_people_a_to_z_with_the_count(client):
    published = Person.objects.published()
    first = page(client, "/people/")
    second = page(client, "/people/", {"page": "2"})
    names = listed(first) + listed(second)
    assert len(listed(first)) == 20
    by_name = sorted(published, key=lambda person: person.name.upper())
    assert names == [person.full_name for person in by_name]
    assert f"{published.count()} people</h2>" in first


def test_each_person_is_shown_with_their_published_roles_as_at_the_time_of_the_report(client):
    karen = Person.objects.get(slug="karen-james")
    text = page(client, "/people/", {"letter": "K"})
    shown = row(text, karen.full_name)
    for role in Role.objects.published().filter(person=karen).select_related("source"):
        assert role.title in shown
        assert f"at the time of the report, {role.source.year}" in shown
        assert f'href="{role.organisation.get_absolute_url()}"' in text
    assert f'href="{karen.get_absolute_url()}"' in text


def test_draft_people_and_roles_at_draft_organisations_are_never_shown(
    client, person, organisation, source
):
    draft = organisation_in("county-council", "Draftshire County Council", status=Status.DRAFT)
    Role.objects.create(person=person, organisation=draft, title="Hidden chief", source=source)
    Role.objects.create(person=person, organisation=organisation, title="Leader", source=source)
    Person.objects.create(name="Drafty Person", slug="drafty-person", status=Status.DRAFT)
    text = page(client, "/people/", {"letter": "P"})
    assert "Pat Example" in listed(text)
    assert "Leader" in row(text, "Pat Example")
    assert "Hidden chief" not in text
    assert "Draftshire" not in text
    assert "Drafty Person" not in listed(page(client, "/people/", {"letter": "D"}))
    # A role at a draft organisation does not find its person by that organisation either.
    Role.objects.filter(title="Leader").delete()
    assert "Pat Example" not in listed(page(client, "/people/", {"type": "county-council"}))


def test_people_are_found_through_their_roles_and_their_case_studies(
    client, person, organisation, case_study, source
):
    def found(params) -> bool:
        return "Pat Example" in listed(page(client, "/people/", params))

    assert found({"letter": "P"})
    assert not found({"sector": "local-government"})
    CaseStudyPerson.objects.create(case_study=case_study, person=person)
    assert found({"sector": "local-government", "type": "county-council"})
    assert not found({"sector": "healthcare"})
    # Only through a published case study.
    CaseStudy.objects.filter(pk=case_study.pk).update(status=Status.DRAFT)
    assert not found({"sector": "local-government"})
    leeds = Organisation.objects.get(slug="leeds-teaching-hospitals-nhs-trust")
    Role.objects.create(person=person, organisation=leeds, title="Adviser", source=source)
    assert found({"sector": "healthcare", "region": "yorkshire-and-the-humber"})
    assert found({"type": ["county-council", "nhs-acute-trust"]})


def test_one_organisation_of_a_person_must_meet_every_filter(client, person, source):
    """A county council in the East of England and a London trust do not make someone found
    by "a county council in London"."""
    council = organisation_in(
        "county-council", "Eastshire County Council", region="east-of-england"
    )
    trust = organisation_in("nhs-acute-trust", "Capital Hospitals NHS Trust", region="london")
    for organisation in (council, trust):
        Role.objects.create(person=person, organisation=organisation, title="Chair", source=source)
    params = {"type": "county-council", "region": "london"}
    assert "Pat Example" not in listed(page(client, "/people/", params))
    params = {"type": "county-council", "region": "east-of-england", "letter": "P"}
    assert listed(page(client, "/people/", params)) == ["Pat Example"]


# --- Forms, links and costs ---------------------------------------------------------------------


@pytest.mark.parametrize("url", INDEXES)
def test_the_filter_form_works_as_a_plain_get_without_javascript(client, url):
    """What a browser without JavaScript sends: the form's action, its checked boxes by name."""
    text = page(client, url)
    actions = re.findall(r'<form method="get" action="([^"]+)"', text)
    assert url in actions  # the filter form (the header's search box is a form too)
    form = re.search(rf'<form method="get" action="({re.escape(url)})"', text)
    assert '<button type="submit"' in text
    boxes = set(re.findall(r'name="(\w+)" type="checkbox" value="([^"]+)"', text))
    assert {("sector", "healthcare"), ("type", "nhs-acute-trust"), ("region", "london")} <= boxes
    chosen = {"sector": ["healthcare"], "region": ["yorkshire-and-the-humber"]}
    text = page(client, form.group(1), chosen)
    assert 'value="healthcare" checked' in text
    assert 'value="yorkshire-and-the-humber" checked' in text
    assert listed(text)


def test_the_indexes_are_in_the_header_and_the_profiles_breadcrumbs_lead_to_them(client):
    home = page(client, "/")
    assert 'href="/organisations/"' in home and 'href="/people/"' in home
    assert 'href="/organisations/" aria-current="page"' in page(client, "/organisations/")
    organisation = page(client, "/organisations/leeds-teaching-hospitals-nhs-trust/")
    assert '<a class="govuk-breadcrumbs__link" href="/organisations/">Organisations</a>' in (
        organisation
    )
    assert 'href="/organisations/" aria-current="true"' in organisation
    person = page(client, "/people/karen-james/")
    assert '<a class="govuk-breadcrumbs__link" href="/people/">People</a>' in person


# Queries per page: the types of organisation with their sectors (the filters' options), the
# letters that have records under the filters, the count, the page's rows (organisations with
# their type, sector and count of published case studies), and for people their published
# roles with organisation and source.
QUERIES = {
    "/organisations/": 4,
    "/organisations/?sector=healthcare&type=nhs-acute-trust&region=yorkshire-and-the-humber": 4,
    "/organisations/?letter=L&page=9": 4,
    "/organisations/?letter=Q": 3,  # no rows: nothing to read
    "/organisations/?sector=nope&page=abc": 4,
    "/people/": 5,
    "/people/?sector=healthcare&region=north-west&letter=K": 5,  # Karen James, Tameside
    "/people/?type=university&letter=Q": 3,
}


@pytest.mark.parametrize(("url", "queries"), QUERIES.items())
def test_each_index_page_costs_a_pinned_number_of_queries(
    client, url, queries, django_assert_num_queries
):
    with django_assert_num_queries(queries):
        response = client.get(url)
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("url", "queries"), [("/organisations/?letter=Z", 4), ("/people/?letter=Z", 5)]
)
def test_a_full_page_costs_what_one_row_costs(
    client, url, queries, source, django_assert_num_queries
):
    for number in range(30):
        organisation = organisation_in("county-council", f"Zedshire {number:02} County Council")
        person = Person.objects.create(
            name=f"Zed Person {number:02}", slug=f"zed-{number}", status=Status.PUBLISHED
        )
        Role.objects.create(person=person, organisation=organisation, title="Chief", source=source)
    with django_assert_num_queries(queries):
        text = client.get(url).content.decode()
    assert len(listed(text)) == 20
