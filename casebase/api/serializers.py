"""How published records look as JSON, in the API and in the whole-dataset dump.

Serializers read only what the querysets in `queries.py` prefetched (the `published_*`
attributes), so a draft child can never leak through a relation and the number of queries stays
fixed whatever the number of rows.
"""

from typing import Literal

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from casebase.catalogue import index as catalogue
from casebase.content import grading, profiles
from casebase.content.models import (
    IDENTIFIER_FIELDS,
    CaseStudy,
    CaseStudyPerson,
    Contribution,
    Finding,
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
    Testimonial,
)
from casebase.site.evidence import evidence_summary
from casebase.site.templatetags.casebase import as_reported


@extend_schema_field(OpenApiTypes.URI)
class SiteURLField(serializers.Field):
    """The record's page on the readers' site: absolute when a request is at hand."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, value) -> str:
        url = value.get_absolute_url()
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class LinesField(serializers.ListField):
    """Aliases and synonyms are stored one per line; the API gives a list."""

    def __init__(self, **kwargs):
        super().__init__(child=serializers.CharField(), read_only=True, **kwargs)


def number(**kwargs) -> serializers.DecimalField:
    """Figures as JSON numbers, not the strings DRF gives decimals by default."""
    return serializers.DecimalField(
        max_digits=16,
        decimal_places=2,
        coerce_to_string=False,
        read_only=True,
        allow_null=True,
        **kwargs,
    )


def slug_of(source: str | None = None) -> serializers.SlugRelatedField:
    """The related record's slug; `source` when the field is named otherwise."""
    at = {"source": source} if source else {}
    return serializers.SlugRelatedField(slug_field="slug", read_only=True, **at)


def name_of(source: str) -> serializers.CharField:
    return serializers.CharField(source=source, read_only=True, allow_null=True)


# --- Reference data -------------------------------------------------------------------------


class SectorSerializer(serializers.ModelSerializer):
    url = SiteURLField()

    class Meta:
        model = Sector
        fields = ["slug", "name", "description", "url"]


class SourceSerializer(serializers.ModelSerializer):
    based_on = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)

    class Meta:
        model = Source
        fields = ["slug", "title", "kind", "publisher", "year", "url", "note", "based_on"]


class SourceCitationSerializer(serializers.ModelSerializer):
    """Where a claim comes from, inline on the claim."""

    class Meta:
        model = Source
        fields = ["slug", "title", "year", "url"]


class ThemeSerializer(serializers.ModelSerializer):
    class Meta:
        model = PracticeTheme
        fields = ["slug", "name", "description"]


class PracticeSerializer(serializers.ModelSerializer):
    theme = ThemeSerializer(read_only=True)
    synonyms = LinesField(source="synonym_list")
    url = SiteURLField()

    class Meta:
        model = Practice
        fields = ["slug", "name", "theme", "definition", "synonyms", "url"]


class PracticeApplicationSerializer(serializers.ModelSerializer):
    """How one case study applied a practice, seen from the practice."""

    case_study = slug_of()
    case_study_title = name_of("case_study.title")
    organisation = name_of("case_study.organisation.name")

    class Meta:
        model = PracticeApplication
        fields = ["case_study", "case_study_title", "organisation", "heading", "description"]


class EvidenceSummarySerializer(serializers.Serializer):
    """How much evidence stands behind a practice: the counts its page states, and its words."""

    organisations = serializers.IntegerField()
    sectors = serializers.ListField(child=serializers.CharField())
    organisations_with_results = serializers.IntegerField(source="with_results")
    strongest_evidence = serializers.SerializerMethodField(
        help_text="Organisations by the strongest evidence of their results."
    )
    results_by_direction = serializers.SerializerMethodField(
        help_text="Organisations reporting a result of each direction (one may report several)."
    )
    credited_explicitly = serializers.IntegerField(
        source="explicit", help_text="Organisations with a result the source credits to it."
    )
    credited_in_general_only = serializers.IntegerField(
        source="general",
        help_text="The others with a result the source credits to leadership in general.",
    )
    summary = serializers.SerializerMethodField()

    def get_strongest_evidence(self, summary) -> dict[str, int]:
        return {grading.SLUGS[grade]: count for grade, count in summary.strongest}

    def get_results_by_direction(self, summary) -> dict[str, int]:
        return dict(summary.directions)

    def get_summary(self, summary) -> str:
        return " ".join(summary.sentences(self.context["practice"].name))


