"""The read-only JSON API: published records only, the catalogue's filters, paginated lists.

Viewsets are read-only and allow only safe methods, so POST, PUT, PATCH and DELETE answer 405.
"""

from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import generics, serializers, viewsets

from casebase.api import queries
from casebase.api.filters import CaseStudyChildFilterBackend, CatalogueFilterBackend
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
from casebase.content.filters import CaseStudyFilter
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


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


# What a bad filter value answers: each parameter at fault with its messages.
FILTER_ERRORS = OpenApiResponse(
    response={"type": "object", "additionalProperties": {"type": "array", "items": {}}},
    description="A filter value is not valid: each parameter at fault, with what is wrong.",
)
NOT_FOUND = OpenApiResponse(ErrorSerializer, description="No such published record or page.")


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


@extend_schema_view(
    retrieve=extend_schema(parameters=[SLUG], responses={200: SectorSerializer, 404: NOT_FOUND}),
)
class SectorViewSet(ReadOnlyViewSet):
    queryset = Sector.objects.order_by("position", "name")
    serializer_class = SectorSerializer
    pagination_class = None  # three of them


@extend_schema_view(
    list=extend_schema(
        responses={200: CaseStudySerializer(many=True), 400: FILTER_ERRORS, 404: NOT_FOUND}
    ),
    retrieve=extend_schema(
        parameters=[SLUG], responses={200: CaseStudyDetailSerializer, 404: NOT_FOUND}
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
    list=extend_schema(responses={200: PracticeSerializer(many=True), 404: NOT_FOUND}),
    retrieve=extend_schema(
        parameters=[SLUG], responses={200: PracticeDetailSerializer, 404: NOT_FOUND}
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
    list=extend_schema(responses={200: OrganisationSerializer(many=True), 404: NOT_FOUND}),
    retrieve=extend_schema(
        parameters=[SLUG], responses={200: OrganisationDetailSerializer, 404: NOT_FOUND}
    ),
)
class OrganisationViewSet(ReadOnlyViewSet):
    serializer_class = OrganisationSerializer
    detail_serializer_class = OrganisationDetailSerializer

    def get_queryset(self):
        if self.action == "retrieve":
            return queries.organisations_in_full()
        return queries.organisations()


@extend_schema(responses={200: OutcomeSerializer(many=True), 400: FILTER_ERRORS, 404: NOT_FOUND})
class OutcomeListView(generics.ListAPIView):
    """Published outcomes of the case studies the catalogue's filters keep."""

    http_method_names = SAFE_METHODS
    serializer_class = OutcomeSerializer
    filter_backends = [CaseStudyChildFilterBackend]
    filterset_class = CaseStudyFilter

    def get_queryset(self):
        return queries.outcomes()
