"""A reader suggests a correction without JavaScript, from the case study to the reference
number, and tells their organisation's story; the same journeys with JavaScript run axe on every
page of both (axe itself needs JavaScript)."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from casebase.suggestions.models import Suggestion


@pytest.fixture(params=[False, True], ids=["without JavaScript", "with JavaScript and axe"])
def reader(request, browser: Browser) -> Page:
    context = browser.new_context(java_script_enabled=request.param)
    page = context.new_page()
    JAVASCRIPT[page] = request.param
    yield page
    JAVASCRIPT.pop(page)
    context.close()


JAVASCRIPT: dict[Page, bool] = {}


def accessible(page: Page) -> None:
    """One h1, and with JavaScript, no axe violation."""
    assert page.locator("h1").count() == 1
    if not JAVASCRIPT[page]:
        return
    results = Axe().run(page)
    assert results.violations_count == 0, f"{page.url}:\n{results.generate_report()}"


def test_a_reader_suggests_a_correction_from_a_case_study_to_its_reference(site, reader: Page):
    page = reader
    page.goto(f"{site}/case-studies/leeds-teaching-hospitals/")
    page.get_by_role("link", name=re.compile("Suggest a correction")).click()
    expect(page.locator("h1")).to_have_text("What is wrong?")
    accessible(page)
    page.get_by_role("button", name="Continue").click()  # empty: an error
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter what is wrong")
    accessible(page)
    page.get_by_label("What is wrong?").fill("The staff survey figure should be 12%.")
    page.get_by_role("button", name="Continue").click()
    accessible(page)
    page.get_by_label(re.compile("What should it say")).fill("12%, the report's page 4")
    page.get_by_role("button", name="Continue").click()
    accessible(page)
    page.get_by_label("Email address (optional)").fill("reader@example.org")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("h1")).to_have_text("Check your answers before sending them")
    expect(page.locator(".govuk-summary-list")).to_contain_text("Leeds Teaching Hospitals")
    accessible(page)
    page.get_by_role("button", name="Send").click()
    expect(page.locator(".govuk-panel__title")).to_have_text("Correction sent")
    accessible(page)
    reference = page.locator(".cb-reference").inner_text()
    assert re.fullmatch(r"CB-[A-Z0-9]{4}-[A-Z0-9]{2}", reference)
    stored = Suggestion.objects.get(reference=reference)
    assert stored.case_study.slug == "leeds-teaching-hospitals"
    assert stored.contact_email == "reader@example.org"


def test_a_reader_tells_their_organisations_story(site, reader: Page):
    page = reader
    page.goto(f"{site}/")
    page.get_by_role("link", name="Tell us about your organisation's story").first.click()
    page.get_by_label("What is the name of your organisation?").fill("Testshire Council")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Continue").click()  # no type chosen: an error
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select the type")
    accessible(page)
    page.get_by_label("County council").check()
    page.get_by_role("button", name="Continue").click()
    accessible(page)
    page.get_by_label(re.compile("What did your organisation do")).fill("We listened.")
    page.get_by_role("button", name="Continue").click()
    accessible(page)
    page.get_by_label("Your name").fill("Sam")
    page.get_by_label("Email address").fill("sam@example.org")
    page.get_by_role("button", name="Continue").click()
    accessible(page)
    page.get_by_role("button", name="Send").click()
    expect(page.locator(".govuk-panel__title")).to_have_text("Story sent")
    accessible(page)
