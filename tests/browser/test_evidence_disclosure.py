"""A reader checks a result against its source and weighs its evidence, in Chromium, with and
without JavaScript (issue 15): "Where this comes from" opens by mouse and by keyboard, shows the
source's words with their pages, and a grade leads to the row of the method that explains it."""

import re

import pytest
from playwright.sync_api import Browser, Page, expect

LEEDS = "/case-studies/leeds-teaching-hospitals/"
FIRST_RESULT = "#outcome-cqc-rating-2014-2016"


@pytest.fixture(params=[True, False], ids=["with JavaScript", "without JavaScript"])
def reader(request, browser: Browser) -> Page:
    context = browser.new_context(java_script_enabled=request.param)
    yield context.new_page()
    context.close()


def test_the_source_of_a_figure_opens_in_one_click(site, reader: Page):
    reader.goto(site + LEEDS)
    result = reader.locator(FIRST_RESULT)
    passage = result.locator(".cb-where-from .cb-passage").first
    expect(passage).to_be_hidden()
    result.locator(".cb-where-from summary").first.click()
    expect(passage).to_be_visible()
    expect(passage).to_contain_text("In a 2014 CQC inspection the trust received")
    expect(result.locator(".cb-where-from").first).to_contain_text("pages 11")


def test_the_source_opens_from_the_keyboard(site, reader: Page):
    reader.goto(site + LEEDS)
    summary = reader.locator(f"{FIRST_RESULT} .cb-where-from summary").first
    summary.focus()
    reader.keyboard.press("Enter")
    expect(reader.locator(f"{FIRST_RESULT} .cb-where-from").first).to_have_attribute("open", "")


def test_a_grade_leads_to_the_method_that_explains_it(site, reader: Page):
    reader.goto(site + LEEDS)
    grade = reader.locator(f"{FIRST_RESULT} .cb-strength__words").first
    expect(grade).to_have_text("Strong evidence")
    grade.click()
    expect(reader).to_have_url(site + "/about/evidence/#strength-strong")
    row = reader.locator("#strength-strong")
    expect(row).to_be_visible()
    expect(row).to_contain_text("Strong")
    expect(reader.locator("h1")).to_have_text("How we grade the evidence")


def test_a_reader_narrows_the_catalogue_to_strong_evidence(site, reader: Page):
    reader.goto(site + "/case-studies/")
    reader.locator("summary", has_text="Strength of evidence").first.click()
    reader.get_by_label("Strong", exact=False).first.check()
    reader.get_by_role("button", name="Apply filters").first.click()
    expect(reader).to_have_url(re.compile(r"[?&]strength=strong(&|$)"))
    rows = reader.locator(".cb-results .cb-result")
    expect(rows.first).to_contain_text("Strong evidence")
