"""The compendium data says what the source says, and no more (issue 15, item 7).

Terms that belong to one organisation find that organisation, not every one that applies the same
practice; the names and places a story gives are findable as readers type them; years the source
gives for a role are on the role; who measured a result is recorded as the source says, or as
"not stated"; a figure the source does not give is marked as inferred; a passage sits under the
practice it describes.
"""

import re
from pathlib import Path

import pytest

from casebase.content.models import CaseStudy, Outcome, Practice, PracticeApplication, Role
from tests.traceability import COMPENDIUM_FILE, SOURCES_DIR, normalise, untraceable

pytestmark = pytest.mark.django_db

COMPENDIUM = (SOURCES_DIR / COMPENDIUM_FILE).read_text()


def catalogue_search(client, query: str) -> list[str]:
    """The case studies the catalogue lists for a reader's query, most relevant first."""
    response = client.get("/case-studies/", {"q": query})
    assert response.status_code == 200
    ids = [row.pk for row in response.context["object_list"]]
    slugs = dict(CaseStudy.objects.filter(pk__in=ids).values_list("pk", "slug"))
    return [slugs[pk] for pk in ids]


# --- Terms of one organisation --------------------------------------------------------------

# The story's own programmes and slogans: once practice synonyms, so searching one found every
# case study applying the practice.
ORGANISATION_TERMS = [
    ("The Leeds Way", "leeds-teaching-hospitals"),
    ("Leeds Way", "leeds-teaching-hospitals"),
    ("permission to achieve", "leeds-teaching-hospitals"),
    ("freedom in a box", "exeter-college"),
]


@pytest.mark.parametrize(("term", "slug"), ORGANISATION_TERMS)
def test_a_term_of_one_organisation_finds_that_organisation_and_no_other(client, term, slug):
    assert catalogue_search(client, term) == [slug]


@pytest.mark.parametrize("term", ["The Leeds Way", "permission to achieve", "freedom in a box"])
def test_a_term_of_one_organisation_is_no_synonym_of_a_general_practice(term):
    synonyms = {normalise(s) for p in Practice.objects.all() for s in p.synonym_list}
    assert normalise(term) not in synonyms


def test_no_practice_synonym_is_a_name_a_case_study_owns():
    owned = {
        normalise(name)
        for study in CaseStudy.objects.all()
        for name in study.named_in_story.splitlines()
    }
    for practice in Practice.objects.all():
        clash = {normalise(s) for s in practice.synonym_list} & owned
        assert not clash, f"{practice.slug}: {clash}"


# --- Names and places a story gives -------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "slug"),
    [
        ("Virginia Mason Institute", "leeds-teaching-hospitals"),
        ("NHS Leadership Academy", "leeds-teaching-hospitals"),
        ("Harplands Hospital", "north-staffordshire-combined-healthcare"),
        ("Chartered Trust", "north-staffordshire-combined-healthcare"),
        ("Port Vale", "north-staffordshire-combined-healthcare"),
        ("Stoke City", "north-staffordshire-combined-healthcare"),
        ("community hubs", "north-staffordshire-combined-healthcare"),
        ("Corporate Management Team", "surrey-heath"),
        ("Doncaster", "oakwood-surgery"),
        ("the best place to learn, and work", "oldham-college"),
    ],
)
def test_places_and_bodies_a_story_names_find_it_first(client, query, slug):
    assert catalogue_search(client, query)[0] == slug


def test_the_councils_whose_rank_impower_gave_are_found_by_its_name(client):
    assert set(catalogue_search(client, "IMPOWER")) == {"calderdale", "rutland"}


def test_the_lga_finds_the_councils_it_reviewed(client):
    assert {"calderdale", "surrey-heath"} <= set(catalogue_search(client, "LGA"))


def test_every_name_a_story_gives_is_in_its_source_and_in_its_search_document():
    studies = CaseStudy.objects.exclude(named_in_story="")
    assert studies.count() >= 8
    for study in studies:
        names = study.search_document.names
        for name in study.named_in_story.splitlines():
            assert normalise(name) in normalise(COMPENDIUM), (study.slug, name)
            assert name in names, (study.slug, name)


def test_the_traceability_check_reads_the_names_a_story_gives(tmp_path: Path):
    data = tmp_path / "invented.yaml"
    data.write_text(
        "case_studies:\n  - slug: leeds\n    named_in_story: [The Leeds Way, The Leeds Path]\n"
    )
    assert untraceable(data) == [
        "invented.yaml: case_studies[0].named_in_story[1]: 'The Leeds Path'"
    ]


# --- Spelling variants, as readers type them --------------------------------------------------


@pytest.mark.parametrize(
    "query",
    ["Shame-side", "Shameside", "Shame side", "Tameside & Glossop", "Tameside and Glossop"],
)
def test_tameside_is_found_by_its_nickname_and_names_however_they_are_typed(client, query):
    assert catalogue_search(client, query)[0] == "tameside-and-glossop"


