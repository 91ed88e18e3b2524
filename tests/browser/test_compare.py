"""Comparing case studies in Chromium: stacked and never wider than a phone (375 px), side by
side on a laptop, and chosen from the catalogue's rows without JavaScript."""

import re
from itertools import pairwise

import pytest
from playwright.sync_api import Browser, Page

PHONE = {"width": 375, "height": 812}
LAPTOP = {"width": 1280, "height": 800}
TWO = "/compare/?cs=leeds-teaching-hospitals&cs=calderdale"
FOUR = f"{TWO}&cs=exeter-college&cs=tameside-and-glossop"

# Everything in the page's main content that reaches past the window's right edge (clipped or
# not), and how wide the document is against the window.
OVERFLOW = """() => ({
    document: document.documentElement.scrollWidth,
    window: window.innerWidth,
    past: [...document.querySelectorAll("main *")]
        .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 0.5)
        .map((el) => el.outerHTML.slice(0, 80)),
})"""
COLUMNS = """() => [...document.querySelectorAll(".cb-compare__study")].map((el) => {
    const box = el.getBoundingClientRect();
    return {left: Math.round(box.left), top: Math.round(box.top), bottom: Math.round(box.bottom)};
})"""


@pytest.fixture
def open_at(site: str, browser: Browser):
    contexts = []

    def open_page(path: str, viewport: dict, **options) -> Page:
        context = browser.new_context(viewport=viewport, **options)
        contexts.append(context)
        page = context.new_page()
        page.goto(f"{site}{path}")
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.mark.parametrize("path", [TWO, FOUR], ids=["2", "4"])
def test_on_a_phone_the_comparison_is_stacked_with_nothing_cut_off(open_at, path: str):
    page = open_at(path, PHONE)
    overflow = page.evaluate(OVERFLOW)
    assert overflow["document"] <= overflow["window"], overflow
    assert not overflow["past"], overflow
    columns = page.evaluate(COLUMNS)
    assert len(columns) == path.count("cs=")
    assert len({column["left"] for column in columns}) == 1, columns
    for above, below in pairwise(columns):
        assert below["top"] >= above["bottom"], columns


@pytest.mark.parametrize("path", [TWO, FOUR], ids=["2", "4"])
def test_on_a_laptop_the_case_studies_are_side_by_side(open_at, path: str):
    page = open_at(path, LAPTOP)
    overflow = page.evaluate(OVERFLOW)
    assert overflow["document"] <= overflow["window"], overflow
    assert not overflow["past"], overflow
    columns = page.evaluate(COLUMNS)
    assert len({column["top"] for column in columns}) == 1, columns
    assert len({column["left"] for column in columns}) == len(columns), columns


def test_without_javascript_the_catalogue_rows_choose_what_to_compare(open_at):
    page = open_at("/case-studies/?sector=healthcare", PHONE, java_script_enabled=False)
    boxes = page.get_by_label(re.compile(r"^Add to comparison"))
    titles = page.locator(".cb-result h3").all_inner_texts()
    boxes.nth(0).check()
    boxes.nth(1).check()
    page.get_by_role("button", name="Compare selected").click()
    assert re.search(r"/compare/\?cs=[\w-]+&cs=[\w-]+$", page.url), page.url
    headings = page.locator(".cb-compare__study h2").all_inner_texts()
    assert headings == titles[:2]
