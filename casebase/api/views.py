"""The read-only JSON API: published records only, the catalogue's filters, paginated lists.

Viewsets are read-only and allow only safe methods, so POST, PUT, PATCH and DELETE answer 405.
Every error is answered as problem details (casebase/api/problems.py).
"""

from collections.abc import Sequence

from django.http import Http404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import generics, serializers, viewsets
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from casebase.api import queries
from casebase.api.filters import (
    CaseStudyChildFilterBackend,
    CatalogueFilterBackend,
    OrganisationFilter,
    PersonFilter,
    ProfileFilterBackend,
    form_parameters,
)
from casebase.api.pagination import PeerPagination
from casebase.api.problems import CONTENT_TYPE, ProblemSerializer
from casebase.api.serializers import (
    CaseStudyDetailSerializer,
    CaseStudySerializer,
    OrganisationDetailSerializer,
    OrganisationSerializer,
    OutcomeSerializer,
    PeerSerializer,
    PersonSerializer,
    PracticeDetailSerializer,
    PracticeSerializer,
    SectorSerializer,
)
from casebase.catalogue import index as catalogue
from casebase.catalogue import peers
from casebase.catalogue.filters import CaseStudyFilter
from casebase.catalogue.peers import Peer, Profile
from casebase.content.models import CaseStudy, Sector, Status
from casebase.site import alike, likeness

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
    """Published organisations A to Z, filtered by their profile."""

    serializer_class = OrganisationSerializer
    detail_serializer_class = OrganisationDetailSerializer
    filter_backends = [ProfileFilterBackend]
    filterset_class = OrganisationFilter

    def get_queryset(self):
        if self.action == "retrieve":
            return queries.organisations_in_full()
        return queries.organisations()


@extend_schema_view(
    list=extend_schema(responses={200: PersonSerializer(many=True), **BAD_PARAMETERS, **NOT_FOUND}),
    retrieve=extend_schema(parameters=[SLUG], responses={200: PersonSerializer, **NOT_FOUND}),
)
class PersonViewSet(ReadOnlyViewSet):
    """Published people A to Z with their published roles, as the index of people lists them
    and finds them by their organisations."""

    serializer_class = PersonSerializer
    filter_backends = [ProfileFilterBackend]
    filterset_class = PersonFilter

    def get_queryset(self):
        return queries.people_a_to_z()


@extend_schema(responses={200: OutcomeSerializer(many=True), **BAD_PARAMETERS, **NOT_FOUND})
class OutcomeListView(generics.ListAPIView):
    """Published outcomes of the case studies the catalogue's filters keep."""

    http_method_names = SAFE_METHODS
    serializer_class = OutcomeSerializer
    filter_backends = [CaseStudyChildFilterBackend]
    filterset_class = CaseStudyFilter

    def get_queryset(self):
        return queries.outcomes()


# --- Organisations like mine --------------------------------------------------------------------


class Ranked(Sequence):
    """The case studies nearest a profile, for the paginator: the nearest 100 (as many as the
    page /like-mine/ shows in its ten pages), found once."""

    def __init__(self, index: catalogue.CatalogueIndex, mine: Profile, leave_out: list[int]):
        limit = likeness.PAGE_SIZE * likeness.MAX_PAGES
        self.found, self.compared = peers.nearest(index, mine, limit, leave_out=leave_out)

    def __len__(self) -> int:
        return len(self.found)

    def __getitem__(self, at):
        return self.found[at]


def asked_profile(
    form: likeness.LikeMineForm, index: catalogue.CatalogueIndex
) -> tuple[Profile, list[int], str]:
    """The profile to compare with, as the page /like-mine/ takes it: the organisation named
    (the profile of its story, its own case studies left out) or the one described; and whose
    figures the "why" sentences set the others' against."""
    if not form.named:
        return form.profile(), [], alike.YOURS
    organisation = form.named
    studies = CaseStudy.objects.published().filter(organisation=organisation)
    facts = organisation.facts.filter(source__status=Status.PUBLISHED)
    mine, leave_out = alike.known_profile(
        organisation, list(studies.values_list("pk", flat=True)), facts, index
    )
    return mine, leave_out, alike.HERE


def peers_shown(
    index: catalogue.CatalogueIndex, mine: Profile, found: list[Peer], whose: str
) -> list[dict]:
    """The page's case studies (published ones only), each with its organisation and why it
    is alike, in the sentence the page shows: two queries."""
    ids = index.id_at([peer.position for peer in found])
    studies = CaseStudy.objects.published().filter(pk__in=ids).select_related("organisation")
    by_id = {study.pk: study for study in studies}
    organisations = {pk: study.organisation_id for pk, study in by_id.items()}
    reasons = alike.reasons_for(index, mine, found, ids, whose, organisations)
    return [
        {
            "case_study": by_id[pk],
            "organisation": by_id[pk].organisation,
            "distance": round(peer.distance, 6),
            "attributes_compared": peer.shared,
            "why": reasons[pk],
        }
        for pk, peer in zip(ids, found, strict=True)
        if pk in by_id
    ]


@extend_schema(
    parameters=[
        *form_parameters(likeness.LikeMineForm),
        OpenApiParameter(
            "page",
            OpenApiTypes.INT,
            OpenApiParameter.QUERY,
            description=f"A page number, 1 to {likeness.MAX_PAGES}.",
        ),
    ],
    responses={200: PeerSerializer(many=True), **BAD_PARAMETERS, **NOT_FOUND},
)
class LikeMineView(generics.GenericAPIView):
    """The case studies of the organisations most like yours, nearest first, as the page
    /like-mine/ ranks them (the method: /about/evidence/#like-mine). Describe your organisation
    (`sector`, and optionally `type`, `measure` with `size`, `region`, `rating`) or name one
    Casebase has (`organisation`, its name or slug). The nearest 100 at most, 10 a page."""

    http_method_names = SAFE_METHODS
    serializer_class = PeerSerializer
    pagination_class = PeerPagination

    def get(self, request: Request) -> Response:
        index = catalogue.current()
        form = likeness.LikeMineForm(request.query_params, index=index)
        if not form.is_valid():
            raise ValidationError({name: list(errors) for name, errors in form.errors.items()})
        mine, leave_out, whose = asked_profile(form, index)
        found = self.paginate_queryset(Ranked(index, mine, leave_out))
        shown = peers_shown(index, mine, found, whose)
        return self.get_paginated_response(self.get_serializer(shown, many=True).data)
