"""/sitemap.xml is a sitemap index; each section's pages are sitemaps of at most `limit` URLs,
so the site stays within the protocol's 50,000 URLs a file at any size."""

import re
import xml.etree.ElementTree as ET
from datetime import datetime

import pytest
from django.utils import timezone

from casebase.content.models import CaseStudy, Organisation, Person, Practice, Sector, Status
from casebase.site.sitemaps import SITEMAPS, CasebaseSitemap

pytestmark = pytest.mark.django_db

NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
PAGES = {
    "/",
    "/case-studies/",
    "/practices/",
    "/organisations/",
    "/people/",
    "/evidence-map/",
    "/about/evidence/",
}


def path(url: str) -> str:
    """Drop the scheme and host: the test client's host is not the point."""
    return re.sub(r"^https?://[^/]+", "", url)


def locations(client, url: str, root: str, entry: str) -> list[str]:
    """The <loc> of every entry of a sitemap document, after checking its structure."""
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("application/xml")
    tree = ET.fromstring(response.content)
    assert tree.tag == f"{NS}{root}"
    assert all(child.tag == f"{NS}{entry}" for child in tree)
    assert all(len(child.findall(f"{NS}loc")) == 1 for child in tree)
    return [path(child.find(f"{NS}loc").text) for child in tree]


def sitemaps_listed(client) -> list[str]:
    return locations(client, "/sitemap.xml", "sitemapindex", "sitemap")


def urls_listed(client) -> list[str]:
    return [
        url
        for sitemap in sitemaps_listed(client)
        for url in locations(client, sitemap, "urlset", "url")
    ]


def published_pages() -> set[str]:
    records = [
        *CaseStudy.objects.published(),
        *Practice.objects.published(),
        *Sector.objects.all(),
        *Organisation.objects.published(),
        *Person.objects.published(),
    ]
    return PAGES | {record.get_absolute_url() for record in records}


def test_the_index_lists_one_sitemap_for_each_section(client):
    assert sitemaps_listed(client) == [f"/sitemap-{section}.xml" for section in SITEMAPS]


def test_robots_txt_points_at_the_index(client):
    text = client.get("/robots.txt").content.decode()
    sitemap = re.search(r"^Sitemap: (\S+)$", text, flags=re.M).group(1)
    assert path(sitemap) == "/sitemap.xml"
    assert client.get("/sitemap.xml").content.startswith(b"<?xml")


def test_every_published_page_is_listed_once_and_answers_200(client):
    listed = urls_listed(client)
    assert len(listed) == len(set(listed))
    assert set(listed) == published_pages()
    assert len([url for url in listed if url.startswith("/case-studies/")]) == 12  # + list
    for url in (
        "/evidence-map/",
        "/case-studies/leeds-teaching-hospitals/",
        "/practices/visible-leadership/",
        "/people/karen-james/",
    ):
        assert url in listed
    for url in listed:
        assert client.get(url).status_code == 200, url


def test_drafts_and_withdrawn_records_never_appear(client):
    Person.objects.filter(slug="tom-mccabe").update(status=Status.DRAFT)
    CaseStudy.objects.filter(slug="leeds-teaching-hospitals").update(status=Status.WITHDRAWN)
    Organisation.objects.filter(slug="oldham-college").update(status=Status.DRAFT)
    listed = urls_listed(client)
    assert "/people/tom-mccabe/" not in listed
    assert "/case-studies/leeds-teaching-hospitals/" not in listed
    assert "/organisations/oldham-college/" not in listed
    assert "/case-studies/oldham-college/" not in listed  # its organisation is a draft
    assert set(listed) == published_pages()


def test_a_section_longer_than_the_limit_is_split_into_pages_the_index_lists(client, monkeypatch):
    everything = urls_listed(client)
    monkeypatch.setattr(CasebaseSitemap, "limit", 2)
    sitemaps = sitemaps_listed(client)
    # 11 case studies: pages 1 to 6, the first without ?p=.
    assert [url for url in sitemaps if "case-studies" in url] == [
        "/sitemap-case-studies.xml",
        *[f"/sitemap-case-studies.xml?p={page}" for page in range(2, 7)],
    ]
    pages = [locations(client, sitemap, "urlset", "url") for sitemap in sitemaps]
    assert all(1 <= len(page) <= 2 for page in pages)
    assert [url for page in pages for url in page] == everything
    assert client.get("/sitemap-case-studies.xml?p=7").status_code == 404


def test_each_record_carries_its_last_change(client):
    tree = ET.fromstring(client.get("/sitemap-case-studies.xml").content)
    lastmod = {
        path(url.find(f"{NS}loc").text): url.find(f"{NS}lastmod").text
        for url in tree.iter(f"{NS}url")
    }
    for study in CaseStudy.objects.published():
        shown = timezone.localdate(study.public_updated_at).isoformat()  # not the last save
        assert lastmod[study.get_absolute_url()] == shown
    index = ET.fromstring(client.get("/sitemap.xml").content)
    latest = max(study.public_updated_at for study in CaseStudy.objects.published())
    entry = next(
        sitemap
        for sitemap in index.iter(f"{NS}sitemap")
        if sitemap.find(f"{NS}loc").text.endswith("/sitemap-case-studies.xml")
    )
    assert datetime.fromisoformat(entry.find(f"{NS}lastmod").text) == latest


@pytest.mark.parametrize("url", ["/sitemap-nothing.xml", "/sitemap-.xml", "/sitemap-pages.json"])
def test_an_unknown_section_is_not_found(client, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("page", ["999", "0", "-1", "x", "", "1.5", "9" * 40])
def test_a_page_beyond_the_last_or_not_a_number_is_not_found(client, page):
    assert client.get("/sitemap-case-studies.xml", {"p": page}).status_code == 404


def test_the_index_takes_a_fixed_number_of_queries(client, django_assert_num_queries):
    # For each of case studies, practices, organisations and people: the latest change and the
    # count of records (for the number of pages); for sectors, the count only. Pages: none.
    with django_assert_num_queries(9):
        client.get("/sitemap.xml")


def test_a_section_page_takes_two_queries(client, django_assert_num_queries):
    # The count of records (is the page in range?) and the page's records.
    with django_assert_num_queries(2):
        client.get("/sitemap-case-studies.xml")
    with django_assert_num_queries(2):
        client.get("/sitemap-people.xml")
