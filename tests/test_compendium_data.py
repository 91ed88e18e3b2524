"""The shipped data covers the whole source, and every claim is traceable to it."""

import re
from decimal import Decimal

import pytest
from django.apps import apps
from django.conf import settings
from django.db.models import Q

from casebase.content.models import (
    CaseStudy,
    Contribution,
    Finding,
    Indicator,
    Organisation,
    Outcome,
    Person,
    Practice,
    Publishable,
    Quote,
    Recommendation,
    Role,
    Status,
    Testimonial,
)
from casebase.loading.compendium import DATA_DIR
from tests.traceability import (
    COMPENDIUM_FILE,
    SOURCE_FILES,
    SOURCES_DIR,
    WEB_PAGE_FILE,
    contents_pages,
    normalise,
    source_text,
    untraceable,
    untraceable_context,
    wrong_pages,
)

pytestmark = pytest.mark.django_db

COMPENDIUM = (SOURCES_DIR / COMPENDIUM_FILE).read_text()
WEB_PAGE = (SOURCES_DIR / WEB_PAGE_FILE).read_text()

CASE_STUDY_HEADINGS = {
    "healthcare": [
        "Tameside and Glossop Integrated Care Trust",
        "Leeds Teaching Hospitals Trust",
        "The Oakwood Surgery",
        "North Staffordshire Combined Healthcare NHS Trust",
    ],
    "local-government": [
        "Calderdale Metropolitan Borough Council",
        "Norfolk County Council",
        "Surrey Heath Borough Council",
        "Rutland County Council",
    ],
    "education": ["Oldham College", "London Metropolitan University", "Exeter College"],
}

ACKNOWLEDGED = [
    "Bryan Jones",
    "Bethell",
    "Karen James",
    "Kathryn Gaskell do Carmo",
    "Philip Wood",
    "Clare Smith",
    "Dean Eggitt",
    "Jonathan Carr-West",
    "Caroline Staite",
    "Damian Roberts",
    "Sally Kipping",
    "Sarah Bainbridge",
    "Robin Tuddenham",
    "Jane Scullion",
    "Julie Jenkins",
    "Tom McCabe",
    "Mark Andrews",
    "Oli de Botton",
    "Lynn Dobbs",
    "John Laramy",
    "Alan Benvie",
]

# Named in the case studies, the foreword and the introduction but not thanked.
ALSO_NAMED = [
    "Julian Hartley",
    "Ben Richards",
    "Kim Stanyer",
    "Rachael Birks",
    "Lisa Birks",
    "Anthony Painter",
    "Rachel Reeves",
    "Amanda Pritchard",
    "Darzi",
]

TESTIMONIAL_AUTHORS = {
    "Bryan Jones": "healthcare",
    "Bethell": "healthcare",
    "Jonathan Carr-West": "local-government",
    "Caroline Staite": "local-government",
    "Oli de Botton": "education",
}


def between(text: str, start: str, end: str) -> str:
    return text[text.index(start) : text.index(end, text.index(start))]


# The passages that report the sector surveys.
SURVEY_PASSAGES = [
    between(COMPENDIUM, "HEALTHCARE SECTOR", "The NHS will need to focus"),
    between(COMPENDIUM, "LOCAL GOVERNMENT\n\n[Effective", "The report proposes"),
    between(COMPENDIUM, "EDUCATION SECTOR", "The report lays out"),
    between(WEB_PAGE, "Key Research Findings", "Proposed Improvements"),
]


def person_named(name: str) -> Person:
    matches = Person.objects.published().filter(
        Q(name__icontains=name) | Q(aliases__icontains=name)
    )
    assert matches.count() == 1, f"{name}: {list(matches)}"
    return matches.get()


def organisation_called(name: str) -> Organisation:
    lowered = name.lower()
    for organisation in Organisation.objects.published():
        names = [organisation.name, *organisation.alias_list]
        if lowered in (candidate.lower() for candidate in names):
            return organisation
    raise AssertionError(f"no organisation is called {name!r}")


def test_the_source_texts_ship_inside_the_project():
    # A clone made anywhere must be able to check its data: nothing is read from outside it.
    assert SOURCES_DIR.is_relative_to(settings.BASE_DIR)
    assert all((SOURCES_DIR / name).is_file() for name in SOURCE_FILES)


@pytest.mark.parametrize("path", sorted(DATA_DIR.glob("*.yaml")), ids=lambda path: path.name)
def test_every_quoted_passage_is_found_verbatim_in_the_sources(path):
    assert untraceable(path, source_text()) == []


