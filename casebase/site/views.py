"""The readers' pages. Every view starts from published records only."""

import json
from collections import defaultdict
from dataclasses import dataclass, replace
from functools import partial

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.core.paginator import Paginator
from django.db import DatabaseError, connection
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.generic import DetailView, ListView, TemplateView

from casebase.caching import cache_health
from casebase.catalogue import index as catalogue
from casebase.catalogue import peers, search
from casebase.catalogue.filters import SORTS, CatalogueForm, Selection, facet_counts
from casebase.content import grading, profiles
from casebase.content.models import (
    CaseStudy,
    Contribution,
    Finding,
    Grade,
    Organisation,
    OrganisationFact,
    Outcome,
    Person,
    Practice,
    PracticeApplication,
    PracticeTheme,
    Quote,
    Recommendation,
    Role,
    Sector,
    Source,
    Status,
    Testimonial,
)
from casebase.site import alike, charts, citations, evidence, rows, structured_data

PAGE_SIZE = 20
# Parameters the catalogue understands besides its filters.
CONTROLS = {"sort", "page"}


def sectors_with_counts(index: catalogue.CatalogueIndex) -> list[Sector]:
    sectors = list(Sector.objects.order_by("position", "name"))
    for sector in sectors:
        sector.case_study_count = len(index.members("sector", sector.slug))
    return sectors


class Breadcrumbs:
    """The trail above a page's heading: (label, URL) pairs after "Home"."""

    trail: tuple[tuple[str, str], ...] = ()

    def get_context_data(self, **kwargs):
        crumbs = [(label, reverse(name)) for label, name in self.trail]
        return super().get_context_data(breadcrumbs=crumbs, **kwargs)


class HomeView(TemplateView):
    template_name = "site/home.html"

    def get_context_data(self, **kwargs):
        index = catalogue.current()
        return super().get_context_data(
            sectors=sectors_with_counts(index),
            themes=PracticeTheme.objects.published()
            .annotate(
                practice_count=Count("practices", filter=Q(practices__status=Status.PUBLISHED))
            )
            .order_by("position", "name"),
            findings=Finding.objects.published()
            .filter(is_headline=True)
            .select_related("sector", "source")
            .order_by("sector__position", "position"),
            case_study_count=len(index.all),
            **kwargs,
        )


class Results:
    """Case studies picked from the catalogue index, as Paginator reads them: a count, and
    slices whose rows `fetch` reads by case study id (one query per page, plus prefetches)."""

    def __init__(self, count: int, positions, index: catalogue.CatalogueIndex, fetch):
        self._count, self.positions, self.index, self.fetch = count, positions, index, fetch

    def count(self) -> int:
        return self._count

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, bounds: slice) -> list:
        ids = self.index.id_at(self.positions(bounds.start or 0, bounds.stop))
        found = self.fetch(ids)
        return [found[pk] for pk in ids if pk in found]


def paginated(items, request, per_page: int = PAGE_SIZE):
    """Out-of-range or malformed page numbers show the nearest page, never an error."""
    return Paginator(items, per_page).get_page(request.GET.get("page"))


@dataclass
class PageLinks:
    """What the pagination component links to: this page's query with another page number."""

    previous: str | None
    next: str | None
    numbers: list[tuple[int | str, str | None]]  # (number, link); the ellipsis has no link


def page_links(page, params: QueryDict) -> PageLinks:
    """Built once per page, from one copy of the query: Django's `querystring` tag copies the
    whole query for every link (2 % of a catalogue page's instructions)."""
    others = params.copy()
    others.pop("page", None)
    start = f"?{others.urlencode()}&page=" if others else "?page="
    numbers = page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)
    return PageLinks(
        previous=f"{start}{page.previous_page_number()}" if page.has_previous() else None,
        next=f"{start}{page.next_page_number()}" if page.has_next() else None,
        numbers=[
            (number, None if number == Paginator.ELLIPSIS else f"{start}{number}")
            for number in numbers
        ],
    )


