"""The read-only JSON API: published records only, the catalogue's filters, paginated lists.

Viewsets are read-only and allow only safe methods, so POST, PUT, PATCH and DELETE answer 405.
Every error is answered as problem details (casebase/api/problems.py).
"""

from django.http import Http404
from django.urls import reverse
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import generics, serializers, viewsets
from rest_framework.exceptions import NotFound

from casebase.api import queries
from casebase.api.filters import CaseStudyChildFilterBackend, CatalogueFilterBackend
from casebase.api.problems import CONTENT_TYPE, ProblemSerializer
from casebase.api.serializers import (
    CaseStudyDetailSerializer,
    CaseStudySerializer,
    OrganisationDetailSerializer,
    OrganisationSerializer,
    OutcomeSerializer,
    PracticeDetailSerializer,
    PracticeSerializer,
    SectorSerializer,
)
from casebase.catalogue.filters import CaseStudyFilter
from casebase.content.models import Sector

SAFE_METHODS = ["get", "head", "options"]
SLUG_PATTERN = "[-a-zA-Z0-9_]+"  # as Django's <slug:> converter
SLUG = OpenApiParameter(
    "slug",
    str,
    OpenApiParameter.PATH,
    pattern=f"^{SLUG_PATTERN}$",
    description="The record's slug, as in its URL on the site.",
)


# The errors a reader can cause, as problem details (casebase/api/problems.py).
BAD_PARAMETERS = {
    (400, CONTENT_TYPE): OpenApiResponse(
        ProblemSerializer,
        description="A filter value or the page number is not valid: `errors` names each "
        "parameter at fault, with what is wrong.",
    )
}
NOT_FOUND = {
    (404, CONTENT_TYPE): OpenApiResponse(
        ProblemSerializer, description="No such published record, or no such page."
    )
}


class ReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    """List and detail by slug; a detail serializer when the detail shows more."""

    http_method_names = SAFE_METHODS
    lookup_field = "slug"
    lookup_value_regex = SLUG_PATTERN
    detail_serializer_class: type[serializers.Serializer] | None = None

    def get_serializer_class(self):
        if self.action == "retrieve" and self.detail_serializer_class:
            return self.detail_serializer_class
        return super().get_serializer_class()

    def get_object(self):
        try:
            return super().get_object()
        except Http404:
            kind = self.get_queryset().model._meta.verbose_name
            raise NotFound(
                f"No published {kind} has the slug {self.kwargs['slug']!r}. "
                f"The published ones are listed at {reverse(f'{self.basename}-list')}."
            ) from None


@extend_schema_view(
    retrieve=extend_schema(parameters=[SLUG], responses={200: SectorSerializer, **NOT_FOUND}),
)
class SectorViewSet(ReadOnlyViewSet):
    queryset = Sector.objects.order_by("position", "name")
    serializer_class = SectorSerializer
    pagination_class = None  # three of them


@extend_schema_view(
    list=extend_schema(
        responses={200: CaseStudySerializer(many=True), **BAD_PARAMETERS, **NOT_FOUND}
    ),
    retrieve=extend_schema(
        parameters=[SLUG], responses={200: CaseStudyDetailSerializer, **NOT_FOUND}
    ),
)
class CaseStudyViewSet(ReadOnlyViewSet):
    """Published case studies, with the catalogue's filters."""

    serializer_class = CaseStudySerializer
    detail_serializer_class = CaseStudyDetailSerializer
    filter_backends = [CatalogueFilterBackend]
    filterset_class = CaseStudyFilter

    def get_queryset(self):
        if self.action == "retrieve":
            return queries.case_studies_in_full()
        return queries.case_studies()


@extend_schema_view(
    list=extend_schema(
        responses={200: PracticeSerializer(many=True), **BAD_PARAMETERS, **NOT_FOUND}
    ),
    retrieve=extend_schema(
        parameters=[SLUG], responses={200: PracticeDetailSerializer, **NOT_FOUND}
    ),
)
class PracticeViewSet(ReadOnlyViewSet):
    serializer_class = PracticeSerializer
    detail_serializer_class = PracticeDetailSerializer

    def get_queryset(self):
        if self.action == "retrieve":
            return queries.practices_with_applications()
        return queries.practices()


@extend_schema_view(
    list=extend_schema(
        responses={200: OrganisationSerializer(many=True), **BAD_PARAMETERS, **NOT_FOUND}
    ),
    retrieve=extend_schema(
        parameters=[SLUG], responses={200: OrganisationDetailSerializer, **NOT_FOUND}
    ),
)
class OrganisationViewSet(ReadOnlyViewSet):
    serializer_class = OrganisationSerializer
    detail_serializer_class = OrganisationDetailSerializer

    def get_queryset(self):
        if self.action == "retrieve":
            return queries.organisations_in_full()
        return queries.organisations()


@extend_schema(responses={200: OutcomeSerializer(many=True), **BAD_PARAMETERS, **NOT_FOUND})
class OutcomeListView(generics.ListAPIView):
    """Published outcomes of the case studies the catalogue's filters keep."""

    http_method_names = SAFE_METHODS
    serializer_class = OutcomeSerializer
    filter_backends = [CaseStudyChildFilterBackend]
    filterset_class = CaseStudyFilter

    def get_queryset(self):
        return queries.outcomes()
