"""The catalogue as a spreadsheet (CSV) or JSON, and the whole published dataset as JSON.

Exports take the catalogue's GET parameters and, like the catalogue, ignore a value they cannot
use instead of failing. One row per outcome (a case study without outcomes still gets one row),
every row with its provenance, so a researcher can cite each figure.
"""

import csv
import json
from collections.abc import Iterator
from datetime import UTC, datetime

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe
from rest_framework.utils.encoders import JSONEncoder

from casebase.api import queries
from casebase.api.serializers import (
    CaseStudyDetailSerializer,
    FindingSerializer,
    OrganisationDetailSerializer,
    PersonSerializer,
    PracticeSerializer,
    RecommendationSerializer,
    SectorQuoteSerializer,
    SectorSerializer,
    SourceSerializer,
    TestimonialSerializer,
    ThemeSerializer,
)
from casebase.catalogue.filters import Selection, selection
from casebase.content import grading
from casebase.content.models import (
    IDENTIFIER_FIELDS,
    CaseStudy,
    Finding,
    Outcome,
    PracticeTheme,
    Quote,
    Recommendation,
    Sector,
    Testimonial,
)

FILENAME = "casebase-case-studies"
SOURCE_NOTE = (
    "Casebase: case studies of how good leadership and management improve public services. "
    "Its starting content is “The Management Mission: how better leaders improve public "
    "services”, a compendium by the Chartered Management Institute with the Social Market "
    "Foundation (2024). Every row names the source of its claim."
)
LICENCE_NOTE = (
    "Quoted passages are the words of their sources and remain their publishers' copyright; "
    "cite the source given with each record when you reuse it."
)
CASE_STUDY_COLUMNS = [
    "case_study_title",
    "case_study_slug",
    "case_study_url",
    "organisation",
    "organisation_type",
    "sector",
    "region",
    "area_served",
    "organisation_ods_code",
    "organisation_gss_code",
    "organisation_ukprn",
    "period",
    "practices",
]
OUTCOME_COLUMNS = [
    "result_label",
    "indicator",
    "baseline",
    "baseline_year",
    "result",
    "result_year",
    "timeframe",
    "direction",
    "evidence",
    "design",
    "inferred",
    "strength_of_evidence",
    "statement",
]
SOURCE_COLUMNS = ["source_title", "source_url", "source_year"]
COLUMNS = CASE_STUDY_COLUMNS + OUTCOME_COLUMNS + SOURCE_COLUMNS
# Spreadsheets run a cell starting with one of these as a formula (OWASP, "CSV Injection").
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


# --- The rows -------------------------------------------------------------------------------


class TooManyToDownload(Exception):
    def __init__(self, count: int):
        limit = settings.DOWNLOAD_MAX_CASE_STUDIES
        super().__init__(
            f"This download would hold {count:,} case studies, and one download holds at most "
            f"{limit:,}. Narrow your choices in the catalogue, or page through every case "
            "study with the API: /api/case-studies/ takes the same filters."
        )


def refuse_the_whole_dataset(count: int) -> JsonResponse:
    limit = settings.DOWNLOAD_MAX_CASE_STUDIES
    message = (
        f"The whole dataset holds {count:,} case studies, too many for one download (at most "
        f"{limit:,}). Page through it with the API instead: /api/case-studies/, "
        "/api/outcomes/, /api/practices/, /api/organisations/ and /api/sectors/, described "
        "at /api/openapi.json."
    )
    return JsonResponse({"error": message}, status=400)


def filtered_case_studies(request: HttpRequest) -> tuple[Selection, list[CaseStudy]]:
    """The catalogue's selection, invalid values left out as in the catalogue. Counted first:
    more than DOWNLOAD_MAX_CASE_STUDIES raises TooManyToDownload before any is read."""
    selected = selection(request.GET)
    count = len(selected.members())
    if count > settings.DOWNLOAD_MAX_CASE_STUDIES:
        raise TooManyToDownload(count)
    studies = selected.narrowed(
        CaseStudy.objects.published().for_catalogue().select_related("source")
    ).order_by(*queries.CATALOGUE_ORDER)
    return selected, list(studies)


def export_rows(studies: list[CaseStudy], request: HttpRequest) -> Iterator[dict]:
    for study in studies:
        facts = case_study_columns(study, request)
        outcomes = study.published_outcomes
        if not outcomes:
            yield {**facts, **dict.fromkeys(OUTCOME_COLUMNS, ""), **source_columns(study.source)}
        for outcome in outcomes:
            yield {**facts, **outcome_columns(outcome), **source_columns(outcome.source)}


def case_study_columns(study: CaseStudy, request: HttpRequest) -> dict:
    organisation = study.organisation
    return {
        "case_study_title": study.title,
        "case_study_slug": study.slug,
        "case_study_url": request.build_absolute_uri(study.get_absolute_url()),
        "organisation": organisation.name,
        "organisation_type": organisation.type.name,
        "sector": study.sector.name if study.sector else "",
        "region": organisation.get_region_display(),
        "area_served": organisation.area_served,
        **{f"organisation_{field}": getattr(organisation, field) for field in IDENTIFIER_FIELDS},
        "period": period(study),
        "practices": "; ".join(a.practice.name for a in study.published_applications),
    }


def period(study: CaseStudy) -> str:
    if study.period_label:
        return study.period_label
    years = [str(year) for year in (study.period_start, study.period_end) if year]
    return " to ".join(years)