class CaseStudyListView(ListView):
    """The catalogue: full-text search, facets with counts, sorting and pagination."""

    template_name = "content/casestudy_list.html"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        index = catalogue.current()
        self.form = CatalogueForm(self.request.GET, index)
        self.selection = Selection(self.form, index)
        # The query as the filter used it: a rejected one (say, with a NUL byte) is no search.
        self.query = self.selection.query
        self.sort = self.chosen_sort()
        return Results(
            len(self.selection.members()),
            self.selection.positions(self.sort),
            self.selection.index,
            partial(rows.rows_by_id, index=self.selection.index),
        )

    def chosen_sort(self) -> str:
        default = "relevance" if self.query else "organisation"
        sort = self.request.GET.get("sort", default)
        if sort not in SORTS or (sort == "relevance" and not self.query):
            return default
        return sort

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.query:
            page = context["object_list"]
            passages = search.highlights([row.pk for row in page], self.query)
            context["object_list"] = [replace(row, passage=passages.get(row.pk)) for row in page]
        page_obj = context["page_obj"]
        context["page_links"] = page_links(page_obj, self.request.GET)
        facets = facet_counts(self.selection)
        return {
            **context,
            "form": self.form,
            "facets": facets,
            "active": self.active_filters(facets),
            "query": self.query,
            "sort": self.sort,
            "sorts": {
                key: label for key, label in SORTS.items() if key != "relevance" or self.query
            },
            "notices": self.notices(),
            "filtered": any(self.request.GET.getlist(name) for name in self.form.fields),
            "download_limit": settings.DOWNLOAD_MAX_CASE_STUDIES,
        }

    def active_filters(self, facets) -> list[tuple[str, str, str]]:
        """(facet, choice, link that removes just that choice) for every active filter."""
        active = [
            (facet.label, option.label, self.without(facet.name, option.value))
            for facet in facets
            for option in facet.selected
        ]
        if self.query:
            active.insert(0, ("Search", f"“{self.query}”", self.without("q", None)))
        for name in ("year_from", "year_to"):
            year = self.form.cleaned_data.get(name)
            if year is not None:
                label = self.form.fields[name].label
                active.append((label, str(int(year)), self.without(name, None)))
        return active

    def without(self, name: str, value: str | None) -> str:
        params = self.request.GET.copy()
        params.setlist(name, [v for v in params.getlist(name) if value is not None and v != value])
        params.pop("page", None)
        return f"?{params.urlencode()}" if params else self.request.path

    def notices(self) -> list[str]:
        """What the reader asked for that we could not use, in words."""
        notices = [
            f"{self.form.fields[name].label}: {' '.join(errors)} It was ignored."
            for name, errors in self.form.errors.items()
        ]
        if self.query and not search.words(self.query):
            notices.append(f"“{self.query}” has no words to search for: try a name or a practice.")
        unknown = set(self.request.GET) - set(self.form.fields) - CONTROLS
        notices += [f"“{name}” is not a filter here and was ignored." for name in sorted(unknown)]
        if self.request.GET.get("sort") and self.request.GET["sort"] != self.sort:
            notices.append(
                f"“{self.request.GET['sort']}” is not a way to sort; sorted by "
                f"{SORTS[self.sort].lower()} instead."
            )
        return notices

    def paginate_queryset(self, queryset, page_size):
        page = paginated(queryset, self.request, page_size)
        return page.paginator, page, page.object_list, page.has_other_pages()


def with_roles(studies):
    """The case studies' people with their published roles (`published_roles`), each with
    its source: roles are as at the time of the report."""
    return studies.prefetch_related(
        Prefetch(
            "published_people__person__roles",
            queryset=Role.objects.published().select_related("source"),
            to_attr="published_roles",
        )
    )


def with_profile(studies):
    """The case studies' organisations with the figures their profile sizes them by
    (`published_facts`)."""
    return studies.prefetch_related(
        Prefetch(
            "organisation__facts",
            queryset=OrganisationFact.objects.filter(source__status=Status.PUBLISHED),
            to_attr="published_facts",
        )
    )


@dataclass(frozen=True)
class Related:
    """A link to another case study, and how many practices it shares with this one."""

    title: str
    url: str
    sector: str | None
    shared: int = 0


