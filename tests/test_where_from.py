"""Every figure, credit and quotation on a case study page says where it comes from: the
document, its section and pages, and the passage with a sentence either side, in a <details>
disclosure that opens without JavaScript."""

import re

import pytest
from django.utils.html import escape

from casebase.content.models import CaseStudy, Source

pytestmark = pytest.mark.django_db

LEEDS = "/case-studies/leeds-teaching-hospitals/"
DISCLOSURE = re.compile(
    r'<details class="govuk-details cb-where-from[^"]*">\s*'
    r'<summary class="govuk-details__summary">.*?Where this comes from.*?</summary>'
    r"(.*?)</details>",
    re.S,
)


def disclosures(client, url: str = LEEDS) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200
    return DISCLOSURE.findall(response.content.decode())


def shown(text: str) -> str:
    """Text as the page escapes it."""
    return escape(text)


def test_each_outcome_credit_and_quote_of_leeds_has_its_own_disclosure(client):
    leeds = CaseStudy.objects.with_parts().get(slug="leeds-teaching-hospitals")
    parts = [
        *(outcome.statement for outcome in leeds.published_outcomes),
        *(credit.passage for credit in leeds.published_contributions),
        *(quote.text for quote in leeds.published_quotes),
    ]
    found = disclosures(client)

    assert len(parts) >= 10
    assert len(found) == len(parts)
    for passage in parts:
        assert any(f"<strong>{shown(passage)}</strong>" in disclosure for disclosure in found)


def test_a_disclosure_gives_the_document_section_pages_and_passage_in_context(client):
    leeds = CaseStudy.objects.get(slug="leeds-teaching-hospitals")
    outcome = leeds.outcomes.get(statement__startswith="In a 2014 CQC inspection")
    context = outcome.passage_context
    [disclosure] = [text for text in disclosures(client) if shown(outcome.statement) in text]

    assert "<cite>The Management Mission: how better leaders improve public services</cite>" in (
        disclosure
    )
    assert 'href="https://www.managers.org.uk"' in disclosure  # the publisher, as the text gives it
    assert "section “Leeds Teaching Hospitals Trust”, pages 11–12." in disclosure
    assert f"{shown(context['before'])} <strong>{shown(outcome.statement)}</strong> " in disclosure
    assert shown(context["after"]) in disclosure


def test_a_figure_from_the_introduction_is_placed_there_not_in_the_case_study(client):
    [disclosure] = [
        text
        for text in disclosures(client)
        if "<strong>At the Leeds Teaching Hospitals Trust, one of the largest" in text
    ]
    assert "section “Introduction”, pages 4–6." in disclosure


def test_a_figure_the_source_rests_on_another_document_for_links_to_it(client):
    study = CaseStudy.objects.get(organisation__name__startswith="Calderdale")
    peer_challenge = Source.objects.get(slug="lga-corporate-peer-challenge-calderdale")
    found = disclosures(client, study.get_absolute_url())

    cited = [text for text in found if "The source cites" in text]
    assert any(f'href="{peer_challenge.url}"' in text for text in cited)


def test_the_source_line_and_the_sources_list_give_pages_and_link_the_publisher(client):
    page = client.get(LEEDS).content.decode()
    assert "section “Leeds Teaching Hospitals Trust”, pages 11–12</dd>" in page
    sources = page[page.index('id="sources"') :]
    assert '<a class="govuk-link" href="https://www.managers.org.uk" rel="noopener">' in sources


def test_a_quote_on_a_sector_page_has_no_case_study_disclosure(client):
    assert disclosures(client, "/sectors/healthcare/") == []


def test_the_cite_this_box_cites_the_report_at_its_pages_as_well_as_the_case_study(client):
    page = client.get(LEEDS).content.decode()
    box = page[page.index('id="cite"') :]
    assert "Casebase (" in box
    assert (
        "The report it retells:</p>\n"
        '    <div class="govuk-inset-text cb-citation"><p class="govuk-body">'
        "Chartered Management Institute with the Social Market Foundation (2024) The Management "
        "Mission: how better leaders improve public services, section “Leeds Teaching Hospitals "
        "Trust”, pp. 11–12.</p></div>"
    ) in box


def test_a_passage_edited_since_loading_shows_no_stale_context(client):
    leeds = CaseStudy.objects.get(slug="leeds-teaching-hospitals")
    outcome = leeds.outcomes.get(statement__startswith="In a 2014 CQC inspection")
    before = outcome.passage_context["before"]
    outcome.statement = "In a 2014 CQC inspection the trust was rated as requiring improvement."
    outcome.save()

    [disclosure] = [text for text in disclosures(client) if shown(outcome.statement) in text]

    assert before not in disclosure
    assert "section “Leeds Teaching Hospitals Trust”, pages 11–12." in disclosure
