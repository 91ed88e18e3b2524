"""Organisations like mine in Chromium, as a reader who runs a 15,000-staff acute trust rated
"requires improvement" uses it: with and without JavaScript, on a laptop and a phone, with the
form's bad input, and on to a case study and its "Organisations like this one"."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Browser, Page

PHONE = {"width": 375, "height": 812}
PHONES = [
    pytest.param(PHONE, id="375px"),
    pytest.param({"width": 320, "height": 640}, id="320px"),
]
LAPTOP = {"width": 1280, "height": 800}
JAVASCRIPT = [
    pytest.param(False, id="without JavaScript"),
    pytest.param(True, id="with JavaScript"),
]
AN_ACUTE_TRUST = {
    "sector": ["healthcare"],
    "type": ["nhs-acute-trust"],
    "measure": ["staff"],
    "size": ["15000"],
    "rating": ["requires-improvement"],
}
LIKE_AN_ACUTE_TRUST = (
    "/like-mine/?sector=healthcare&type=nhs-acute-trust&measure=staff&size=15000"
    "&rating=requires-improvement"
)

# Everything in the page's main content that reaches past the window's right edge (clipped or
# not), and how wide the document is against the window (as in test_compare.py).
OVERFLOW = """() => ({
    document: document.documentElement.scrollWidth,
    window: window.innerWidth,
    past: [...document.querySelectorAll("main *")]
        .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 0.5)
        .map((el) => el.outerHTML.slice(0, 80)),
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


def describe_an_acute_trust(page: Page) -> None:
    page.get_by_label("Healthcare", exact=True).check()
    page.get_by_label("Type of organisation").select_option(label="NHS acute trust")
    page.get_by_label("What your size counts").select_option(label="Staff")
    page.get_by_label("How many").fill("15000")
    page.get_by_label("Your latest inspection rating").select_option(label="Requires improvement")
    page.get_by_role("button", name="Find organisations like mine").click()


def results(page: Page) -> list[str]:
    """Each result's heading and why it is alike, in order."""
    return [
        " / ".join(item.locator("h3, p:has(> strong)").all_inner_texts())
        for item in page.locator(".cb-alike > .cb-result").all()
    ]


def query(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


@pytest.mark.parametrize("javascript", JAVASCRIPT)
def test_an_acute_trust_finds_leeds_first_with_why_and_the_url_keeps_it(open_at, javascript):
    page = open_at("/like-mine/", LAPTOP, java_script_enabled=javascript)
    describe_an_acute_trust(page)
    assert query(page) == AN_ACUTE_TRUST  # the fields left empty are in it too, blank
    first = page.locator(".cb-alike > .cb-result").first
    assert first.locator("h3").inner_text().startswith("Leeds Teaching Hospitals")
    assert first.locator("p", has_text="Why alike:").inner_text() == (
        "Why alike: Also an NHS acute trust; more than 21,000 staff against your 15,000; "
        "also started from ‘requires improvement’."
    )
    found = results(page)
    assert len(found) > 1

    page.reload()
    assert results(page) == found
    assert page.get_by_label("Healthcare", exact=True).is_checked()
    assert page.get_by_label("Type of organisation").input_value() == "nhs-acute-trust"
    assert page.get_by_label("How many").input_value() == "15000"


@pytest.mark.parametrize("javascript", JAVASCRIPT)
def test_a_result_leads_to_its_case_study_and_organisations_like_it(open_at, javascript):
    page = open_at(LIKE_AN_ACUTE_TRUST, LAPTOP, java_script_enabled=javascript)
    page.locator(".cb-alike > .cb-result h3 a").first.click()
    assert urlsplit(page.url).path == "/case-studies/leeds-teaching-hospitals/"
    aside = page.get_by_role("complementary", name="Organisations like this one")
    assert aside.is_visible()
    peers = aside.locator("li > a")
    assert peers.count() >= 1
    assert "/case-studies/leeds-teaching-hospitals/" not in peers.evaluate_all(
        "(links) => links.map((link) => link.getAttribute('href'))"
    )
    aside.get_by_role("link", name="More organisations like this one").click()
    assert query(page) == {"organisation": ["leeds-teaching-hospitals-nhs-trust"]}
    assert page.locator(".cb-alike > .cb-result").count() >= 1


def test_on_a_phone_without_javascript_two_results_open_their_comparison(open_at):
    page = open_at(LIKE_AN_ACUTE_TRUST, PHONE, java_script_enabled=False)
    titles = page.locator(".cb-alike > .cb-result h3").all_inner_texts()
    boxes = page.get_by_label(re.compile(r"^Add to comparison"))
    boxes.nth(0).check()
    boxes.nth(1).check()
    page.get_by_role("button", name="Compare selected").click()
    assert urlsplit(page.url).path == "/compare/"
    assert len(query(page)["cs"]) == 2
    assert page.locator(".cb-compare__study h2").all_inner_texts() == titles[:2]


@pytest.mark.parametrize("javascript", JAVASCRIPT)
def test_no_sector_is_explained_at_the_top_with_a_link_to_the_sector(open_at, javascript):
    page = open_at("/like-mine/", LAPTOP, java_script_enabled=javascript)
    with page.expect_response(re.compile(r"/like-mine/\?")) as answer:
        page.get_by_role("button", name="Find organisations like mine").click()
    assert answer.value.status == 400
    assert page.title().startswith("Error:")
    summary = page.locator(".govuk-error-summary")
    # First in the main content, before the heading; with JavaScript it also takes the focus.
    assert page.evaluate(
        "document.querySelector('main').querySelector('.govuk-error-summary, h1')"
        ".classList.contains('govuk-error-summary')"
    )
    if javascript:
        assert summary.evaluate("(summary) => summary.contains(document.activeElement)")
    link = summary.get_by_role("link", name="Choose your sector")
    target = link.get_attribute("href")
    assert page.locator(target).count() == 1
    assert page.locator(target).get_attribute("name") == "sector"
    assert page.get_by_role("group", name=re.compile("its sector")).locator(target).count() == 1
    link.click()
    if javascript:  # Frontend's error summary moves the focus to the field
        assert page.evaluate("document.activeElement.id") == target.removeprefix("#")
    else:
        assert page.url.endswith(target)
    assert page.locator(target).is_visible()
    assert page.locator(target).evaluate(
        "(radio) => radio.getBoundingClientRect().top < window.innerHeight"
    )


@pytest.mark.parametrize("viewport", PHONES)
@pytest.mark.parametrize("path", ["/like-mine/", LIKE_AN_ACUTE_TRUST], ids=["form", "results"])
def test_on_a_phone_nothing_reaches_past_the_window(open_at, path: str, viewport: dict):
    page = open_at(path, viewport)
    overflow = page.evaluate(OVERFLOW)
    assert overflow["document"] <= overflow["window"], overflow
    assert not overflow["past"], overflow


@pytest.mark.parametrize("viewport", PHONES)
def test_on_a_phone_the_menu_opens_and_leads_to_like_mine(open_at, viewport: dict):
    page = open_at("/", viewport)
    link = page.get_by_role("link", name="Like mine", exact=True)
    assert not link.is_visible()
    page.get_by_role("button", name="Menu").click()
    assert link.is_visible()
    link.click()
    assert urlsplit(page.url).path == "/like-mine/"
    # The menu closed again on the new page: its item found by the list's id, hidden or not.
    current = page.locator("#navigation a[aria-current]")
    assert current.text_content().strip() == "Like mine"