class CaseStudyDetailView(Breadcrumbs, DetailView):
    trail = (("Case studies", "case-studies"),)
    template_name = "content/casestudy_detail.html"
    preview = False
    # Built once; DetailView clones it for each request, which costs far less than building
    # its filters and prefetches again (0.7 ms, a twentieth of the page).
    queryset = with_profile(
        with_roles(CaseStudy.objects.published().with_story().select_related("source"))
    )

    def get_context_data(self, **kwargs):
        study = self.object
        credited = defaultdict(list)
        for contribution in study.published_contributions:
            credited[contribution.outcome_id].append(contribution)
        quotes_by_application = defaultdict(list)
        for quote in study.published_quotes:
            quotes_by_application[quote.application_id].append(quote)
        start, end = profiles.ratings(study.published_outcomes)
        index = catalogue.current()
        return super().get_context_data(
            size=profiles.size(study.organisation, study.organisation.published_facts),
            start=start,
            end=end,
            outcomes=[(outcome, credited[outcome.pk]) for outcome in study.published_outcomes],
            charts=self.outcome_charts(study),
            citation=citations.cite_text(study, self.request.build_absolute_uri()),
            report_citation=citations.cite_report_text(study),
            applications=[
                (application, quotes_by_application[application.pk])
                for application in study.published_applications
            ],
            other_quotes=quotes_by_application[None],
            people=self.people_with_roles(study),
            sources=self.sources(study),
            related=self.related(study, index),
            alike=self.alike(study, index),
            structured_data=structured_data.case_study(
                study,
                self.request.build_absolute_uri(study.get_absolute_url()),
                self.request.build_absolute_uri(study.organisation.get_absolute_url()),
            ),
            **kwargs,
        )

    def outcome_charts(self, study) -> list[charts.Chart]:
        """A chart for every result that has something to draw (graded or numeric), results
        that follow on from each other (CQC 2014 to 2016, then 2016 to 2018) as one series."""
        ladders = grade_ladders(study.published_outcomes)
        drawn = []
        for series in charts.series(study.published_outcomes):
            chart = charts.series_chart(series, ladders.get(series[0].indicator.scale_id))
            if chart:
                drawn.append(chart)
        return drawn

    def people_with_roles(self, study):
        """Each person with the roles they held at the case study's organisation."""
        return [
            (
                participant,
                [
                    role
                    for role in participant.person.published_roles
                    if role.organisation_id == study.organisation_id
                ],
            )
            for participant in study.published_people
        ]

    def sources(self, study) -> list[Source]:
        found = {study.source_id: study.source}
        for outcome in study.published_outcomes:
            found.setdefault(outcome.source_id, outcome.source)
        return [source for source in found.values() if source.is_published]

    def alike(self, study, index) -> list[alike.Peered]:
        """Organisations like this one (none for a draft in preview: it has no profile yet)."""
        position = index.position(study.pk)
        if position is None:
            return []
        return alike.in_short(index, peers.of_position(index, position), [position])

    def related(self, study, index, limit: int = 3) -> list[Related]:
        """Other case studies sharing the most practices with this one."""
        position = index.position(study.pk)  # None for a draft in preview
        practices = [application.practice.slug for application in study.published_applications]
        shared = dict(index.related(position, practices, limit))
        ids = index.id_at(shared)
        rows = CaseStudy.objects.published().filter(pk__in=ids)
        found = {
            pk: Related(title, reverse("case-study", args=[slug]), sector)
            for pk, title, slug, sector in rows.values_list(
                "pk", "title", "slug", "organisation__type__sector__name"
            )
        }
        return [
            replace(found[pk], shared=shared[other_position])
            for other_position, pk in zip(shared, ids, strict=True)
            if pk in found
        ]


def grade_ladders(outcomes: list[Outcome]) -> dict[int, list[Grade]]:
    """The whole scale of each graded result's indicator, lowest grade first, by scale id:
    what its chart draws the result on. One query, none when nothing is graded."""
    ladders = {outcome.indicator.scale_id: [] for outcome in outcomes}
    ladders.pop(None, None)
    if ladders:
        for grade in Grade.objects.filter(scale__in=ladders).order_by("rank"):
            ladders[grade.scale_id].append(grade)
    return ladders


