"""An editor's journey through the real admin in Chromium."""

import re

import pytest
from playwright.sync_api import Page, expect

from casebase.content.models import CaseStudy

PASSWORD = "a long editor password"


@pytest.fixture
def signed_in(site: str, page: Page, django_user_model) -> Page:
    django_user_model.objects.create_superuser("editor", "editor@example.org", PASSWORD)
    page.goto(f"{site}/admin/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_title("Knowledge base | Casebase")
    return page


def test_an_editor_finds_which_practices_leeds_applied_and_what_changed(signed_in: Page):
    page = signed_in
    page.get_by_role("link", name="Case studies").first.click()
    page.locator("#searchbar").fill("LTHT")
    page.locator("#searchbar").press("Enter")
    page.locator("#result_list tbody th a").first.click()

    expect(page.locator("#applications-group")).to_contain_text("Flat structure")
    practices = page.locator("#applications-group select[name$='-practice'] option:checked")
    chosen = practices.all_inner_texts()
    assert {"Visible leadership", "Flat structure", "Devolved autonomy"} <= set(chosen)
    outcomes = page.locator("#outcomes-group select[name$='-indicator'] option:checked")
    assert "CQC overall rating" in outcomes.all_inner_texts()
    expect(page.locator("#contributions-group")).to_contain_text("Flat structure")


def test_an_editor_corrects_a_summary_and_a_bad_year_is_explained(signed_in: Page):
    page = signed_in
    leeds = CaseStudy.objects.get(organisation__name__contains="Leeds")
    page.goto(page.url.split("/admin/")[0] + f"/admin/content/casestudy/{leeds.pk}/change/")

    page.get_by_label("Summary").fill("A corrected summary.")
    page.locator("input[name='outcomes-0-result_year']").fill("1999")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".errornote")).to_contain_text("Please correct the error")
    expect(page.locator("#outcomes-group")).to_contain_text(
        "A result cannot come before its baseline."
    )
    expect(page.get_by_label("Summary")).to_have_value("A corrected summary.")  # input kept

    page.locator("input[name='outcomes-0-result_year']").fill("2016")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text(re.compile("was changed successfully"))
    leeds.refresh_from_db()
    assert leeds.summary == "A corrected summary."


def test_an_editor_sees_what_changed_and_restores_the_version_before(signed_in: Page):
    page = signed_in
    leeds = CaseStudy.objects.get(slug="leeds-teaching-hospitals")
    original = leeds.summary
    page.goto(page.url.split("/admin/")[0] + f"/admin/content/casestudy/{leeds.pk}/change/")
    page.get_by_label("Summary").fill(original + " An unsourced claim.")
    page.get_by_role("button", name="Save", exact=True).click()

    page.goto(page.url.split("/admin/")[0] + f"/admin/content/casestudy/{leeds.pk}/change/")
    page.get_by_role("link", name="History").click()
    rows = page.locator("#change-history tbody tr")
    expect(rows.first).to_contain_text("editor")
    rows.first.get_by_role("link", name=re.compile("What changed")).click()
    expect(page.locator(".revision-changes ins")).to_have_text(" An unsourced claim.")

    page.go_back()
    rows.nth(1).get_by_role("link", name=re.compile("Restore")).click()
    expect(page.get_by_label("Summary")).to_have_value(original)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text(re.compile("was changed successfully"))
    leeds.refresh_from_db()
    assert leeds.summary == original
