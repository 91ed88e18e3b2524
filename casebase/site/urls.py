"""Public URLs: an interface readers bookmark and share. Keep them stable."""

from django.contrib.sitemaps import views as sitemaps
from django.urls import path

from casebase.site import compare, directories, feeds, likeness, sitesearch, views
from casebase.site.sitemaps import SITEMAPS

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("case-studies/", views.CaseStudyListView.as_view(), name="case-studies"),
    path("case-studies/<slug:slug>/", views.CaseStudyDetailView.as_view(), name="case-study"),
    path(
        "case-studies/<slug:slug>/cite.<str:extension>",
        views.case_study_citation,
        name="case-study-citation",
    ),
    path(
        "preview/case-studies/<slug:slug>/",
        views.CaseStudyPreviewView.as_view(),
        name="case-study-preview",
    ),
    path("compare/", compare.compare, name="compare"),
    path("like-mine/", likeness.LikeMineView.as_view(), name="like-mine"),
    path("practices/", views.PracticeListView.as_view(), name="practices"),
    path("practices/<slug:slug>/", views.PracticeDetailView.as_view(), name="practice"),
    path("sectors/<slug:slug>/", views.SectorDetailView.as_view(), name="sector"),
    path("organisations/", directories.OrganisationListView.as_view(), name="organisations"),
    path("organisations/<slug:slug>/", views.OrganisationDetailView.as_view(), name="organisation"),
    path("people/", directories.PersonListView.as_view(), name="people"),
    path("people/<slug:slug>/", views.PersonDetailView.as_view(), name="person"),
    path("search/", sitesearch.SiteSearchView.as_view(), name="search"),
    path("evidence-map/", views.EvidenceMapView.as_view(), name="evidence-map"),
    path("about/evidence/", views.EvidenceMethodView.as_view(), name="evidence-method"),
    path("feeds/case-studies.atom", feeds.CaseStudyFeed(), name="feed"),
    path("feeds/practices/<slug:slug>.atom", feeds.PracticeFeed(), name="practice-feed"),
    path("feeds/sectors/<slug:slug>.atom", feeds.SectorFeed(), name="sector-feed"),
    path(
        "sitemap.xml",
        sitemaps.index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap-section"},
        name="sitemap",
    ),
    path(
        "sitemap-<slug:section>.xml",
        sitemaps.sitemap,
        {"sitemaps": SITEMAPS},
        name="sitemap-section",
    ),
    path("robots.txt", views.robots_txt, name="robots"),
    path("healthz", views.healthz, name="healthz"),
]
