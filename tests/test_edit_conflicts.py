"""Two editors open the same record: the second to save is told, keeps their input, and
overwrites nothing."""

import pytest
from django.urls import reverse
from django.utils import timezone

from casebase.content.models import CaseStudy, Finding, Grade, Role
from tests.helpers import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_editor(client, django_user_model):
    from django.test import Client

    other = Client()
    other.force_login(
        django_user_model.objects.create_superuser("second", "s@example.org", "a long password!")
    )
    return other


def test_the_second_save_of_a_case_study_is_refused_and_keeps_the_input(
    editor_client, second_editor
):
    study = CaseStudy.objects.get(slug="leeds-teaching-hospitals")
    url = reverse("admin:content_casestudy_change", args=[study.pk])
    first, second = form_data(editor_client.get(url)), form_data(second_editor.get(url))

    first["summary"] = "The first editor's correction."
    assert editor_client.post(url, first).status_code == 302

    second["context"] = "The second editor's careful rewrite."
    response = second_editor.post(url, second)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Someone else saved this record" in page
    assert "The second editor&#x27;s careful rewrite." in page, "their input is still there"
    study.refresh_from_db()
    assert study.summary == "The first editor's correction.", "nothing of the first is lost"
    assert study.context != "The second editor's careful rewrite.", "nothing was saved"

    # Having looked, the second editor saves again on purpose: now it goes through.
    again = form_data(response)
    assert again["editing_since"] != second["editing_since"]
    assert second_editor.post(url, again).status_code == 302
    study.refresh_from_db()
    assert study.context == "The second editor's careful rewrite."


def test_an_unchanged_record_saves_normally(editor_client):
    finding = Finding.objects.first()
    url = reverse("admin:content_finding_change", args=[finding.pk])
    data = form_data(editor_client.get(url))
    data["statement"] = "Corrected."
    assert editor_client.post(url, data).status_code == 302
    finding.refresh_from_db()
    assert finding.statement == "Corrected."


def test_a_conflict_on_any_record_type_is_caught(editor_client, second_editor):
    finding = Finding.objects.first()
    url = reverse("admin:content_finding_change", args=[finding.pk])
    stale = form_data(second_editor.get(url))
    fresh = form_data(editor_client.get(url))
    fresh["statement"] = "First."
    editor_client.post(url, fresh)
    stale["statement"] = "Second."
    assert "Someone else saved this record" in second_editor.post(url, stale).content.decode()
    finding.refresh_from_db()
    assert finding.statement == "First."


# --- Parts edited on other pages ----------------------------------------------------------
#
# A case study's form holds its parts (people, practices, outcomes, credits, quotes,
# corrections). A part changed, added or deleted on its own page since an editor opened the
# case study makes the editor's save a conflict too: saving would silently put the part back.


def saved_at(moment) -> str:
    """How the conflict message gives a time: 14:02:11 on 4 December 2026."""
    local = timezone.localtime(moment)
    return f"{local:%H:%M:%S} on {local.day} {local:%B %Y}"


def save_own_page(client, obj, **changes) -> None:
    url = reverse(f"admin:content_{obj._meta.model_name}_change", args=[obj.pk])
    data = form_data(client.get(url)) | changes
    response = client.post(url, data)
    assert response.status_code == 302, response.context["errors"] if response.context else ""


def refusal(response) -> str:
    assert response.status_code == 200, "nothing was saved"
    page = response.content.decode()
    assert "Someone else saved this record" in page
    return page.replace("&#x27;", "'")


@pytest.fixture
def leeds() -> CaseStudy:
    return CaseStudy.objects.get(slug="leeds-teaching-hospitals")


def test_a_quote_changed_on_its_own_page_is_not_reverted_by_a_save_of_its_case_study(
    editor_client, second_editor, leeds
):
    url = reverse("admin:content_casestudy_change", args=[leeds.pk])
    opened = form_data(editor_client.get(url))  # A opens the case study, its quotes inline

    quote = leeds.quotes.order_by("position", "id").first()
    save_own_page(second_editor, quote, text="B's corrected wording of the quote.")
    quote.refresh_from_db()

    opened["summary"] = "A's new summary."  # A changes only the summary
    page = refusal(editor_client.post(url, opened))
    assert f"the quote “{quote}” was changed at {saved_at(quote.updated_at)}" in page
    assert "A's new summary." in page, "A's input is still in the form"
    quote.refresh_from_db()
    leeds.refresh_from_db()
    assert quote.text == "B's corrected wording of the quote.", "B's quote is kept"
    assert leeds.summary != "A's new summary.", "nothing was saved"


