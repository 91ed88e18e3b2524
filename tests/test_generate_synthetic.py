"""`manage.py generate_synthetic`: benchmark volume that keeps every rule of the model, is
public like the real stories and found by readers' search, and is the same for the same seed."""

import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count

from casebase.catalogue import search, sitewide
from casebase.content.models import (
    CaseStudy,
    CaseStudyPerson,
    Contribution,
    Indicator,
    Organisation,
    Outcome,
    Person,
    Practice,
    PracticeApplication,
    Quote,
    SearchDocument,
    SiteDocument,
    Source,
    Status,
)
from casebase.loading.synthetic import PREFIX, generate_synthetic

pytestmark = pytest.mark.django_db
N = 30
Kind = SiteDocument.Kind


def generate(*args: str) -> str:
    out = io.StringIO()
    call_command("generate_synthetic", *args, stdout=out)
    return out.getvalue()


def synthetic_studies():
    return CaseStudy.objects.filter(slug__startswith=PREFIX)


@pytest.fixture
def synthetic():
    output = generate("--case-studies", str(N))
    return output, synthetic_studies()


def test_each_case_study_gets_its_own_organisation_leader_and_parts(synthetic):
    output, studies = synthetic
    assert studies.count() == N
    assert Organisation.objects.filter(case_studies__in=studies).distinct().count() == N
    assert Person.objects.filter(slug__startswith=PREFIX).count() == N
    assert CaseStudyPerson.objects.filter(case_study__in=studies).count() == N
    parts = studies.annotate(
        applications_count=Count("applications", distinct=True),
        outcomes_count=Count("outcomes", distinct=True),
        contributions_count=Count("contributions", distinct=True),
        quotes_count=Count("quotes", distinct=True),
    )
    for study in parts:
        assert 8 <= study.applications_count <= 12
        assert 2 <= study.outcomes_count <= 4
        assert study.contributions_count == study.outcomes_count  # one credit per outcome
        assert study.quotes_count == 2
    assert SearchDocument.objects.filter(case_study__in=studies).count() == N
    assert re.fullmatch(
        rf"Created {N} synthetic case studies, numbered 1 to {N}, with {N} organisations, "
        rf"\d+ sizes of organisations, {N} people, {N} participants, \d+ practice applications, "
        r"\d+ outcomes, \d+ contributions, \d+ quotes, \d+ search documents, in \d+\.\d s\.\n",
        output,
    )


def test_organisations_in_the_three_sectors_have_a_size_across_the_bands(synthetic):
    from casebase.content import profiles

    studies = CaseStudy.objects.filter(slug__startswith=PREFIX).annotate(
        band=profiles.size_band_sql()
    )
    for study in studies.select_related("organisation__type__sector"):
        in_a_sector = study.organisation.type.sector is not None
        assert (study.band is not None) == in_a_sector, study.organisation
    assert {study.band for study in studies} >= {"small", "medium", "large"}


def test_organisations_spread_over_the_organisation_types(synthetic):
    types = Organisation.objects.filter(slug__startswith=PREFIX).values("type").distinct()
    assert types.count() >= 8


def test_every_record_of_a_sample_passes_full_clean(synthetic):
    _, studies = synthetic
    for study in studies.order_by("pk")[:5]:
        records = [
            study.organisation,
            study,
            *study.participants.all(),
            *(participant.person for participant in study.participants.all()),
            *study.applications.all(),
            *study.outcomes.all(),
            *study.contributions.all(),
            *study.quotes.all(),
        ]
        for record in records:
            record.full_clean()


def test_outcomes_measure_as_their_indicators_do(synthetic):
    outcomes = Outcome.objects.filter(case_study__in=synthetic[1]).select_related("indicator")
    for outcome in outcomes:
        values = [v for v in (outcome.baseline_value, outcome.result_value) if v is not None]
        if outcome.indicator.kind == Indicator.Kind.PERCENTAGE:
            assert all(0 <= value <= 100 for value in values)
        if outcome.indicator.kind == Indicator.Kind.RANK:
            assert all(value >= 1 for value in values)
        if outcome.direction == Outcome.Direction.SNAPSHOT:
            assert outcome.baseline == "" and outcome.baseline_year is None
        else:
            assert outcome.baseline_year <= outcome.result_year


def test_readers_see_them_and_everything_that_hangs_on_them(synthetic, client):
    _, studies = synthetic
    assert CaseStudy.objects.published().filter(slug__startswith=PREFIX).count() == N
    for model in (PracticeApplication, Outcome, Contribution, Quote):
        mine = model.objects.filter(case_study__in=studies)
        assert model.objects.published().filter(case_study__in=studies).count() == mine.count()
    study = studies.first()
    response = client.get(study.get_absolute_url())
    assert response.status_code == 200
    assert study.title in response.content.decode()


