"""Two editors open the same record: the second to save is told, keeps their input, and
overwrites nothing."""

import pytest
from django.urls import reverse

from casebase.content.models import CaseStudy, Finding
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