@pytest.mark.parametrize(
    ("sector", "heading"),
    [(sector, heading) for sector, headings in CASE_STUDY_HEADINGS.items() for heading in headings],
)
def test_every_case_study_of_the_source_is_published_in_its_sector(sector, heading):
    assert heading.upper() in COMPENDIUM
    organisation = organisation_called(heading)
    study = CaseStudy.objects.published().get(organisation=organisation)
    assert study.sector.slug == sector
    assert study.context and study.summary
    assert study.applications.exists(), "every case study applies practices"
    assert study.outcomes.exists(), "every case study reports what changed"
    assert study.participants.exists(), "every case study names its people"


def test_there_are_exactly_eleven_case_studies():
    assert CaseStudy.objects.published().count() == 11


@pytest.mark.parametrize("name", ACKNOWLEDGED)
def test_everyone_in_the_acknowledgements_is_a_person_with_a_role(name):
    assert name in between(COMPENDIUM, "ACKNOWLEDGEMENTS", "REFERENCES")
    person = person_named(name)
    assert Role.objects.published().filter(person=person).exists()


@pytest.mark.parametrize("name", ALSO_NAMED)
def test_people_named_elsewhere_in_the_text_are_there_too(name):
    assert name in COMPENDIUM or name in WEB_PAGE
    person_named(name)


@pytest.mark.parametrize(("name", "sector"), TESTIMONIAL_AUTHORS.items())
def test_every_testimonial_is_there_with_its_author_and_sector(name, sector):
    testimonial = Testimonial.objects.published().get(person=person_named(name))
    assert testimonial.sector.slug == sector
    assert len(testimonial.text) > 100


def test_every_survey_percentage_is_a_sourced_finding():
    percentages = {
        Decimal(figure)
        for passage in SURVEY_PASSAGES
        for figure in re.findall(r"(\d+(?:\.\d+)?)%", passage)
    }
    assert len(percentages) >= 10
    recorded = set(
        Finding.objects.published()
        .filter(unit=Finding.Unit.PERCENT)
        .values_list("value", flat=True)
    )
    assert percentages - recorded == set()


def test_the_nhs_is_under_managed_by_six_and_a_half_percentage_points():
    finding = Finding.objects.published().get(value=Decimal("6.5"))
    assert finding.unit == Finding.Unit.PERCENTAGE_POINTS
    assert "6.5 percentage points" in finding.excerpt


def test_every_recommendation_in_the_sector_sections_is_there():
    titles = re.findall(r"^- \*\*(.+?)\*\*", COMPENDIUM, flags=re.MULTILINE)
    assert len(titles) == 12
    recorded = {
        normalise(title) for title in Recommendation.objects.values_list("title", flat=True)
    }
    assert {normalise(title) for title in titles} - recorded == set()
    assert not Recommendation.objects.filter(addressed_to="").exists()


def test_every_sector_has_findings_recommendations_and_a_headline():
    for sector in ("healthcare", "local-government", "education"):
        findings = Finding.objects.published().filter(sector__slug=sector)
        assert findings.filter(is_headline=True).exists(), sector
        assert Recommendation.objects.published().filter(sector__slug=sector).count() >= 4


def test_visible_leadership_is_one_practice_across_sectors():
    practice = Practice.objects.get(slug="visible-leadership")
    organisations = set(practice.case_studies.values_list("organisation__name", flat=True))
    for heading in ("Tameside", "Leeds", "Norfolk"):
        assert any(heading in name for name in organisations), heading
    sectors = set(practice.case_studies.values_list("organisation__type__sector__slug", flat=True))
    assert {"healthcare", "local-government"} <= sectors


def test_flat_structure_links_leeds_and_oakwood():
    names = Practice.objects.get(slug="flat-structure").case_studies.values_list(
        "organisation__name", flat=True
    )
    assert any("Leeds" in name for name in names) and any("Oakwood" in name for name in names)


def test_leeds_applied_its_practices_and_moved_from_requires_improvement_to_good():
    leeds = CaseStudy.objects.get(organisation__name__contains="Leeds")
    applied = set(leeds.applications.values_list("practice__slug", flat=True))
    assert {"visible-leadership", "flat-structure", "devolved-autonomy", "management-training"} <= (
        applied
    )
    cqc = leeds.outcomes.get(
        indicator__slug="cqc-overall-rating", baseline_grade__name="Requires improvement"
    )
    assert (cqc.baseline_year, cqc.result.lower(), cqc.result_year) == (2014, "good", 2016)
    assert cqc.direction == Outcome.Direction.IMPROVED
    assert cqc.evidence == Outcome.Evidence.REGULATOR