def test_the_catalogue_search_finds_them(synthetic, client):
    response = client.get("/case-studies/", {"q": "visible"})
    found = CaseStudy.objects.filter(pk__in=[row.pk for row in response.context["object_list"]])
    assert any(study.slug.startswith(PREFIX) for study in found)


def test_their_search_documents_are_the_ones_refresh_writes(synthetic):
    _, studies = synthetic
    ids = list(studies.values_list("pk", flat=True))
    fields = ("pk", "title", "names", "practices", "body", "search_vector", "title_vector")
    fields += ("title_names_vector", "title_names_practices_vector")
    written = list(SearchDocument.objects.filter(pk__in=ids).order_by("pk").values_list(*fields))
    search.refresh(ids)
    rewritten = SearchDocument.objects.filter(pk__in=ids).order_by("pk").values_list(*fields)
    assert written == list(rewritten)


def test_their_site_wide_search_documents_are_the_ones_refresh_writes(synthetic):
    _, studies = synthetic
    touched = [
        *((Kind.CASE_STUDY, pk) for pk in studies.values_list("pk", flat=True)),
        *((Kind.ORGANISATION, pk) for pk in studies.values_list("organisation", flat=True)),
        *(
            (Kind.PERSON, pk)
            for pk in Person.objects.filter(slug__startswith=PREFIX).values_list("pk", flat=True)
        ),
    ]
    documents = SiteDocument.objects.filter(pk__in=[sitewide.document_id(*key) for key in touched])
    fields = ("pk", "kind", "object_id", "title", "body", "meta", "url")
    fields += ("search_vector", "title_vector")
    written = list(documents.order_by("pk").values_list(*fields))
    assert len(written) == 3 * N
    sitewide.refresh(touched)
    assert written == list(documents.order_by("pk").values_list(*fields))


@pytest.mark.parametrize("value", ["0", "-3", "ten", "2.5", ""])
def test_the_number_of_case_studies_must_be_a_positive_whole_number(value):
    with pytest.raises(CommandError, match="positive whole number"):
        generate("--case-studies", value)
    assert not synthetic_studies().exists()


def test_the_number_of_case_studies_is_required():
    with pytest.raises(CommandError, match="--case-studies"):
        generate()


def test_it_refuses_without_the_compendium_reference_data():
    Practice.objects.update(status=Status.DRAFT)
    Source.objects.update(status=Status.DRAFT)
    missing = r"No published sources, no published practices .* load_compendium"
    with pytest.raises(CommandError, match=missing):
        generate("--case-studies", "3")
    assert not synthetic_studies().exists()


def test_a_second_run_adds_more_numbered_after_the_first():
    generate("--case-studies", "3")
    output = generate("--case-studies", "2")
    assert "numbered 4 to 5" in output
    numbers = sorted(
        int(slug.split("-")[1]) for slug in synthetic_studies().values_list("slug", flat=True)
    )
    assert numbers == [1, 2, 3, 4, 5]


def test_the_same_seed_builds_the_same_case_studies_whatever_the_batches():
    generate("--case-studies", "5", "--seed", "7")
    first = snapshot()
    delete_synthetic()
    generate_synthetic(case_studies=5, seed=7, batch_size=2)
    assert snapshot() == first
    delete_synthetic()
    generate("--case-studies", "5", "--seed", "8")
    assert snapshot() != first


def snapshot() -> list:
    """Everything a reader would read of the synthetic case studies, in order."""
    studies = (
        synthetic_studies()
        .order_by("slug")
        .prefetch_related(
            "applications__practice", "outcomes__indicator", "quotes", "participants__person"
        )
    )
    return [
        (
            study.slug,
            study.title,
            study.context,
            study.summary,
            study.period_label,
            study.organisation.name,
            study.organisation.type_id,
            [participant.person.full_name for participant in study.participants.all()],
            [(a.practice.slug, a.heading, a.description) for a in study.applications.all()],
            [(o.indicator.slug, o.baseline, o.result, o.statement) for o in study.outcomes.all()],
            [quote.text for quote in study.quotes.all()],
            study.search_document.body,
        )
        for study in studies
    ]


def delete_synthetic() -> None:
    synthetic_studies().delete()  # their parts and search documents go with them
    Organisation.objects.filter(slug__startswith=PREFIX).delete()
    Person.objects.filter(slug__startswith=PREFIX).delete()
