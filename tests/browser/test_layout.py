"""Layout that keeps results readable, on a phone (390 px) and a laptop (1280 px), in Chromium."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 800}
VIEWPORTS = [pytest.param(PHONE, id="390px"), pytest.param(LAPTOP, id="1280px")]

PAGES_WITH_TABLES = [
    "/practices/visible-leadership/",
    "/evidence-map/",
    "/evidence-map/?by=outcome",
    "/sectors/healthcare/",
    "/case-studies/",
    "/case-studies/leeds-teaching-hospitals/",
    "/about/evidence/",
]

# For every table: how wide it is against the box it is shown in, and whether that box is a
# scrolling region a keyboard and screen reader user can reach (GOV.UK's pattern for wide
# tables), and which cells clip their own content.
TABLES = """() => [...document.querySelectorAll("main table")].map((table) => {
    const scroller = table.closest(".cb-table-wrapper");
    const box = scroller || table.parentElement;
    const overflowX = getComputedStyle(box).overflowX;
    const clipped = [...table.querySelectorAll("th, td")].filter((cell) => {
        const style = getComputedStyle(cell);
        return ["hidden", "clip"].includes(style.overflowX) && cell.scrollWidth > cell.clientWidth;
    });
    return {
        caption: (table.caption || table).textContent.trim().slice(0, 60),
        width: Math.ceil(table.getBoundingClientRect().width),
        room: box.clientWidth,
        scrolls: ["auto", "scroll"].includes(overflowX),
        labelled: !!box.getAttribute("aria-label") || !!box.getAttribute("aria-labelledby"),
        region: box.getAttribute("role") === "region",
        focusable: box.getAttribute("tabindex") === "0",
        clipped: clipped.map((cell) => cell.textContent.trim()),
    };
})"""


@pytest.fixture
def open_at(site: str, browser: Browser):
    contexts = []

    def open_page(path: str, viewport: dict) -> Page:
        context = browser.new_context(viewport=viewport)
        contexts.append(context)
        page = context.new_page()
        page.goto(f"{site}{path}")
        return page

    yield open_page
    for context in contexts:
        context.close()


def tables(page: Page) -> list[dict]:
    return page.evaluate(TABLES)


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("path", PAGES_WITH_TABLES)
def test_no_table_is_cut_off(open_at, path: str, viewport: dict):
    page = open_at(path, viewport)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    for table in tables(page):
        assert not table["clipped"], table
        if table["width"] > table["room"]:
            assert table["scrolls"] and table["region"], table
            assert table["labelled"] and table["focusable"], table


@pytest.mark.parametrize("path", PAGES_WITH_TABLES)
def test_on_a_laptop_every_column_of_every_table_is_in_view(open_at, path: str):
    page = open_at(path, LAPTOP)
    for table in tables(page):
        assert table["width"] <= table["room"], table


@pytest.mark.parametrize("path", ["/evidence-map/", "/evidence-map/?by=outcome"])
def test_on_a_phone_the_evidence_map_shows_practices_beside_several_counts(open_at, path: str):
    page = open_at(path, PHONE)
    in_view = page.evaluate(
        """() => {
            const box = document.querySelector(".cb-table-wrapper").getBoundingClientRect();
            const row = document.querySelector(".cb-evidence-map tbody tr:nth-child(2)");
            return [...row.children].filter((cell) => {
                const r = cell.getBoundingClientRect();
                return r.left >= box.left - 1 && r.right <= box.right + 1;
            }).length;
        }"""
    )
    assert in_view >= 3, f"only {in_view} column(s) of {path} in view at 390px"


def test_on_a_phone_the_evidence_map_keeps_practice_names_in_view_while_scrolling(open_at):
    page = open_at("/evidence-map/?by=outcome", PHONE)
    wrapper = page.locator(".cb-table-wrapper")
    wrapper.evaluate("(box) => { box.scrollLeft = box.scrollWidth; }")
    practice = page.locator(".cb-evidence-map tbody .cb-practice-cell").first
    left = practice.evaluate("(cell) => cell.getBoundingClientRect().left")
    box_left = wrapper.evaluate("(box) => box.getBoundingClientRect().left")
    assert wrapper.evaluate("(box) => box.scrollLeft") > 0
    assert left >= box_left - 1


def test_on_a_phone_the_catalogue_shows_its_first_result_on_the_first_screen(open_at):
    page = open_at("/case-studies/", PHONE)
    first_result = page.locator(".cb-results .cb-result").first
    top = first_result.evaluate("(el) => el.getBoundingClientRect().top")
    assert top < PHONE["height"], f"the first result starts {top:.0f}px down"


def test_on_a_phone_without_javascript_the_filters_open_from_a_control(browser: Browser, site):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{site}/case-studies/")
    healthcare = page.get_by_label(re.compile(r"^Healthcare"))
    assert not healthcare.is_visible()
    page.locator("summary", has_text="Filter").first.click()
    healthcare.check()
    page.get_by_role("button", name="Apply filters").click()
    assert "sector=healthcare" in page.url
    assert page.locator(".cb-results .cb-result").count() == 4
    context.close()


def test_on_a_laptop_the_catalogue_shows_its_filters_beside_the_results(open_at):
    page = open_at("/case-studies/", LAPTOP)
    assert page.get_by_label(re.compile(r"^Healthcare")).is_visible()
    assert page.get_by_role("button", name="Apply filters").is_visible()
    filters = page.locator(".cb-filters").evaluate("(el) => el.getBoundingClientRect().right")
    results = page.locator(".cb-results").evaluate("(el) => el.getBoundingClientRect().left")
    assert filters <= results


def test_on_a_laptop_the_sections_sit_on_one_line_beside_the_service_name(open_at):
    page = open_at("/", LAPTOP)
    tops = page.evaluate(
        """() => [...document.querySelectorAll(
            ".govuk-service-navigation__service-name, .govuk-service-navigation__item"
        )].map((el) => Math.round(el.getBoundingClientRect().top))"""
    )
    assert len(tops) > 7 and len(set(tops)) == 1, tops


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_sector_page_lists_its_case_studies_before_its_findings(open_at, viewport: dict):
    page = open_at("/sectors/healthcare/", viewport)
    headings = page.locator("main h2").all_inner_texts()
    case_studies = next(i for i, text in enumerate(headings) if text.startswith("Case studies"))
    assert case_studies < headings.index("Survey findings"), headings


def test_a_sector_page_writes_large_numbers_with_thousands_separators(open_at):
    page = open_at("/sectors/healthcare/", LAPTOP)
    figures = page.locator(".cb-figure").all_inner_texts()
    assert "4,000,000" in figures
    assert "133,000" in figures
    assert not [figure for figure in figures if re.search(r"\d{4}", figure)], figures


@pytest.mark.parametrize(
    "path",
    ["/practices/visible-leadership/", "/sectors/healthcare/", "/evidence-map/?by=outcome"],
)
def test_the_rearranged_pages_have_no_accessibility_violations_on_a_phone(open_at, path: str):
    results = Axe().run(open_at(path, PHONE))
    assert results.violations_count == 0, results.generate_report()