@pytest.mark.parametrize(
    ("query", "slug"),
    [
        ("Stayner", "north-staffordshire-combined-healthcare"),
        ("Stanyer", "north-staffordshire-combined-healthcare"),
        ("Kath Gaskell Do Carmo", "tameside-and-glossop"),
        ("London Met", "london-metropolitan-university"),
        ("LTHT", "leeds-teaching-hospitals"),
    ],
)
def test_a_name_the_source_spells_two_ways_finds_its_case_study_first(client, query, slug):
    assert catalogue_search(client, query)[0] == slug


# --- Roles carry the years the source gives ---------------------------------------------------


@pytest.mark.parametrize(
    ("person", "organisation", "start_year", "words"),
    [
        ("alan-benvie", "oldham-college", 2018, "joined the college in mid-2018"),
        (
            "karen-james",
            "tameside-and-glossop-integrated-care-nhs-foundation-trust",
            2014,
            "When Karen James took over as chief executive in 2014",
        ),
        ("john-laramy", "exeter-college", 2009, "has been at Exeter College since 2009"),
    ],
)
def test_a_year_the_source_gives_for_a_role_is_on_the_role(person, organisation, start_year, words):
    assert words in COMPENDIUM
    role = Role.objects.get(person__slug=person, organisation__slug=organisation)
    assert role.start_year == start_year


# --- Who measured a result, and what an editor inferred ---------------------------------------

ORDINALS = {4: "fourth", 6: "sixth", 9: "ninth"}


def given_in(statement: str, value) -> bool:
    text = normalise(statement)
    if isinstance(value, str):
        return normalise(value) in text
    number = abs(value)
    words = {f"{number.normalize():f}" if hasattr(number, "normalize") else str(number)}
    if int(number) in ORDINALS and number == int(number):
        words.add(ORDINALS[int(number)])
    return any(re.search(rf"(?<![\d.]){re.escape(w)}(?![\d])", text) for w in words)


def test_every_figure_and_year_not_in_a_results_own_words_is_marked_inferred():
    for outcome in Outcome.objects.select_related("baseline_grade", "result_grade"):
        given = [
            outcome.baseline_grade and outcome.baseline_grade.name,
            outcome.result_grade and outcome.result_grade.name,
            outcome.baseline_value,
            outcome.result_value,
            outcome.baseline_year,
            outcome.result_year,
        ]
        missing = [
            v for v in given if v is not None and v != "" and not given_in(outcome.statement, v)
        ]
        if missing:
            assert outcome.inferred, f"{outcome.case_study.slug}/{outcome.slug}: {missing}"
            assert outcome.inference.strip(), outcome.slug


@pytest.mark.parametrize(
    ("study", "slug"),
    [
        ("leeds-teaching-hospitals", "cqc-rating-2014-2016"),  # "Two years later": 2016
        ("leeds-teaching-hospitals", "cqc-rating-2016-2018"),
        ("rutland", "productivity-rank-2019"),  # "an improvement of three places": ninth
        ("exeter-college", "ofsted-grade-good-to-outstanding"),  # "never ... below good"
    ],
)
def test_a_figure_worked_out_by_an_editor_is_marked_and_says_how(study, slug):
    outcome = Outcome.objects.get(case_study__slug=study, slug=slug)
    assert outcome.inferred and outcome.inference


def test_a_councils_own_staff_survey_is_its_own_figures_not_a_national_survey():
    surrey = Outcome.objects.filter(case_study__slug="surrey-heath", slug__startswith="staff-")
    assert surrey.count() == 2
    assert set(surrey.values_list("evidence", flat=True)) == {Outcome.Evidence.SELF_REPORTED}


def test_who_ranked_leeds_among_nhs_employers_is_not_stated_and_the_design_is_peers():
    leeds = Outcome.objects.get(
        case_study__slug="leeds-teaching-hospitals", slug="nhs-employers-bottom-to-top-20-percent"
    )
    assert "survey" not in normalise(leeds.statement)
    assert leeds.evidence == Outcome.Evidence.NOT_STATED
    assert leeds.design == Outcome.Design.PEERS


def test_the_only_national_survey_is_one_the_source_compares_with_an_average():
    surveys = Outcome.objects.filter(evidence=Outcome.Evidence.SURVEY)
    assert [(o.case_study.slug, o.design) for o in surveys] == [
        ("tameside-and-glossop", Outcome.Design.NATIONAL)
    ]
    assert "higher than average" in surveys.get().statement


def test_a_rank_among_councils_is_compared_with_peers_and_a_change_in_rank_is_before_after():
    calderdale = Outcome.objects.get(case_study__slug="calderdale", slug="productivity-rank")
    assert "fourth most productive council" in calderdale.statement
    assert (calderdale.evidence, calderdale.design) == ("ranking", Outcome.Design.PEERS)
    rutland = Outcome.objects.get(case_study__slug="rutland", slug="productivity-rank-2019")
    assert (rutland.baseline_year, rutland.result_year) == (2018, 2019)
    assert (rutland.evidence, rutland.design) == ("ranking", Outcome.Design.BEFORE_AFTER)


# --- Passages under the practice they describe ------------------------------------------------


def test_a_range_of_experience_is_not_filed_as_a_leadership_pipeline():
    pipeline = PracticeApplication.objects.get(
        case_study__slug="leeds-teaching-hospitals", practice__slug="leadership-pipeline"
    )
    assert "leadership capacity of clinicians" in pipeline.description
    assert "range of experience" not in pipeline.description
