"""Editors make and change drafts; Publishers publish and withdraw; staff preview drafts."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from casebase.content.models import (
    CaseStudy,
    ContentVersion,
    Contribution,
    Finding,
    PracticeApplication,
    Status,
)

pytestmark = pytest.mark.django_db


def test_the_migration_made_the_two_groups():
    assert Group.objects.get(name="Editors").permissions.filter(codename="add_casestudy").exists()
    assert not Group.objects.get(name="Editors").permissions.filter(codename="publish").exists()
    assert Group.objects.get(name="Publishers").permissions.filter(codename="publish").exists()


def test_an_editor_cannot_publish_by_any_route(editor_only):
    changelist = editor_only.get(reverse("admin:content_casestudy_changelist")).content.decode()
    assert "Publish selected records" not in changelist
    finding = Finding.objects.create(slug="a-draft", statement="x", excerpt="x",
                                     source_id=Finding.objects.first().source_id)  # fmt: skip
    url = reverse("admin:content_finding_change", args=[finding.pk])
    page = editor_only.get(url)
    assert page.status_code == 200 and 'name="status"' not in page.content.decode()
    editor_only.post(
        reverse("admin:content_finding_changelist"),
        {"action": "publish", "_selected_action": [finding.pk]},
    )
    finding.refresh_from_db()
    assert finding.status == Status.DRAFT


def test_an_editor_sees_live_records_but_cannot_change_or_delete_them(editor_only):
    leeds = CaseStudy.objects.get(slug="leeds-teaching-hospitals")
    page = editor_only.get(reverse("admin:content_casestudy_change", args=[leeds.pk]))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode(), "read-only: no save button"
    response = editor_only.post(reverse("admin:content_casestudy_delete", args=[leeds.pk]),
                                {"post": "yes"})  # fmt: skip
    assert response.status_code == 403
    assert CaseStudy.objects.filter(pk=leeds.pk).exists()


def test_a_publisher_publishes_and_withdraws(publisher):
    norfolk = CaseStudy.objects.get(slug="norfolk")
    changelist = reverse("admin:content_casestudy_changelist")
    publisher.post(changelist, {"action": "withdraw", "_selected_action": [norfolk.pk]})
    norfolk.refresh_from_db()
    assert norfolk.status == Status.WITHDRAWN
    assert Client().get("/case-studies/norfolk/").status_code == 404
    publisher.post(changelist, {"action": "publish", "_selected_action": [norfolk.pk]})
    assert Client().get("/case-studies/norfolk/").status_code == 200


def test_staff_preview_a_draft_as_it_will_look_never_cached_nor_indexed(editor_only):
    CaseStudy.objects.filter(slug="norfolk").update(status=Status.DRAFT)
    preview = reverse("case-study-preview", args=["norfolk"])
    response = editor_only.get(preview)
    assert response.status_code == 200
    page = response.content.decode()
    assert "This case study is draft: readers cannot see it." in page
    assert "Stable leadership" in page
    assert '<meta name="robots" content="noindex, nofollow">' in page
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-cache" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_the_public_cannot_preview(client):
    CaseStudy.objects.filter(slug="norfolk").update(status=Status.DRAFT)
    response = client.get(reverse("case-study-preview", args=["norfolk"]))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert client.get("/case-studies/norfolk/").status_code == 404


def test_view_on_site_opens_the_preview_for_a_draft(publisher):
    from django.contrib import admin

    from casebase.editing.admin import CaseStudyAdmin

    model_admin = CaseStudyAdmin(CaseStudy, admin.site)
    norfolk = CaseStudy.objects.get(slug="norfolk")
    assert model_admin.view_on_site(norfolk) == "/case-studies/norfolk/"
    norfolk.status = Status.DRAFT
    assert model_admin.view_on_site(norfolk) == "/preview/case-studies/norfolk/"


def test_an_editor_cannot_bulk_delete_live_records(editor_only):
    leeds = CaseStudy.objects.get(slug="leeds-teaching-hospitals")
    response = editor_only.post(
        reverse("admin:content_casestudy_changelist"),
        {"action": "delete_selected", "_selected_action": [leeds.pk], "post": "yes"},
    )
    assert response.status_code in {200, 403}
    assert CaseStudy.objects.filter(pk=leeds.pk).exists()


def test_the_preview_credits_draft_parts_but_not_withdrawn_ones(editor_only):
    credit = Contribution.objects.filter(case_study__slug="norfolk").first()
    section = f'id="outcome-{credit.outcome.slug}"'
    practice = f'href="{credit.application.practice.get_absolute_url()}"'
    preview = reverse("case-study-preview", args=["norfolk"])

    PracticeApplication.objects.filter(pk=credit.application_id).update(status=Status.DRAFT)
    page = editor_only.get(preview).content.decode()
    assert practice in page.split(section)[1].split("</section>")[0]

    PracticeApplication.objects.filter(pk=credit.application_id).update(status=Status.WITHDRAWN)
    page = editor_only.get(preview).content.decode()
    assert practice not in page.split(section)[1].split("</section>")[0]


def test_a_bulk_action_that_changes_nothing_leaves_the_content_version(publisher):
    """Publishing what is already published writes nothing, so readers' caches and every
    worker's catalogue index stay as they are."""
    norfolk = CaseStudy.objects.get(slug="norfolk")
    version = ContentVersion.read()
    changelist = reverse("admin:content_casestudy_changelist")
    response = publisher.post(changelist, {"action": "publish", "_selected_action": [norfolk.pk]})
    assert response.status_code == 302
    assert ContentVersion.read() == version
