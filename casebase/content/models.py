"""The case-study domain: who did what, where, and what changed, every claim with its source.

Reader-facing records carry a publication status that defaults to draft, so nothing an editor
creates is public until they say so. Public code reads through each QuerySet's `published()`,
which also hides children whose parent (case study, person, practice) is not published.
"""

import secrets
from collections.abc import Iterable

from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import connection, models
from django.db.models import F, Q
from django.db.models.functions import Now, Upper
from django.urls import reverse
from django.utils.functional import cached_property

from casebase.content import grading

EARLIEST_YEAR = 1800
LATEST_YEAR = 2100


def sane_year(field: str) -> models.CheckConstraint:
    """A year is missing or plausible: catches typos such as 20222 or 202 at the database."""
    return models.CheckConstraint(
        condition=Q(**{f"{field}__isnull": True})
        | Q(**{f"{field}__gte": EARLIEST_YEAR, f"{field}__lte": LATEST_YEAR}),
        name=f"%(app_label)s_%(class)s_{field}_sane",
        violation_error_message=f"{field.replace('_', ' ').capitalize()} must be between "
        f"{EARLIEST_YEAR} and {LATEST_YEAR}.",
    )


def not_before(later: str, earlier: str, message: str) -> models.CheckConstraint:
    """`later` is not before `earlier` when both are known."""
    return models.CheckConstraint(
        condition=Q(**{f"{later}__isnull": True})
        | Q(**{f"{earlier}__isnull": True})
        | Q(**{f"{later}__gte": F(earlier)}),
        name=f"%(app_label)s_%(class)s_{later}_not_before_{earlier}",
        violation_error_message=message,
    )


def split_lines(text: str) -> list[str]:
    """Aliases and synonyms are kept one per line: easy for editors, easy to search."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def last_saved() -> models.DateTimeField:
    """When a record without a status was last saved, as publishable records keep it: an
    editor's form remembers it for every row it shows, so a save over someone else's change is
    refused. The database fills it in for rows written without the ORM (synthetic benchmark
    data) and for rows older than the field."""
    return models.DateTimeField(auto_now=True, db_default=Now())


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    WITHDRAWN = "withdrawn", "Withdrawn"  # was public, taken down: kept for the record


# What `published()` means, as conditions reached through a path ("case_study__", say), so that
# a record whose publication depends on others joins them rather than filtering by a subquery
# over every published row (which at 100,000 case studies reads a million applications).


def published_case_study(path: str = "") -> Q:
    return Q(
        **{
            f"{path}status": Status.PUBLISHED,
            f"{path}organisation__status": Status.PUBLISHED,
            f"{path}source__status": Status.PUBLISHED,
        }
    )


def published_part(path: str = "", *, case_study: bool = True) -> Q:
    """Parts of a case study are public only when they and their case study are.
    `case_study=False` when the case study is known to be published (a prefetch hanging off
    published case studies): joining back to it would only cost the planner time."""
    own = Q(**{f"{path}status": Status.PUBLISHED})
    return own & published_case_study(f"{path}case_study__") if case_study else own


def published_outcome(path: str = "", *, case_study: bool = True) -> Q:
    return published_part(path, case_study=case_study) & Q(
        **{f"{path}source__status": Status.PUBLISHED}
    )


def published_application(path: str = "", *, case_study: bool = True) -> Q:
    return published_part(path, case_study=case_study) & Q(
        **{
            f"{path}practice__status": Status.PUBLISHED,
            f"{path}practice__theme__status": Status.PUBLISHED,
        }
    )


class PublishableQuerySet(models.QuerySet):
    def published(self, *, within_case_study: bool = False):
        """`within_case_study` only matters to parts of case studies (see published_part)."""
        return self.filter(status=Status.PUBLISHED)


class SourcedQuerySet(PublishableQuerySet):
    """Records that cite a source: a claim is public only with its source, as every claim
    shows its source."""

    def published(self, *, within_case_study: bool = False):
        return super().published().filter(source__status=Status.PUBLISHED)


class Publishable(models.Model):
    status = models.CharField(
        max_length=10,
        choices=Status.choices,
        default=Status.DRAFT,
        db_index=True,
        help_text="Readers see published records only. New records start as drafts; "
        "withdrawn records were public and have been taken down.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PublishableQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def is_published(self) -> bool:
        return self.status == Status.PUBLISHED


# --- Reference data: sectors, organisation types, sources ---------------------------------


class Sector(models.Model):
    """Healthcare, local government, education: fixed, and their slugs are public URLs."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(unique=True, help_text="Part of public URLs: change with care.")
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0, help_text="Order on the site.")

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("sector", args=[self.slug])


