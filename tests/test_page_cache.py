"""Public pages come from the shared cache with ETag and Cache-Control, and any change to
content retires them at once, on every surface. Run against a local-memory cache and against
a real Redis (127.0.0.1:6379, as on every machine of ours; a missing Redis fails the run)."""

import re
import uuid

import pytest
from django.core.cache import cache, caches
from django.test import Client
from django.urls import reverse

from casebase.content.models import CaseStudy
from tests.helpers import form_data

pytestmark = pytest.mark.django_db

REDIS_URL = "redis://127.0.0.1:6379/15"

# Every public surface a case study appears on: each links to it, most by its title.
LINK = "case-studies/leeds-teaching-hospitals/"
WITHOUT_TITLE = {"/practices/flat-structure/", "/sitemap.xml"}
SURFACES = [
    "/case-studies/",
    "/case-studies/?q=Leeds",
    "/case-studies/?sector=healthcare",
    "/case-studies/leeds-teaching-hospitals/",
    "/practices/flat-structure/",
    "/sectors/healthcare/",
    "/organisations/leeds-teaching-hospitals-nhs-trust/",
    "/feeds/case-studies.atom",
    "/feeds/sectors/healthcare.atom",
    "/sitemap.xml",
    "/case-studies/export.csv",
    "/case-studies/export.json",
    "/data/casebase.json",
    "/api/case-studies/",
    "/api/case-studies/leeds-teaching-hospitals/",
]


@pytest.fixture(params=["locmem", "redis"])
def page_cache(request, settings):
    settings.PAGE_CACHE_SECONDS = 3600
    if request.param == "redis":
        settings.CACHES = {
            **settings.CACHES,
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": REDIS_URL,
                "KEY_PREFIX": f"test-{uuid.uuid4().hex}",  # no run sees another's pages
            },
        }
        cache.set("ping", "pong")
        assert cache.get("ping") == "pong", f"Redis must be running at {REDIS_URL}"
    cache.clear()
    yield request.param
    cache.clear()


@pytest.fixture
def leeds() -> CaseStudy:
    return CaseStudy.objects.get(slug="leeds-teaching-hospitals")


def test_the_second_request_is_served_from_the_cache_without_the_database(
    page_cache, client, django_assert_num_queries
):
    first = client.get("/case-studies/?sector=healthcare")
    assert first["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):
        second = client.get("/case-studies/?sector=healthcare")
    assert second["X-Page-Cache"] == "hit"
    assert second.content.decode().count("case-study") == first.content.decode().count("case-study")
    assert second["Cache-Control"] == "public, max-age=0, must-revalidate"
    assert second["ETag"] == first["ETag"]
    for header in ("Content-Security-Policy", "Referrer-Policy", "X-Content-Type-Options"):
        assert second[header], f"{header} replayed"


def test_a_hit_reads_the_cache_once(page_cache, client, monkeypatch):
    """The content generation and the page come in one read: one round trip to Redis."""
    client.get("/case-studies/")
    shared = caches["default"]
    reads = []
    for method in ("get", "get_many"):
        monkeypatch.setattr(shared, method, recorded(getattr(shared, method), method, reads))
    assert client.get("/case-studies/")["X-Page-Cache"] == "hit"
    assert reads == ["get_many"]


def recorded(read, name: str, reads: list):
    """`read`, noting each call, but not calls made within one (locmem's get_many calls get)."""

    def reading(*args, **kwargs):
        reads.append(name)
        length = len(reads)
        try:
            return read(*args, **kwargs)
        finally:
            del reads[length:]

    return reading


def test_a_conditional_request_is_answered_304_without_the_database(
    page_cache, client, django_assert_num_queries
):
    etag = client.get("/practices/flat-structure/")["ETag"]
    with django_assert_num_queries(0):
        response = client.get("/practices/flat-structure/", headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert response["ETag"] == etag
    other = client.get("/practices/visible-leadership/")["ETag"]
    assert other != etag, "each URL has its own ETag"


def test_every_cached_response_has_its_own_csp_nonce(page_cache, client):
    def nonce(response) -> str:
        header = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
        assert f'nonce="{header}"' in response.content.decode(), "body and header agree"
        return header

    nonces = {nonce(client.get("/case-studies/")) for _ in range(3)}
    assert len(nonces) == 3


def test_staff_previews_healthz_and_errors_are_never_cached(page_cache, editor_client):
    assert "X-Page-Cache" not in editor_client.get("/case-studies/")
    anonymous = Client()
    assert "X-Page-Cache" not in anonymous.get("/healthz")
    assert "X-Page-Cache" not in anonymous.get("/case-studies/no-such-study/")
    assert anonymous.get("/case-studies/no-such-study/").status_code == 404


def test_a_correction_is_visible_on_the_very_next_request_everywhere(
    page_cache, publisher, leeds, django_capture_on_commit_callbacks
):
    reader = Client()
    for url in SURFACES:
        reader.get(url)
        assert reader.get(url)["X-Page-Cache"] == "hit", url
    change = reverse("admin:content_casestudy_change", args=[leeds.pk])
    data = form_data(publisher.get(change))
    data["title"] = "Leeds Teaching Hospitals: a corrected title"
    with django_capture_on_commit_callbacks(execute=True):
        assert publisher.post(change, data).status_code == 302
    for url in SURFACES:
        response = reader.get(url)
        assert response["X-Page-Cache"] == "miss", url
        if url not in WITHOUT_TITLE:
            assert "a corrected title" in response.content.decode(), url


def test_a_withdrawn_case_study_vanishes_at_once_from_every_surface(
    page_cache, publisher, leeds, django_capture_on_commit_callbacks
):
    reader = Client()
    for url in SURFACES:
        assert LINK in reader.get(url).content.decode(), url
    with django_capture_on_commit_callbacks(execute=True):
        publisher.post(
            reverse("admin:content_casestudy_changelist"),
            {"action": "withdraw", "_selected_action": [leeds.pk]},
        )
    assert reader.get("/case-studies/leeds-teaching-hospitals/").status_code == 404
    assert reader.get("/api/case-studies/leeds-teaching-hospitals/").status_code == 404
    for url in SURFACES:
        assert LINK not in reader.get(url).content.decode(), url
