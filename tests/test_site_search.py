"""Search everything (/search/): every kind of published record, grouped by kind with counts, a
passage with the matched words marked (never a stop word), drafts never, bad input explained,
one kind a page at a time, and the documents following every change."""

import re

import pytest
from django.urls import reverse

from casebase.catalogue import sitewide
from casebase.content.models import (
    CaseStudy,
    Finding,
    Organisation,
    OrganisationType,
    Person,
    SiteDocument,
    Source,
    Status,
    Testimonial,
)
from tests.helpers import deleted, form_data, saved

pytestmark = pytest.mark.django_db
Kind = SiteDocument.Kind


def search(client, q, **params):
    response = client.get("/search/", {"q": q, **params})
    assert response.status_code == 200
    return response


def groups(response) -> dict[str, object]:
    return {group.kind.value: group for group in response.context["groups"]}


def urls(response, kind: str) -> list[str]:
    return [hit.url for hit in groups(response)[kind].hits]


def text(html) -> str:
    return re.sub(r"<[^>]+>", "", html)


@pytest.mark.parametrize(
    ("q", "kind", "url"),
    [
        ("Oldham College strategic plan", "case-studies", "/case-studies/oldham-college/"),
        ("Oldham", "organisations", "/organisations/oldham-college/"),
        ("Darzi", "people", "/people/lord-darzi/"),
        ("walk the floor", "practices", "/practices/visible-leadership/"),
        ("staff underperformance", "findings", None),
        ("prioritise leadership", "recommendations", "/sectors/education/#recommendations"),
        ("creaking infrastructure", "testimonials", "/sectors/healthcare/#testimonials"),
        ("Social Market Foundation", "sources", None),
    ],
)
def test_each_kind_of_record_is_found_and_linked_where_it_is_shown(client, q, kind, url):
    response = search(client, q)
    found = groups(response)
    assert kind in found, found
    assert found[kind].count >= 1
    if url:
        assert url in urls(response, kind)
        assert f'href="{url}"' in response.content.decode()


def test_darzi_finds_the_lord_and_his_review(client):
    response = search(client, "Darzi")
    found = groups(response)
    assert "/people/lord-darzi/" in urls(response, "people")
    finding = Finding.objects.get(slug="nhs-management-capability-behind-2011")
    assert [hit.url for hit in found["findings"].hits] == [
        f"{finding.sector.get_absolute_url()}#findings"
    ]
    html = response.content.decode()
    assert "People (1)" in html
    assert "Lord <mark>Darzi</mark>" in html


def test_a_source_without_an_address_shows_its_citation(client):
    source = Source.objects.get(slug="the-management-mission")
    assert not source.url
    response = search(client, "Social Market Foundation")
    hit = next(h for h in groups(response)["sources"].hits if "Management Mission" in h.title)
    assert hit.url == ""
    assert "Chartered Management Institute with the Social Market Foundation, 2024" in hit.meta


def test_results_are_grouped_by_kind_with_their_counts(client, case_study):
    saved(case_study.organisation, case_study)
    response = search(client, "Testshire")
    found = groups(response)
    assert list(found) == ["case-studies", "organisations"]  # in the order of Kind
    assert (found["case-studies"].count, found["organisations"].count) == (1, 1)
    html = response.content.decode()
    assert "Case studies (1)" in html and "Organisations (1)" in html
    assert "2 results for “Testshire”" in html


def test_every_word_must_match(client, case_study):
    saved(case_study.organisation, case_study)
    assert search(client, "Testshire").context["groups"]
    assert not search(client, "Testshire Darzi").context["groups"]
    assert "Nothing matches" in search(client, "Testshire Darzi").content.decode()


def test_drafts_withdrawn_records_and_parts_of_unpublished_parents_are_never_found(
    client, organisation, case_study, source
):
    draft = Organisation.objects.create(
        name="Quillmoor Draft Trust",
        slug="quillmoor-draft-trust",
        type=organisation.type,
        status=Status.DRAFT,
    )
    hidden_study = CaseStudy.objects.create(
        title="Quillmoor under a draft organisation",
        slug="quillmoor-study",
        organisation=draft,
        source=source,
        context="Quillmoor.",
        summary="Quillmoor.",
        status=Status.PUBLISHED,
    )
    withdrawn = Person.objects.create(
        name="Quillmoor Person", slug="quillmoor-person", status=Status.WITHDRAWN
    )
    testimonial = Testimonial.objects.create(
        person=withdrawn,
        sector_id=organisation.type.sector_id,
        text="Quillmoor says so.",
        source=source,
        status=Status.PUBLISHED,
    )
    saved(draft, hidden_study, withdrawn, testimonial)
    assert SiteDocument.objects.filter(title__icontains="quillmoor").count() == 0
    response = search(client, "Quillmoor")
    assert response.context["groups"] == []
    assert "Quillmoor" not in text(response.content.decode()).replace("“Quillmoor”", "")


