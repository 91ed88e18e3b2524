"""An Editor imports a spreadsheet of ten organisations in Chromium: the preview first, then
ten drafts."""

import pytest
from django.contrib.auth.models import Group, Permission
from playwright.sync_api import Page, expect

from casebase.content.models import Organisation, Status
from tests.test_imports import HEADER, organisation_rows

PASSWORD = "a long editor password"


@pytest.fixture
def editor_signed_in(site: str, page: Page, django_user_model, tmp_path) -> Page:
    """A member of the Editors group (made afresh: live-server tests flush the database)."""
    editors, _ = Group.objects.get_or_create(name="Editors")
    content = Permission.objects.filter(content_type__app_label="content")
    editors.permissions.set(
        content.filter(codename__regex=r"^(add|change|delete|view)_")
        | content.filter(codename="import_records")
    )
    user = django_user_model.objects.create_user("editor", password=PASSWORD, is_staff=True)
    user.groups.add(editors)
    page.goto(f"{site}/admin/login/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_title("Knowledge base | Casebase")
    return page


def test_an_editor_previews_and_imports_ten_organisations_as_drafts(
    editor_signed_in: Page, site: str, tmp_path
):
    page = editor_signed_in
    spreadsheet = tmp_path / "organisations.csv"
    spreadsheet.write_text(
        "\n".join(",".join(row) for row in [HEADER, *organisation_rows()]) + "\n"
    )
    page.goto(f"{site}/admin/content/organisation/")
    page.get_by_role("link", name="Import").click()
    page.get_by_label("File to import").set_input_files(spreadsheet)
    page.get_by_label("Format").select_option(label="csv")
    page.get_by_role("button", name="Submit").click()

    preview = page.locator("table.import-preview")
    expect(preview.locator("tbody tr")).to_have_count(10)
    expect(preview).to_contain_text("Imported Trust 7")
    expect(preview.locator("tbody tr").first).to_contain_text("New")
    assert not Organisation.objects.filter(slug__startswith="imported-trust-").exists()

    page.get_by_role("button", name="Confirm import").click()
    expect(page.locator(".messagelist")).to_contain_text("10 new")
    page.get_by_role("link", name="Draft", exact=True).click()
    expect(page.locator("#result_list")).to_contain_text("Imported Trust 10")
    imported = Organisation.objects.filter(slug__startswith="imported-trust-")
    assert sorted(set(imported.values_list("status", flat=True))) == [Status.DRAFT]
    assert imported.count() == 10