class OrganisationType(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(unique=True)
    sector = models.ForeignKey(
        Sector,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisation_types",
        help_text="Leave empty for bodies outside the three sectors (think tanks, "
        "professional bodies, national government).",
    )

    class Meta:
        ordering = ["sector__position", "name"]

    def __str__(self) -> str:
        return self.name


class Source(Publishable):
    """A document a claim comes from: a report, web page, inspection, ranking or census."""

    class Kind(models.TextChoices):
        REPORT = "report", "Report"
        WEB_PAGE = "web_page", "Web page"
        INSPECTION = "inspection", "Inspection"
        PEER_REVIEW = "peer_review", "Peer review"
        RANKING = "ranking", "Ranking or league table"
        CENSUS = "census", "Census or official statistics"

    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=120, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    publisher = models.CharField(max_length=200, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    url = models.URLField(max_length=500, blank=True, verbose_name="URL")
    publisher_url = models.URLField(
        max_length=500,
        blank=True,
        verbose_name="publisher's URL",
        help_text="The publisher's site, for a document with no address of its own.",
    )
    based_on = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="used_by",
        help_text="Sources this one draws on (a compendium draws on its reports).",
    )
    note = models.TextField(
        blank=True, help_text="Anything a reader should know: how the year was inferred, errata."
    )

    class Meta:
        ordering = ["title"]
        constraints = [sane_year("year")]

    def __str__(self) -> str:
        return f"{self.title} ({self.year})" if self.year else self.title


# --- Organisations and people -------------------------------------------------------------


def identifier_field(label: str, pattern: str, help_text: str) -> models.CharField:
    """An optional code from a national register, checked against the register's format."""
    return models.CharField(
        label,
        max_length=12,
        blank=True,
        validators=[RegexValidator(f"^{pattern}$", f"This is not a valid {label}: {help_text}")],
        help_text=help_text,
    )


# England's nine regions (ONS's International Territorial Level 1) and the three nations:
# the standard list readers filter and compare by. Its values are public URL parameters.
class Region(models.TextChoices):
    NORTH_EAST = "north-east", "North East"
    NORTH_WEST = "north-west", "North West"
    YORKSHIRE_AND_THE_HUMBER = "yorkshire-and-the-humber", "Yorkshire and the Humber"
    EAST_MIDLANDS = "east-midlands", "East Midlands"
    WEST_MIDLANDS = "west-midlands", "West Midlands"
    EAST_OF_ENGLAND = "east-of-england", "East of England"
    LONDON = "london", "London"
    SOUTH_EAST = "south-east", "South East"
    SOUTH_WEST = "south-west", "South West"
    WALES = "wales", "Wales"
    SCOTLAND = "scotland", "Scotland"
    NORTHERN_IRELAND = "northern-ireland", "Northern Ireland"


# The national identifiers an organisation may carry: (field, label).
IDENTIFIERS = (("ods_code", "NHS ODS code"), ("gss_code", "ONS GSS code"), ("ukprn", "UKPRN"))
IDENTIFIER_FIELDS = tuple(field for field, _ in IDENTIFIERS)


class Organisation(Publishable):
    name = models.CharField(max_length=200, help_text="The canonical name.")
    slug = models.SlugField(max_length=120, unique=True)
    aliases = models.TextField(
        blank=True,
        help_text="Other names the sources use, one per line. Search finds these too.",
    )
    type = models.ForeignKey(
        OrganisationType, on_delete=models.PROTECT, related_name="organisations"
    )
    Region = Region
    region = models.CharField(
        max_length=30,
        choices=Region.choices,
        blank=True,
        db_index=True,
        help_text="The region or nation that holds the place it serves. Empty for national "
        "bodies and where the source names no place.",
    )
    area_served = models.CharField(
        max_length=200, blank=True, help_text="Where it serves, in the source's words."
    )
    summary = models.TextField(blank=True)
    # Identifiers in the national registers, filled in by editors from the register itself
    # (never guessed): they let readers and other datasets join Casebase's records to theirs.
    ods_code = identifier_field(
        "NHS ODS code",
        r"[A-Z0-9]{3,6}",
        "3 to 6 capital letters or digits, as NHS England's Organisation Data Service "
        "gives it (RR8, Y02753).",
    )
    gss_code = identifier_field(
        "ONS GSS code",
        r"[EWSN][0-9]{8}",
        "A letter for the nation and 8 digits, as the ONS gives a council (E08000033).",
    )
    ukprn = identifier_field(
        "UKPRN",
        r"1[0-9]{7}",
        "8 digits starting with 1, as the UK Register of Learning Providers gives it.",
    )

    class Meta:
        ordering = ["name"]
        # "Organisations like mine" finds one by its name as a reader types it, in any case.
        indexes = [models.Index(Upper("name"), name="organisation_name_upper")]
        constraints = [
            models.CheckConstraint(
                condition=Q(region="") | Q(region__in=Region.values),
                name="organisation_region_standard",
                violation_error_message="The region must be one of the standard list.",
            ),
            *(
                models.UniqueConstraint(
                    fields=[field],
                    condition=~Q(**{field: ""}),
                    name=f"organisation_unique_{field}",
                    violation_error_message=f"Another organisation already has this {label}.",
                )
                for field, label in IDENTIFIERS
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("organisation", args=[self.slug])

    @property
    def identifiers(self) -> list[tuple[str, str]]:
        """(label, value) for each national identifier an editor has filled in."""
        return [
            (label, getattr(self, field)) for field, label in IDENTIFIERS if getattr(self, field)
        ]

    @property
    def alias_list(self) -> list[str]:
        return split_lines(self.aliases)


class OrganisationFactQuerySet(models.QuerySet):
    def published(self):
        return self.filter(organisation__status=Status.PUBLISHED, source__status=Status.PUBLISHED)


class OrganisationFact(models.Model):
    """A figure about an organisation as the source gives it (population, staff, budget...)."""

    class Kind(models.TextChoices):
        POPULATION_SERVED = "population_served", "Population served"
        REGISTERED_PATIENTS = "registered_patients", "Registered patients"
        PATIENTS_TREATED = "patients_treated", "Patients treated in a year"
        STAFF = "staff", "Staff"
        STUDENTS = "students", "Students"
        BUDGET = "budget", "Annual budget (£)"
        SITES = "sites", "Sites"
        RURAL_SHARE = "rural_share", "Share of population that is rural (%)"

    class Qualifier(models.TextChoices):
        EXACT = "exact", "exactly"
        ABOUT = "about", "about"
        MORE_THAN = "more_than", "more than"
        APPROACHING = "approaching", "approaching"

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="facts")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    value = models.DecimalField(max_digits=16, decimal_places=2)
    qualifier = models.CharField(max_length=12, choices=Qualifier.choices, default=Qualifier.EXACT)
    period = models.CharField(
        max_length=30, blank=True, help_text='When it applied, as the source says: "2021-22".'
    )
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="facts")
    excerpt = models.TextField(blank=True, help_text="The source's own words for this figure.")
    updated_at = last_saved()

    objects = OrganisationFactQuerySet.as_manager()

    class Meta:
        ordering = ["organisation", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kind", "period"],
                name="fact_unique_kind_per_period",
                violation_error_message="This organisation already has this figure "
                "for this period.",
            ),
            models.CheckConstraint(
                condition=Q(value__gte=0),
                name="fact_value_not_negative",
                violation_error_message="A figure about an organisation cannot be negative.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.value:,.0f}"


class Person(Publishable):
    name = models.CharField(
        max_length=200, help_text='Canonical name without titles: "Karen James".'
    )
    slug = models.SlugField(max_length=120, unique=True)
    honorific = models.CharField(
        max_length=50, blank=True, help_text='Before the name: "Dr", "Professor", "The Lord".'
    )
    post_nominals = models.CharField(
        max_length=100, blank=True, help_text='After the name: "OBE", "CMgr FCMI", "MP".'
    )
    aliases = models.TextField(
        blank=True,
        help_text="Other spellings or forms of the name the sources use, one per line.",
    )
    summary = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "people"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("person", args=[self.slug])

    @property
    def full_name(self) -> str:
        """Honorific, name and post-nominals, as a reader would address them."""
        return " ".join(part for part in (self.honorific, self.name, self.post_nominals) if part)

    @property
    def alias_list(self) -> list[str]:
        return split_lines(self.aliases)


class RoleQuerySet(models.QuerySet):
    def published(self):
        return self.filter(person__status=Status.PUBLISHED, source__status=Status.PUBLISHED).filter(
            Q(organisation__isnull=True) | Q(organisation__status=Status.PUBLISHED)
        )


class Role(models.Model):
    """A post a person held: a person has many over time (former and current)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="roles")
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="roles",
        help_text="Leave empty for a public office with no organisation in the knowledge base.",
    )
    title = models.CharField(max_length=200)
    title_aliases = models.TextField(
        blank=True, help_text="Other forms of the title the sources use, one per line."
    )
    start_year = models.PositiveSmallIntegerField(null=True, blank=True)
    end_year = models.PositiveSmallIntegerField(null=True, blank=True)
    is_current = models.BooleanField(
        "current", default=False, help_text="Held at the time of the source."
    )
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="roles")
    updated_at = last_saved()

    objects = RoleQuerySet.as_manager()

    class Meta:
        ordering = ["-is_current", "-start_year", "title"]
        constraints = [
            sane_year("start_year"),
            sane_year("end_year"),
            not_before("end_year", "start_year", "A role cannot end before it starts."),
            models.CheckConstraint(
                condition=Q(is_current=False) | Q(end_year__isnull=True),
                name="role_current_has_no_end",
                violation_error_message="A current role has no end year.",
            ),
            models.UniqueConstraint(
                fields=["person", "organisation", "title"],
                name="role_unique_title_per_person_and_organisation",
                violation_error_message="This person already has this title at this organisation.",
            ),
        ]

    def __str__(self) -> str:
        where = f", {self.organisation}" if self.organisation_id else ""
        return f"{self.person}: {self.title}{where}"

    @property
    def title_alias_list(self) -> list[str]:
        return split_lines(self.title_aliases)

    @property
    def years(self) -> str:
        if self.start_year and self.end_year:
            return f"{self.start_year} to {self.end_year}"
        if self.start_year:
            return f"from {self.start_year}"
        if self.end_year:
            return f"until {self.end_year}"
        return ""


# --- The practice taxonomy ----------------------------------------------------------------


class PracticeTheme(Publishable):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(unique=True)
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0, help_text="Order on the site.")

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class PracticeQuerySet(PublishableQuerySet):
    def published(self):
        return self.filter(status=Status.PUBLISHED, theme__status=Status.PUBLISHED)


class Practice(Publishable):
    """A management practice: the taxonomy readers search by, shared across sectors."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(unique=True, help_text="Part of public URLs: change with care.")
    theme = models.ForeignKey(PracticeTheme, on_delete=models.PROTECT, related_name="practices")
    definition = models.TextField(help_text="What the practice is, in plain words.")
    synonyms = models.TextField(
        blank=True, help_text="Other names for it, one per line. Search finds these too."
    )

    objects = PracticeQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("practice", args=[self.slug])

    @property
    def synonym_list(self) -> list[str]:
        return split_lines(self.synonyms)


# --- Case studies and what hangs on them ---------------------------------------------------


class CaseStudyQuerySet(PublishableQuerySet):
    def published(self):
        return self.filter(published_case_study())

    def for_catalogue(self, *, drafts: bool = False):
        """A list row of published case studies: organisation, sector, practices and results,
        in four queries. `drafts`: include draft parts too, for the staff preview."""
        return self.select_related("organisation__type__sector").prefetch_related(
            models.Prefetch(
                "applications",
                queryset=visible(PracticeApplication, drafts).select_related("practice"),
                to_attr="published_applications",
            ),
            models.Prefetch(
                "outcomes",
                queryset=visible(Outcome, drafts).select_related(
                    "indicator", "baseline_grade", "result_grade", "source"
                ),
                to_attr="published_outcomes",
            ),
        )

    def with_parts(self, *, drafts: bool = False):
        """A case study with its people, quotes and credits besides its practices and results:
        what the page and the API both show, published parts only (or drafts too, for the
        staff preview), in a fixed number of queries."""
        people = CaseStudyPerson.objects.select_related("person")
        if not drafts:
            people = people.filter(person__status=Status.PUBLISHED)
        return self.for_catalogue(drafts=drafts).prefetch_related(
            models.Prefetch("participants", queryset=people, to_attr="published_people"),
            models.Prefetch(
                "quotes",
                queryset=visible(Quote, drafts).select_related(
                    "speaker", "source", "application__practice"
                ),
                to_attr="published_quotes",
            ),
            # Every credit, unjoined: `CaseStudy.published_contributions` keeps those whose
            # application and outcome were loaded above.
            models.Prefetch("contributions", to_attr="loaded_contributions"),
        )

    def with_story(self, *, drafts: bool = False):
        """Everything the case study page shows: its parts and its corrections. (The grade
        ladders its charts draw results on are one query of the page's own.)"""
        return self.with_parts(drafts=drafts).prefetch_related(
            models.Prefetch(
                "corrections",
                queryset=visible(Correction, drafts),
                to_attr="published_corrections",
            ),
        )


def visible(model, drafts: bool) -> models.QuerySet:
    """The parts of case studies being prefetched: published ones (the case studies are), or,
    for a staff preview, everything not withdrawn."""
    if not drafts:
        return model.objects.published(within_case_study=True)
    return model.objects.exclude(status=Status.WITHDRAWN)


class CaseStudy(Publishable):
    """One organisation's story as one source tells it: the unit readers browse."""

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=120, unique=True, help_text="Part of public URLs.")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="case_studies"
    )
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="case_studies")
    source_section = models.CharField(
        max_length=200, blank=True, help_text="The heading the story has in the source."
    )
    source_page_first = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="The page of the source the story starts on."
    )
    source_page_last = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="The page it ends on: the page before the next section."
    )
    period_start = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="First year the story covers, if the source says."
    )
    period_end = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Last year the story covers; empty if still going on."
    )
    period_label = models.CharField(
        max_length=100, blank=True, help_text='The period in words: "2014 to 2022".'
    )
    context = models.TextField(help_text="The situation before: what the organisation faced.")
    summary = models.TextField(help_text="What it did and what changed, in two or three sentences.")
    named_in_story = models.TextField(
        "also named in the story",
        blank=True,
        db_default="",
        help_text='Its own programmes and slogans ("The Leeds Way"), and the places and '
        "bodies the story names, one per line: readers find the case study by any of them.",
    )
    people = models.ManyToManyField(Person, through="CaseStudyPerson", related_name="case_studies")
    practices = models.ManyToManyField(
        Practice, through="PracticeApplication", related_name="case_studies"
    )
    # The readers' "last updated" (page, feeds, JSON-LD, citations), kept apart from
    # `updated_at`, which every save moves (a draft part added, say) and the edit-conflict check
    # relies on. Both are set only by casebase.content.services.public_dates_update().
    public_updated_at = models.DateTimeField(
        "last updated for readers",
        null=True,
        blank=True,
        editable=False,
        help_text="When what readers see of it last changed: its first publication, then any "
        "change to its published text or published parts. Empty until it is first published.",
    )
    # NULL: never compared yet (rows older than the field); "": nothing of it is public.
    public_fingerprint = models.CharField(max_length=64, null=True, editable=False)  # noqa: DJ001

    objects = CaseStudyQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        verbose_name_plural = "case studies"
        # One permission for the whole knowledge base: who may make records public.
        permissions = [
            ("publish", "Can publish and withdraw records"),
            ("import_records", "Can import records from spreadsheets (as drafts)"),
        ]
        constraints = [
            sane_year("period_start"),
            sane_year("period_end"),
            not_before("period_end", "period_start", "The period cannot end before it starts."),
            not_before(
                "source_page_last", "source_page_first", "The story cannot end before it starts."
            ),
            models.UniqueConstraint(
                fields=["organisation", "source"],
                name="case_study_one_per_organisation_and_source",
                violation_error_message="This source already has a case study "
                "of this organisation.",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("case-study", args=[self.slug])

    @property
    def sector(self) -> Sector | None:
        return self.organisation.type.sector

    @cached_property
    def published_contributions(self) -> list["Contribution"]:
        """The source's credits whose practice application and outcome are both shown, linked
        to those (after `with_parts()`). A credit is public just when both of them are, so
        the loaded parts decide it: joining them again in SQL cost PostgreSQL 4 ms to plan,
        the costliest query on the case study page."""
        applications = {application.pk: application for application in self.published_applications}
        outcomes = {outcome.pk: outcome for outcome in self.published_outcomes}
        credits = []
        for credit in self.loaded_contributions:
            if credit.application_id in applications and credit.outcome_id in outcomes:
                credit.application = applications[credit.application_id]
                credit.outcome = outcomes[credit.outcome_id]
                credits.append(credit)
        return credits


class CaseStudyPerson(models.Model):
    class Involvement(models.TextChoices):
        LEADER = "leader", "Led the change"
        INTERVIEWEE = "interviewee", "Interviewed"
        MENTIONED = "mentioned", "Mentioned"

    case_study = models.ForeignKey(CaseStudy, on_delete=models.CASCADE, related_name="participants")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="participations")
    involvement = models.CharField(max_length=20, choices=Involvement.choices)
    position = models.PositiveSmallIntegerField(default=0)
    updated_at = last_saved()

    class Meta:
        ordering = ["position", "id"]
        verbose_name = "person in the case study"
        verbose_name_plural = "people in the case study"
        constraints = [
            models.UniqueConstraint(
                fields=["case_study", "person"],
                name="case_study_person_unique",
                violation_error_message="This person is already listed in this case study.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_involvement_display()})"


class CaseStudyPartQuerySet(PublishableQuerySet):
    """Parts of a case study are public only when they and their case study are."""

    def published(self, *, within_case_study: bool = False):
        """`within_case_study`: the case study is known to be published (see published_part)."""
        return self.filter(published_part(case_study=not within_case_study))


class OutcomeQuerySet(CaseStudyPartQuerySet):
    def published(self, *, within_case_study: bool = False):
        return self.filter(published_outcome(case_study=not within_case_study))


class PracticeApplicationQuerySet(CaseStudyPartQuerySet):
    def published(self, *, within_case_study: bool = False):
        return self.filter(published_application(case_study=not within_case_study))


class PracticeApplication(Publishable):
    """How one case study applied one practice, in the source's own words."""

    case_study = models.ForeignKey(CaseStudy, on_delete=models.CASCADE, related_name="applications")
    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="applications")
    heading = models.CharField(
        max_length=200, blank=True, help_text="The case study's own heading for this, if any."
    )
    description = models.TextField(
        help_text="What they did, quoted or closely following the source."
    )
    position = models.PositiveSmallIntegerField(default=0)

    objects = PracticeApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case_study", "practice"],
                name="application_one_per_practice",
                violation_error_message="This case study already applies this practice.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.practice} at {self.case_study.organisation}"


# --- What changed -------------------------------------------------------------------------


class GradeScale(models.Model):
    """An ordered grade ladder, such as CQC or Ofsted ratings."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(unique=True)
    updated_at = last_saved()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Grade(models.Model):
    scale = models.ForeignKey(GradeScale, on_delete=models.CASCADE, related_name="grades")
    name = models.CharField(max_length=50)
    rank = models.PositiveSmallIntegerField(help_text="Higher is better: 1 is the lowest grade.")
    updated_at = last_saved()

    class Meta:
        ordering = ["scale", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["scale", "rank"],
                name="grade_unique_rank",
                violation_error_message="This scale already has a grade at this rank.",
            ),
            models.UniqueConstraint(
                fields=["scale", "name"],
                name="grade_unique_name",
                violation_error_message="This scale already has a grade with this name.",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Indicator(models.Model):
    """What was measured."""

    class Kind(models.TextChoices):
        ORDINAL = "ordinal", "Grade on a scale"
        PERCENTAGE = "percentage", "Percentage"
        RANK = "rank", "Rank (1 is best)"
        COUNT = "count", "Count"
        NARRATIVE = "narrative", "Described in words"

    class Area(models.TextChoices):
        INSPECTION = "inspection", "Inspection grades"
        STAFF = "staff", "Staff"
        FINANCE = "finance", "Finance and productivity"
        SERVICE = "service", "Services and users"
        RECOGNITION = "recognition", "Reviews and awards"

    name = models.CharField(max_length=150, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    area = models.CharField(
        "outcome area",
        max_length=12,
        choices=Area.choices,
        help_text="What kind of result this is, for readers: the evidence map's columns.",
    )
    scale = models.ForeignKey(
        GradeScale,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="indicators",
        help_text="The grade ladder: required for graded indicators, empty otherwise.",
    )
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="ordinal") & Q(scale__isnull=False))
                | (~Q(kind="ordinal") & Q(scale__isnull=True)),
                name="indicator_scale_iff_ordinal",
                violation_error_message="A graded indicator needs a scale; other kinds have none.",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_numeric(self) -> bool:
        return self.kind in {self.Kind.PERCENTAGE, self.Kind.RANK, self.Kind.COUNT}


def passage_context_field() -> models.JSONField:
    """Where the source's words of a figure, credit or quotation are found, with the sentence
    before and after: what its "Where this comes from" shows. Worked out by the loader
    (casebase.content.passages), so no page reads a source text."""
    return models.JSONField(
        default=dict,
        db_default={},  # also for rows written in bulk by SQL (casebase.loading.synthetic)
        blank=True,
        editable=False,
        help_text="Section, pages and the sentences around the passage in its source.",
    )


class Outcome(Publishable):
    """A result a case study reports: baseline and result, with years and how it is evidenced."""

    class Direction(models.TextChoices):
        IMPROVED = "improved", "Improved"
        SUSTAINED = "sustained", "Sustained"
        DECLINED = "declined", "Declined"
        SNAPSHOT = "snapshot", "Single measurement (no baseline)"

    # Who measured it; casebase.content.grading scores each.
    class Evidence(models.TextChoices):
        REGULATOR = "regulator", "Regulator's inspection"
        SURVEY = "survey", "National survey"
        RANKING = "ranking", "Ranking, league table or award"
        EXTERNAL_REVIEW = "external_review", "External or peer review"
        OFFICIAL_DATA = "official_data", "Official statistics"
        SELF_REPORTED = "self_reported", "The organisation's own figures"
        NOT_STATED = "not_stated", "Not stated in the source"

    # How it was measured; casebase.content.grading scores each.
    class Design(models.TextChoices):
        BEFORE_AFTER = "before_after", "Before and after"
        TREND = "trend", "A trend over several measurements"
        PEERS = "peers", "Compared with peers"
        NATIONAL = "national", "Compared with a national figure"
        SNAPSHOT = "snapshot", "A single measurement"

    case_study = models.ForeignKey(CaseStudy, on_delete=models.CASCADE, related_name="outcomes")
    slug = models.SlugField(max_length=120, help_text="Unique within the case study.")
    label = models.CharField(
        max_length=80,
        blank=True,
        db_default="",
        help_text="A short name that tells this result apart from the case study's others "
        '("CQC rating, 2014 to 2016"). Empty: what was measured.',
    )
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="outcomes")
    baseline_grade = models.ForeignKey(
        Grade, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    baseline_value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    baseline_year = models.PositiveSmallIntegerField(null=True, blank=True)
    result_grade = models.ForeignKey(
        Grade, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    result_value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    result_year = models.PositiveSmallIntegerField(null=True, blank=True)
    timeframe = models.CharField(
        max_length=150, blank=True, help_text='When, in the source\'s words: "within three years".'
    )
    direction = models.CharField(max_length=12, choices=Direction.choices)
    evidence = models.CharField(
        "who measured it",
        max_length=20,
        choices=Evidence.choices,
        help_text='As the source says. If it does not say, choose "not stated": never guess.',
    )
    design = models.CharField(
        "how it was measured",
        max_length=12,
        choices=Design.choices,
        default=Design.BEFORE_AFTER,
        help_text="Compared with peers or a national figure only if the source gives the "
        "comparison.",
    )
    inferred = models.BooleanField(
        "inferred by an editor",
        default=False,
        db_default=False,
        help_text="Tick if the source does not give the figure and an editor worked it out.",
    )
    inference = models.TextField(
        "how it was inferred",
        blank=True,
        db_default="",
        help_text="Required when inferred: what the editor worked the figure out from.",
    )
    # The grade of its evidence, by the method in casebase.content.grading: computed by the
    # database from the fields above, so every way of writing a row keeps it right.
    strength = models.GeneratedField(
        expression=grading.strength_expression(),
        output_field=models.PositiveSmallIntegerField(choices=grading.Strength.choices),
        db_persist=True,
        verbose_name="strength of evidence",
    )
    statement = models.TextField(help_text="The source's sentence that reports this result.")
    passage_context = passage_context_field()
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="outcomes")
    position = models.PositiveSmallIntegerField(default=0)

    objects = OutcomeQuerySet.as_manager()

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case_study", "slug"],
                name="outcome_unique_slug_per_case_study",
                violation_error_message="This case study already has an outcome with this slug.",
            ),
            sane_year("baseline_year"),
            sane_year("result_year"),
            not_before("result_year", "baseline_year", "A result cannot come before its baseline."),
            models.CheckConstraint(
                condition=Q(baseline_grade__isnull=True) | Q(baseline_value__isnull=True),
                name="outcome_baseline_grade_or_value",
                violation_error_message="Give the baseline as a grade or a number, not both.",
            ),
            models.CheckConstraint(
                condition=Q(result_grade__isnull=True) | Q(result_value__isnull=True),
                name="outcome_result_grade_or_value",
                violation_error_message="Give the result as a grade or a number, not both.",
            ),
            models.CheckConstraint(
                condition=~Q(direction="snapshot")
                | (
                    Q(baseline_grade__isnull=True)
                    & Q(baseline_value__isnull=True)
                    & Q(baseline_year__isnull=True)
                ),
                name="outcome_snapshot_has_no_baseline",
                violation_error_message="A single measurement has no baseline: "
                "choose another direction or clear the baseline.",
            ),
            models.CheckConstraint(
                condition=~Q(direction="snapshot") | ~Q(design="before_after"),
                name="outcome_snapshot_is_not_before_and_after",
                violation_error_message="A single measurement has no before: choose "
                '"a single measurement" or a comparison as how it was measured.',
            ),
            models.CheckConstraint(
                condition=Q(inferred=False) | ~Q(inference=""),
                name="outcome_inferred_says_how",
                violation_error_message="Say how the figure was inferred.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}: {self.get_direction_display().lower()}"

    @property
    def name(self) -> str:
        """What readers call this result: its label, or what was measured."""
        return self.label or self.indicator.name

    @cached_property
    def grade(self) -> grading.Grade:
        """Its strength of evidence with the reasons, as the method page explains them."""
        return grading.explain(self)

    def clean(self) -> None:
        super().clean()
        if not self.indicator_id:
            return
        self._check_values_fit_indicator()

    def _check_values_fit_indicator(self) -> None:
        indicator = self.indicator
        errors = {}
        for end in ("baseline", "result"):
            grade = getattr(self, f"{end}_grade")
            value = getattr(self, f"{end}_value")
            if grade and indicator.kind != Indicator.Kind.ORDINAL:
                errors[f"{end}_grade"] = f"{indicator} is not graded: give a number or nothing."
            elif grade and grade.scale_id != indicator.scale_id:
                errors[f"{end}_grade"] = f"Choose a grade from the {indicator.scale} scale."
            if value is not None and not indicator.is_numeric:
                errors[f"{end}_value"] = f"{indicator} is not measured in numbers."
        if errors:
            raise ValidationError(errors)

    @property
    def baseline(self) -> str:
        return _display_value(self.baseline_grade, self.baseline_value, self.indicator)

    @property
    def result(self) -> str:
        return _display_value(self.result_grade, self.result_value, self.indicator)


def _display_value(grade, value, indicator: Indicator) -> str:
    if grade is not None:
        return grade.name
    if value is None:
        return ""
    number = f"{value.normalize():f}"
    if indicator.kind == Indicator.Kind.PERCENTAGE:
        return f"{number}%"
    if indicator.kind == Indicator.Kind.RANK:
        return f"#{number}"
    return number


class ContributionQuerySet(models.QuerySet):
    def published(self, *, within_case_study: bool = False):
        return self.filter(
            published_application("application__", case_study=not within_case_study),
            published_outcome("outcome__", case_study=not within_case_study),
        )

    def organisations_credited(self, practice: Practice) -> dict[tuple[str, str], int]:
        """How many case studies' results of each direction the source credits to `practice`,
        by how directly: {(direction, directness): count}. One query."""
        rows = (
            self.published()
            .filter(application__practice=practice)
            .values_list("outcome__direction", "directness")
            .annotate(count=models.Count("case_study", distinct=True))
            .order_by()
        )
        return {(direction, directness): count for direction, directness, count in rows}


class CreditDirectness(models.TextChoices):
    """How directly the source credits a practice for a result (Contribution.Directness)."""

    EXPLICIT = "explicit", "The source says this practice led to this result"
    GENERAL = "general", "The source credits leadership and management as a whole"


class Contribution(models.Model):
    """The source credits a practice, as applied in a case study, for one of its outcomes."""

    Directness = CreditDirectness

    case_study = models.ForeignKey(
        CaseStudy, on_delete=models.CASCADE, related_name="contributions"
    )
    application = models.ForeignKey(
        PracticeApplication, on_delete=models.CASCADE, related_name="contributions"
    )
    outcome = models.ForeignKey(Outcome, on_delete=models.CASCADE, related_name="contributions")
    directness = models.CharField(
        max_length=8,
        choices=Directness.choices,
        help_text=(
            "Explicit only if the source's own words link this practice to this result. If the "
            "source only credits good leadership or management in general, choose general. If it "
            "does neither, do not credit the practice."
        ),
    )
    passage = models.TextField(
        help_text=(
            "The source's words the credit rests on, copied exactly: the shortest passage that "
            "carries the claim."
        )
    )
    passage_context = passage_context_field()
    updated_at = last_saved()

    objects = ContributionQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["application", "outcome"],
                name="contribution_unique",
                violation_error_message="This practice is already credited for this outcome.",
            ),
            models.CheckConstraint(
                condition=Q(directness__in=CreditDirectness.values),
                name="contribution_directness_known",
                violation_error_message="Say how directly the source credits this practice.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application.practice} → {self.outcome.indicator}"

    @property
    def is_explicit(self) -> bool:
        return self.directness == self.Directness.EXPLICIT

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.application_id and self.application.case_study_id != self.case_study_id:
            errors["application"] = "Choose a practice applied in this case study."
        if self.outcome_id and self.outcome.case_study_id != self.case_study_id:
            errors["outcome"] = "Choose an outcome of this case study."
        if errors:
            raise ValidationError(errors)


# --- Voices and sector-level evidence -----------------------------------------------------


class QuoteQuerySet(SourcedQuerySet):
    def published(self, *, within_case_study: bool = False):
        quotes = super().published().filter(speaker__status=Status.PUBLISHED)
        if within_case_study:
            return quotes
        return quotes.filter(Q(case_study__isnull=True) | published_case_study("case_study__"))


class Quote(Publishable):
    """Verbatim words of a named person, from a case study or from the report's framing."""

    text = models.TextField(help_text="Exactly as the source prints it.")
    passage_context = passage_context_field()
    speaker = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="quotes")
    case_study = models.ForeignKey(
        CaseStudy, on_delete=models.CASCADE, null=True, blank=True, related_name="quotes"
    )
    sector = models.ForeignKey(
        Sector,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="quotes",
        help_text="For quotes outside a case study: the sector they speak about.",
    )
    application = models.ForeignKey(
        PracticeApplication,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="quotes",
        verbose_name="illustrates practice",
        help_text="The practice, as applied in this case study, that the quote illustrates.",
    )
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="quotes")
    position = models.PositiveSmallIntegerField(default=0)

    objects = QuoteQuerySet.as_manager()

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.speaker}: “{self.text[:60]}…”" if len(self.text) > 60 else self.text

    @property
    def sentence(self) -> tuple[str, str] | None:
        """For a quotation that is not a whole sentence ("These are hard jobs,"), the source's
        words before and after it in its sentence, so pages show it there rather than as a
        pull quote: worked out when the compendium is loaded (casebase.content.passages),
        never from the source text when a page is served. None for a whole sentence, and when
        the text was edited since (the stored sentence would no longer hold it)."""
        found = self.passage_context
        if found.get("passage") != self.text or found.get("whole_sentence", True):
            return None
        return found["lead_in"], found["follow_on"]

    def clean(self) -> None:
        super().clean()
        if self.application_id and self.application.case_study_id != self.case_study_id:
            raise ValidationError(
                {"application": "Choose a practice applied in this quote's case study."}
            )