def test_stop_words_are_never_searched_nor_highlighted(client):
    response = search(client, "the leadership of the NHS and its managers")
    html = response.content.decode()
    assert "<mark>" in html
    marked = {word.lower() for word in re.findall(r"<mark>(.*?)</mark>", html)}
    assert marked
    assert not marked & sitewide.STOP_WORDS, marked
    assert not re.search(r"<mark>\s*(the|and|of|its)\s*</mark>", html, flags=re.I)


def test_the_same_records_are_found_with_and_without_stop_words(client):
    with_them = search(client, "the review of the NHS").context["groups"]
    without = search(client, "review NHS").context["groups"]
    assert [(g.kind, g.count) for g in with_them] == [(g.kind, g.count) for g in without]
    assert with_them


def test_titles_and_passages_are_escaped(client, organisation):
    organisation.name = "<script>alert('x')</script> Yarnbury Trust"
    organisation.summary = "Yarnbury <b>bold</b> & more."
    saved(organisation)
    html = search(client, "Yarnbury").content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; <mark>Yarnbury</mark>" in html
    assert "<b>bold</b>" not in html


def test_an_empty_search_shows_the_form_with_a_hint(client):
    response = client.get("/search/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="search-q"' in html and "Type what you are looking for" in html
    assert not response.context["notices"]


@pytest.mark.parametrize(
    ("params", "notice"),
    [
        ({"q": "the and of"}, "only words too common to search for"),
        ({"q": " ".join(["leadership"] * 13)}, "only the first 12 were searched for"),
        ({"q": "Darzi", "kind": "spaceships"}, "“spaceships” is not a kind of record we hold"),
        ({"q": "!!! ???"}, "has no words to search for"),
        ({"q": "Darzi", "kind": "people", "page": "7"}, "There is no page 7"),
    ],
)
def test_bad_input_is_explained_on_the_page(client, params, notice):
    response = client.get("/search/", params)
    assert response.status_code == 200
    assert notice in response.content.decode()


NASTY = ["", " ", "-1", "0", "99999999999999999999999", "\x00", "a\x00b", '"', "%", "_", "\\",
         "'; DROP TABLE content_sitedocument; --", "<script>alert(1)</script>", "NEAR(a b)",
         "title:x", "a* OR b", "{title} : x", "\U0001d518\U0001d52b ✓ ünïcödé",
         "x" * 5000]  # fmt: skip


@pytest.mark.parametrize("value", NASTY, ids=range(len(NASTY)))
def test_any_value_of_any_parameter_is_answered(client, value):
    for params in ({"q": value}, {"q": "leadership", "kind": value}, {"q": value, "page": value}):
        assert client.get("/search/", params).status_code == 200
    assert (
        client.get("/search/", {"q": "leadership", "kind": "people", "page": value}).status_code
        == 200
    )


@pytest.fixture
def many(organisation):
    """25 organisations named Pagingham, 2 of them with "Hall" in their name and the others
    with "hall" in their summary."""
    kind = OrganisationType.objects.get(slug="county-council")
    records = [
        Organisation(
            name=f"Pagingham {'Hall' if number % 10 == 9 else 'Council'} {number:02}",
            slug=f"pagingham-{number}",
            type=kind,
            summary="A council with a hall." if number % 10 != 9 else "",
            status=Status.PUBLISHED,
        )
        for number in range(25)
    ]
    Organisation.objects.bulk_create(records)
    saved(*Organisation.objects.filter(slug__startswith="pagingham-"))
    return records


def test_a_group_shows_its_best_five_and_links_to_all_of_that_kind(client, many):
    response = search(client, "Pagingham hall")
    group = groups(response)["organisations"]
    assert group.count == 25
    names = [text(hit.title) for hit in group.hits]
    # Every word in the title first, then the others in the order they were added.
    assert names == [
        "Pagingham Hall 09",
        "Pagingham Hall 19",
        "Pagingham Council 00",
        "Pagingham Council 01",
        "Pagingham Council 02",
    ]
    html = response.content.decode()
    assert "Show all 25 organisations" in html
    assert "/search/?q=Pagingham+hall&amp;kind=organisations" in html


def test_one_kind_pages_through_all_its_matches_20_a_page(client, many):
    first = search(client, "Pagingham", kind="organisations")
    second = search(client, "Pagingham", kind="organisations", page="2")
    on_first = [text(hit.title) for hit in first.context["page_obj"].object_list]
    on_second = [text(hit.title) for hit in second.context["page_obj"].object_list]
    assert (len(on_first), len(on_second)) == (20, 5)
    assert sorted(on_first + on_second) == sorted(r.name for r in many)
    html = first.content.decode()
    assert 'class="govuk-pagination"' in html
    assert "?q=Pagingham&amp;kind=organisations&amp;page=2" in html


def test_title_matches_come_first_across_pages(client, many):
    titled = search(client, "Pagingham hall", kind="organisations", page="1")
    names = [text(hit.title) for hit in titled.context["page_obj"].object_list]
    assert names[:2] == ["Pagingham Hall 09", "Pagingham Hall 19"]
    assert len(names) == 20 and len(set(names)) == 20
    rest = search(client, "Pagingham hall", kind="organisations", page="2")
    later = [text(hit.title) for hit in rest.context["page_obj"].object_list]
    assert not set(names) & set(later)
    assert len(names) + len(later) == 25


@pytest.mark.parametrize("q", ["Testshire", "leadership", "Pagingham"])
def test_the_page_costs_the_same_queries_however_many_match(
    client, many, case_study, q, django_assert_num_queries
):
    saved(case_study.organisation, case_study)
    # The matches of each kind counted; the best of each kind (or a page of one), by id;
    # their titles, passages and links.
    with django_assert_num_queries(3):
        search(client, q)
    with django_assert_num_queries(3):
        search(client, q, kind="organisations")


def test_no_match_costs_one_query_for_the_counts(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        search(client, "Zzyzzx")
    with django_assert_num_queries(0):
        search(client, "the")


def test_the_index_follows_an_admin_save_and_unpublish(editor_client, client, organisation):
    url = reverse("admin:content_organisation_change", args=[organisation.pk])
    data = form_data(editor_client.get(url))
    data["name"] = "Wolvercote Borough Council"
    assert editor_client.post(url, data).status_code == 302
    assert urls(search(client, "Wolvercote"), "organisations") == [organisation.get_absolute_url()]
    changelist = reverse("admin:content_organisation_changelist")
    editor_client.post(changelist, {"action": "unpublish", "_selected_action": [organisation.pk]})
    assert search(client, "Wolvercote").context["groups"] == []


def test_a_deleted_record_leaves_the_search(client, person):
    saved(person)
    assert "people" in groups(search(client, "Pat Example"))
    deleted(person)
    assert search(client, "Pat Example").context["groups"] == []


def test_the_maintained_documents_equal_a_fresh_build(organisation, case_study, person):
    organisation.name = "Renamed Testshire"
    saved(organisation)
    person.status = Status.DRAFT
    saved(person)
    Source.objects.filter(slug="the-management-mission").update(status=Status.WITHDRAWN)
    saved(Source.objects.get(slug="the-management-mission"))
    fields = ("id", "kind", "object_id", "title", "body", "meta", "url")
    maintained = list(SiteDocument.objects.order_by("id").values_list(*fields))
    sitewide.rebuild()
    assert maintained == list(SiteDocument.objects.order_by("id").values_list(*fields))


def test_the_header_search_box_reaches_the_search(client):
    html = client.get("/").content.decode()
    assert 'action="/search/"' in html
    html = client.get("/case-studies/").content.decode()
    assert 'action="/case-studies/"' in html  # the catalogue keeps its own


def test_the_page_cache_keeps_the_kind_searched_for(client, settings):
    settings.PAGE_CACHE_SECONDS = 60
    response = search(client, "Darzi", kind="people")
    assert response.context["kind"] == Kind.PERSON
    assert "Show all" not in response.content.decode()