class PracticeListView(ListView):
    template_name = "content/practice_list.html"

    def get_queryset(self):
        practices = Practice.objects.published().order_by("name")
        themes = PracticeTheme.objects.published().prefetch_related(
            Prefetch("practices", queryset=practices, to_attr="published_practices")
        )
        index = catalogue.current()
        for theme in themes:
            for practice in theme.published_practices:
                practice.case_study_count = len(index.members("practice", practice.slug))
        return themes


class PracticeDetailView(Breadcrumbs, DetailView):
    trail = (("Practices", "practices"),)
    template_name = "content/practice_detail.html"

    def get_queryset(self):
        return Practice.objects.published().select_related("theme")

    def get_context_data(self, **kwargs):
        index = catalogue.current()
        applied = index.members("practice", self.object.slug)
        # Sector by sector, organisations A to Z within each.
        in_sectors = [applied & sector.members for sector in index.facets["sector"]]
        applications = Results(
            len(applied),
            partial(catalogue.concatenated, in_sectors),
            index,
            partial(self.application_rows, index=index),
        )
        page = paginated(applications, self.request)
        return super().get_context_data(
            applications=page.object_list,
            page_obj=page,
            page_links=page_links(page, self.request.GET),
            spread=evidence.result_spread(index, applied, index.credited_results(self.object.slug)),
            summary=evidence.evidence_summary(index, self.object.slug),
            **kwargs,
        )

    def application_rows(self, case_study_ids: list[int], index: catalogue.CatalogueIndex) -> dict:
        """Each case study's row, as rendered once per version of it (casebase/site/rows.py):
        a row reads the same on every page that shows it until that case study changes."""
        practice = self.object.pk
        found = rows.kept_or_rendered(
            [(practice, pk) for pk in case_study_ids],
            lambda key: rows.row_key(index, "application", *key),
            self.render_applications,
        )
        return {pk: row for (_, pk), row in found.items()}

    def render_applications(self, keys: list[tuple[int, int]]) -> dict:
        applications = self.applications_of([case_study for _, case_study in keys])
        return {
            (self.object.pk, pk): render_to_string(
                "content/application_row.html",
                {"application": application, "study": application.case_study},
            )
            for pk, application in applications.items()
        }

    def applications_of(self, case_study_ids: list[int]) -> dict[int, PracticeApplication]:
        applications = (
            PracticeApplication.objects.published()
            .filter(practice=self.object, case_study__in=case_study_ids)
            .select_related("case_study__organisation__type__sector")
            .prefetch_related(
                # Hanging off published applications: their case studies are published.
                Prefetch(
                    "case_study__outcomes",
                    queryset=Outcome.objects.published(within_case_study=True).select_related(
                        "indicator", "baseline_grade", "result_grade"
                    ),
                    to_attr="published_outcomes",
                ),
                Prefetch(
                    "contributions",
                    queryset=Contribution.objects.published(within_case_study=True).select_related(
                        "outcome"
                    ),
                    to_attr="published_contributions",
                ),
            )
        )
        return {application.case_study_id: application for application in applications}


class SectorDetailView(Breadcrumbs, DetailView):
    template_name = "content/sector_detail.html"

    def get_queryset(self):
        return Sector.objects.all()

    def get_context_data(self, **kwargs):
        sector = self.object
        studies = self.case_studies()
        return super().get_context_data(
            findings=Finding.objects.published().filter(sector=sector).select_related("source"),
            recommendations=Recommendation.objects.published().filter(sector=sector),
            testimonials=Testimonial.objects.published()
            .filter(sector=sector)
            .select_related("person", "source"),
            case_studies=studies,
            case_study_pages=page_links(studies, self.request.GET),
            quotes=Quote.objects.published()
            .filter(sector=sector, case_study__isnull=True)
            .select_related("speaker"),
            **kwargs,
        )

    def case_studies(self):
        """The sector's case studies, organisation A to Z, a page at a time."""
        index = catalogue.current()
        members = index.members("sector", self.object.slug)
        studies = Results(
            len(members),
            lambda start, stop: list(members[start:stop]),
            index,
            CaseStudy.objects.published().for_catalogue().in_bulk,
        )
        return paginated(studies, self.request)


