"""Feeds, robots.txt, JSON-LD and citations: published records only (sitemap: test_sitemap.py)."""

import json
import re
import xml.etree.ElementTree as ET

import pytest

from casebase.content.models import CaseStudy, Status
from casebase.content.services import public_dates_update

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def entries(client, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    return [entry.find(f"{ATOM}link").get("href") for entry in feed.iter(f"{ATOM}entry")]


def test_the_site_feed_lists_every_published_case_study_newest_first(client):
    links = entries(client, "/feeds/case-studies.atom")
    assert len(links) == 11
    assert not links[0].endswith("/case-studies/rutland/")
    rutland = CaseStudy.objects.get(slug="rutland")
    CaseStudy.objects.filter(pk=rutland.pk).update(title="Rutland, corrected")
    public_dates_update(case_study_ids=[rutland.pk])  # what readers see changed: dated now
    assert entries(client, "/feeds/case-studies.atom")[0].endswith("/case-studies/rutland/")


def test_practice_and_sector_feeds_hold_their_own_case_studies(client):
    practice = entries(client, "/feeds/practices/flat-structure.atom")
    assert {link.rsplit("/", 2)[-2] for link in practice} == {
        "leeds-teaching-hospitals",
        "oakwood-surgery",
    }
    assert len(entries(client, "/feeds/sectors/education.atom")) == 3
    assert client.get("/feeds/practices/no-such.atom").status_code == 404
    assert client.get("/feeds/sectors/no-such.atom").status_code == 404


def test_a_draft_leaves_every_feed(client):
    CaseStudy.objects.filter(slug="oakwood-surgery").update(status=Status.DRAFT)
    for url in (
        "/feeds/case-studies.atom",
        "/feeds/practices/flat-structure.atom",
        "/feeds/sectors/healthcare.atom",
    ):
        assert not any("oakwood" in link for link in entries(client, url)), url


@pytest.mark.parametrize(
    ("url", "queries"),
    [("/feeds/case-studies.atom", 2), ("/feeds/practices/flat-structure.atom", 3)],
)
def test_feeds_cost_a_fixed_number_of_queries(client, url, queries, django_assert_num_queries):
    with django_assert_num_queries(queries):  # (the practice), the items, their practices
        client.get(url)


def test_every_page_announces_the_feed(client):
    for url in ("/", "/case-studies/", "/case-studies/norfolk/"):
        page = client.get(url).content.decode()
        assert '<link rel="alternate" type="application/atom+xml"' in page
    practice = client.get("/practices/flat-structure/").content.decode()
    assert 'href="/feeds/practices/flat-structure.atom"' in practice


def test_robots_txt_keeps_crawlers_out_of_the_admin_and_points_at_the_sitemap(client):
    text = client.get("/robots.txt").content.decode()
    assert "Disallow: /admin/" in text
    assert re.search(r"^Sitemap: https?://[^/]+/sitemap.xml$", text, flags=re.M)


def jsonld(client, url: str) -> dict:
    page = client.get(url).content.decode()
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    return json.loads(block.group(1))


def test_json_ld_describes_case_studies_organisations_and_people(client):
    study = jsonld(client, "/case-studies/leeds-teaching-hospitals/")
    assert study["@type"] == "Article"
    assert study["about"]["name"] == "Leeds Teaching Hospitals NHS Trust"
    assert "Flat structure" in study["keywords"]
    assert study["isBasedOn"]["name"].startswith("The Management Mission")
    organisation = jsonld(client, "/organisations/leeds-teaching-hospitals-nhs-trust/")
    assert organisation["@type"] == "Organization"
    assert "LTHT" in organisation["alternateName"]
    person = jsonld(client, "/people/karen-james/")
    assert person["@type"] == "Person" and person["honorificSuffix"] == "OBE"


def test_json_ld_cannot_be_broken_out_of(client):
    CaseStudy.objects.filter(slug="norfolk").update(title="</script><script>alert(1)</script>")
    page = client.get("/case-studies/norfolk/").content.decode()
    assert "</script><script>alert(1)" not in page
    assert jsonld(client, "/case-studies/norfolk/")["headline"].startswith("</script>")


@pytest.mark.parametrize(
    ("extension", "content_type", "start"),
    [
        ("bib", "application/x-bibtex", "@misc{casebase-leeds-teaching-hospitals"),
        ("ris", "application/x-research-info-systems", "TY  - ELEC"),
        # A list: the case study, then the report it retells (test_citations.py).
        ("json", "application/vnd.citationstyles.csl+json", '[\n  {\n    "id": "casebase-'),
    ],
)
def test_a_case_study_can_be_cited_in_three_formats(client, extension, content_type, start):
    response = client.get(f"/case-studies/leeds-teaching-hospitals/cite.{extension}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith(content_type)
    assert "attachment" in response["Content-Disposition"]
    assert response.content.decode().startswith(start)


def test_citations_of_drafts_or_unknown_formats_are_404(client):
    assert client.get("/case-studies/leeds-teaching-hospitals/cite.doc").status_code == 404
    CaseStudy.objects.filter(slug="norfolk").update(status=Status.DRAFT)
    assert client.get("/case-studies/norfolk/cite.bib").status_code == 404


def test_the_case_study_page_shows_a_cite_box_and_charts_with_their_data(client):
    page = client.get("/case-studies/leeds-teaching-hospitals/").content.decode()
    assert "Cite this case study" in page and "Available at:" in page
    assert page.count('role="img"') >= 2  # the CQC series and the staff survey standing
    assert "The data<span" in page
