"""The indexes of organisations and people: A to Z, a page at a time, filtered by sector, type
of organisation and region. Published records only; a person is found through the
organisations of their published roles and of the published case studies they appear in.

The URL is the whole state (`sector`, `type`, `region`, repeatable; `letter`; `page`), so the
forms are plain GET forms. A value the page does not know is ignored and the page says so."""

import string
from collections.abc import Callable
from dataclasses import dataclass

from django.core.paginator import Page
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Substr, Upper
from django.http import QueryDict
from django.views.generic import TemplateView

from casebase.content.models import (
    CaseStudy,
    CaseStudyPerson,
    Organisation,
    OrganisationType,
    Person,
    Role,
    published_case_study,
)
from casebase.site.views import page_links, paginated

LETTERS = tuple(string.ascii_uppercase)
# Parameters the indexes understand besides their filters.
CONTROLS = {"letter", "page"}


@dataclass(frozen=True)
class Filter:
    """One question a reader filters by: its URL parameter, its options and what is chosen.
    `lookup` is the condition on an organisation that a chosen value stands for."""

    name: str
    label: str
    lookup: str
    options: list[tuple[str, str]]  # (value, label)
    chosen: list[str]

    @property
    def selected(self) -> list[tuple[str, str]]:
        return [(value, label) for value, label in self.options if value in self.chosen]


class Choices:
    """What the reader chose, checked against the options: a known value is used, anything
    else is set aside with a sentence saying so (never an error). One query, for the types of
    organisation with their sectors (a sector without any type has no organisations)."""

    def __init__(self, params: QueryDict):
        # The sectors' types in the sectors' order, then those outside the three sectors (a
        # database sorts a missing sector first or last as it likes).
        types = sorted(
            OrganisationType.objects.select_related("sector"),
            key=lambda t: (t.sector is None, t.sector.position if t.sector else 0, t.name),
        )
        sectors = {t.sector.slug: t.sector.name for t in types if t.sector}
        self.params = params
        self.notices: list[str] = []
        self.filters = [
            self.chosen("sector", "Sector", "type__sector__slug", list(sectors.items())),
            self.chosen(
                "type", "Type of organisation", "type__slug", [(t.slug, t.name) for t in types]
            ),
            self.chosen("region", "Region", "region", list(Organisation.Region.choices)),
        ]
        self.letter = self.chosen_letter()
        unknown = sorted(set(params) - {f.name for f in self.filters} - CONTROLS)
        self.notices += [f"“{name}” is not a filter here and was ignored." for name in unknown]

    def chosen(self, name: str, label: str, lookup: str, options: list) -> Filter:
        known = {value for value, _ in options}
        values = [value for value in self.params.getlist(name) if value != ""]
        for value in values:
            if value not in known:
                self.notices.append(
                    f"{label}: “{value}” is not one of the choices. It was ignored."
                )
        return Filter(name, label, lookup, options, [value for value in values if value in known])

    def chosen_letter(self) -> str | None:
        letter = self.params.get("letter", "")
        if letter.upper() in LETTERS:
            return letter.upper()
        if letter:
            self.notices.append(f"“{letter}” is not a letter from A to Z. It was ignored.")
        return None

    def conditions(self, path: str = "") -> Q:
        """The organisations (reached through `path`) the chosen filters let through."""
        condition = Q()
        for f in self.filters:
            if f.chosen:
                condition &= Q(**{f"{path}{f.lookup}__in": f.chosen})
        return condition

    @property
    def filtered(self) -> bool:
        return any(f.chosen for f in self.filters)

    def without(self, path: str, name: str, value: str | None = None) -> str:
        """A link to this index without one choice (or a whole parameter), from the first page."""
        params = self.params.copy()
        params.setlist(name, [v for v in params.getlist(name) if value is not None and v != value])
        params.pop("page", None)
        return f"?{params.urlencode()}" if params else path

    def with_letter(self, path: str, letter: str) -> str:
        params = self.params.copy()
        params["letter"] = letter
        params.pop("page", None)
        return f"?{params.urlencode()}"


