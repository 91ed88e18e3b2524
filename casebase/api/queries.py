"""The published records the API and the dataset read, with what their serializers need
prefetched: a fixed number of queries whatever the number of rows."""

from django.db.models import Prefetch, QuerySet
from django.db.models.functions import Upper

from casebase.content.models import (
    CaseStudy,
    Organisation,
    OrganisationFact,
    Outcome,
    Person,
    Practice,
    PracticeApplication,
    Source,
)
from casebase.site import directories

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
    """A list row: type and sector, and the published figures its size is read from (two
    queries)."""
    return (
        Organisation.objects.published()
        .select_related("type__sector")
        .prefetch_related(
            Prefetch(
                "facts", queryset=OrganisationFact.objects.published().select_related("source")
            )
        )
        .order_by("name", "pk")
    )


def organisations_in_full() -> QuerySet[Organisation]:
    return organisations().prefetch_related(
        Prefetch(
            "case_studies",
            queryset=CaseStudy.objects.published().order_by("title"),
            to_attr="published_case_studies",
        ),
    )


def people() -> QuerySet[Person]:
    """Each with their published roles, as the index of people shows them (two queries)."""
    return directories.with_roles(Person.objects.published())


def people_a_to_z() -> QuerySet[Person]:
    """As the index of people files them: by name as given, in any case."""
    return people().order_by(Upper("name"), "pk")


def sources() -> QuerySet[Source]:
    return Source.objects.published().prefetch_related(
        Prefetch("based_on", queryset=Source.objects.published())
    )