class OrganisationDetailView(Breadcrumbs, DetailView):
    trail = (("Organisations", "organisations"),)
    template_name = "content/organisation_detail.html"

    def get_queryset(self):
        return Organisation.objects.published().select_related("type__sector")

    def get_context_data(self, **kwargs):
        organisation = self.object
        facts = list(organisation.facts.published().select_related("source"))
        url = self.request.build_absolute_uri(organisation.get_absolute_url())
        case_studies = list(
            CaseStudy.objects.published().filter(organisation=organisation).for_catalogue()
        )
        # The profile's ratings are those of its story (its first, where it has several).
        start, end = profiles.ratings(case_studies[0].published_outcomes if case_studies else [])
        return super().get_context_data(
            facts=facts,
            size=profiles.size(organisation, facts),
            start=start,
            end=end,
            alike=alike.like_organisation(organisation, case_studies, facts),
            structured_data=structured_data.organisation(organisation, url, facts),
            roles=Role.objects.published()
            .filter(organisation=organisation)
            .select_related("person", "source"),
            case_studies=case_studies,
            **kwargs,
        )


class PersonDetailView(Breadcrumbs, DetailView):
    trail = (("People", "people"),)
    template_name = "content/person_detail.html"

    def get_queryset(self):
        return Person.objects.published()

    def get_context_data(self, **kwargs):
        person = self.object
        roles = list(
            Role.objects.published().filter(person=person).select_related("organisation", "source")
        )
        url = self.request.build_absolute_uri(person.get_absolute_url())
        return super().get_context_data(
            roles=roles,
            structured_data=structured_data.person(person, url, roles),
            case_studies=CaseStudy.objects.published()
            .filter(participants__person=person)
            .select_related("organisation__type__sector")
            .distinct(),
            quotes=Quote.objects.published()
            .filter(speaker=person)
            .select_related("case_study__organisation", "source"),
            testimonials=Testimonial.objects.published()
            .filter(person=person)
            .select_related("sector", "source"),
            **kwargs,
        )


class EvidenceMapView(Breadcrumbs, TemplateView):
    """Practices by sector (or by area of results): where the evidence is thick and where it is
    missing. The catalogue's filters narrow it and carry over into every cell's link."""

    template_name = "site/evidence_map.html"

    def get_context_data(self, **kwargs):
        view = self.request.GET.get("by", "sector")
        notices = []
        if view not in evidence.VIEWS:
            notices.append(f"“{view}” is not a view of the map; showing it by sector.")
            view = "sector"
        index = catalogue.current()
        form = CatalogueForm(self.request.GET, index)
        filters = self.request.GET.copy()
        filters.pop("by", None)
        return super().get_context_data(
            map=evidence.evidence_map(view, Selection(form, index), filters),
            views=evidence.VIEWS,
            view=view,
            sector_column=1 if view == "sector" else 0,  # "sectors with evidence"
            filters=filters,
            notices=notices
            + [
                f"{form.fields[name].label}: {' '.join(errors)} It was ignored."
                for name, errors in form.errors.items()
            ],
            **kwargs,
        )


def worked_example() -> dict:
    """A CQC rating before and after, with both years and then without the second: the method
    page's example, scored by the method itself."""
    who = grading.WHO_MEASURED["regulator"].points
    dated = who + grading.DESIGNS["before_after"].points + grading.GIVEN.points
    undated = who + grading.BEFORE_AFTER_WITHOUT_YEARS.points + grading.GIVEN.points
    return {
        "who": who,
        "design": grading.DESIGNS["before_after"].points,
        "dated": dated,
        "dated_grade": grading.strength(dated).label.lower(),
        "undated": undated,
        "undated_grade": grading.strength(undated).label.lower(),
    }


