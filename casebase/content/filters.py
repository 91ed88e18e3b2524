"""The catalogue's filters: one FilterSet over GET parameters, and the counts for every facet.

Several values within one facet combine with OR; different facets with AND. To-many facets look
only at published practice applications and outcomes, so a draft can never widen a result.
"""

import copy
from collections.abc import Callable, Container
from dataclasses import dataclass
from functools import cache, partial

import django_filters
import numpy as np
from django import forms
from django.db.models import Q, QuerySet
from django.http import QueryDict
from pyroaring import FrozenBitMap as Bits

from casebase.content import catalogue, grading, search
from casebase.content.models import (
    CaseStudy,
    Indicator,
    OrganisationType,
    Outcome,
    Practice,
    PracticeApplication,
    PracticeTheme,
    Sector,
)

SORTS = {
    "relevance": "Most relevant",
    "organisation": "Organisation (A to Z)",
    "recent": "Most recent first",
    "outcomes": "Most results reported",
    "evidence": "Strongest evidence first",
}


def chosen(values) -> list:
    """An empty value (`sector=`) chooses nothing, as an empty search searches nothing."""
    return [value for value in values or () if value != ""]


class ChoiceField(django_filters.fields.MultipleChoiceField):
    """A facet with fixed options (direction, evidence)."""

    def to_python(self, value) -> list[str]:
        return chosen(super().to_python(value))


class SlugChoiceField(django_filters.fields.ModelMultipleChoiceField):
    """A facet whose options are rows, chosen by slug."""

    def clean(self, value):
        return super().clean(chosen(value))


class ChoiceFilter(django_filters.MultipleChoiceFilter):
    field_class = ChoiceField


class SlugChoiceFilter(django_filters.ModelMultipleChoiceFilter):
    field_class = SlugChoiceField


class AnyValueMultipleChoiceField(forms.MultipleChoiceField):
    """Accepts any submitted text: for facets whose options are whatever the data holds.
    A NUL byte is refused: no stored value has one, and PostgreSQL rejects it in a query."""

    def valid_value(self, value) -> bool:
        return "\x00" not in str(value)

    def to_python(self, value) -> list[str]:
        return chosen(super().to_python(value))


class AnyValueMultipleFilter(django_filters.MultipleChoiceFilter):
    field_class = AnyValueMultipleChoiceField


class KnownValueMultipleChoiceField(AnyValueMultipleChoiceField):
    """Accepts the values in `known`, which each form sets: the catalogue's model facets, checked
    against the options its index read (a dictionary lookup), not by a query per request."""

    default_error_messages = {
        "invalid_choice": forms.ModelMultipleChoiceField.default_error_messages["invalid_choice"]
    }
    known: Container[str] = frozenset()

    def valid_value(self, value) -> bool:
        return value in self.known


def published_applications(practices: Q) -> QuerySet:
    return PracticeApplication.objects.published().filter(practices).values("case_study")


def published_outcomes(condition: Q) -> QuerySet:
    return Outcome.objects.published().filter(condition).values("case_study")


def having(queryset: QuerySet, children: QuerySet, value) -> QuerySet:
    """Case studies with a matching published child. An empty choice (which a model field
    cleans to an empty queryset, not to []) filters nothing."""
    return queryset.filter(pk__in=children) if value else queryset