@pytest.mark.parametrize(
    ("variant", "canonical"),
    [
        ("Kath Gaskell Do Carmo", "Kathryn Gaskell do Carmo"),
        ("Stayner", "Kim Stanyer"),
        ("Phil Wood", "Philip Wood"),
    ],
)
def test_a_name_spelt_two_ways_finds_one_person(variant, canonical):
    assert variant in COMPENDIUM
    assert person_named(variant).name == canonical


def test_the_trust_named_two_ways_is_one_organisation():
    short = organisation_called("Tameside and Glossop Integrated Care Trust")
    assert short == organisation_called("Tameside and Glossop Integrated Care NHS Foundation Trust")


def test_a_title_given_two_ways_is_one_role():
    role = Role.objects.get(person=person_named("Julie Jenkins"))
    forms = [role.title, *role.title_alias_list]
    assert "Director of Children and Young People's Services" in forms
    assert "Head of Children's Services" in forms


def test_percentages_reported_as_outcomes_appear_in_their_statements():
    numeric = Outcome.objects.filter(indicator__kind=Indicator.Kind.PERCENTAGE)
    assert numeric.count() >= 3
    for outcome in numeric:
        for value in (outcome.baseline_value, outcome.result_value):
            if value is not None:
                assert f"{abs(value).normalize():f}" in outcome.statement, outcome.slug


@pytest.mark.parametrize("path", sorted(DATA_DIR.glob("*.yaml")), ids=lambda path: path.name)
def test_every_case_study_has_the_pages_the_contents_give_its_section(path):
    assert wrong_pages(path) == []


def test_the_contents_table_is_read_as_the_compendium_prints_it():
    pages = contents_pages()
    assert pages["Tameside and Glossop Integrated Care Trust"] == (9, 10)
    assert pages["Leeds Teaching Hospitals Trust"] == (11, 12)
    assert pages["The Oakwood Surgery"] == (13, 13)
    assert pages["Exeter College"] == (27, 27)
    studies = CaseStudy.objects.exclude(source_page_first=None)
    assert studies.count() == CaseStudy.objects.count() == 11


def test_every_figure_credit_and_quote_knows_where_its_words_are_and_what_surrounds_them():
    haystack = source_text()
    parts = [
        *(("outcome", o.slug, o.passage_context) for o in Outcome.objects.all()),
        *(("credit", c.pk, c.passage_context) for c in Contribution.objects.all()),
        *(("quote", q.pk, q.passage_context) for q in Quote.objects.all()),
    ]
    assert len(parts) > 100
    for kind, key, context in parts:
        assert context.get("source") in {"the-management-mission", "management-mission-web-page"}
        assert context["before"] or context["after"], (kind, key)
        assert untraceable_context(f"{kind} {key}", context, haystack) == []


def test_a_case_study_passage_is_placed_in_its_own_section_with_its_pages():
    leeds = CaseStudy.objects.get(slug="leeds-teaching-hospitals")
    outcome = leeds.outcomes.get(statement__startswith="In a 2014 CQC inspection")
    assert outcome.passage_context["section"] == "Leeds Teaching Hospitals Trust"
    assert outcome.passage_context["pages"] == [11, 12]
    assert outcome.passage_context["before"] == (
        "The mid-2010s were a period of change for Leeds Teaching Hospitals Trust (LTHT)."
    )
    assert outcome.passage_context["after"] == "LTHT maintained its “good” status in 2018."


def test_contributions_and_quotes_carry_the_sources_words():
    assert CaseStudy.objects.filter(contributions__isnull=False).distinct().count() >= 6
    quoted = CaseStudy.objects.filter(quotes__isnull=False).distinct().count()
    assert quoted >= 9


def test_everything_shipped_is_published():
    for model in apps.get_app_config("content").get_models():
        if issubclass(model, Publishable):
            assert not model.objects.exclude(status=Status.PUBLISHED).exists(), model.__name__


def test_every_result_has_a_label_of_its_own_within_its_case_study():
    # Issue 15, item 6: four North Staffordshire results all read "Service performance".
    for study in CaseStudy.objects.published():
        labels = [o.label.strip() for o in Outcome.objects.published().filter(case_study=study)]
        assert all(labels), f"{study.slug}: a result without a label"
        assert len(set(labels)) == len(labels), f"{study.slug}: {sorted(labels)}"


def test_the_north_staffordshire_service_results_are_told_apart():
    labels = set(
        Outcome.objects.filter(
            case_study__slug="north-staffordshire-combined-healthcare",
            indicator__slug="service-performance",
        ).values_list("label", flat=True)
    )
    assert labels == {
        "Autism and ADHD assessment waits",
        "Community hubs",
        "Immunisation and screening take-up",
        "GPs available to see patients",
    }