def test_a_credit_added_elsewhere_since_the_case_study_was_opened_is_a_conflict(
    editor_client, second_editor, leeds
):
    url = reverse("admin:content_casestudy_change", args=[leeds.pk])
    opened = form_data(editor_client.get(url))

    credited = set(leeds.contributions.values_list("application", "outcome"))
    application, outcome = next(
        (application, outcome)
        for application in leeds.applications.all()
        for outcome in leeds.outcomes.all()
        if (application.pk, outcome.pk) not in credited
    )
    add = reverse("admin:content_contribution_add")
    added = {"case_study": leeds.pk, "application": application.pk, "outcome": outcome.pk,
             "directness": "general", "passage": "B links them."}  # fmt: skip
    assert second_editor.post(add, added).status_code == 302
    credit = leeds.contributions.get(application=application, outcome=outcome)

    opened["summary"] = "A's new summary."
    page = refusal(editor_client.post(url, opened))
    assert f"“{credit}” was added at {saved_at(credit.updated_at)}" in page
    assert leeds.contributions.filter(pk=credit.pk).exists()


def test_a_quote_deleted_elsewhere_since_the_case_study_was_opened_is_a_conflict(
    editor_client, second_editor, leeds
):
    url = reverse("admin:content_casestudy_change", args=[leeds.pk])
    opened = form_data(editor_client.get(url))

    quote = leeds.quotes.order_by("position", "id").last()
    delete = reverse("admin:content_quote_delete", args=[quote.pk])
    assert second_editor.post(delete, {"post": "yes"}).status_code == 302

    opened["summary"] = "A's new summary."
    page = refusal(editor_client.post(url, opened))
    assert f"the quote “{quote}” was deleted at" in page
    leeds.refresh_from_db()
    assert leeds.summary != "A's new summary."


def test_saving_the_case_study_and_its_parts_with_no_one_elses_change_succeeds(
    editor_client, leeds
):
    url = reverse("admin:content_casestudy_change", args=[leeds.pk])
    data = form_data(editor_client.get(url))
    data["summary"] = "A's new summary."
    data["quotes-0-text"] = "A's corrected quote."
    assert editor_client.post(url, data).status_code == 302
    leeds.refresh_from_db()
    assert leeds.summary == "A's new summary."
    assert leeds.quotes.order_by("position", "id").first().text == "A's corrected quote."

    # A's own save is no conflict with A's next one.
    again = form_data(editor_client.get(url))
    again["summary"] = "A's second thought."
    assert editor_client.post(url, again).status_code == 302


def test_a_role_changed_on_its_own_page_is_a_conflict_for_its_organisation_and_person(
    editor_client, second_editor
):
    role = Role.objects.filter(organisation__isnull=False).select_related("person").first()
    organisation_url = reverse("admin:content_organisation_change", args=[role.organisation_id])
    person_url = reverse("admin:content_person_change", args=[role.person_id])
    organisation_form = form_data(editor_client.get(organisation_url))
    person_form = form_data(editor_client.get(person_url))

    save_own_page(second_editor, role, title="Chief executive (interim)")
    role.refresh_from_db()

    organisation_form["summary"] = "A's summary of the organisation."
    page = refusal(editor_client.post(organisation_url, organisation_form))
    assert f"“{role}” was changed at {saved_at(role.updated_at)}" in page
    person_form["summary"] = "A's summary of the person."
    assert f"“{role}” was changed at" in refusal(editor_client.post(person_url, person_form))
    role.refresh_from_db()
    assert role.title == "Chief executive (interim)"


def test_a_grade_changed_on_its_own_page_is_a_conflict_for_its_scale(editor_client, second_editor):
    grade = Grade.objects.select_related("scale").first()
    url = reverse("admin:content_gradescale_change", args=[grade.scale_id])
    opened = form_data(editor_client.get(url))
    save_own_page(second_editor, grade, name=grade.name + " (renamed)")
    opened["name"] = grade.scale.name + " (A's rename)"
    refusal(editor_client.post(url, opened))
    grade.refresh_from_db()
    assert grade.name.endswith(" (renamed)")


def test_a_garbled_fingerprint_is_a_conflict_not_an_error(editor_client, leeds):
    url = reverse("admin:content_casestudy_change", args=[leeds.pk])
    data = form_data(editor_client.get(url))
    data["editing_since"] = "nonsense content.Quote:abc@x content.Nothing:1@y"
    data["summary"] = "A's new summary."
    refusal(editor_client.post(url, data))
    leeds.refresh_from_db()
    assert leeds.summary != "A's new summary."
