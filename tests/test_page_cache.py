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
from casebase.settings import redis_cache
from tests.helpers import form_data

pytestmark = pytest.mark.django_db

REDIS_URL = "redis://127.0.0.1:6379/15"

# Every public surface a case study appears on: each links to it, most by its title.
LINK = "case-studies/leeds-teaching-hospitals/"
WITHOUT_TITLE = {"/practices/flat-structure/", "/sitemap-case-studies.xml"}
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
    "/sitemap-case-studies.xml",
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
            # As in production; a prefix of its own, so no run sees another's pages.
            "default": {**redis_cache(REDIS_URL), "KEY_PREFIX": f"test-{uuid.uuid4().hex}"},
        }
        cache.set("ping", "pong")
        assert cache.get("ping") == "pong", f"Redis must be running at {REDIS_URL}"
    cache.clear()
    yield request.param
    cache.clear()


@pytest.fixture
def leeds() -> CaseStudy:
    return CaseStudy.objects.get(slug="leeds-teaching-hospitals")


def test_the_second_request_is_served_from_the_cache_after_one_read_of_the_version(
    page_cache, client, django_assert_num_queries
):
    first = client.get("/case-studies/?sector=healthcare")
    assert first["X-Page-Cache"] == "miss"
    with django_assert_num_queries(1):  # the content version: the database says what is current
        second = client.get("/case-studies/?sector=healthcare")
    assert second["X-Page-Cache"] == "hit"
    assert second.content.decode().count("case-study") == first.content.decode().count("case-study")
    assert second["Cache-Control"] == "public, max-age=0, must-revalidate"
    assert second["ETag"] == first["ETag"]
    for header in ("Content-Security-Policy", "Referrer-Policy", "X-Content-Type-Options"):
        assert second[header], f"{header} replayed"


def test_a_hit_reads_the_cache_once(page_cache, client, monkeypatch):
    """The page with the version it was made from: one round trip to Redis."""
    client.get("/case-studies/")
    shared = caches["default"]
    reads = []
    for method in ("get", "get_many"):
        monkeypatch.setattr(shared, method, recorded(getattr(shared, method), method, reads))
    assert client.get("/case-studies/")["X-Page-Cache"] == "hit"
    assert reads == ["get"]


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


def test_a_conditional_request_is_answered_304_without_reading_the_cache(
    page_cache, client, django_assert_num_queries, monkeypatch
):
    etag = client.get("/practices/flat-structure/")["ETag"]
    monkeypatch.setattr(caches["default"], "get", None)  # any read of the cache would fail
    with django_assert_num_queries(1):  # the content version
        response = client.get("/practices/flat-structure/", headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert response["ETag"] == etag
    monkeypatch.undo()
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
    gone = {
        "/case-studies/leeds-teaching-hospitals/",
        "/api/case-studies/leeds-teaching-hospitals/",
    }
    for url in gone:
        assert reader.get(url).status_code == 404, url  # the API's 404 names its own path
    for url in set(SURFACES) - gone:
        assert LINK not in reader.get(url).content.decode(), url


def test_a_made_up_session_cookie_still_gets_the_cached_page(page_cache, client):
    client.get("/case-studies/")
    client.cookies["sessionid"] = "anything"
    assert client.get("/case-studies/")["X-Page-Cache"] == "hit"


def test_a_signed_in_editor_who_is_not_staff_gets_the_cached_page(page_cache, django_user_model):
    reader = Client()
    reader.force_login(django_user_model.objects.create_user("former", password="x" * 16))
    Client().get("/case-studies/")
    assert reader.get("/case-studies/")["X-Page-Cache"] == "hit"


@pytest.mark.parametrize("url", ["/case-studies/", "/sitemap.xml", "/api/case-studies/"])
def test_unknown_parameters_make_no_new_page(page_cache, client, url):
    separator = "&" if "?" in url else "?"
    assert client.get(f"{url}{separator}x={uuid.uuid4().hex}")["X-Page-Cache"] == "miss"
    again = client.get(f"{url}{separator}x={uuid.uuid4().hex}&utm_source=mail")
    assert again["X-Page-Cache"] == "hit"
    assert client.get(url)["X-Page-Cache"] == "hit", "the same page as without them"


def test_the_parameters_pages_read_each_make_their_own_page(page_cache, client):
    urls = [
        "/case-studies/?sector=healthcare",
        "/case-studies/?sector=healthcare&page=2",
        "/case-studies/?sector=healthcare&sort=recent",
        "/evidence-map/?by=outcome",
        "/api/case-studies/?sector=education",
    ]
    assert [client.get(url)["X-Page-Cache"] for url in urls] == ["miss"] * len(urls)


def test_a_page_without_unknown_parameters_never_mentions_them(page_cache, client):
    page = client.get("/case-studies/?nonsense=1").content.decode()
    assert "nonsense" not in page, "the page cached for /case-studies/ is the plain one"
    assert "nonsense" not in client.get("/case-studies/").content.decode()
