"""Atom feeds of newly published or updated case studies: all, per practice, per sector."""

from django.contrib.syndication.views import Feed
from django.db.models import F, Prefetch
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Atom1Feed

from casebase.content.models import CaseStudy, Practice, PracticeApplication, Sector

FEED_SIZE = 50


def latest_case_studies():
    """Newest changes first, with what each item lists as its categories (two queries)."""
    return (
        CaseStudy.objects.published()
        .select_related("organisation__type__sector")
        .prefetch_related(
            Prefetch(
                "applications",
                queryset=PracticeApplication.objects.published().select_related("practice"),
                to_attr="published_applications",
            )
        )
        .order_by(F("public_updated_at").desc(nulls_last=True), "pk")
    )


class CaseStudyFeed(Feed):
    feed_type = Atom1Feed
    title = "Casebase: new and updated case studies"
    subtitle = "Case studies of how good leadership and management improve public services."
    link = "/case-studies/"

    def items(self):
        return latest_case_studies()[:FEED_SIZE]

    def item_title(self, item: CaseStudy) -> str:
        return item.title

    def item_description(self, item: CaseStudy) -> str:
        return item.summary

    def item_updateddate(self, item: CaseStudy):
        """When what readers see last changed, not the last save (a draft part, say)."""
        return item.public_updated_at

    def item_pubdate(self, item: CaseStudy):
        return item.created_at

    def item_categories(self, item: CaseStudy) -> list[str]:
        sector = item.organisation.type.sector
        practices = [application.practice.name for application in item.published_applications]
        return [sector.name, *practices] if sector else practices


class PracticeFeed(CaseStudyFeed):
    def get_object(self, request, slug: str) -> Practice:
        return get_object_or_404(Practice.objects.published(), slug=slug)

    def title(self, practice: Practice) -> str:
        return f"Casebase: case studies of {practice.name.lower()}"

    def link(self, practice: Practice) -> str:
        return practice.get_absolute_url()

    def subtitle(self, practice: Practice) -> str:
        return practice.definition

    def items(self, practice: Practice):
        applying = PracticeApplication.objects.published().filter(practice=practice)
        return latest_case_studies().filter(pk__in=applying.values("case_study"))[:FEED_SIZE]


class SectorFeed(CaseStudyFeed):
    def get_object(self, request, slug: str) -> Sector:
        return get_object_or_404(Sector, slug=slug)

    def title(self, sector: Sector) -> str:
        return f"Casebase: case studies in {sector.name.lower()}"

    def link(self, sector: Sector) -> str:
        return sector.get_absolute_url()

    def subtitle(self, sector: Sector) -> str:
        return sector.description

    def items(self, sector: Sector):
        return latest_case_studies().filter(organisation__type__sector=sector)[:FEED_SIZE]
