"""Open data: the read-only JSON API, the catalogue's exports and the whole dataset.

Included at the site root before the readers' pages, so `/case-studies/export.csv` is not taken
for a case study's slug.
"""

from django.urls import include, path
from drf_spectacular.views import SpectacularJSONAPIView
from rest_framework.routers import SimpleRouter

from casebase.api import exports, views

router = SimpleRouter()
router.register("case-studies", views.CaseStudyViewSet, basename="api-case-study")
router.register("practices", views.PracticeViewSet, basename="api-practice")
router.register("organisations", views.OrganisationViewSet, basename="api-organisation")
router.register("people", views.PersonViewSet, basename="api-person")
router.register("sectors", views.SectorViewSet, basename="api-sector")

urlpatterns = [
    path("case-studies/export.csv", exports.catalogue_csv, name="export-csv"),
    path("case-studies/export.json", exports.catalogue_json, name="export-json"),
    path("data/casebase.json", exports.dataset_json, name="dataset"),
    path("api/openapi.json", SpectacularJSONAPIView.as_view(), name="openapi"),
    path("api/outcomes/", views.OutcomeListView.as_view(), name="api-outcomes"),
    path("api/like-mine/", views.LikeMineView.as_view(), name="api-like-mine"),
    path("api/", include(router.urls)),
]
