"""The readers' pages: each answers, says what it is, costs a fixed number of queries, and
shows published records only."""

import re
from collections import defaultdict

import pytest
from django.core.paginator import Paginator
from django.http import QueryDict
from django.urls import reverse
from django.utils.html import escape

from casebase.catalogue.filters import Facet, Option
from casebase.content import grading
from casebase.content.models import (
    CaseStudy,
    Contribution,
    Organisation,
    Outcome,
    Person,
    Practice,
    Quote,
    Role,
    Status,
)
from casebase.loading.synthetic import generate_synthetic
from casebase.site.templatetags.casebase import facet_filter
from casebase.site.views import page_links
from tests.helpers import index_built

pytestmark = pytest.mark.django_db

# Queries per page. Pages that count or list case studies read the content version first (the
# catalogue index, built once per change to content, is counted in test_catalogue_index).
# A catalogue page: the version, the page of rows and their published practices and outcomes;
# the facet counts and checking the chosen facets against the index cost nothing; a search + 1
# for its matches (with those that have every word in their title), + 1 for each further level
# of its ranking the page reads to fill itself (at most 2: see search.LEVELS; here the
# compendium has too few "leadership" titles for a page), and + 1 for the page's highlighted
# passages.
PAGES = {
    "/": 4,  # version, sectors, themes with counts, headline findings
    "/case-studies/": 4,
    "/case-studies/?region=Norfolk": 4,  # one row: the same queries
    "/case-studies/?sort=outcomes": 4,
    "/case-studies/?sort=recent&page=2": 4,
    "/case-studies/?q=leadership": 8,
    "/case-studies/?q=leadership&practice=visible-leadership&practice=flat-structure"
    "&sector=healthcare": 8,
    "/case-studies/?q=nothing-matches-this": 2,  # no rows: nothing to fetch for them
    # study, 6 prefetches (with corrections), roles, the grades of the charts' scales, the
    # version and the related case studies
    # With its organisation's figures, and organisations like it (their titles and figures).
    "/case-studies/leeds-teaching-hospitals/": 14,
    "/case-studies/norfolk/": 13,  # no graded result: no grades to fetch
    "/practices/": 3,  # version, themes, their practices
    # practice, version, applications, outcomes, credits (the credited results counted explicit
    # apart from general come from the catalogue index)
    "/practices/visible-leadership/": 5,
    "/practices/peer-learning/": 5,
    "/sectors/healthcare/": 9,
    "/sectors/education/": 9,
    "/organisations/leeds-teaching-hospitals-nhs-trust/": 9,  # with organisations like it
    "/people/karen-james/": 5,
    "/people/lord-darzi/": 5,
    "/evidence-map/": 3,  # version, columns, practices with themes
    "/about/evidence/": 3,  # results counted by grade, the sources, sectors' size bands
    "/evidence-map/?by=outcome": 3,
}


def one_h1(html: str) -> str:
    headings = re.findall(r"<h1[^>]*>(.*?)</h1>", html, flags=re.S)
    assert len(headings) == 1, headings
    return re.sub(r"<[^>]+>|\s+", " ", headings[0]).strip()


def title(html: str) -> str:
    return re.search(r"<title>(.*?)</title>", html, flags=re.S).group(1).strip()


@pytest.mark.parametrize(("url", "queries"), PAGES.items())
def test_every_page_answers_with_one_h1_a_title_and_pinned_queries(
    client, url, queries, django_assert_num_queries
):
    index_built()
    with django_assert_num_queries(queries):
        response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    heading = one_h1(html)
    assert title(html).endswith("– Casebase")
    assert title(html) != "Casebase – Casebase"
    assert heading


def test_the_case_study_page_costs_the_same_for_a_long_and_a_short_story(
    client, django_assert_num_queries
):
    longest = max(CaseStudy.objects.all(), key=lambda study: study.applications.count())
    shortest = min(CaseStudy.objects.all(), key=lambda study: study.applications.count())
    assert longest.applications.count() > 2 * shortest.applications.count()
    index_built()
    for study in (longest, shortest):
        with django_assert_num_queries(14):  # both have graded results
            client.get(study.get_absolute_url())


