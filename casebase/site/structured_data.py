"""schema.org JSON-LD for case study, organisation and person pages, so search engines and
citation tools read who did what, where, and according to which source."""

from django.utils import timezone

from casebase.content.models import CaseStudy, Organisation, OrganisationFact, Person, Role

CASEBASE = {"@type": "Organization", "name": "Casebase"}


def case_study(study: CaseStudy, url: str, organisation_url: str) -> dict:
    source = study.source
    data = {
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": study.title,
        "description": study.summary,
        "url": url,
        "datePublished": study.created_at.date().isoformat(),
        "dateModified": public_day(study),
        "publisher": CASEBASE,
        "about": {
            "@type": "Organization",
            "name": study.organisation.name,
            "url": organisation_url,
        },
        "keywords": [application.practice.name for application in study.published_applications],
        "mentions": [
            {"@type": "Person", "name": participant.person.name}
            for participant in study.published_people
        ],
        "isBasedOn": without_empty(
            {
                "@type": "Report",
                "name": source.title,
                "publisher": {"@type": "Organization", "name": source.publisher},
                "datePublished": str(source.year) if source.year else "",
                "url": source.url,
            }
        ),
    }
    return without_empty(data)


def organisation(organisation: Organisation, url: str, facts: list[OrganisationFact]) -> dict:
    staff = next((fact for fact in facts if fact.kind == OrganisationFact.Kind.STAFF), None)
    return without_empty(
        {
            "@context": "https://schema.org",
            "@type": "Organization",
            "name": organisation.name,
            "alternateName": organisation.alias_list,
            "url": url,
            "description": organisation.summary,
            "areaServed": organisation.area_served or organisation.get_region_display(),
            "numberOfEmployees": {"@type": "QuantitativeValue", "value": int(staff.value)}
            if staff
            else None,
        }
    )


def person(person: Person, url: str, roles: list[Role]) -> dict:
    current = [role for role in roles if role.is_current]
    return without_empty(
        {
            "@context": "https://schema.org",
            "@type": "Person",
            "name": person.name,
            "honorificPrefix": person.honorific,
            "honorificSuffix": person.post_nominals,
            "alternateName": person.alias_list,
            "url": url,
            "jobTitle": [role.title for role in current],
            "worksFor": [
                {"@type": "Organization", "name": role.organisation.name}
                for role in current
                if role.organisation
            ],
        }
    )


def public_day(study: CaseStudy) -> str | None:
    """The day what readers see last changed, as the page says it (none for a draft)."""
    updated = study.public_updated_at
    return timezone.localdate(updated).isoformat() if updated else None


def without_empty(data: dict) -> dict:
    return {key: value for key, value in data.items() if value not in ("", None, [], {})}
