"""sitemap.xml: every published page a search engine should know, with when it last changed."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from casebase.content.models import CaseStudy, Organisation, Person, Practice, Sector


class PagesSitemap(Sitemap):
    def items(self) -> list[str]:
        return ["home", "case-studies", "practices", "evidence-map"]

    def location(self, item: str) -> str:
        return reverse(item)


class PublishedSitemap(Sitemap):
    """Published records of one model, with their last change."""

    def __init__(self, queryset):
        self.queryset = queryset

    def items(self):
        return self.queryset.order_by("pk")

    def lastmod(self, item):
        return getattr(item, "updated_at", None)


SITEMAPS = {
    "pages": PagesSitemap(),
    "case-studies": PublishedSitemap(CaseStudy.objects.published()),
    "practices": PublishedSitemap(Practice.objects.published()),
    "sectors": PublishedSitemap(Sector.objects.all()),
    "organisations": PublishedSitemap(Organisation.objects.published()),
    "people": PublishedSitemap(Person.objects.published()),
}