def test_the_case_study_page_gives_its_people_s_roles_at_its_organisation_only(client):
    study = CaseStudy.objects.published().get(slug="leeds-teaching-hospitals")
    person = study.participants.filter(person__status=Status.PUBLISHED).first().person
    elsewhere = Organisation.objects.published().exclude(pk=study.organisation_id).first()
    for organisation, title in [(study.organisation, "Role here"), (elsewhere, "Role elsewhere")]:
        Role.objects.create(
            person=person, organisation=organisation, title=title, source=study.source
        )
    page = client.get(study.get_absolute_url()).content.decode()
    assert "Role here" in page
    assert "Role elsewhere" not in page


@pytest.mark.parametrize(
    "url",
    [
        "/case-studies/no-such-study/",
        "/practices/no-such-practice/",
        "/sectors/no-such-sector/",
        "/organisations/no-such-organisation/",
        "/people/no-such-person/",
    ],
)
def test_unknown_slugs_are_404(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_drafts_are_404_whatever_the_parameters(client):
    study = CaseStudy.objects.get(slug="norfolk")
    CaseStudy.objects.filter(pk=study.pk).update(status=Status.DRAFT)
    for suffix in ("", "?preview=1", "?status=draft"):
        assert client.get(study.get_absolute_url() + suffix).status_code == 404
    Person.objects.filter(slug="tom-mccabe").update(status=Status.DRAFT)
    assert client.get("/people/tom-mccabe/").status_code == 404
    Practice.objects.filter(slug="peer-learning").update(status=Status.DRAFT)
    assert client.get("/practices/peer-learning/").status_code == 404


def test_a_draft_organisation_hides_its_case_study_everywhere(client):
    Organisation.objects.filter(slug="rutland-county-council").update(status=Status.DRAFT)
    assert client.get("/organisations/rutland-county-council/").status_code == 404
    assert client.get("/case-studies/rutland/").status_code == 404
    for url in (
        "/",
        "/case-studies/",
        "/case-studies/?q=Rutland",
        "/sectors/local-government/",
        "/practices/devolved-autonomy/",
        "/case-studies/calderdale/",
        "/people/mark-andrews/",
    ):
        page = client.get(url).content.decode()
        assert "/case-studies/rutland/" not in page, url
        assert "Rutland County Council" not in page, url


def test_a_draft_quote_is_not_shown_on_its_case_study(client):
    quote = Quote.objects.filter(case_study__slug="leeds-teaching-hospitals").first()
    shown = escape(quote.text[:40])
    assert shown in client.get("/case-studies/leeds-teaching-hospitals/").content.decode()
    Quote.objects.filter(pk=quote.pk).update(status=Status.DRAFT)
    assert shown not in client.get("/case-studies/leeds-teaching-hospitals/").content.decode()


def test_bad_parameters_are_explained_not_errors(client):
    response = client.get(
        "/case-studies/?practice=nope&year_from=abc&sort=sideways&page=999&colour=blue"
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Some of your choices could not be used" in page
    assert "nope is not one of the available choices" in page
    assert "Enter a whole number." in page or "Enter a number." in page
    assert "“sideways” is not a way to sort" in page
    assert "“colour” is not a filter here" in page
    assert "11 case studies" in page


def test_pagination_links_keep_the_filters(client, settings):
    from casebase.site import views

    views.CaseStudyListView.paginate_by = 4
    try:
        page = client.get("/case-studies/?sector=healthcare&sector=education&sort=recent").content
    finally:
        views.CaseStudyListView.paginate_by = views.PAGE_SIZE
    links = re.findall(r'href="(\?[^"]*page=2[^"]*)"', page.decode())
    assert links
    assert all(
        "sector=healthcare" in link and "sector=education" in link and "sort=recent" in link
        for link in links
    )


def test_page_links_change_the_page_and_keep_every_other_choice():
    page = Paginator(range(200), 10).get_page(5)
    links = page_links(page, QueryDict("page=5&sector=a&sector=b&q=x y"))
    assert links.previous == "?sector=a&sector=b&q=x+y&page=4"
    assert links.next == "?sector=a&sector=b&q=x+y&page=6"
    assert links.numbers[0] == (1, "?sector=a&sector=b&q=x+y&page=1")
    assert [number for number, link in links.numbers if not link] == [Paginator.ELLIPSIS] * 2
    first = page_links(Paginator(range(200), 10).get_page(1), QueryDict())
    assert (first.previous, first.next) == (None, "?page=2")


def test_removing_one_choice_keeps_the_others(client):
    page = client.get("/case-studies/?sector=healthcare&practice=flat-structure").content.decode()
    removal = re.search(r'href="([^"]*)">Remove <span class="govuk-visually-hidden">Sector:', page)
    assert removal.group(1).replace("&amp;", "&") == "?practice=flat-structure"


def test_search_shows_the_matching_passage_with_the_words_marked(client):
    page = client.get("/case-studies/?q=visible+leadership").content.decode()
    assert "<mark>visible</mark>" in page.lower()
    assert page.index("Norfolk") < page.index("Oldham") if "Oldham" in page else True


def test_search_never_lets_the_text_inject_markup(client):
    study = CaseStudy.objects.get(slug="norfolk")
    study.context = "Zanzibar <script>alert(1)</script> zanzibar"
    study.save()
    from casebase.catalogue import search

    search.refresh([study.pk])
    page = client.get("/case-studies/?q=zanzibar").content.decode()
    passage = re.search(r'<p class="govuk-body cb-passage">(.*?)</p>', page, flags=re.S).group(1)
    assert "<mark>zanzibar</mark>" in passage.lower()
    # SQLite shows the tag escaped; PostgreSQL's headline drops tags. Neither lets one through.
    assert "<script" not in passage


def test_a_query_without_words_is_explained(client):
    response = client.get("/case-studies/", {"q": "*"})
    assert response.status_code == 200
    assert "has no words to search for" in response.content.decode()


def test_an_empty_result_says_what_to_try(client):
    page = client.get("/case-studies/?q=zebra+crossing").content.decode()
    assert "No case study matches all of your choices" in page
    assert "fewer or different words" in page


def test_the_practice_page_lists_every_organisation_that_applied_it(client):
    page = client.get("/practices/visible-leadership/").content.decode()
    for name in ("Tameside", "Leeds Teaching Hospitals", "Norfolk County Council"):
        assert name in page
    assert "Requires improvement (2014) → Good (2016)" in page


def test_the_case_study_page_links_practices_to_results_with_sources(client):
    page = client.get("/case-studies/leeds-teaching-hospitals/").content.decode()
    assert "The source credits:" in page
    assert "The Management Mission" in page
    assert "regulator&#x27;s inspection" in page  # who measured each result
    assert 'href="/practices/flat-structure/"' in page
    assert "Case studies sharing practices" in page


def credited(client, credit: Contribution) -> bool:
    """Whether the case study page credits the practice under the result; the API must agree."""
    page = client.get(credit.case_study.get_absolute_url()).content.decode()
    section = re.search(
        rf'<section class="cb-outcome" id="outcome-{credit.outcome.slug}".*?</section>', page, re.S
    )
    practice = credit.application.practice
    on_page = section is not None and f'href="{practice.get_absolute_url()}"' in section.group()
    shown = {"practice": practice.slug, "outcome": credit.outcome.slug,
             "directness": credit.directness, "passage": credit.passage}  # fmt: skip
    api = client.get(f"/api/case-studies/{credit.case_study.slug}/").json()
    assert (shown in api["contributions"]) == on_page
    return on_page


@pytest.mark.parametrize("withdrawn", ["application", "outcome"])
def test_a_credit_shows_only_while_its_practice_and_its_result_both_do(client, withdrawn):
    credit = Contribution.objects.filter(case_study__slug="leeds-teaching-hospitals").first()
    assert credited(client, credit)
    part = getattr(credit, withdrawn)
    part.status = Status.WITHDRAWN
    part.save()
    assert not credited(client, credit)


def test_counts_of_a_thousand_or_more_are_written_with_commas(client):
    generate_synthetic(case_studies=1000)
    total = CaseStudy.objects.published().count()
    written = f"{total // 1000},{total % 1000:03}"  # 1,011
    assert f"Search {written} case studies" in client.get("/").content.decode()
    catalogue = client.get("/case-studies/").content.decode()
    assert f">{written} case studies</h2>" in catalogue
    healthcare = Facet("sector", "Sector", [Option("healthcare", "Healthcare", 37441, False)])
    assert '<span class="cb-count">(37,441)</span>' in facet_filter(healthcare)


def test_the_home_page_offers_search_sectors_themes_and_findings(client):
    page = client.get(reverse("home")).content.decode()
    assert 'action="/case-studies/"' in page
    for text in ("Healthcare", "Local government", "Education", "Culture and trust", "27%"):
        assert text in page


def test_a_server_error_shows_the_error_page_without_a_traceback(client, monkeypatch):
    from casebase.site import views

    def broken(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(views.HomeView, "get_context_data", broken)
    client.raise_request_exception = False
    response = client.get("/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "Sorry, there is a problem with Casebase" in page
    assert "secret internals" not in page and "Traceback" not in page


def test_a_bad_request_gets_the_400_page(client):
    response = client.get("/", HTTP_HOST="evil.example.com")
    assert response.status_code == 400
    assert "There is a problem with the request" in response.content.decode()


def test_lists_keep_their_editorial_order(client):
    home = client.get("/").content.decode()
    assert home.index(">Healthcare<") < home.index(">Local government<") < home.index(">Education<")
    assert home.index("Direction and purpose") < home.index("Data and evidence")
    assert home.index("27%") < home.index("67%") < home.index("20%"), "findings by sector"
    practices = client.get("/practices/").content.decode()
    assert practices.index("Direction and purpose") < practices.index("Culture and trust")
    assert practices.index(">Clear priorities and goals<") < practices.index(">Strategic plan")


def result_slugs(client, query: str) -> list[str]:
    page = client.get(f"/case-studies/?{query}").content.decode()
    return re.findall(
        r'<h3 class="govuk-heading-m[^"]*"><a class="govuk-link" href="/case-studies/([^/]+)/"',
        page,
    )


def test_sorting_orders_the_results(client):
    by_name = result_slugs(client, "sort=organisation")
    assert by_name[0] == "calderdale" and len(by_name) == 11
    assert result_slugs(client, "sort=outcomes")[0] == "north-staffordshire-combined-healthcare"
    assert result_slugs(client, "q=Rutland&sort=relevance")[0] == "rutland"
    assert result_slugs(client, "") == by_name, (
        "without a search, organisation order is the default"
    )


def test_the_practice_page_shows_the_spread_of_results_by_strength_of_evidence(client):
    """Organisations that applied the practice, by direction and by the strength of evidence of
    their results: worked out here from the database, as a reader would count them."""
    practice = Practice.objects.get(slug="visible-leadership")
    applied = set(practice.case_studies.published().values_list("pk", flat=True))
    expected = defaultdict(set)
    for outcome in Outcome.objects.published().filter(case_study__in=applied):
        expected[(outcome.direction, outcome.strength)].add(outcome.case_study_id)
    page = client.get(practice.get_absolute_url()).content.decode()
    table = page[page.index('id="spread"') : page.index("</table>", page.index('id="spread"'))]
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", table))
    assert f"Of the {len(applied)} organisations that applied it" in text
    assert "Strong evidence Moderate evidence Limited evidence Very limited evidence" in text
    for direction, label in Outcome.Direction.choices:
        counts = [len(expected[(direction, grade)]) for grade in reversed(grading.Strength)]
        assert f" {label} {' '.join(map(str, counts))} " in text
    assert "No measured result" in text


def test_the_catalogue_offers_its_exact_view_as_csv_and_json(client):
    page = client.get("/case-studies/?sector=healthcare&practice=flat-structure").content.decode()
    query = "sector=healthcare&amp;practice=flat-structure"
    assert f'href="/case-studies/export.csv?{query}"' in page
    assert f'href="/case-studies/export.json?{query}"' in page
    assert "these 2 case studies" in page


def test_the_case_study_page_says_when_it_was_corrected_and_lists_published_corrections(client):
    from casebase.content.models import Correction

    leeds = CaseStudy.objects.get(slug="leeds-teaching-hospitals")
    page = client.get(leeds.get_absolute_url()).content.decode()
    assert "Last updated" not in page, "a date readers would take for the report's"
    assert "Corrected on" not in page
    assert "No corrections have been published." in page
    Correction.objects.create(
        case_study=leeds,
        made_on="2026-11-20",
        status=Status.PUBLISHED,
        note="The 2016 rating was given as outstanding; it was good.",
    )
    Correction.objects.create(case_study=leeds, made_on="2026-11-21", note="Not yet checked.")
    page = client.get(leeds.get_absolute_url()).content.decode()
    assert "20 November 2026:</strong> The 2016 rating was given as outstanding" in page
    assert 'Corrected on <a class="govuk-link" href="#changes">20 November 2026</a>' in page
    assert "Not yet checked." not in page, "a draft correction stays hidden"