# Querysets as callables (django-filter calls them when it builds the form class, once): every
# request copies the filters, and copying a callable is free where copying a queryset is not.
# Unordered: they only check the chosen slugs, and an organisation type's order is a join.
class CaseStudyFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_search", label="Search")
    sector = SlugChoiceFilter(
        field_name="organisation__type__sector__slug",
        distinct=False,  # one organisation per case study: nothing to de-duplicate
        to_field_name="slug",
        queryset=lambda request: Sector.objects.order_by(),
        widget=forms.CheckboxSelectMultiple,
        label="Sector",
    )
    practice = SlugChoiceFilter(
        method="filter_practice",
        to_field_name="slug",
        queryset=lambda request: Practice.objects.published().order_by(),
        widget=forms.CheckboxSelectMultiple,
        label="Practice",
    )
    theme = SlugChoiceFilter(
        method="filter_theme",
        to_field_name="slug",
        queryset=lambda request: PracticeTheme.objects.published().order_by(),
        widget=forms.CheckboxSelectMultiple,
        label="Practice theme",
    )
    type = SlugChoiceFilter(
        field_name="organisation__type__slug",
        distinct=False,  # one organisation per case study: nothing to de-duplicate
        to_field_name="slug",
        queryset=lambda request: OrganisationType.objects.order_by(),
        widget=forms.CheckboxSelectMultiple,
        label="Type of organisation",
    )
    region = AnyValueMultipleFilter(
        field_name="organisation__region",
        distinct=False,  # one organisation per case study: nothing to de-duplicate
        widget=forms.CheckboxSelectMultiple,
        label="Region",
    )
    indicator = SlugChoiceFilter(
        method="filter_indicator",
        to_field_name="slug",
        queryset=lambda request: Indicator.objects.order_by(),
        widget=forms.CheckboxSelectMultiple,
        label="What was measured",
    )
    direction = ChoiceFilter(
        method="filter_direction",
        choices=Outcome.Direction.choices,
        widget=forms.CheckboxSelectMultiple,
        label="Result",
    )
    strength = ChoiceFilter(
        method="filter_strength",
        choices=grading.CHOICES,
        widget=forms.CheckboxSelectMultiple,
        label="Strength of evidence",
    )
    evidence = ChoiceFilter(
        method="filter_evidence",
        choices=Outcome.Evidence.choices,
        widget=forms.CheckboxSelectMultiple,
        label="Who measured the result",
    )
    year_from = django_filters.NumberFilter(
        method="filter_year_from", label="From year", min_value=1800, max_value=2100
    )
    year_to = django_filters.NumberFilter(
        method="filter_year_to", label="To year", min_value=1800, max_value=2100
    )

    class Meta:
        model = CaseStudy
        fields: list[str] = []

    def get_form_class(self):
        return self.form_class()

    @classmethod
    @cache
    def form_class(cls):  # (a return annotation would name the "type" filter)
        """django-filter builds a new form class, with new fields, for every request (a third of
        the catalogue view's time); none of these fields depends on the request, so the class
        is built once, like any Django form's. Each form still copies its fields."""
        filters = copy.deepcopy(cls.base_filters)  # leaves the class's filters without fields
        fields = {name: filter_.field for name, filter_ in filters.items()}
        return type(f"{cls.__name__}Form", (cls._meta.form,), fields)

    # -- facets over published children --------------------------------------------------------

    def filter_search(self, queryset, name, value):
        if not value.strip():
            return queryset
        # Each facet's count applies the search again: the full-text ranking is made once.
        return search.matching(queryset, value, self.__dict__.setdefault("_ranked", {}))

    def filter_practice(self, queryset, name, value):
        return having(queryset, published_applications(Q(practice__in=value)), value)

    def filter_theme(self, queryset, name, value):
        return having(queryset, published_applications(Q(practice__theme__in=value)), value)

    def filter_indicator(self, queryset, name, value):
        return having(queryset, published_outcomes(Q(indicator__in=value)), value)

    def filter_direction(self, queryset, name, value):
        return having(queryset, published_outcomes(Q(direction__in=value)), value)

    def filter_evidence(self, queryset, name, value):
        return having(queryset, published_outcomes(Q(evidence__in=value)), value)

    def filter_strength(self, queryset, name, value):
        grades = [grading.BY_SLUG[slug] for slug in value]
        return having(queryset, published_outcomes(Q(strength__in=grades)), value)

    # -- the years a case study covers: its period, or the years of its results ------------------

    def filter_year_from(self, queryset, name, value):
        return queryset.filter(covers_years(since=int(value)))

    def filter_year_to(self, queryset, name, value):
        return queryset.filter(covers_years(until=int(value)))


def covers_years(*, since: int | None = None, until: int | None = None) -> Q:
    """A case study whose period, or any dated published result, reaches into the range."""
    if since is not None:
        period = Q(period_end__gte=since) | Q(period_end__isnull=True, period_start__isnull=False)
        dated = Q(result_year__gte=since) | Q(baseline_year__gte=since)
    else:
        period = Q(period_start__lte=until) | Q(period_start__isnull=True, period_end__lte=until)
        dated = Q(result_year__lte=until) | Q(baseline_year__lte=until)
    return period | Q(pk__in=published_outcomes(dated))


# --- The catalogue's form --------------------------------------------------------------------

# Facets whose options are rows: the filters check a choice with a query, the catalogue with its
# index, which read every option (with case studies or not) when it was built.
MODEL_FACETS = ("sector", "practice", "theme", "type", "indicator")


def checked_by_index(filter_form: type[forms.Form]) -> type[forms.Form]:
    fields = {
        name: KnownValueMultipleChoiceField(
            label=filter_form.base_fields[name].label, required=False
        )
        for name in MODEL_FACETS
    }
    return type("CheckedByIndexForm", (filter_form,), fields)


class CatalogueForm(checked_by_index(CaseStudyFilter.form_class())):
    """The filters' form as the catalogue and the evidence map read it: the same fields, labels
    and messages, with each model facet's choices checked against the catalogue index. A
    sector's slug is a dictionary lookup, where a query (built by the ORM, then run) cost a
    tenth of a catalogue page, for every facet chosen."""

    def __init__(self, data: QueryDict, index: catalogue.CatalogueIndex):
        super().__init__(data)
        for name in MODEL_FACETS:
            self.fields[name].known = index.labels[name]


