"""Every public URL works on a site with nothing published: a new installation before its first
publication, or one whose records are all drafts. Each answers (a detail page of a record that
is not public with a 404), never a 500, and every HTML page has exactly one <h1>.

The crawl starts from the home page and follows every link it finds on the site, plus a fixed
list naming every URL pattern of casebase/site/urls.py and casebase/api/urls.py, each facet of
the catalogue and both views of the evidence map."""

import html
import re
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from reversion.models import Revision

from casebase.catalogue import index as catalogue
from casebase.catalogue import search
from casebase.catalogue.filters import FACETS
from casebase.content.changes import content_changed
from casebase.content.models import ContentVersion, Publishable, Status

pytestmark = pytest.mark.django_db

# Pages that exist whatever is published: 200 always.
ALWAYS = [
    "/",
    "/case-studies/",
    "/case-studies/?q=leadership",
    "/case-studies/?sector=healthcare",
    "/case-studies/?theme=communication",
    "/case-studies/?practice=visible-leadership&practice=flat-structure",
    "/case-studies/?type=county-council",
    "/case-studies/?region=Norfolk",
    "/case-studies/?indicator=cqc-overall-rating",
    "/case-studies/?direction=improved",
    "/case-studies/?evidence=regulator",
    "/case-studies/?year_from=2010&year_to=2020",
    "/case-studies/?sort=recent",
    "/case-studies/?sort=outcomes&page=2",
    "/case-studies/?q=leadership&sort=relevance",
    "/evidence-map/",
    "/evidence-map/?by=outcome",
    "/evidence-map/?by=sector&sector=healthcare&direction=improved",
    "/practices/",
    "/organisations/",
    "/organisations/?sector=healthcare&type=nhs-acute-trust&region=london&letter=L&page=2",
    "/people/",
    "/people/?sector=education&region=north-west&letter=A",
    "/feeds/case-studies.atom",
    "/sitemap.xml",
    "/robots.txt",
    "/healthz",
    "/case-studies/export.csv",
    "/case-studies/export.json",
    "/case-studies/export.csv?direction=improved&year_from=2010",
    "/case-studies/export.json?q=leadership",
    "/data/casebase.json",
    "/api/openapi.json",
    "/api/case-studies/",
    "/api/case-studies/?direction=improved&q=leadership",
    "/api/practices/",
    "/api/organisations/",
    "/api/outcomes/",
    "/api/outcomes/?evidence=regulator",
    "/api/sectors/",
]

# Pages of records that are not published (or do not exist): 404.
NOT_PUBLIC = [
    "/case-studies/leeds-teaching-hospitals/",
    "/case-studies/leeds-teaching-hospitals/cite.bib",
    "/case-studies/leeds-teaching-hospitals/cite.ris",
    "/case-studies/leeds-teaching-hospitals/cite.json",
    "/practices/visible-leadership/",
    "/organisations/leeds-teaching-hospitals-nhs-trust/",
    "/people/karen-james/",
    "/feeds/practices/visible-leadership.atom",
    "/api/case-studies/leeds-teaching-hospitals/",
    "/api/practices/visible-leadership/",
    "/api/organisations/leeds-teaching-hospitals-nhs-trust/",
]

# Sectors are reference data without a status: their pages stay while their rows exist.
SECTORS = [
    "/sectors/healthcare/",
    "/sectors/local-government/",
    "/sectors/education/",
    "/feeds/sectors/healthcare.atom",
    "/api/sectors/healthcare/",
]

NOT_CRAWLED = ("/admin/", "/preview/")  # for staff only


def everything_a_draft() -> None:
    """Every reader-facing record back to draft, as a bulk change outside the admin: the
    content version and the search index follow, as the README says to do after one."""
    for model in apps.get_app_config("content").get_models():
        if issubclass(model, Publishable):
            model.objects.exclude(status=Status.DRAFT).update(status=Status.DRAFT)
    content_changed()
    search.refresh()


def no_content_at_all() -> None:
    """Every content row deleted, leaving what the migrations made (the editor groups, the
    content version row). Models are deleted last-declared first: parts before what they hang
    on, so nothing protected is deleted before what protects it."""
    for model in reversed(list(apps.get_app_config("content").get_models())):
        if model is not ContentVersion:
            model.objects.all().delete()
    Revision.objects.all().delete()


def links(page: str) -> set[str]:
    """Every same-site href of a page, without its fragment."""
    found = set()
    for href in re.findall(r'href="([^"]*)"', page):
        parts = urlsplit(html.unescape(href))
        if parts.scheme not in ("", "http", "https") or parts.netloc not in ("", "testserver"):
            continue
        if not parts.path.startswith("/"):
            continue
        url = parts.path + (f"?{parts.query}" if parts.query else "")
        if not url.startswith(NOT_CRAWLED):
            found.add(url)
    return found


def crawl(client, expected: dict[str, int]) -> dict[str, int]:
    """Fetch `expected` and every page linked from the pages fetched, following redirects
    within the site: {url: status} of those that answered otherwise than expected (200 for a
    linked page) or with an HTML page without exactly one <h1>."""
    client.raise_request_exception = False  # a 500 is reported with the others, not raised
    wrong: dict[str, int] = {}
    queue, seen = ["/", *expected], set()
    while queue:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code in (301, 302) and response["Location"].startswith("/"):
            queue.append(response["Location"])  # a start page leads on (the suggestions')
            continue
        content_type = response.get("Content-Type", "")
        page = b"".join(response).decode() if response.streaming else response.content.decode()
        one_heading = (
            not content_type.startswith("text/html") or len(re.findall(r"<h1[\s>]", page)) == 1
        )
        if response.status_code != expected.get(url, 200) or not one_heading:
            wrong[url] = response.status_code
        if content_type.startswith("text/html") and response.status_code == 200:
            queue += sorted(links(page) - seen)
    return wrong


def expectations(*, sectors: int) -> dict[str, int]:
    return (
        dict.fromkeys(ALWAYS, 200)
        | dict.fromkeys(NOT_PUBLIC, 404)
        | dict.fromkeys(SECTORS, sectors)
    )


def test_the_index_of_nothing_published_has_every_facet_with_no_options():
    everything_a_draft()
    index = catalogue.build(ContentVersion.current(), 0)
    assert len(index.all) == 0
    assert all(index.facets[name] == [] for name in FACETS)
    assert index.labels["sector"]  # every option a reader may choose is still known


def test_every_public_url_answers_when_every_record_is_a_draft(client):
    everything_a_draft()
    assert crawl(client, expectations(sectors=200)) == {}


def test_every_public_url_answers_on_a_database_with_no_content(client):
    no_content_at_all()
    assert crawl(client, expectations(sectors=404)) == {}


def test_the_crawl_reaches_beyond_the_fixed_list_on_a_published_site(client):
    """The crawl itself follows links: on the compendium it finds the case study pages."""
    found = links(client.get("/case-studies/").content.decode())
    assert "/case-studies/leeds-teaching-hospitals/" in found
    assert not any(url.startswith(NOT_CRAWLED) for url in found)
