"""The editors' admin passes axe-core: no critical or serious violation on the pages editors use.

Editors use assistive technology too. The pages: signing in, the index, the case study list,
a real case study's change form with all its inlines, its revision history and what one
revision changed.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from casebase.content.models import CaseStudy
from tests.test_imports import HEADER, organisation_rows

PASSWORD = "a long editor password"
BLOCKING = {"critical", "serious"}
# axe leaves its tap target rule (WCAG 2.2 AA, 24 by 24 px) off unless asked: editors on tablets
# need it, so it is on here.
AXE_OPTIONS = {"resultTypes": ["violations"], "rules": {"target-size": {"enabled": True}}}
NARROW = {"width": 320, "height": 640}
FILTERED_LIST = "/admin/content/casestudy/?q=leeds&status__exact=published"


def blocking_violations(page: Page) -> list[str]:
    """Each critical or serious violation: its rule, impact, and the elements it names."""
    results = Axe().run(page, options=AXE_OPTIONS)
    return [
        f"{rule['id']} ({rule['impact']}): {rule['help']}; "
        + ", ".join(" ".join(node["target"]) for node in rule["nodes"][:5])
        + (f" and {len(rule['nodes']) - 5} more" if len(rule["nodes"]) > 5 else "")
        for rule in results.response["violations"]
        if rule["impact"] in BLOCKING
    ]


def sign_in(page: Page, site: str) -> None:
    page.goto(f"{site}/admin/login/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_title("Knowledge base | Casebase")


@pytest.fixture
def editor(site: str, django_user_model) -> str:
    django_user_model.objects.create_superuser("editor", "editor@example.org", PASSWORD)
    return site


def test_the_sign_in_page_has_no_serious_accessibility_violation(editor: str, page: Page):
    page.goto(f"{editor}/admin/login/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in")
    assert blocking_violations(page) == []


def test_the_sign_in_page_with_an_error_has_no_serious_accessibility_violation(
    editor: str, page: Page
):
    page.goto(f"{editor}/admin/login/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Log in").click()
    expect(page.locator(".errornote")).to_be_visible()
    assert blocking_violations(page) == []


ADMIN_PAGES = {
    "index": "/admin/",
    "case study list": "/admin/content/casestudy/",
    "case study list, searched and filtered": FILTERED_LIST,
    "add a case study": "/admin/content/casestudy/add/",
    "import organisations": "/admin/content/organisation/import/",
    "export organisations": "/admin/content/organisation/export/",
}


@pytest.mark.parametrize("path", ADMIN_PAGES.values(), ids=ADMIN_PAGES.keys())
def test_an_admin_page_has_no_serious_accessibility_violation(editor: str, page: Page, path):
    sign_in(page, editor)
    assert page.goto(f"{editor}{path}").ok  # an error page would pass axe too
    assert blocking_violations(page) == []


def test_the_case_study_list_at_320px_has_no_serious_accessibility_violation(
    editor: str, page: Page
):
    page.set_viewport_size(NARROW)
    sign_in(page, editor)
    page.goto(f"{editor}{FILTERED_LIST}")
    assert blocking_violations(page) == []


def test_an_empty_autocomplete_box_is_named_after_its_field(editor: str, page: Page):
    sign_in(page, editor)
    page.goto(f"{editor}/admin/content/casestudy/add/")
    expect(page.get_by_role("combobox", name="Organisation:")).to_be_visible()


def test_a_case_study_with_all_its_inlines_has_no_serious_accessibility_violation(
    editor: str, page: Page
):
    leeds = CaseStudy.objects.get(slug="leeds-teaching-hospitals")
    sign_in(page, editor)
    page.goto(f"{editor}/admin/content/casestudy/{leeds.pk}/change/")
    for group in ("#participants-group", "#applications-group", "#outcomes-group"):
        expect(page.locator(f"{group} .form-row").first).to_be_visible()
    # A field in a table row is named by its column and its row, not by the column header alone.
    expect(page.get_by_label("Involvement, Julian Hartley (Led the change)")).to_have_value(
        "leader"
    )
    assert blocking_violations(page) == []


def test_a_case_study_with_an_added_inline_row_has_no_serious_accessibility_violation(
    editor: str, page: Page
):
    leeds = CaseStudy.objects.get(slug="leeds-teaching-hospitals")
    sign_in(page, editor)
    page.goto(f"{editor}/admin/content/casestudy/{leeds.pk}/change/")
    page.get_by_text("Add another Person in the case study").click()
    page.get_by_text("Add another Practice credited for an outcome").click()
    expect(page.get_by_role("combobox", name="Person, new row")).to_be_visible()
    assert blocking_violations(page) == []


def test_the_history_and_what_changed_have_no_serious_accessibility_violation(
    editor: str, page: Page
):
    leeds = CaseStudy.objects.get(slug="leeds-teaching-hospitals")
    sign_in(page, editor)
    page.goto(f"{editor}/admin/content/casestudy/{leeds.pk}/history/")
    expect(page.locator("#change-history tbody tr").first).to_be_visible()
    assert blocking_violations(page) == []

    page.get_by_role("link", name="What changed").first.click()
    expect(page.locator(".revision-changes")).to_be_visible()
    assert blocking_violations(page) == []


@pytest.mark.parametrize("bad", [False, True], ids=["valid", "with a bad row"])
def test_an_import_preview_has_no_serious_accessibility_violation(
    editor: str, page: Page, tmp_path, bad: bool
):
    rows = organisation_rows()
    if bad:
        rows[3][HEADER.index("region")] = "middle-earth"
    spreadsheet = tmp_path / "organisations.csv"
    spreadsheet.write_text("\n".join(",".join(row) for row in [HEADER, *rows]) + "\n")
    sign_in(page, editor)
    page.goto(f"{editor}/admin/content/organisation/import/")
    page.get_by_label("File to import").set_input_files(spreadsheet)
    page.get_by_label("Format").select_option(label="csv")
    page.get_by_role("button", name="Submit").click()
    expect(page.locator("table.import-preview")).to_be_visible()
    if bad:
        expect(page.locator("#content")).to_contain_text("'middle-earth' is not a valid choice")
    assert blocking_violations(page) == []