def outcome_columns(outcome: Outcome) -> dict:
    """Baseline and result as a number (without the unit, so it stays a number) or a grade."""
    return {
        "result_label": outcome.name,
        "indicator": outcome.indicator.name,
        "baseline": figure(outcome.baseline_grade, outcome.baseline_value),
        "baseline_year": outcome.baseline_year,
        "result": figure(outcome.result_grade, outcome.result_value),
        "result_year": outcome.result_year,
        "timeframe": outcome.timeframe,
        "direction": outcome.direction,
        "evidence": outcome.evidence,
        "design": outcome.design,
        "inferred": outcome.inferred,
        "strength_of_evidence": grading.SLUGS[outcome.strength],
        "statement": outcome.statement,
    }


def figure(grade, value) -> str | float | None:
    if grade is not None:
        return grade.name
    return float(value) if value is not None else None


def source_columns(source) -> dict:
    return {"source_title": source.title, "source_url": source.url, "source_year": source.year}


def active_filters(selected: Selection) -> dict:
    """The filters that were applied, as a reader would write them in the URL."""
    active = {}
    for name, value in selected.form.cleaned_data.items():
        if value in (None, "", [], ()) or (hasattr(value, "exists") and not value):
            continue
        if hasattr(value, "__iter__") and not isinstance(value, str):
            value = [getattr(item, "slug", item) for item in value]
        elif name.startswith("year_"):
            value = int(value)
        active[name] = value
    return active


# --- The responses --------------------------------------------------------------------------


def attachment(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def safe_cell(value) -> str | int | float:
    """Text that a spreadsheet would run as a formula is made inert with a leading quote.
    Numbers stay numbers: a negative figure is data, not a formula."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return f"'{value}"
    return value


@require_safe
def catalogue_csv(request: HttpRequest) -> HttpResponse:
    """UTF-8 with a byte-order mark, so Excel reads accents and curly quotes right."""
    try:
        _, studies = filtered_case_studies(request)
    except TooManyToDownload as refusal:
        context = {"message": str(refusal), "limit": f"{settings.DOWNLOAD_MAX_CASE_STUDIES:,}"}
        page = render(request, "site/download_too_large.html", context)
        page.status_code = 400
        return page
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response.write("\ufeff")
    writer = csv.DictWriter(response, fieldnames=COLUMNS)
    writer.writeheader()
    for row in export_rows(studies, request):
        writer.writerow({column: safe_cell(value) for column, value in row.items()})
    return attachment(response, f"{FILENAME}.csv")


@require_safe
def catalogue_json(request: HttpRequest) -> JsonResponse:
    try:
        selected, studies = filtered_case_studies(request)
    except TooManyToDownload as refusal:
        return JsonResponse({"error": str(refusal)}, status=400)
    rows = list(export_rows(studies, request))
    body = {
        "source": SOURCE_NOTE,
        "filters": active_filters(selected),
        "ignored": {name: list(errors) for name, errors in selected.form.errors.items()},
        "count": len(rows),
        "rows": rows,
    }
    return attachment(
        JsonResponse(body, json_dumps_params={"ensure_ascii": False}), f"{FILENAME}.json"
    )


# --- The whole dataset ----------------------------------------------------------------------


def serialized(serializer_class, queryset, request: HttpRequest) -> list:
    return serializer_class(queryset, many=True, context={"request": request}).data


def dataset(request: HttpRequest) -> dict:
    """Every published record, in a fixed number of queries whatever the amount of data."""
    return {
        "generated": datetime.now(UTC).isoformat(timespec="seconds"),
        "licence": LICENCE_NOTE,
        "source": SOURCE_NOTE,
        "sectors": serialized(SectorSerializer, Sector.objects.order_by("position"), request),
        "themes": serialized(ThemeSerializer, PracticeTheme.objects.published(), request),
        "practices": serialized(PracticeSerializer, queries.practices(), request),
        "organisations": serialized(
            OrganisationDetailSerializer, queries.organisations_in_full(), request
        ),
        "people": serialized(PersonSerializer, queries.people(), request),
        "sources": serialized(SourceSerializer, queries.sources(), request),
        "case_studies": serialized(
            CaseStudyDetailSerializer, queries.case_studies_in_full(), request
        ),
        "quotes": serialized(
            SectorQuoteSerializer,
            Quote.objects.published()
            .filter(case_study__isnull=True)
            .select_related("speaker", "source", "sector", "application__practice"),
            request,
        ),
        "findings": serialized(
            FindingSerializer,
            Finding.objects.published().select_related("sector", "source"),
            request,
        ),
        "recommendations": serialized(
            RecommendationSerializer,
            Recommendation.objects.published().select_related("sector", "source"),
            request,
        ),
        "testimonials": serialized(
            TestimonialSerializer,
            Testimonial.objects.published().select_related("person", "sector", "source"),
            request,
        ),
    }


@require_safe
def dataset_json(request: HttpRequest) -> HttpResponse:
    count = CaseStudy.objects.published().count()
    if count > settings.DOWNLOAD_MAX_CASE_STUDIES:
        return refuse_the_whole_dataset(count)
    content = json.dumps(dataset(request), cls=JSONEncoder, ensure_ascii=False, indent=1)
    response = HttpResponse(content, content_type="application/json; charset=utf-8")
    return attachment(response, "casebase.json")
