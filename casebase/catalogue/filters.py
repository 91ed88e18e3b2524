"""The catalogue's filters (the facets of casebase/catalogue/facets.py, a search and years): a
reader's selection over the catalogue index, each facet's counts, and the same filters in SQL.

Several values within one facet combine with OR; different facets with AND. To-many facets look
only at published practice applications and outcomes, so a draft can never widen a result.
"""

import copy
import json
from collections.abc import Callable, Container
from dataclasses import dataclass
from functools import cache, partial

import django_filters
import numpy as np
from django import forms
from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL
from django.http import QueryDict
from pyroaring import FrozenBitMap as Bits

from casebase.catalogue import facets, search
from casebase.catalogue import index as catalogue
from casebase.catalogue.facets import MODEL_FACETS, FacetSpec, published_outcomes
from casebase.content.models import CaseStudy

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


def sql_filter(facet: FacetSpec) -> django_filters.Filter:
    """The facet's filter in the FilterSet: its value checked as the API checks it (a slug
    with a query), then its condition in SQL."""
    common = {
        "method": "filter_facet",
        "field_name": facet.name,  # what the method is given to tell the facet
        "label": facet.label,
        "widget": forms.CheckboxSelectMultiple,
    }
    if facet.rows is not None:
        # A callable (django-filter calls it when it builds the form class, once): every
        # request copies the filters, and copying a callable is free where a queryset is not.
        # Unordered: it only checks the chosen slugs, and an organisation type's order is a join.
        rows = facet.rows
        return SlugChoiceFilter(
            to_field_name="slug", queryset=lambda request: rows().order_by(), **common
        )
    if facet.choices is not None:
        return ChoiceFilter(choices=facet.choices, **common)
    return AnyValueMultipleFilter(**common)


class CaseStudyFilter(django_filters.FilterSet):
    """The catalogue's filters in SQL: how the API checks its parameters and describes them,
    and the reference the tests hold the catalogue index to."""

    q = django_filters.CharFilter(method="filter_search", label="Search")
    year_from = django_filters.NumberFilter(
        method="filter_year_from", label="From year", min_value=1800, max_value=2100
    )
    year_to = django_filters.NumberFilter(
        method="filter_year_to", label="To year", min_value=1800, max_value=2100
    )

    class Meta:
        model = CaseStudy
        fields: list[str] = []

    @classmethod
    def get_filters(cls) -> dict:
        """The declared filters, with each facet's after the search, in the facets' order."""
        declared = super().get_filters()
        facet_filters = {facet.name: sql_filter(facet) for facet in facets.FACETS}
        return {"q": declared.pop("q"), **facet_filters, **declared}

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
        return search.matching(queryset, value)

    def filter_facet(self, queryset, name, value):
        # A model facet's value is its rows (an empty choice: an empty queryset, not []).
        values = [getattr(chosen, "slug", chosen) for chosen in value]
        return queryset.filter(facets.BY_NAME[name].condition(values)) if values else queryset

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
    return period | Q(pk__in=published_outcomes().filter(dated).values("case_study"))


# --- The catalogue's form --------------------------------------------------------------------


class CatalogueForm(CaseStudyFilter.form_class()):
    """The filters' form as the catalogue, the evidence map, the API and the downloads read it:
    the same fields, labels and messages, with each model facet's choices checked against the
    catalogue index. A sector's slug is a dictionary lookup, where a query (built by the ORM,
    then run) cost a tenth of a catalogue page, for every facet chosen."""

    def __init__(self, data: QueryDict, index: catalogue.CatalogueIndex):
        super().__init__(data)
        for name in MODEL_FACETS:
            self.fields[name].known = index.labels[name]


CatalogueForm.base_fields.update(
    {
        name: KnownValueMultipleChoiceField(label=facets.BY_NAME[name].label, required=False)
        for name in MODEL_FACETS
    }
)


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


FACETS = facets.NAMES
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

    def narrowed(self, queryset: QuerySet, field: str = "pk") -> QuerySet:
        """The rows of `queryset` whose case study (`field`) the filters select: the API's and
        the downloads' selection, the catalogue's own. The ids go as one parameter: a list of
        50,000 would be as many placeholders (SQLite allows 32,766)."""
        if not self.sets:
            return queryset  # every published case study
        ids = self.index.id_at(catalogue.as_array(self.members()))
        return queryset.filter(**{f"{field}__in": ids_parameter(ids)})


def ids_parameter(ids: list[int]) -> RawSQL:
    if connection.vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::bigint[])", (ids,))
    return RawSQL("SELECT value FROM json_each(%s)", (json.dumps(ids),))


def selection(data: QueryDict) -> Selection:
    """A reader's filters over the current catalogue index (invalid values left out: the
    form's errors say which)."""
    index = catalogue.current()
    return Selection(CatalogueForm(data, index), index)


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
