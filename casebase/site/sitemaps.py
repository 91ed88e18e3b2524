"""The sitemap: every published page a search engine should know, with when it last changed.

/sitemap.xml is an index of sections (/sitemap-<section>.xml), each paged with ?p= (Django's
sitemap framework), so no file breaks the protocol's limit however many records there are.
"""

from functools import partial

from django.contrib.sitemaps import Sitemap
from django.db.models import Max, QuerySet
from django.urls import reverse

from casebase.content.models import CaseStudy, Organisation, Person, Practice, Sector


class CasebaseSitemap(Sitemap):
    # URLs per sitemap page. The protocol allows 50,000 (and 50 MB); 10,000 keeps a page near
    # 1.3 MB and quick to build, and at 20,000 case studies the section is two pages.
    limit = 10_000


class PagesSitemap(CasebaseSitemap):
    def items(self) -> list[str]:
        return [
            "home",
            "case-studies",
            "practices",
            "organisations",
            "people",
            "evidence-map",
            "evidence-method",
        ]

    def location(self, item: str) -> str:
        return reverse(item)


class RecordSitemap(CasebaseSitemap):
    """The public pages of one model's records, in primary key order so that pages are stable.
    Only the columns the URL needs are read."""

    columns = ("slug",)

    def __init__(self, queryset: QuerySet):
        self.queryset = queryset

    def items(self) -> QuerySet:
        return self.queryset.only(*self.columns).order_by("pk")


class PublishedSitemap(RecordSitemap):
    """Published records, with their last change."""

    changed = "updated_at"
    columns = ("slug", changed)

    def lastmod(self, item):
        return getattr(item, self.changed)

    def get_latest_lastmod(self):
        # For the index. Django's default calls lastmod() on every record: one aggregate instead.
        return self.queryset.aggregate(latest=Max(self.changed))["latest"]


class CaseStudySitemap(PublishedSitemap):
    """A case study's page changes when what readers see of it does, not at every save."""

    changed = "public_updated_at"
    columns = ("slug", changed)


# Each request builds its sitemaps afresh: Django keeps a page's latest change on the object.
SITEMAPS = {
    "pages": PagesSitemap,
    "case-studies": partial(CaseStudySitemap, CaseStudy.objects.published()),
    "practices": partial(PublishedSitemap, Practice.objects.published()),
    "sectors": partial(RecordSitemap, Sector.objects.all()),
    "organisations": partial(PublishedSitemap, Organisation.objects.published()),
    "people": partial(PublishedSitemap, Person.objects.published()),
}