class PracticeDetailSerializer(PracticeSerializer):
    applications = PracticeApplicationSerializer(
        source="published_applications", many=True, read_only=True
    )
    evidence_summary = serializers.SerializerMethodField()

    class Meta(PracticeSerializer.Meta):
        fields = [*PracticeSerializer.Meta.fields, "evidence_summary", "applications"]

    @extend_schema_field(EvidenceSummarySerializer)
    def get_evidence_summary(self, practice: Practice) -> dict:
        summary = evidence_summary(catalogue.current(), practice.slug)
        return EvidenceSummarySerializer(summary, context={"practice": practice}).data


# --- Organisations and people ---------------------------------------------------------------


class OrganisationFactSerializer(serializers.ModelSerializer):
    value = number()
    source = slug_of()

    class Meta:
        model = OrganisationFact
        fields = ["kind", "value", "qualifier", "period", "source", "excerpt"]


class SizeSerializer(serializers.Serializer):
    """An organisation's size as its sector measures it (/about/evidence/), in the source's
    words: the figure, how the source qualifies it, its period, and the band it falls in."""

    kind = serializers.ChoiceField(choices=OrganisationFact.Kind.choices, source="fact.kind")
    value = number(source="fact.value")
    qualifier = serializers.ChoiceField(
        choices=OrganisationFact.Qualifier.choices, source="fact.qualifier"
    )
    period = serializers.SerializerMethodField(
        help_text="The year or period the figure is for; null where the source gives none."
    )
    band = serializers.SerializerMethodField()
    in_words = serializers.CharField(source="__str__", help_text="As a sentence says it.")

    def get_period(self, size: profiles.Size) -> str | None:
        return size.fact.period or None

    def get_band(self, size: profiles.Size) -> Literal["small", "medium", "large"]:
        return size.band.lower()


class OrganisationSerializer(serializers.ModelSerializer):
    aliases = LinesField(source="alias_list")
    type = name_of("type.name")
    sector = serializers.SlugRelatedField(
        source="type.sector", slug_field="slug", read_only=True, allow_null=True
    )
    region_name = name_of("get_region_display")
    size = serializers.SerializerMethodField()
    url = SiteURLField()

    class Meta:
        model = Organisation
        fields = [
            "slug",
            "name",
            "aliases",
            "type",
            "sector",
            "region",
            "region_name",
            "area_served",
            *IDENTIFIER_FIELDS,
            "size",
            "summary",
            "url",
        ]

    @extend_schema_field(SizeSerializer(allow_null=True))
    def get_size(self, organisation: Organisation) -> dict | None:
        """From the published figures the queryset prefetched (`facts`)."""
        size = profiles.size(organisation, organisation.facts.all())
        return SizeSerializer(size).data if size else None


class OrganisationDetailSerializer(OrganisationSerializer):
    facts = OrganisationFactSerializer(many=True, read_only=True)
    case_studies = serializers.SerializerMethodField()

    class Meta(OrganisationSerializer.Meta):
        fields = [*OrganisationSerializer.Meta.fields, "facts", "case_studies"]

    def get_case_studies(self, organisation: Organisation) -> list[str]:
        return [study.slug for study in organisation.published_case_studies]


