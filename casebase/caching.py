"""Public pages from the shared cache, revalidated by ETag, retired by any change to content.

Every cached page is stored with the *content version* it was made from, and served only while
that version is the one in the database. Every change to content replaces the version inside
its own transaction (casebase.content.changes), so a correction is on the very next request, and a
withdrawn record is gone from every surface (pages, catalogue, feeds, exports, API). Editors
change little and readers read a lot, so invalidating everything is both simple and cheap; there
is no list of "pages this record appears on" to get wrong.

The database, not the cache, says which content is current: a hit costs one primary-key read of
the version (plain SQL) and one read from the cache. So no cache failure can serve retired
content: a Redis that refuses writes, loses them or comes back with old pages still only serves
a page made for the version now in the database. A Redis that is down is an empty cache (the
backend ignores its errors, see `redis_cache` in the settings): readers get the page made afresh,
/healthz says "degraded", and redis-py reconnects when it returns. A save never writes to the
cache, so it cannot fail because of it.

Pages carry `ETag` (version and URL) and `Cache-Control: public, max-age=0, must-revalidate`:
browsers and a CDN may keep them but ask each time, and get a 304 as long as nothing changed.
Only a valid staff session bypasses the cache (a made-up session cookie does not), and the
query parameters no public page reads are dropped before the page is looked up or made, so
neither can force a fresh render of an expensive page.

Each response still gets its own Content-Security-Policy nonce: the cached body and header hold
a placeholder that is replaced.
"""

import hashlib
import secrets
from base64 import b64encode
from functools import cache as once

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified, QueryDict
from django.utils.cache import patch_cache_control
from redis.exceptions import ReadOnlyError

from casebase.content.models import ContentVersion

NONCE_PLACEHOLDER = "casebase-csp-nonce-placeholder"
CSP_HEADER = "Content-Security-Policy"
UNCACHEABLE = {"private", "no-store", "no-cache"}


def cache_health() -> str:
    """ "ok", or what is wrong with the shared cache, for /healthz. Asks Redis itself: the cache
    backend would answer a failed write with silence."""
    redis = getattr(cache, "client", None)  # django-redis
    try:
        if redis is not None:
            redis.get_client(write=True).set(cache.make_key("healthz"), b"1", ex=60)
        else:
            cache.set("healthz", 1, 60)
        return "ok"
    except ReadOnlyError as error:
        return f"read-only ({error.__class__.__name__})"
    except Exception as error:  # whatever the backend raises is reported, never raised
        return f"unreachable ({error.__class__.__name__})"


@once
def query_parameters() -> frozenset[str]:
    """Every query parameter a public page reads: the catalogue's filters (which the evidence
    map, the downloads and the API share), paging, sorting, the evidence map's view, the
    sitemap's page, DRF's format, the case studies compared (`cs`), the kind of record
    searched for (`kind`), the indexes' letter, the "like mine" form's fields and the API's
    filters of organisations (their national identifiers)."""
    from casebase.api.filters import OrganisationFilter
    from casebase.catalogue.filters import CaseStudyFilter
    from casebase.site.likeness import LikeMineForm

    known = {"sort", "page", "by", "p", "format", "cs", "kind", "letter"}
    forms = (
        CaseStudyFilter.base_filters,
        LikeMineForm.base_fields,
        OrganisationFilter.base_filters,
    )
    return frozenset(known.union(*forms))


class PublicPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        if not self.applies_to(request):
            return self.get_response(request)
        drop_unknown_parameters(request)
        try:
            version = ContentVersion.current()
        except DatabaseError:
            return self.get_response(request)  # the page then answers 503 with Retry-After
        if version is None:  # no version row (a flushed database): nothing to key pages by
            return self.get_response(request)
        url = request.build_absolute_uri()
        etag = f'"{digest(f"{version} {url}")}"'
        if etag in request.headers.get("If-None-Match", ""):
            return self.mark(HttpResponseNotModified(), etag, "revalidated")
        key = f"page:{digest(url)}"
        stored = cache.get(key)
        if stored is not None and stored[0] == version:
            return self.mark(thaw(stored[1:]), etag, "hit")
        response = self.get_response(request)
        if not self.storable(response):
            return response
        # Stored under the version read before the page was made: if a change committed
        # meanwhile, the page is never served, since that version is no longer current.
        cache.set(key, (version, *freeze(request, response)), settings.PAGE_CACHE_SECONDS)
        return self.mark(response, etag, "miss")

    @staticmethod
    def applies_to(request: HttpRequest) -> bool:
        return (
            settings.PAGE_CACHE_SECONDS > 0
            and request.method in ("GET", "HEAD")
            and not request.path.startswith(("/admin/", "/preview/", "/suggestions/"))
            and not signed_in_staff(request)
        )

    @staticmethod
    def storable(response) -> bool:
        cache_control = {part.strip() for part in response.get("Cache-Control", "").split(",")}
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not cache_control & UNCACHEABLE
        )

    @staticmethod
    def mark(response, etag: str, outcome: str):
        response["ETag"] = etag
        patch_cache_control(response, public=True, max_age=0, must_revalidate=True)
        if settings.PAGE_CACHE_CDN_SECONDS:
            patch_cache_control(response, s_maxage=settings.PAGE_CACHE_CDN_SECONDS)
        response["X-Page-Cache"] = outcome
        return response


def signed_in_staff(request: HttpRequest) -> bool:
    """Staff see pages as they are, uncached. Only a session cookie makes us look the session
    up (one query); a made-up one finds no staff user and gets the cached page."""
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return False
    try:
        return request.user.is_staff
    except DatabaseError:
        return False


def drop_unknown_parameters(request: HttpRequest) -> None:
    """`?x=<anything>` would otherwise be a new page to make on every request."""
    known = query_parameters()
    if set(request.GET) <= known:
        return
    kept = QueryDict(mutable=True)
    for name, values in request.GET.lists():
        if name in known:
            kept.setlist(name, values)
    request.GET = kept
    request.META["QUERY_STRING"] = kept.urlencode()


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def freeze(request: HttpRequest, response: HttpResponse) -> tuple:
    nonce = getattr(request, "_csp_nonce", None)
    body, headers = response.content, dict(response.items())
    if nonce:
        body = body.replace(nonce.encode(), NONCE_PLACEHOLDER.encode())
        if CSP_HEADER in headers:
            headers[CSP_HEADER] = headers[CSP_HEADER].replace(nonce, NONCE_PLACEHOLDER)
    return body, headers


def thaw(stored: tuple) -> HttpResponse:
    body, headers = stored
    nonce = b64encode(secrets.token_bytes(16)).decode("ascii")  # as django-csp makes them
    response = HttpResponse(body.replace(NONCE_PLACEHOLDER.encode(), nonce.encode()))
    for name, value in headers.items():
        response[name] = value.replace(NONCE_PLACEHOLDER, nonce) if name == CSP_HEADER else value
    response["Content-Length"] = str(len(response.content))  # the nonce's length differs
    return response