def filed_under(name: str = "name") -> Upper:
    """Where A to Z files a name: "The Oakwood Surgery" under O, as a reader looks for it."""
    return Upper(
        Case(When(**{f"{name}__istartswith": "The "}, then=Substr(name, 5)), default=F(name))
    )


class DirectoryView(TemplateView):
    """A to Z of published records of one kind, filtered, 20 a page."""

    noun = ("record", "records")

    def records(self, choices: Choices) -> QuerySet:
        """The published records the filters let through, with `filed_as` to sort them by."""
        raise NotImplementedError

    def rows(self, page: Page) -> list:
        return list(page.object_list)

    def get_context_data(self, **kwargs):
        choices = Choices(self.request.GET)
        records = self.records(choices).annotate(initial=Substr("filed_as", 1, 1))
        letters = set(records.order_by().values_list("initial", flat=True).distinct())
        if choices.letter:
            records = records.filter(initial=choices.letter)
        page = paginated(records.order_by("filed_as", "pk"), self.request)
        notices = choices.notices + page_notices(self.request.GET.get("page"), page)
        path = self.request.path
        return super().get_context_data(
            page_obj=page,
            rows=self.rows(page) if page.paginator.count else [],
            count=page.paginator.count,
            page_links=page_links(page, self.request.GET),
            filters=choices.filters,
            letter=choices.letter,
            letters=[
                (letter, choices.with_letter(path, letter) if letter in letters else None)
                for letter in LETTERS
            ],
            all_letters=choices.without(path, "letter"),
            active=[
                (f.label, label, choices.without(path, f.name, value))
                for f in choices.filters
                for value, label in f.selected
            ],
            filtered=bool(choices.filtered or choices.letter),
            notices=notices,
            noun=self.noun,
            **kwargs,
        )


def page_notices(asked: str | None, page: Page) -> list[str]:
    """A page that does not exist shows the nearest one, and says so."""
    if asked in (None, "") or asked == str(page.number):
        return []
    shown = f"showing page {page.number} of {page.paginator.num_pages}"
    if not asked.isdigit():
        return [f"“{asked}” is not a page number; {shown}."]
    return [f"There is no page {asked}; {shown}."]


def published_case_studies_of(organisation: str) -> Subquery:
    """How many published case studies the organisation (an outer reference) has: read only
    for the rows of the page."""
    counted = (
        CaseStudy.objects.filter(published_case_study(), organisation=OuterRef(organisation))
        .order_by()
        .values("organisation")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


class OrganisationListView(DirectoryView):
    template_name = "content/organisation_list.html"
    noun = ("organisation", "organisations")

    def records(self, choices: Choices) -> QuerySet:
        return (
            Organisation.objects.published()
            .filter(choices.conditions())
            .annotate(filed_as=filed_under())
            .select_related("type__sector")
            .annotate(case_study_count=published_case_studies_of("pk"))
        )


class PersonListView(DirectoryView):
    """People by name as given ("Karen James" under K): the records hold no surname apart."""

    template_name = "content/person_list.html"
    noun = ("person", "people")

    def records(self, choices: Choices) -> QuerySet:
        people = Person.objects.published().annotate(filed_as=Upper("name"))
        return linked_to(people, choices.conditions) if choices.filtered else people

    def rows(self, page: Page) -> list:
        return list(with_roles(page.object_list))


def linked_to(people: QuerySet[Person], conditions: Callable[[str], Q]) -> QuerySet[Person]:
    """The people linked to the organisations `conditions(path)` lets through (reached through
    `path`): by a published role there, or by a published case study of theirs (the API's
    people filter too)."""
    linked_by_role = Role.objects.published().filter(
        conditions("organisation__"), person=OuterRef("pk")
    )
    linked_by_story = CaseStudyPerson.objects.filter(
        published_case_study("case_study__"),
        conditions("case_study__organisation__"),
        person=OuterRef("pk"),
    )
    return people.filter(Exists(linked_by_role) | Exists(linked_by_story))


def with_roles(people: QuerySet[Person]) -> QuerySet[Person]:
    """Each person with their published roles (`published_roles`), as at the time of the
    report: one query for the lot."""
    roles = Role.objects.published().select_related("organisation", "source")
    return people.prefetch_related(Prefetch("roles", queryset=roles, to_attr="published_roles"))