class RoleSerializer(serializers.ModelSerializer):
    """A role as the source reported it: `is_current` is current at the time of the report,
    not necessarily now (`as_reported` says when, in words)."""

    organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    organisation_name = name_of("organisation.name")
    title_aliases = LinesField(source="title_alias_list")
    as_reported = serializers.SerializerMethodField(
        help_text='When it was held, as the page says it: "at the time of the report, 2024", '
        'or "former at the time of the report, 2024".'
    )
    source = slug_of()

    class Meta:
        model = Role
        fields = [
            "title",
            "title_aliases",
            "organisation",
            "organisation_name",
            "start_year",
            "end_year",
            "is_current",
            "as_reported",
            "source",
        ]

    def get_as_reported(self, role: Role) -> str:
        return as_reported(role)


class PersonSerializer(serializers.ModelSerializer):
    aliases = LinesField(source="alias_list")
    roles = RoleSerializer(source="published_roles", many=True, read_only=True)
    url = SiteURLField()

    class Meta:
        model = Person
        fields = [
            "slug",
            "name",
            "honorific",
            "post_nominals",
            "aliases",
            "summary",
            "roles",
            "url",
        ]


# --- Case studies ---------------------------------------------------------------------------


class StrengthSerializer(serializers.Serializer):
    """A result's strength of evidence, with the three answers it rests on (/about/evidence/)."""

    grade = serializers.ChoiceField(choices=grading.CHOICES)
    label = serializers.CharField()
    reasons = serializers.ListField(child=serializers.CharField())
    method = serializers.URLField()


def strength_of_evidence(outcome: Outcome, request=None) -> dict:
    grade = outcome.grade
    method = f"{reverse('evidence-method')}#{grading.anchor(grade.strength)}"
    return {
        "grade": grading.SLUGS[grade.strength],
        "label": grade.strength.label,
        "reasons": grade.reasons,
        "method": request.build_absolute_uri(method) if request else method,
    }


class OutcomeSerializer(serializers.ModelSerializer):
    case_study = slug_of()
    indicator = slug_of()
    indicator_name = name_of("indicator.name")
    baseline_value = number()
    baseline_grade = name_of("baseline_grade.name")
    result_value = number()
    result_grade = name_of("result_grade.name")
    source = SourceCitationSerializer(read_only=True)
    label = serializers.CharField(source="name", read_only=True)
    strength_of_evidence = serializers.SerializerMethodField()

    class Meta:
        model = Outcome
        fields = [
            "case_study",
            "slug",
            "label",
            "indicator",
            "indicator_name",
            "baseline_value",
            "baseline_grade",
            "baseline_year",
            "result_value",
            "result_grade",
            "result_year",
            "timeframe",
            "direction",
            "evidence",
            "design",
            "inferred",
            "inference",
            "strength_of_evidence",
            "statement",
            "source",
        ]

    @extend_schema_field(StrengthSerializer)
    def get_strength_of_evidence(self, outcome: Outcome) -> dict:
        return strength_of_evidence(outcome, self.context.get("request"))


class ApplicationSerializer(serializers.ModelSerializer):
    """How a case study applied a practice, seen from the case study."""

    practice = slug_of()
    practice_name = name_of("practice.name")

    class Meta:
        model = PracticeApplication
        fields = ["practice", "practice_name", "heading", "description"]


class ParticipantSerializer(serializers.ModelSerializer):
    person = slug_of()
    name = name_of("person.full_name")

    class Meta:
        model = CaseStudyPerson
        fields = ["person", "name", "involvement"]


class QuoteSerializer(serializers.ModelSerializer):
    speaker = slug_of()
    practice = serializers.SerializerMethodField()
    source = slug_of()

    class Meta:
        model = Quote
        fields = ["text", "speaker", "practice", "source"]

    def get_practice(self, quote: Quote) -> str | None:
        """The practice the quote illustrates, unless that application is a draft."""
        application = quote.application
        if application is None or not application.is_published:
            return None
        return application.practice.slug if application.practice.is_published else None


