"""The catalogue's filters in the API: the same `CaseStudyFilter` through django-filter's DRF
backend, so an invalid value answers 400 saying what is wrong; also for rows that hang on a case
study, such as outcomes. The OpenAPI description of each parameter comes from the FilterSet."""

import django_filters
from django.db.models import QuerySet
from django_filters import utils
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.extensions import OpenApiFilterExtension
from drf_spectacular.plumbing import build_array_type, build_parameter_type
from drf_spectacular.utils import OpenApiParameter

from casebase.content.filters import CaseStudyFilter
from casebase.content.models import CaseStudy

# Text filters refuse a NUL byte (no stored value has one), so the schema excludes it too.
NO_NUL = "^[^\\x00]*$"


class CatalogueFilterBackend(DjangoFilterBackend):
    """Filters case studies with the view's `filterset_class` (the catalogue's)."""


class CaseStudyChildFilterBackend(CatalogueFilterBackend):
    """Keeps the rows whose case study the catalogue's filters keep.

    The view's `filterset_class` filters published case studies; the view's own rows are then
    narrowed to those case studies through `case_study_field`.
    """

    case_study_field = "case_study"

    def get_filterset_class(self, view, queryset=None):
        # The FilterSet is over case studies, not over the view's model.
        return view.filterset_class

    def get_filterset_kwargs(self, request, queryset, view) -> dict:
        return {
            **super().get_filterset_kwargs(request, queryset, view),
            "queryset": CaseStudy.objects.published(),
        }

    def filter_queryset(self, request, queryset: QuerySet, view) -> QuerySet:
        filterset: CaseStudyFilter = self.get_filterset(request, queryset, view)
        if not filterset.is_valid():
            raise utils.translate_validation(filterset.errors)
        return queryset.filter(**{f"{self.case_study_field}__in": filterset.qs.values("pk")})


class CatalogueFilterExtension(OpenApiFilterExtension):
    """Describes each filter from its FilterSet declaration: the known slugs of a facet, the
    fixed choices of another, the bounds of a year. drf-spectacular's own django-filter extension
    cannot see through the `method=` filters and would call them all plain strings."""

    target_class = CatalogueFilterBackend
    match_subclasses = True
    priority = 1  # before drf-spectacular's extension for DjangoFilterBackend

    def get_schema_operation_parameters(self, auto_schema, *args, **kwargs) -> list[dict]:
        filters = auto_schema.view.filterset_class.base_filters
        return [filter_parameter(name, filter_) for name, filter_ in filters.items()]


def filter_parameter(name: str, filter_: django_filters.Filter) -> dict:
    schema = filter_schema(filter_)
    repeated = isinstance(filter_, django_filters.MultipleChoiceFilter)
    return build_parameter_type(
        name=name,
        location=OpenApiParameter.QUERY,
        schema=build_array_type(schema) if repeated else schema,
        description=f"{filter_.label}." + (" Repeat for several (OR)." if repeated else ""),
        explode=True if repeated else None,
        style="form" if repeated else None,
    )


def filter_schema(filter_: django_filters.Filter) -> dict:
    if isinstance(filter_, django_filters.ModelMultipleChoiceFilter):
        # The values the facet knows now: one query while the schema is generated.
        values = filter_.queryset.values_list(filter_.extra["to_field_name"], flat=True)
        return {"type": "string", "enum": sorted(values)}
    if isinstance(filter_, django_filters.NumberFilter):
        bounds = {
            "minimum": filter_.extra.get("min_value"),
            "maximum": filter_.extra.get("max_value"),
        }
        return {"type": "integer", **{key: value for key, value in bounds.items() if value}}
    choices = filter_.extra.get("choices")
    if choices:
        return {"type": "string", "enum": [value for value, _ in choices]}
    return {"type": "string", "pattern": NO_NUL}
