"""Pages and the admin work under the strict Content-Security-Policy: no violation reported."""

from playwright.sync_api import Page

PASSWORD = "a long editor password"
PUBLIC = [
    "/",
    "/case-studies/?q=leadership&sector=healthcare",
    "/case-studies/leeds-teaching-hospitals/",
    "/evidence-map/?by=outcome",
    "/practices/visible-leadership/",
    "/no-such-page/",
]
ADMIN = [
    "/admin/",
    "/admin/content/casestudy/",
    "/admin/content/casestudy/add/",
    "/admin/content/outcome/?q=CQC",
    "/admin/content/practice/add/",
    "/admin/content/casestudy/recover/",
    "/admin/content/organisation/import/",
    "/admin/content/organisation/export/",
]


def violations_while(page: Page, visit) -> list[str]:
    seen: list[str] = []
    page.on(
        "console",
        lambda message: (
            seen.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text
            else None
        ),
    )
    visit()
    return seen


def test_public_pages_and_the_admin_raise_no_csp_violation(site, page: Page, django_user_model):
    django_user_model.objects.create_superuser("editor", "editor@example.org", PASSWORD)

    def visit():
        for path in PUBLIC:
            page.goto(f"{site}{path}")
        page.goto(f"{site}/admin/login/")
        page.get_by_label("Username").fill("editor")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        for path in ADMIN:
            page.goto(f"{site}{path}")
        page.goto(f"{site}/admin/content/casestudy/")
        page.locator("#result_list tbody th a").first.click()
        page.get_by_text("Add another Person in the case study").click()  # inline JS
        page.get_by_role("link", name="History").click()
        page.get_by_role("link", name="What changed").first.click()

    assert violations_while(page, visit) == []


def test_the_check_itself_catches_a_violation(site, page: Page):
    def visit():
        page.goto(f"{site}/")
        page.evaluate(
            "document.body.insertAdjacentHTML('beforeend', '<p style=\"color:red\">x</p>')"
        )
        page.wait_for_timeout(200)

    assert violations_while(page, visit), "a planted inline style must be reported"
