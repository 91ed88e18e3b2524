"""The published records the API and the dataset read, with what their serializers need
prefetched: a fixed number of queries whatever the number of rows."""

from django.db.models import Prefetch, QuerySet

from casebase.content.models import (
    CaseStudy,
    Organisation,
    OrganisationFact,
    Outcome,
    Person,
    Practice,
    PracticeApplication,
    Role,
    Source,
)

CATALOGUE_ORDER = ("organisation__name", "title")


def case_studies() -> QuerySet[CaseStudy]:
    """A list row: organisation, sector, practices and outcome count (three queries)."""
    return CaseStudy.objects.published().for_catalogue().order_by(*CATALOGUE_ORDER)


def case_studies_in_full() -> QuerySet[CaseStudy]:
    """Everything a case study holds, published parts only: the page's read, less what only
    the page draws (corrections, chart ladders)."""
    return (
        CaseStudy.objects.published()
        .with_parts()
        .select_related("source")
        .order_by(*CATALOGUE_ORDER)
    )


def outcomes() -> QuerySet[Outcome]:
    return (
        Outcome.objects.published()
        .select_related("case_study", "indicator", "baseline_grade", "result_grade", "source")
        .order_by(*(f"case_study__{field}" for field in CATALOGUE_ORDER), "position", "id")
    )


def practices() -> QuerySet[Practice]:
    return Practice.objects.published().select_related("theme").order_by("name")


def practices_with_applications() -> QuerySet[Practice]:
    return practices().prefetch_related(
        Prefetch(
            "applications",
            queryset=PracticeApplication.objects.published()
            .select_related("case_study__organisation")
            .order_by(*(f"case_study__{field}" for field in CATALOGUE_ORDER)),
            to_attr="published_applications",
        )
    )


def organisations() -> QuerySet[Organisation]:
    return Organisation.objects.published().select_related("type__sector").order_by("name")


def organisations_in_full() -> QuerySet[Organisation]:
    return organisations().prefetch_related(
        Prefetch("facts", queryset=OrganisationFact.objects.published().select_related("source")),
        Prefetch(
            "case_studies",
            queryset=CaseStudy.objects.published().order_by("title"),
            to_attr="published_case_studies",
        ),
    )


def people() -> QuerySet[Person]:
    return Person.objects.published().prefetch_related(
        Prefetch(
            "roles",
            queryset=Role.objects.published().select_related("organisation", "source"),
            to_attr="published_roles",
        )
    )


def sources() -> QuerySet[Source]:
    return Source.objects.published().prefetch_related(
        Prefetch("based_on", queryset=Source.objects.published())
    )