class Finding(Publishable):
    """A sector-level survey statistic or research finding."""

    class Unit(models.TextChoices):
        PERCENT = "percent", "%"
        PERCENTAGE_POINTS = "percentage_points", "percentage points"
        COUNT = "count", "count"

    slug = models.SlugField(max_length=120, unique=True)
    sector = models.ForeignKey(
        Sector,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="findings",
        help_text="Empty for a finding that spans sectors.",
    )
    statement = models.TextField(help_text="The finding in one sentence, close to the source.")
    value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    unit = models.CharField(max_length=20, choices=Unit.choices, blank=True)
    population = models.CharField(
        max_length=200, blank=True, help_text='Who was surveyed: "NHS managers and leaders".'
    )
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    is_headline = models.BooleanField(
        "headline", default=False, help_text="Shown on the home page."
    )
    excerpt = models.TextField(help_text="The source's own words.")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="findings")
    position = models.PositiveSmallIntegerField(default=0)

    objects = SourcedQuerySet.as_manager()

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            sane_year("year"),
            models.CheckConstraint(
                condition=Q(value__isnull=True, unit="") | Q(value__isnull=False) & ~Q(unit=""),
                name="finding_value_has_unit",
                violation_error_message="A figure needs a unit, and a unit needs a figure.",
            ),
            models.CheckConstraint(
                condition=~Q(unit="percent") | Q(value__gte=0, value__lte=100),
                name="finding_percent_in_range",
                violation_error_message="A percentage must be between 0 and 100.",
            ),
        ]

    def __str__(self) -> str:
        return self.statement[:80]


