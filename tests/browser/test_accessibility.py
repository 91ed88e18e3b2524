"""Every page type passes axe-core with no violations, has one h1 and a meaningful title."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page

DESKTOP = {"width": 1280, "height": 800}
NARROW = {"width": 320, "height": 640}
LIKE_MINE = (
    "/like-mine/?sector=healthcare&type=nhs-acute-trust&measure=staff&size=15000"
    "&rating=requires-improvement"
)

PAGES = {
    "home": "/",
    "catalogue": "/case-studies/",
    "catalogue searched and filtered": "/case-studies/?q=leadership&sector=healthcare",
    "catalogue with no results": "/case-studies/?q=zebra",
    "catalogue with an invalid parameter": "/case-studies/?practice=nope",
    "case study": "/case-studies/leeds-teaching-hospitals/",
    "practices": "/practices/",
    "practice": "/practices/visible-leadership/",
    "sector": "/sectors/healthcare/",
    "organisation": "/organisations/leeds-teaching-hospitals-nhs-trust/",
    "person": "/people/karen-james/",
    "organisations": "/organisations/",
    "organisations filtered, under a letter": "/organisations/?sector=healthcare&letter=N",
    "organisations with an invalid parameter": "/organisations/?sector=nope&page=abc",
    "people": "/people/",
    "people filtered": "/people/?type=nhs-acute-trust&region=yorkshire-and-the-humber",
    "evidence map": "/evidence-map/",
    "evidence map by area of results, filtered": "/evidence-map/?by=outcome&sector=healthcare",
    "how we grade the evidence": "/about/evidence/",
    "catalogue by strength of evidence": "/case-studies/?strength=strong&sort=evidence",
    "not found": "/no-such-page/",
    "comparison of two": "/compare/?cs=leeds-teaching-hospitals&cs=calderdale",
    "comparison of four": "/compare/?cs=leeds-teaching-hospitals&cs=calderdale&cs=exeter-college"
    "&cs=tameside-and-glossop",
    "comparison with one case study": "/compare/?cs=leeds-teaching-hospitals",
    "search everything": "/search/?q=leadership",
    "search everything, one kind": "/search/?q=leadership&kind=practices",
    "search everything, nothing to search": "/search/?q=the&kind=nope",
    "search everything, empty": "/search/",
    "organisations like mine, empty": "/like-mine/",
    "organisations like mine, with results": LIKE_MINE,
    "organisations like mine, with an error": "/like-mine/?measure=staff&size=lots",
    "organisations like mine, named": "/like-mine/?organisation=Leeds+Teaching+Hospitals+NHS+Trust",
    "suggest a correction, which case study": "/suggestions/correction/case-study/",
    "tell us your story, type of organisation": "/suggestions/story/type/",
    "suggestions' privacy notice": "/suggestions/privacy/",
}
CASES = [pytest.param(path, DESKTOP, id=name) for name, path in PAGES.items()] + [
    pytest.param("/case-studies/", NARROW, id="catalogue at 320px"),
    pytest.param("/case-studies/leeds-teaching-hospitals/", NARROW, id="case study at 320px"),
    pytest.param("/evidence-map/", NARROW, id="evidence map at 320px"),
    pytest.param(
        "/organisations/leeds-teaching-hospitals-nhs-trust/", NARROW, id="organisation at 320px"
    ),
    pytest.param("/organisations/", NARROW, id="organisations at 320px"),
    pytest.param("/people/", NARROW, id="people at 320px"),
    pytest.param("/about/evidence/", NARROW, id="how we grade the evidence at 320px"),
    pytest.param("/search/?q=leadership", NARROW, id="search everything at 320px"),
    pytest.param(LIKE_MINE, NARROW, id="organisations like mine at 320px"),
    pytest.param(
        "/compare/?cs=leeds-teaching-hospitals&cs=calderdale&cs=exeter-college",
        NARROW,
        id="comparison at 320px",
    ),
]


@pytest.fixture
def open_page(site: str, browser: Browser):
    contexts = []

    def open_at(path: str, viewport: dict) -> Page:
        context = browser.new_context(viewport=viewport)
        contexts.append(context)
        page = context.new_page()
        page.goto(f"{site}{path}")
        return page

    yield open_at
    for context in contexts:
        context.close()


@pytest.mark.parametrize(("path", "viewport"), CASES)
def test_a_page_has_no_accessibility_violations(open_page, path: str, viewport: dict):
    page = open_page(path, viewport)
    results = Axe().run(page)
    assert results.violations_count == 0, (
        f"{path} at {viewport['width']}px:\n{results.generate_report()}"
    )


@pytest.mark.parametrize(("path", "viewport"), CASES)
def test_a_page_has_one_h1_and_its_own_title(open_page, path: str, viewport: dict):
    page = open_page(path, viewport)
    assert page.locator("h1").count() == 1
    title = page.title().strip()
    assert title
    assert title not in {"Casebase", "– Casebase", "Casebase – Casebase"}
    assert title.removesuffix("– Casebase").strip()