class ContributionSerializer(serializers.ModelSerializer):
    """The source credits this practice for this outcome: explicitly, or only as part of
    leadership and management as a whole (`directness`), in the words of `passage`."""

    practice = slug_of("application.practice")
    outcome = slug_of()

    class Meta:
        model = Contribution
        fields = ["practice", "outcome", "directness", "passage"]


class CaseStudySerializer(serializers.ModelSerializer):
    organisation = slug_of()
    organisation_name = name_of("organisation.name")
    sector = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    region = name_of("organisation.region")
    region_name = name_of("organisation.get_region_display")
    practices = serializers.SerializerMethodField()
    outcome_count = serializers.SerializerMethodField()
    url = SiteURLField()

    class Meta:
        model = CaseStudy
        fields = [
            "slug",
            "title",
            "organisation",
            "organisation_name",
            "sector",
            "region",
            "region_name",
            "period_start",
            "period_end",
            "period_label",
            "summary",
            "practices",
            "outcome_count",
            "url",
        ]

    def get_practices(self, study: CaseStudy) -> list[str]:
        return [application.practice.slug for application in study.published_applications]

    def get_outcome_count(self, study: CaseStudy) -> int:
        return len(study.published_outcomes)


class CaseStudyDetailSerializer(CaseStudySerializer):
    source = SourceCitationSerializer(read_only=True)
    applications = ApplicationSerializer(source="published_applications", many=True)
    outcomes = OutcomeSerializer(source="published_outcomes", many=True)
    people = ParticipantSerializer(source="published_people", many=True)
    contributions = ContributionSerializer(source="published_contributions", many=True)
    quotes = QuoteSerializer(source="published_quotes", many=True)

    class Meta(CaseStudySerializer.Meta):
        fields = [
            *CaseStudySerializer.Meta.fields,
            "context",
            "source",
            "source_section",
            "applications",
            "outcomes",
            "people",
            "contributions",
            "quotes",
        ]


# --- Organisations like mine -----------------------------------------------------------------


class PeerCaseStudySerializer(serializers.ModelSerializer):
    url = SiteURLField()

    class Meta:
        model = CaseStudy
        fields = ["slug", "title", "summary", "url"]


class PeerOrganisationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["slug", "name"]


class PeerSerializer(serializers.Serializer):
    """A case study whose organisation is like yours: how far (0, the same, to 1), on how many
    attributes, and why, in the sentence the page /like-mine/ shows."""

    case_study = PeerCaseStudySerializer()
    organisation = PeerOrganisationSerializer()
    distance = serializers.FloatField(
        min_value=0, max_value=1, help_text="The weighted root mean square of the differences."
    )
    attributes_compared = serializers.IntegerField(
        min_value=1, help_text="Those both sides have; a missing one is left out, not a match."
    )
    why = serializers.CharField(help_text="Why alike, in words.")


# --- Sector-level evidence (the dataset dump) -----------------------------------------------


class FindingSerializer(serializers.ModelSerializer):
    sector = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    value = number()
    source = slug_of()

    class Meta:
        model = Finding
        fields = [
            "slug",
            "sector",
            "statement",
            "value",
            "unit",
            "population",
            "year",
            "is_headline",
            "excerpt",
            "source",
        ]


class RecommendationSerializer(serializers.ModelSerializer):
    sector = slug_of()
    source = slug_of()

    class Meta:
        model = Recommendation
        fields = ["slug", "sector", "title", "body", "addressed_to", "source"]


class TestimonialSerializer(serializers.ModelSerializer):
    person = slug_of()
    sector = slug_of()
    source = slug_of()

    class Meta:
        model = Testimonial
        fields = ["person", "sector", "text", "source"]


class SectorQuoteSerializer(QuoteSerializer):
    """A quote from the report's framing rather than a case study."""

    sector = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)

    class Meta(QuoteSerializer.Meta):
        fields = [*QuoteSerializer.Meta.fields, "sector"]
