"""Readers' journeys through the public pages in Chromium: real clicks, typing and keys."""

import re

import pytest
from playwright.sync_api import Browser, Page, expect

ALL_CASE_STUDIES = 11
LOCAL_GOVERNMENT = 4
NO_HORIZONTAL_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"


@pytest.fixture
def phone(browser: Browser) -> Page:
    context = browser.new_context(viewport={"width": 375, "height": 812})
    yield context.new_page()
    context.close()


@pytest.fixture
def narrow(browser: Browser) -> Page:
    context = browser.new_context(viewport={"width": 320, "height": 640})
    yield context.new_page()
    context.close()


@pytest.fixture
def without_javascript(browser: Browser) -> Page:
    context = browser.new_context(java_script_enabled=False)
    yield context.new_page()
    context.close()


def results(page: Page):
    return page.locator(".cb-results .cb-result")


def focused(page: Page) -> str:
    """What the reader's focus is on: its accessible text or its label's text."""
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            const label = el.labels && el.labels.length ? el.labels[0].textContent : "";
            return (label || el.textContent || el.value || "").replace(/\\s+/g, " ").trim();
        }"""
    )


def focus_is_visible(page: Page) -> bool:
    return page.evaluate("document.activeElement.matches(':focus-visible')")


def tab_until(page: Page, predicate: str, limit: int = 60) -> None:
    """Press Tab until the focused element matches a JS predicate on `el`."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(() => {{ const el = document.activeElement; return {predicate}; }})()"):
            return
    raise AssertionError(f"Tabbing {limit} times never reached an element where {predicate}")


def test_a_reader_searches_for_a_practice_from_the_home_page(site, page: Page):
    page.goto(f"{site}/")
    page.get_by_label(re.compile("Search .* case studies")).fill("visible leadership")
    page.get_by_role("button", name="Search", exact=True).click()

    expect(page).to_have_url(re.compile(r"/case-studies/\?q=visible\+leadership"))
    expect(results(page).first).to_be_visible()
    first = " ".join(results(page).locator("h3").all_inner_texts()[:4])
    for organisation in ("Norfolk", "Tameside", "Leeds"):
        assert organisation in first
    expect(page.locator(".cb-results mark").first).to_be_visible()
    marked = {text.lower() for text in page.locator(".cb-results mark").all_inner_texts()}
    assert marked & {"visible", "leadership", "visible leadership"}


def test_a_reader_ticks_a_sector_and_shares_the_filtered_list(site, page: Page):
    page.goto(f"{site}/case-studies/")
    expect(results(page)).to_have_count(ALL_CASE_STUDIES)
    page.get_by_label(re.compile(r"^Local government")).check()
    page.get_by_role("button", name="Apply filters").click()

    expect(page).to_have_url(re.compile(r"sector=local-government"))
    expect(results(page)).to_have_count(LOCAL_GOVERNMENT)
    listed = results(page).locator("h3").all_inner_texts()
    page.reload()
    expect(results(page)).to_have_count(LOCAL_GOVERNMENT)
    assert results(page).locator("h3").all_inner_texts() == listed

    page.get_by_role("link", name=re.compile(r"Remove .*Local government")).click()
    expect(results(page)).to_have_count(ALL_CASE_STUDIES)
    assert "sector=" not in page.url


def test_a_reader_follows_a_practice_from_leeds_to_the_others_who_applied_it(site, page: Page):
    page.goto(f"{site}/case-studies/")
    page.get_by_role("link", name=re.compile("^Leeds Teaching Hospitals")).click()
    expect(page).to_have_url(re.compile(r"/case-studies/leeds-teaching-hospitals/$"))

    page.locator("section.cb-application h3").get_by_role("link", name="Visible leadership").click()
    expect(page).to_have_url(re.compile(r"/practices/visible-leadership/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Visible leadership")
    applied = page.locator("section.cb-application h3")
    for organisation in ("Leeds Teaching Hospitals", "Tameside and Glossop", "Norfolk County"):
        expect(applied.filter(has_text=organisation)).to_have_count(1)

    applied.get_by_role("link", name="Norfolk County Council").click()
    expect(page).to_have_url(re.compile(r"/case-studies/norfolk/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Norfolk County Council")


def test_on_a_phone_a_reader_sees_what_changed_within_two_clicks(site, phone: Page):
    page = phone
    page.goto(f"{site}/")
    page.get_by_label(re.compile("Search .* case studies")).fill("visible leadership")
    page.get_by_role("button", name="Search", exact=True).click()  # first click
    page.get_by_role("link", name=re.compile("^Leeds Teaching Hospitals")).click()  # second

    expect(page.get_by_role("heading", name="What changed")).to_be_visible()
    table = page.get_by_role("table")
    expect(table).to_be_visible()
    first_row = table.locator("tbody tr").first
    before, after = first_row.locator("td").nth(0), first_row.locator("td").nth(1)
    expect(before).not_to_have_text("—")
    expect(after).not_to_have_text("—")
    expect(before).to_have_text(re.compile(r"\w"))
    expect(after).to_have_text(re.compile(r"\w"))


def test_a_keyboard_only_reader_filters_the_catalogue(site, page: Page):
    page.goto(f"{site}/case-studies/")

    page.keyboard.press("Tab")
    assert focused(page) == "Skip to main content"
    assert focus_is_visible(page)

    tab_until(page, "el.name === 'sector' && el.type === 'checkbox'")
    assert focused(page).startswith("Healthcare")
    assert focus_is_visible(page)
    page.keyboard.press("Space")
    expect(page.locator("input[name='sector'][value='healthcare']")).to_be_checked()

    tab_until(page, "el.tagName === 'BUTTON' && el.textContent.trim() === 'Apply filters'")
    assert focus_is_visible(page)
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"sector=healthcare"))
    expect(results(page)).to_have_count(4)
    expect(page.locator(".cb-result .govuk-tag").filter(has_text="Healthcare")).to_have_count(4)


def test_without_javascript_the_filters_and_a_case_study_still_work(site, without_javascript: Page):
    page = without_javascript
    page.goto(f"{site}/case-studies/")
    expect(results(page)).to_have_count(ALL_CASE_STUDIES)
    page.get_by_label(re.compile(r"^Education")).check()
    page.get_by_role("button", name="Apply filters").click()

    expect(page).to_have_url(re.compile(r"sector=education"))
    expect(results(page)).to_have_count(3)

    page.goto(f"{site}/case-studies/leeds-teaching-hospitals/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Leeds Teaching Hospitals")
    expect(page.get_by_role("heading", name="What changed")).to_be_visible()
    expect(page.get_by_role("table")).to_be_visible()
    expect(page.get_by_role("heading", name="What they did")).to_be_visible()
    expect(page.get_by_role("link", name="Visible leadership").first).to_be_visible()


@pytest.mark.parametrize("path", ["/case-studies/", "/case-studies/leeds-teaching-hospitals/"])
def test_at_320_pixels_wide_a_page_does_not_scroll_sideways(site, narrow: Page, path: str):
    narrow.goto(f"{site}{path}")
    expect(narrow.get_by_role("heading", level=1)).to_be_visible()
    widths = narrow.evaluate(
        "({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})"
    )
    assert narrow.evaluate(NO_HORIZONTAL_SCROLL), f"{path} scrolls sideways at 320px: {widths}"