class Recommendation(Publishable):
    slug = models.SlugField(max_length=120, unique=True)
    sector = models.ForeignKey(Sector, on_delete=models.PROTECT, related_name="recommendations")
    title = models.CharField(max_length=200)
    body = models.TextField(help_text="The recommendation as the source words it.")
    addressed_to = models.CharField(
        max_length=300, help_text='Who should act: "NHS England", "Politicians and policymakers".'
    )
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="recommendations")
    position = models.PositiveSmallIntegerField(default=0)

    objects = SourcedQuerySet.as_manager()

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title


class TestimonialQuerySet(SourcedQuerySet):
    def published(self):
        return super().published().filter(person__status=Status.PUBLISHED)


class Testimonial(Publishable):
    """A named expert's statement about a sector."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="testimonials")
    sector = models.ForeignKey(Sector, on_delete=models.PROTECT, related_name="testimonials")
    text = models.TextField(help_text="Exactly as the source prints it.")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="testimonials")
    position = models.PositiveSmallIntegerField(default=0)

    objects = TestimonialQuerySet.as_manager()

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "sector", "source"],
                name="testimonial_one_per_person_sector_source",
                violation_error_message="This person already has a testimonial for this sector "
                "in this source.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} on {self.sector}"


class SearchDocument(models.Model):
    """The searchable text of one published case study and everything that hangs on it.

    Written only by `casebase.catalogue.search.refresh()`, from published records only, so search
    can never reveal a draft. SQLite indexes it with an FTS5 table kept in step by triggers
    (migration 0002); PostgreSQL with `search_vector`, every word, and the words of each level
    of the parts that rank a match, each with a GIN index (migrations 0002 and 0016).
    """

    case_study = models.OneToOneField(
        CaseStudy, on_delete=models.CASCADE, primary_key=True, related_name="search_document"
    )
    title = models.TextField()
    names = models.TextField(help_text="Organisation and people, with their aliases.")
    practices = models.TextField(help_text="Practices applied, with their synonyms.")
    body = models.TextField(help_text="Context, summary, what was done, outcomes and quotes.")
    search_vector = SearchVectorField(null=True, editable=False)
    # The words of the parts that rank a match (casebase/catalogue/search.py, LEVELS).
    title_vector = SearchVectorField(null=True, editable=False)
    title_names_vector = SearchVectorField(null=True, editable=False)
    title_names_practices_vector = SearchVectorField(null=True, editable=False)

    def __str__(self) -> str:
        return self.title


class SiteDocument(models.Model):
    """One published record of any kind as the search of the whole site (`/search/`) finds it:
    its title, the text that may match, the line shown under it and where it links.

    Written only by `casebase.catalogue.sitewide`, from published records only. The id is the
    kind's place in `Kind` times KIND_SPAN plus the record's id, so the full-text index
    counts and pages each kind by id range, without reading a row. SQLite indexes it with an
    FTS5 table kept in step by triggers, PostgreSQL with GIN-indexed vectors (migration 0018).
    """

    class Kind(models.TextChoices):  # the values are public URL parameters (?kind=)
        CASE_STUDY = "case-studies", "Case studies"
        ORGANISATION = "organisations", "Organisations"
        PERSON = "people", "People"
        PRACTICE = "practices", "Practices"
        FINDING = "findings", "Survey findings"
        RECOMMENDATION = "recommendations", "Recommendations"
        TESTIMONIAL = "testimonials", "Testimonials"
        SOURCE = "sources", "Sources"

    KIND_SPAN = 10**10

    id = models.BigIntegerField(primary_key=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField()
    title = models.TextField()
    body = models.TextField(help_text="The rest of its searchable text.")
    meta = models.TextField(help_text="What it is, shown under its title.")
    url = models.CharField(max_length=500, help_text="Where it is shown; empty for nowhere.")
    search_vector = SearchVectorField(null=True, editable=False)
    title_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id"], name="site_document_one_per_record"
            )
        ]

    def __str__(self) -> str:
        return self.title


class Correction(Publishable):
    """A public note of a correction to a case study, written by an editor for readers: what
    was wrong and what it says now. Shown on the case study page once published."""

    case_study = models.ForeignKey(CaseStudy, on_delete=models.CASCADE, related_name="corrections")
    made_on = models.DateField(help_text="When the correction was made.")
    note = models.TextField(
        help_text='For readers, in a sentence or two: "The 2016 CQC rating was given as '
        'outstanding; the source says good."'
    )

    objects = CaseStudyPartQuerySet.as_manager()

    class Meta:
        ordering = ["-made_on", "-id"]

    def __str__(self) -> str:
        return f"Correction of {self.made_on:%d %B %Y}"


class ContentVersion(models.Model):
    """One row whose token every change to content replaces, inside the change's own
    transaction, and which counts the changes (`seq`). What is derived from the content and
    kept in memory (the catalogue index) follows the log of changes (`ContentChange`) from the
    `seq` it was made at; cached pages are keyed by the token.

    A random token, not the counter: a rolled-back change takes its token with it, so a token
    always names one state of the content, and two states never share one (a flushed and
    reloaded database counts from 1 again, but never repeats a token). Updating the one row
    also orders changes: a second writer waits for the first to commit, so the changes commit
    in the order of their `seq`.
    """

    token = models.CharField(max_length=32)
    seq = models.PositiveBigIntegerField(default=0, help_text="How many changes so far.")

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(id=1), name="content_version_one_row")]

    def __str__(self) -> str:
        return self.token

    @classmethod
    def current(cls) -> str | None:
        """None when the row is missing (a database flushed by a test): nothing to key by."""
        version = cls.read()
        return version and version[0]

    @classmethod
    def read(cls) -> tuple[str, int] | None:
        """(token, seq). Plain SQL: every catalogue request asks, and building the ORM query
        cost more than running it."""
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT token, seq FROM {cls._meta.db_table} WHERE id = 1")
            return cursor.fetchone()

    @classmethod
    def bump(cls, case_studies: Iterable[int] | None = None) -> None:
        """A new version, and the change in the log: the case studies whose place in the
        catalogue it may move, or None for a change that may move any."""
        token = secrets.token_hex(16)
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {cls._meta.db_table} SET token = %s, seq = seq + 1 WHERE id = 1 "
                "RETURNING seq",
                [token],
            )
            row = cursor.fetchone()
        seq = row[0] if row else cls.objects.create(pk=1, token=token, seq=1).seq
        ids = None if case_studies is None else sorted(set(case_studies))
        ContentChange.objects.create(seq=seq, token=token, case_studies=ids)
        if seq % ContentChange.PRUNE_EVERY == 0:
            ContentChange.prune()


class ContentChange(models.Model):
    """The log of changes to content, one row per `ContentVersion.bump()`: what a worker's
    catalogue index needs to catch up in place (re-reading only the case studies named) rather
    than rebuild. Only the latest rows matter: every PRUNE_EVERY changes, `prune()` drops all
    but the latest KEPT."""

    KEPT = 10_000
    PRUNE_EVERY = 1_000

    seq = models.PositiveBigIntegerField(unique=True)
    token = models.CharField(max_length=32, help_text="The content version it made.")
    case_studies = models.JSONField(
        null=True, help_text="Ids of the case studies it may move; null: any of them."
    )
    made_at = models.DateTimeField(db_default=Now())

    class Meta:
        ordering = ["seq"]

    def __str__(self) -> str:
        return f"Change {self.seq}"

    @classmethod
    def since(cls, seq: int, token: str) -> list[tuple[int, list[int] | None]] | None:
        """Every change after the one that made version (`seq`, `token`), in order, or None
        if the log no longer holds that change (pruned, or another database restored since)."""
        changes = list(cls.objects.filter(seq__gte=seq).values_list("seq", "token", "case_studies"))
        if not changes or changes[0][:2] != (seq, token):
            return None
        return [(seq, ids) for seq, _, ids in changes[1:]]

    @classmethod
    def prune(cls) -> int:
        """Drops all but the latest KEPT changes: a worker further behind rebuilds."""
        latest = cls.objects.order_by("-seq").values_list("seq", flat=True).first()
        if latest is None:
            return 0
        return cls.objects.filter(seq__lte=latest - cls.KEPT).delete()[0]
