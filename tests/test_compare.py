"""Comparing 2 to 4 case studies side by side (/compare/): what each column shows, the practices
they share and those only one has, bad input answered with a 400 that says what to do, drafts
never shown, a fixed number of queries, and the catalogue's checkboxes that choose them without
JavaScript."""

import re
from html import unescape

import pytest
from django.urls import reverse

from casebase.content import profiles
from casebase.content.models import (
    CaseStudy,
    Organisation,
    OrganisationFact,
    Outcome,
    PracticeApplication,
    Source,
    Status,
)
from casebase.site import compare
from casebase.site.templatetags.casebase import outcome_change

pytestmark = pytest.mark.django_db

URL = "/compare/"
LEEDS, CALDERDALE, EXETER = "leeds-teaching-hospitals", "calderdale", "exeter-college"


def columns_of(html: str) -> dict[str, str]:
    """Each column's HTML, by the slug of its case study."""
    parts = [
        part.split("</section>")[0] for part in html.split('<section class="cb-compare__study"')[1:]
    ]
    return {re.search(r'id="compare-([^"]+)"', part).group(1): part for part in parts}


def text(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


def practices(slug: str) -> dict[int, str]:
    applications = PracticeApplication.objects.published().filter(case_study__slug=slug)
    return dict(applications.values_list("practice_id", "practice__name"))


def errors(response) -> str:
    html = response.content.decode()
    start = html.index('<div class="govuk-error-summary"')
    return text(html[start : html.index("</ul>", start)])


def test_the_url_is_named_compare():
    assert reverse("compare") == URL


def test_each_column_shows_the_case_study_its_organisation_period_and_results(client):
    response = client.get(URL, {"cs": [LEEDS, CALDERDALE]})
    assert response.status_code == 200
    html = response.content.decode()
    columns = columns_of(html)
    assert list(columns) == [LEEDS, CALDERDALE]  # in the order asked for
    for slug, column in columns.items():
        study = CaseStudy.objects.select_related("organisation__type__sector").get(slug=slug)
        organisation = study.organisation
        assert f'<a class="govuk-link" href="{study.get_absolute_url()}">' in column
        assert f'href="{organisation.get_absolute_url()}">{organisation.name}</a>' in column
        assert organisation.type.name in column
        assert f'href="{organisation.type.sector.get_absolute_url()}"' in column
        assert organisation.region
        assert f"Region {organisation.get_region_display()}" in text(column)
        assert organisation.area_served in text(column)
        assert (study.period_label or "Not given") in text(column)
        outcomes = Outcome.objects.published().filter(case_study=study)
        assert outcomes
        for outcome in outcomes:
            assert f'href="{study.get_absolute_url()}#outcome-{outcome.slug}"' in column
            assert text(outcome_change(outcome)) in text(column)
            assert f"{outcome.grade.strength.label} evidence" in text(column)
            assert f"({outcome.get_evidence_display().lower()})" in text(column)


def test_an_organisations_figures_show_with_their_qualifier_period_and_source(client):
    html = client.get(URL, {"cs": [LEEDS, CALDERDALE]}).content.decode()
    leeds = text(columns_of(html)[LEEDS])
    facts = OrganisationFact.objects.published().filter(organisation__case_studies__slug=LEEDS)
    assert facts
    for fact in facts:
        qualifier = "" if fact.qualifier == "exact" else f"{fact.get_qualifier_display()} "
        period = f" ({fact.period})" if fact.period else ""
        assert f"{fact.get_kind_display()} {qualifier}{fact.value:,.0f}{period}" in leeds
        assert fact.source.title in leeds


def test_a_column_gives_the_organisations_size_band_and_ratings_as_its_profile_does(client):
    html = client.get(URL, {"cs": [LEEDS, EXETER]}).content.decode()
    for slug, column in columns_of(html).items():
        study = CaseStudy.objects.select_related("organisation__type__sector").get(slug=slug)
        facts = OrganisationFact.objects.published().filter(organisation=study.organisation)
        size = profiles.size(study.organisation, facts)
        outcomes = (
            Outcome.objects.published()
            .filter(case_study=study)
            .select_related("indicator", "baseline_grade", "result_grade")
        )
        start, end = profiles.ratings(outcomes)
        assert start and end, "both have inspection ratings"
        if size:
            assert f"Size band {size.band} for its sector" in text(column)
        for label, rating in (("start", start), ("end", end)):
            year = f", {rating.year}" if rating.year else ""
            said = f"Rating at the {label} {rating.grade} ({rating.indicator}{year})"
            assert said in text(column)


def test_a_column_says_when_the_source_gives_no_figures(client):
    exeter = Organisation.objects.get(case_studies__slug=EXETER)
    OrganisationFact.objects.filter(organisation=exeter).delete()
    html = client.get(URL, {"cs": [LEEDS, EXETER]}).content.decode()
    assert "The source gives no figures" in text(columns_of(html)[EXETER])


def test_practices_are_split_into_in_common_shared_with_some_and_only_here():
    slugs = [LEEDS, CALDERDALE, EXETER]
    found = compare.case_studies(slugs)
    columns, common = compare.columns([found[slug] for slug in slugs])
    applied = {slug: practices(slug) for slug in slugs}
    everywhere = set.intersection(*(set(practices) for practices in applied.values()))
    assert everywhere, "the three compendium case studies share a practice"
    assert {practice.pk for practice in common} == everywhere
    for slug, column in zip(slugs, columns, strict=True):
        others = set().union(*(set(applied[other]) for other in slugs if other != slug))
        own = set(applied[slug])
        assert {practice.pk for practice in column.in_common} == everywhere
        assert {practice.pk for practice in column.only_here} == own - others
        assert {practice.pk for practice, _ in column.shared} == (own & others) - everywhere
        for practice, names in column.shared:
            assert names == [
                found[other].organisation.name
                for other in slugs
                if other != slug and practice.pk in applied[other]
            ]


def test_the_page_lists_each_columns_practices_under_its_heading(client):
    html = client.get(URL, {"cs": [LEEDS, CALDERDALE]}).content.decode()
    columns = {slug: text(column) for slug, column in columns_of(html).items()}
    leeds, calderdale = practices(LEEDS), practices(CALDERDALE)
    shared = set(leeds) & set(calderdale)
    assert shared
    assert "All 2 applied" in text(html)
    for slug, own, other in ((LEEDS, leeds, calderdale), (CALDERDALE, calderdale, leeds)):
        in_common = columns[slug].split("Practices in common", 1)[1].split("Only here")[0]
        only_here = columns[slug].split("Only here", 1)[1].split("What happened")[0]
        for pk, name in own.items():
            assert name in (in_common if pk in shared else only_here), name
        for pk in set(other) - shared:
            assert other[pk] not in columns[slug]


def test_no_practice_in_common_is_said_in_words(client):
    leeds, norfolk = practices(LEEDS), practices("norfolk")
    PracticeApplication.objects.filter(
        case_study__slug="norfolk", practice__in=set(leeds) & set(norfolk)
    ).update(status=Status.DRAFT)
    html = client.get(URL, {"cs": [LEEDS, "norfolk"]}).content.decode()
    assert "No practice was applied by all 2." in text(html)


def test_repeated_and_empty_choices_are_dropped(client):
    response = client.get(URL, {"cs": [LEEDS, "", LEEDS, CALDERDALE, " "]})
    assert response.status_code == 200
    assert list(columns_of(response.content.decode())) == [LEEDS, CALDERDALE]


def test_four_can_be_compared_and_each_can_be_removed_while_two_are_left(client):
    slugs = [LEEDS, CALDERDALE, EXETER, "norfolk"]
    response = client.get(URL, {"cs": slugs})
    assert response.status_code == 200
    html = response.content.decode()
    assert list(columns_of(html)) == slugs
    assert "cb-compare--4" in html
    assert html.count("Remove from the comparison") == 4
    assert f'href="{URL}?cs={CALDERDALE}&amp;cs={EXETER}&amp;cs=norfolk"' in html
    two = client.get(URL, {"cs": slugs[:2]}).content.decode()
    assert "Remove from the comparison" not in two


@pytest.mark.parametrize(
    ("chosen", "message"),
    [
        ([], "Choose 2 to 4 case studies to compare them side by side."),
        ([""], "Choose 2 to 4 case studies to compare them side by side."),
        ([LEEDS], "You chose one case study, Leeds Teaching Hospitals"),
        ([LEEDS, LEEDS], "(more than once)"),
        ([LEEDS, "no-such-case-study"], "There is no published case study “no-such-case-study”."),
        (["nope", "nada"], "There is no published case study “nada”."),
        (
            [LEEDS, CALDERDALE, EXETER, "norfolk", "rutland"],
            "You chose 5 case studies. Compare at most 4 at a time",
        ),
        ([LEEDS, "\x00"], "There is no published case study"),
        ([LEEDS, "a" * 300], "There is no published case study"),
        ([LEEDS, "'; DROP TABLE content_casestudy; --"], "There is no published case study"),
        ([LEEDS, "<script>alert(1)</script>"], "“<script>alert(1)</script>”"),
    ],
    ids=[
        "none",
        "empty",
        "one",
        "one twice",
        "unknown",
        "two unknown",
        "five",
        "nul",
        "long",
        "sql",
        "markup",
    ],
)
def test_bad_choices_are_a_400_that_says_what_to_do(client, chosen, message):
    response = client.get(URL, {"cs": chosen})
    assert response.status_code == 400
    html = response.content.decode()
    assert "<script>alert" not in html
    assert message in errors(response)
    assert "Error: Compare case studies" in html
    assert len(re.findall(r"<h1[ >]", html)) == 1
    assert f'href="{reverse("case-studies")}"' in html


def test_with_one_case_study_the_page_links_it_and_back_to_the_catalogue(client):
    response = client.get(URL, {"cs": LEEDS})
    html = response.content.decode()
    assert "Choose at least 2" in errors(response)
    assert 'href="/case-studies/leeds-teaching-hospitals/"' in html
    assert "Back to the case studies" in html


def test_unknown_slugs_beside_enough_known_ones_offer_the_comparison_of_those(client):
    response = client.get(URL, {"cs": [LEEDS, "nope", CALDERDALE]})
    assert response.status_code == 400
    html = response.content.decode()
    assert f'href="{URL}?cs={LEEDS}&amp;cs={CALDERDALE}"' in html
    assert "Compare the 2 case studies that were found" in html


@pytest.mark.parametrize(
    "hide",
    [
        lambda: CaseStudy.objects.filter(slug=CALDERDALE).update(status=Status.DRAFT),
        lambda: CaseStudy.objects.filter(slug=CALDERDALE).update(status=Status.WITHDRAWN),
        lambda: Organisation.objects.filter(case_studies__slug=CALDERDALE).update(
            status=Status.DRAFT
        ),
    ],
    ids=["draft", "withdrawn", "draft organisation"],
)
def test_an_unpublished_case_study_reads_as_unknown(client, hide):
    hide()
    response = client.get(URL, {"cs": [LEEDS, CALDERDALE]})
    assert response.status_code == 400
    assert f"There is no published case study “{CALDERDALE}”" in errors(response)
    assert "Calderdale: a shared mission" not in response.content.decode()


def test_draft_parts_of_a_compared_case_study_are_not_shown(client):
    only_leeds = set(practices(LEEDS)) - set(practices(CALDERDALE))
    application = PracticeApplication.objects.filter(
        case_study__slug=LEEDS, practice__in=only_leeds
    ).first()
    PracticeApplication.objects.filter(pk=application.pk).update(status=Status.DRAFT)
    outcome = Outcome.objects.filter(case_study__slug=LEEDS).first()
    Outcome.objects.filter(pk=outcome.pk).update(status=Status.DRAFT)
    draft_source = Source.objects.create(
        title="An unpublished census", slug="unpublished-census", kind=Source.Kind.CENSUS
    )
    OrganisationFact.objects.create(
        organisation=Organisation.objects.get(case_studies__slug=LEEDS),
        kind=OrganisationFact.Kind.BUDGET,
        value=123456789,
        source=draft_source,
    )
    html = client.get(URL, {"cs": [LEEDS, CALDERDALE]}).content.decode()
    leeds = columns_of(html)[LEEDS]
    assert application.practice.name not in text(leeds)
    assert f"#outcome-{outcome.slug}" not in leeds
    assert "123,456,789" not in html and "An unpublished census" not in html


@pytest.mark.parametrize(
    "slugs",
    [
        [LEEDS, CALDERDALE],
        [LEEDS, CALDERDALE, EXETER],
        [LEEDS, CALDERDALE, EXETER, "tameside-and-glossop"],
    ],
    ids=["2", "3", "4"],
)
def test_the_page_costs_the_same_queries_however_many_are_compared(
    client, slugs, django_assert_num_queries
):
    # The case studies with their organisations, types and sectors; their published practices
    # (with the practices); their published results (with indicators, grades and sources); the
    # organisations' published figures (with their sources).
    with django_assert_num_queries(4):
        response = client.get(URL, {"cs": slugs})
    assert response.status_code == 200


def test_too_many_are_refused_without_a_query(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(URL, {"cs": [f"study-{n}" for n in range(50)]})
    assert response.status_code == 400


def test_the_comparison_reaches_the_view_when_pages_are_cached(client, settings):
    settings.PAGE_CACHE_SECONDS = 3600
    for _ in range(2):  # made, then from the cache
        response = client.get(URL, {"cs": [LEEDS, CALDERDALE]})
        assert response.status_code == 200
        assert list(columns_of(response.content.decode())) == [LEEDS, CALDERDALE]
    assert response["X-Page-Cache"] == "hit"


# --- The catalogue's "add to comparison" ---------------------------------------------------


def test_each_catalogue_row_has_a_checkbox_for_the_compare_form_outside_the_filter_form(client):
    html = client.get("/case-studies/").content.decode()
    compare_form = re.search(r'<form id="compare-selected" method="get" action="([^"]+)">', html)
    assert compare_form and compare_form.group(1) == URL
    # Not nested: every form before it is closed.
    before = html[: compare_form.start()]
    assert before.count("<form") == before.count("</form>")
    boxes = re.findall(
        r'<input class="govuk-checkboxes__input" id="compare-[^"]+" name="cs" '
        r'type="checkbox" value="([^"]+)" form="compare-selected">',
        html,
    )
    published = CaseStudy.objects.published()
    assert set(boxes) <= set(published.values_list("slug", flat=True))
    assert len(set(boxes)) == len(boxes) == min(published.count(), 20)
    assert re.search(r'<button type="submit" form="compare-selected"[^>]*>Compare selected<', html)


def test_the_catalogues_checked_rows_open_the_comparison(client):
    html = client.get("/case-studies/", {"sector": "healthcare"}).content.decode()
    checked = re.findall(r'name="cs" type="checkbox" value="([^"]+)" form="compare-selected"', html)
    assert len(checked) >= 2
    # What a browser sends for the compare form with the first two boxes ticked.
    response = client.get(URL, {"cs": checked[:2]})
    assert response.status_code == 200
    assert list(columns_of(response.content.decode())) == checked[:2]