class EvidenceMethodView(Breadcrumbs, TemplateView):
    """How strength of evidence is graded, printed from the method's own tables
    (casebase.content.grading), with how many published results each answer covers, and the
    limits of what Casebase holds."""

    template_name = "site/evidence_method.html"

    def get_context_data(self, **kwargs):
        counted = (
            Outcome.objects.published()
            .order_by()
            .values_list("strength", "evidence", "direction")
            .annotate(n=Count("pk"))
        )
        by = {"strength": defaultdict(int), "evidence": defaultdict(int), "direction": 0}
        for strength, evidence_kind, direction, n in counted:
            by["strength"][strength] += n
            by["evidence"][evidence_kind] += n
            if direction == Outcome.Direction.DECLINED:
                by["direction"] += n
        return super().get_context_data(
            who=sorted(
                (
                    (label, grading.WHO_MEASURED[value], by["evidence"][value])
                    for value, label in Outcome.Evidence.choices
                ),
                key=lambda row: -row[1].points,
            ),
            designs=grading.design_rows(),
            grades=[
                (grade, points, meaning, grading.anchor(grade), by["strength"][grade])
                for points, grade, meaning in grading.thresholds()
            ],
            inferred=grading.INFERRED,
            given=grading.GIVEN,
            example=worked_example(),
            results=sum(by["strength"].values()),
            declined=by["direction"],
            size_rules=profiles.size_rules_in_words(),
            like_weights=peers.WEIGHTS.items(),
            like_coverage=f"{peers.MIN_COVERAGE:.0%}",
            sources=Source.objects.published()
            .filter(case_studies__status=Status.PUBLISHED)
            .distinct()
            .order_by("title"),
            **kwargs,
        )


@method_decorator([never_cache, staff_member_required], name="dispatch")
class CaseStudyPreviewView(CaseStudyDetailView):
    """Staff see a draft exactly as it will look once published, with its draft parts; never
    cached and never indexed. Withdrawn records are not previewed."""

    preview = True

    def get_queryset(self):
        studies = CaseStudy.objects.exclude(status=Status.WITHDRAWN)
        return with_profile(with_roles(studies.with_story(drafts=True).select_related("source")))

    def get_context_data(self, **kwargs):
        return super().get_context_data(preview=True, **kwargs)

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response


def robots_txt(request):
    """Crawlers: everything public, but not the admin, the exports, or the endless filter
    combinations of query strings; the sitemap lists every page."""
    sitemap = request.build_absolute_uri(reverse("sitemap"))
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /api/",
        "Disallow: /preview/",
        "Disallow: /case-studies/export",
        "Disallow: /*?",
        f"Sitemap: {sitemap}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


CITATION_FORMATS = {
    # extension: (builder, content type)
    "bib": (citations.bibtex, "application/x-bibtex; charset=utf-8"),
    "ris": (citations.ris, "application/x-research-info-systems; charset=utf-8"),
    "json": (
        lambda *args: json.dumps(citations.csl_json(*args), ensure_ascii=False, indent=2),
        "application/vnd.citationstyles.csl+json; charset=utf-8",
    ),
}


def case_study_citation(request, slug: str, extension: str):
    """A case study's citation as a file for reference managers: BibTeX, RIS or CSL-JSON."""
    if extension not in CITATION_FORMATS:
        raise Http404(f"No citation format {extension!r}")
    study = get_object_or_404(
        CaseStudy.objects.published().select_related("organisation", "source"), slug=slug
    )
    build, content_type = CITATION_FORMATS[extension]
    url = request.build_absolute_uri(study.get_absolute_url())
    response = HttpResponse(build(study, url), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="casebase-{slug}.{extension}"'
    return response


def healthz(request):
    """For load balancers and monitoring: 200 while the site can serve, 503 saying what is
    wrong when it cannot. Without the shared cache it still serves, only slower: "degraded",
    200. Never cached."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        database = "ok"
    except DatabaseError as error:
        database = f"unreachable ({error.__class__.__name__})"
    shared_cache = cache_health()
    healthy = "ok" if shared_cache == "ok" else "degraded"
    status = healthy if database == "ok" else "error"
    response = JsonResponse(
        {"status": status, "database": database, "cache": shared_cache},
        status=503 if status == "error" else 200,
    )
    if status == "error":
        response["Retry-After"] = "30"
    add_never_cache_headers(response)
    return response