# --- Facet counts ---------------------------------------------------------------------------


@dataclass
class Option:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class Facet:
    name: str
    label: str
    options: list[Option]
    hidden: int = 0  # options with fewer results left out of a long facet

    @property
    def selected(self) -> list[Option]:
        return [option for option in self.options if option.selected]


FACETS = (
    "sector",
    "theme",
    "practice",
    "type",
    "region",
    "indicator",
    "direction",
    "strength",
    "evidence",
)
# A facet with more options than this shows the ones with the most results (and any chosen):
# thousands of checkboxes help no one, on a phone or a screen reader least of all.
MOST_OPTIONS = 30


class Selection:
    """A reader's filters over the catalogue index: the case studies each active filter lets
    through, as a set. Combining them, counting facets and taking a page costs no query; a
    full-text search costs one."""

    def __init__(self, form: CatalogueForm, index: catalogue.CatalogueIndex):
        form.is_valid()  # cleans the form; invalid values are left out, as in filterset.qs
        self.form, self.index = form, index
        data = form.cleaned_data
        self.sets: dict[str, Bits] = {}
        self._members: dict[str | None, Bits] = {}
        for name in FACETS:
            if chosen := selected_values(form, name):
                self.sets[name] = index.any_of(name, chosen)
        self.query = (data.get("q") or "").strip()
        self.found: catalogue.SearchResult | None = None
        if self.query:
            self.found = catalogue.matches(index, self.query)
            self.sets["q"] = self.found.members
        for name, bound in (("year_from", "since"), ("year_to", "until")):
            if data.get(name) is not None:
                self.sets[name] = index.covering(**{bound: int(data[name])})

    def members(self, leaving_out: str | None = None) -> Bits:
        """The selected case studies, or those every filter but `leaving_out`'s own selects.
        Kept: most facets are counted within the same set, every filter's."""
        if leaving_out not in self.sets:
            leaving_out = None
        if leaving_out not in self._members:
            others = [bits for name, bits in self.sets.items() if name != leaving_out]
            found = self.index.all.intersection(*others) if others else self.index.all
            self._members[leaving_out] = found
        return self._members[leaving_out]

    def positions(self, sort: str) -> Callable[[int, int], list[int]]:
        """How to read a slice of the selection, in the order `sort` names."""
        members = self.members()
        if sort == "relevance":
            return lambda start, stop: self.found.first(members, stop)[start:]
        ordering = self.index.orderings.get(sort, self.index.orderings["organisation"])
        return partial(ordering.slice, members)


def facet_counts(selection: Selection) -> list[Facet]:
    """Every facet's options, each with how many results choosing it would give under the other
    active filters."""
    return [count_facet(selection, name) for name in FACETS]


def count_facet(selection: Selection, name: str) -> Facet:
    values = selection.index.facets[name]
    counts = selection.index.counts(name, within=selection.members(leaving_out=name))
    chosen = selected_values(selection.form, name)
    with_results = int(np.count_nonzero(counts))
    hidden = 0
    if with_results <= MOST_OPTIONS:
        listed = np.flatnonzero(counts).tolist()  # in the facet's order
    else:
        most = most_counted(counts, MOST_OPTIONS)
        picked = set(most)
        more = [
            i
            for value in chosen
            if (i := selection.index.value_number(name, value)) is not None
            and counts[i]
            and i not in picked
        ]
        hidden, listed = with_results - len(most) - len(more), most + sorted(more)
    options = [
        Option(values[i].value, values[i].label, int(counts[i]), values[i].value in chosen)
        for i in listed
    ]
    shown = {option.value for option in options}
    # A chosen option that now gives nothing stays visible, so the reader can untick it.
    options += [
        Option(value, selection.index.label(name, value), 0, True)
        for value in sorted(chosen - shown)
    ]
    label = selection.form.fields[name].label
    return Facet(name=name, label=label, options=options, hidden=hidden)


def most_counted(counts: np.ndarray, k: int) -> list[int]:
    """The k options with the most results, ties in the facet's order: what a stable sort of
    every count gives, without sorting thousands of regions to keep thirty."""
    k = min(k, len(counts))
    kth_most = np.partition(counts, -k)[-k]
    candidates = np.flatnonzero(counts >= kth_most)  # k or more, with any ties for the last
    by_count = np.argsort(-counts[candidates], kind="stable")  # candidates are in facet order
    return candidates[by_count[:k]].tolist()


def selected_values(form: CatalogueForm, name: str) -> set[str]:
    return set(form.cleaned_data.get(name) or ())
