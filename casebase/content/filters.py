"""The catalogue's filters: one FilterSet over GET parameters, and the counts for every facet.

Several values within one facet combine with OR; different facets with AND. To-many facets look
only at published practice applications and outcomes, so a draft can never widen a result.
"""

from dataclasses import dataclass

import django_filters
from django import forms
from django.db.models import Count, Q, QuerySet

from casebase.content import search
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
}


class AnyValueMultipleChoiceField(forms.MultipleChoiceField):
    """Accepts any submitted text: for facets whose options are whatever the data holds.
    A NUL byte is refused: no stored value has one, and PostgreSQL rejects it in a query."""

    def valid_value(self, value) -> bool:
        return "\x00" not in str(value)


class AnyValueMultipleFilter(django_filters.MultipleChoiceFilter):
    field_class = AnyValueMultipleChoiceField


def published_applications(practices: Q) -> QuerySet:
    return PracticeApplication.objects.published().filter(practices).values("case_study")


def published_outcomes(condition: Q) -> QuerySet:
    return Outcome.objects.published().filter(condition).values("case_study")


def having(queryset: QuerySet, children: QuerySet, value) -> QuerySet:
    """Case studies with a matching published child. An empty choice (which a model field
    cleans to an empty queryset, not to []) filters nothing."""
    return queryset.filter(pk__in=children) if value else queryset


class CaseStudyFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_search", label="Search")
    sector = django_filters.ModelMultipleChoiceFilter(
        field_name="organisation__type__sector__slug",
        to_field_name="slug",
        queryset=Sector.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        label="Sector",
    )
    practice = django_filters.ModelMultipleChoiceFilter(
        method="filter_practice",
        to_field_name="slug",
        queryset=Practice.objects.published(),
        widget=forms.CheckboxSelectMultiple,
        label="Practice",
    )
    theme = django_filters.ModelMultipleChoiceFilter(
        method="filter_theme",
        to_field_name="slug",
        queryset=PracticeTheme.objects.published(),
        widget=forms.CheckboxSelectMultiple,
        label="Practice theme",
    )
    type = django_filters.ModelMultipleChoiceFilter(
        field_name="organisation__type__slug",
        to_field_name="slug",
        queryset=OrganisationType.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        label="Type of organisation",
    )
    region = AnyValueMultipleFilter(
        field_name="organisation__region",
        widget=forms.CheckboxSelectMultiple,
        label="Region",
    )
    indicator = django_filters.ModelMultipleChoiceFilter(
        method="filter_indicator",
        to_field_name="slug",
        queryset=Indicator.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        label="What was measured",
    )
    direction = django_filters.MultipleChoiceFilter(
        method="filter_direction",
        choices=Outcome.Direction.choices,
        widget=forms.CheckboxSelectMultiple,
        label="Result",
    )
    evidence = django_filters.MultipleChoiceFilter(
        method="filter_evidence",
        choices=Outcome.Evidence.choices,
        widget=forms.CheckboxSelectMultiple,
        label="How the result is evidenced",
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

    @property
    def selected(self) -> list[Option]:
        return [option for option in self.options if option.selected]


@dataclass(frozen=True)
class Counter:
    """How to count one facet: over which rows, grouped by which value and label."""

    rows: str  # "case_study", "application" or "outcome"
    value: str
    label: str | None = None  # None: the label comes from the filter's choices
    order: str | None = None


FACET_COUNTERS = {
    "sector": Counter(
        "case_study",
        "organisation__type__sector__slug",
        "organisation__type__sector__name",
        "organisation__type__sector__position",
    ),
    "theme": Counter(
        "application", "practice__theme__slug", "practice__theme__name", "practice__theme__position"
    ),
    "practice": Counter("application", "practice__slug", "practice__name"),
    "type": Counter("case_study", "organisation__type__slug", "organisation__type__name"),
    "region": Counter("case_study", "organisation__region", "organisation__region"),
    "indicator": Counter("outcome", "indicator__slug", "indicator__name"),
    "direction": Counter("outcome", "direction"),
    "evidence": Counter("outcome", "evidence"),
}


def without_facet(filterset: CaseStudyFilter, facet: str) -> QuerySet:
    """The filterset's results under every active filter except `facet`'s own."""
    queryset = filterset.queryset
    for name, value in filterset.form.cleaned_data.items():
        if (
            name != facet
            and value not in (None, "", [], ())
            and (not hasattr(value, "exists") or value)
        ):
            queryset = filterset.filters[name].filter(queryset, value)
    return queryset


def facet_counts(filterset: CaseStudyFilter) -> list[Facet]:
    """Every facet's options, each with how many results choosing it would give under the other
    active filters. One query per facet, whatever the number of results."""
    filterset.is_valid()  # cleans the form; invalid values are left out, as in filterset.qs
    return [count_facet(filterset, name, counter) for name, counter in FACET_COUNTERS.items()]


def count_facet(filterset: CaseStudyFilter, name: str, counter: Counter) -> Facet:
    case_studies = without_facet(filterset, name).values("pk")
    rows, case_study = {
        "case_study": (CaseStudy.objects.filter(pk__in=case_studies), "pk"),
        "application": (
            PracticeApplication.objects.published().filter(case_study__in=case_studies),
            "case_study",
        ),
        "outcome": (Outcome.objects.published().filter(case_study__in=case_studies), "case_study"),
    }[counter.rows]
    fields = [counter.value] + ([counter.label] if counter.label else [])
    grouped = (
        rows.exclude(**{counter.value: ""})
        .order_by(*([counter.order] if counter.order else []), *fields)
        .values(*fields)
        .annotate(n=Count(case_study, distinct=True))
    )
    choices = dict(filterset.filters[name].extra.get("choices") or [])
    chosen = selected_values(filterset, name)
    options = [
        Option(
            value=str(row[counter.value]),
            label=str(row[counter.label] if counter.label else choices[row[counter.value]]),
            count=row["n"],
            selected=str(row[counter.value]) in chosen,
        )
        for row in grouped
    ]
    shown = {option.value for option in options}
    # A chosen option that now gives nothing stays visible, so the reader can untick it.
    options += [Option(value, value, 0, True) for value in sorted(chosen - shown)]
    return Facet(name=name, label=filterset.filters[name].label, options=options)


def selected_values(filterset: CaseStudyFilter, name: str) -> set[str]:
    value = filterset.form.cleaned_data.get(name) or []
    return {getattr(item, "slug", item) for item in value}
