"""A draft of any reader-facing record never shows anywhere public.

One unique word is planted in a draft of every reader-facing record type, each attached to
published records so that it would show if any surface forgot to check. Then every public
surface is fetched: pages, catalogue, counts, search, related links, evidence map, exports,
dataset, API, feeds, sitemap.
"""

import pytest
from django.urls import reverse

from casebase.catalogue import search
from casebase.content.models import (
    CaseStudy,
    CaseStudyPerson,
    Contribution,
    Correction,
    Finding,
    Indicator,
    Organisation,
    OrganisationFact,
    OrganisationType,
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

pytestmark = pytest.mark.django_db
WORD = "Zqxjdraftword"


@pytest.fixture
def drafts():
    """A draft of every type, linked to published records (everything starts as a draft)."""
    leeds = CaseStudy.objects.get(slug="leeds-teaching-hospitals")
    healthcare = Sector.objects.get(slug="healthcare")
    source = Source.objects.create(title=f"{WORD} source", slug="draft-source", kind="report")
    theme = PracticeTheme.objects.create(name=f"{WORD} theme", slug="draft-theme")
    Practice.objects.create(name=f"{WORD} themed", slug="draft-themed", theme=theme,
                            definition=WORD)  # fmt: skip
    practice = Practice.objects.create(
        name=f"{WORD} practice", slug="draft-practice",
        theme=PracticeTheme.objects.get(slug="communication"), definition=WORD,
    )  # fmt: skip
    published_application = PracticeApplication.objects.create(
        case_study=leeds, practice=practice, description=f"{WORD} via draft practice",
        status="published",
    )  # fmt: skip
    draft_application = PracticeApplication.objects.create(
        case_study=leeds, practice=Practice.objects.get(slug="peer-learning"),
        description=f"{WORD} application",
    )  # fmt: skip
    outcome = Outcome.objects.create(
        case_study=leeds, slug="draft-outcome", indicator=Indicator.objects.get(slug="award"),
        direction="snapshot", design="snapshot", evidence="self_reported",
        statement=f"{WORD} outcome",
        source=leeds.source,
    )  # fmt: skip
    Outcome.objects.create(
        case_study=leeds, slug="outcome-from-draft-source",
        indicator=Indicator.objects.get(slug="award"), direction="snapshot", design="snapshot",
        evidence="self_reported", statement="A published outcome citing a draft source",
        source=source, status="published",
    )  # fmt: skip
    Contribution.objects.create(case_study=leeds, application=draft_application,
                                outcome=outcome, directness="explicit",
                                passage=f"{WORD} contribution")  # fmt: skip
    person = Person.objects.create(name=f"{WORD} Person", slug="draft-person")
    CaseStudyPerson.objects.create(case_study=leeds, person=person, involvement="mentioned")
    Role.objects.create(person=person, organisation=leeds.organisation, title=f"{WORD} role",
                        source=leeds.source)  # fmt: skip
    Quote.objects.create(text=f"{WORD} quote by a draft person", speaker=person, case_study=leeds,
                         source=leeds.source, status="published")  # fmt: skip
    Quote.objects.create(text=f"{WORD} draft quote",
                         speaker=Person.objects.get(slug="philip-wood"),
                         case_study=leeds, source=leeds.source)  # fmt: skip
    organisation = Organisation.objects.create(
        name=f"{WORD} Trust", slug="draft-organisation",
        type=OrganisationType.objects.get(slug="nhs-acute-trust"),
    )  # fmt: skip
    hidden = CaseStudy.objects.create(
        title=f"{WORD} study of a draft organisation", slug="draft-organisation-study",
        organisation=organisation, source=leeds.source, context=WORD, summary=WORD,
        status="published",
    )  # fmt: skip
    PracticeApplication.objects.create(case_study=hidden,
                                       practice=Practice.objects.get(slug="flat-structure"),
                                       description=WORD, status="published")  # fmt: skip
    CaseStudy.objects.create(
        title=f"{WORD} draft study", slug="draft-study",
        organisation=Organisation.objects.get(slug="social-market-foundation"),
        source=leeds.source, context=WORD, summary=WORD,
    )  # fmt: skip
    Finding.objects.create(slug="draft-finding", sector=healthcare, statement=f"{WORD} finding",
                           excerpt=WORD, source=leeds.source, is_headline=True)  # fmt: skip
    Recommendation.objects.create(slug="draft-recommendation", sector=healthcare,
                                  title=f"{WORD} recommendation", body=WORD, addressed_to=WORD,
                                  source=leeds.source)  # fmt: skip
    Testimonial.objects.create(person=Person.objects.get(slug="bryan-jones"), sector=healthcare,
                               text=f"{WORD} testimonial", source=source)  # fmt: skip
    OrganisationFact.objects.create(organisation=leeds.organisation, kind="sites", value=5,
                                    period=WORD, source=source, excerpt=WORD)  # fmt: skip
    Role.objects.create(person=Person.objects.get(slug="philip-wood"), title=f"{WORD} title",
                        organisation=leeds.organisation, source=source)  # fmt: skip
    Correction.objects.create(case_study=leeds, made_on="2026-11-01", note=f"{WORD} correction")
    search.refresh()  # as the admin does after every save
    return {"published_application": published_application}


def public_urls(client) -> list[str]:
    urls = [
        "/",
        "/case-studies/",
        "/case-studies/?practice=draft-practice&practice=flat-structure",
        "/practices/",
        "/evidence-map/",
        "/evidence-map/?by=outcome",
        "/case-studies/export.csv",
        "/case-studies/export.json",
        "/data/casebase.json",
        "/api/case-studies/",
        "/api/practices/",
        "/api/organisations/",
        "/api/outcomes/",
        "/api/sectors/",
        f"/api/case-studies/?q={WORD}",
        "/feeds/case-studies.atom",
        "/sitemap.xml",
    ]
    for study in CaseStudy.objects.published():
        urls += [study.get_absolute_url(), f"/api/case-studies/{study.slug}/"]
        urls += [f"/case-studies/{study.slug}/cite.{ext}" for ext in ("bib", "ris", "json")]
    for practice in Practice.objects.published():
        urls += [practice.get_absolute_url(), f"/feeds/practices/{practice.slug}.atom"]
    for sector in Sector.objects.all():
        urls += [sector.get_absolute_url(), f"/feeds/sectors/{sector.slug}.atom"]
    urls += [o.get_absolute_url() for o in Organisation.objects.published()]
    urls += [p.get_absolute_url() for p in Person.objects.published()]
    return urls


def test_a_planted_draft_word_appears_nowhere_public(client, drafts):
    shown_on = [url for url in public_urls(client) if WORD in client.get(url).content.decode()]
    assert shown_on == []


def test_searching_for_the_draft_word_finds_nothing(client, drafts):
    page = client.get("/case-studies/", {"q": WORD}).content.decode()
    assert "No case study matches all of your choices" in page
    echoes = page.count(f"“{WORD}”") + page.count(f'value="{WORD}"') + page.count(f"q={WORD}")
    assert page.count(WORD) == echoes, (
        "the word shows only where the page repeats the reader's own query"
    )


def test_counts_do_not_count_drafts(client, drafts):
    page = client.get("/case-studies/").content.decode()
    assert ">11 case studies<" in page
    assert client.get("/api/case-studies/").json()["count"] == 11


@pytest.mark.parametrize(
    "url",
    [
        "/case-studies/draft-study/",
        "/case-studies/draft-organisation-study/",
        "/practices/draft-practice/",
        "/practices/draft-themed/",
        "/organisations/draft-organisation/",
        "/people/draft-person/",
        "/api/case-studies/draft-study/",
        "/api/practices/draft-practice/",
        "/api/organisations/draft-organisation/",
        "/case-studies/draft-study/cite.bib",
        "/feeds/practices/draft-practice.atom",
    ],
)
def test_direct_links_to_drafts_are_404_whatever_the_parameters(client, drafts, url):
    for suffix in ("", "?preview=1", "?status=draft&format=json"):
        assert client.get(url + suffix).status_code == 404, url + suffix


def test_a_published_application_of_a_draft_practice_is_hidden_too(client, drafts):
    assert drafts["published_application"].status == "published"
    page = client.get(reverse("case-study", args=["leeds-teaching-hospitals"])).content.decode()
    assert WORD not in page
