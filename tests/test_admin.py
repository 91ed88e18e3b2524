"""The editors' admin: every page answers, in a fixed number of queries, and editing is safe."""

import pytest
from django.contrib import admin
from django.urls import reverse

from casebase.content.models import (
    CaseStudy,
    Organisation,
    Outcome,
    Person,
    PracticeApplication,
    Status,
)

pytestmark = pytest.mark.django_db

# Every signed-in request also saves the session (savepoint, update, release) to restart the
# 30-minute idle timeout. Readers have no session and do not pay this.
SESSION_RENEWAL = 3

# Queries per page for a signed-in editor, besides the renewal. Every page spends 2 on the
# session and the user.
# A changelist then counts the rows (twice: filtered and total), fetches one page of rows with
# their related columns joined in, and builds its filters' choices; an add or change page loads
# the record and the choices of its selects (autocomplete widgets load only what is selected).
# Content types are cached per process (loading the compendium records revisions, which warms
# the cache), so no page pays for one. A change page with inlines also reads, once per inline,
# when each row was last saved: the edit-conflict check remembers it (content/conflicts.py).
PINNED = {
    # model: (changelist, add, change)
    "sector": (5, 2, 3),
    "organisationtype": (6, 2, 4),  # + sector filter choices
    "source": (6, 2, 5),  # + year filter; change: based_on selected
    "gradescale": (6, 2, 6),  # + grades prefetched; change: grade inline rows, their saves
    "indicator": (5, 2, 4),
    "practicetheme": (5, 2, 3),
    "practice": (7, 2, 4),  # + theme and sector filter choices
    "organisation": (7, 5, 11),  # add/change: fact and role inlines' cached choices
    "person": (7, 4, 8),  # + roles prefetched with their organisations
    "role": (6, 2, 8),
    "casestudy": (8, 13, 28),  # change: six inlines, each choice list fetched once
    "practiceapplication": (8, 2, 8),
    "outcome": (6, 2, 8),  # a result named by its label needs no indicator to be named
    "grade": (6, 3, 4),
    "contribution": (6, 2, 13),
    "quote": (7, 2, 11),
    "finding": (7, 2, 5),
    "recommendation": (7, 2, 5),
    "testimonial": (6, 2, 8),
}

CONTENT_MODELS = sorted(
    (model for model in admin.site._registry if model._meta.app_label == "content"),
    key=lambda model: model._meta.model_name,
)


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:content_{model._meta.model_name}_{view}", args=args)


def test_every_content_model_is_in_the_admin_and_pinned():
    assert {model._meta.model_name for model in CONTENT_MODELS} == set(PINNED)


@pytest.mark.parametrize("model", CONTENT_MODELS, ids=lambda model: model._meta.model_name)
def test_changelist_answers_in_the_same_queries_for_one_row_and_all_rows(
    model, editor_client, django_assert_num_queries
):
    expected = PINNED[model._meta.model_name][0] + SESSION_RENEWAL
    first = model.objects.order_by("pk").first()
    with django_assert_num_queries(expected):
        everything = editor_client.get(admin_url(model, "changelist"))
    with django_assert_num_queries(expected):
        one_row = editor_client.get(admin_url(model, "changelist") + f"?id__in={first.pk}")
    assert everything.status_code == one_row.status_code == 200
    assert model.objects.count() > 1
    assert everything.context["cl"].result_count == model.objects.count()
    assert one_row.context["cl"].result_count == 1


@pytest.mark.parametrize("model", CONTENT_MODELS, ids=lambda model: model._meta.model_name)
def test_add_page_answers(model, editor_client, django_assert_num_queries):
    with django_assert_num_queries(PINNED[model._meta.model_name][1] + SESSION_RENEWAL):
        response = editor_client.get(admin_url(model, "add"))
    assert response.status_code == 200


@pytest.mark.parametrize("model", CONTENT_MODELS, ids=lambda model: model._meta.model_name)
def test_change_page_answers(model, editor_client, django_assert_num_queries):
    first = model.objects.order_by("pk").first()
    with django_assert_num_queries(PINNED[model._meta.model_name][2] + SESSION_RENEWAL):
        response = editor_client.get(admin_url(model, "change", first.pk))
    assert response.status_code == 200


def test_a_case_study_page_costs_the_same_with_many_inline_rows_as_with_none(
    editor_client, case_study, django_assert_num_queries
):
    richest = max(CaseStudy.objects.all(), key=lambda study: study.applications.count())
    assert richest.applications.count() >= 5 and richest.outcomes.count() >= 2
    with django_assert_num_queries(PINNED["casestudy"][2] + SESSION_RENEWAL):
        editor_client.get(admin_url(CaseStudy, "change", richest.pk))
    with django_assert_num_queries(PINNED["casestudy"][2] + SESSION_RENEWAL):
        editor_client.get(admin_url(CaseStudy, "change", case_study.pk))


def test_an_editor_sees_which_practices_leeds_applied_and_what_changed(editor_client):
    leeds = CaseStudy.objects.get(organisation__slug__contains="leeds")
    page = editor_client.get(admin_url(CaseStudy, "change", leeds.pk)).content.decode()
    for practice in ("Visible leadership", "Flat structure", "Devolved autonomy"):
        assert practice in page
    assert "CQC overall rating" in page
    assert "requires improvement" in page.lower()


def test_the_admin_is_branded_casebase(editor_client):
    page = editor_client.get(reverse("admin:index")).content.decode()
    assert "<title>Knowledge base | Casebase</title>" in page
    assert "Casebase editors" in page


def test_search_finds_a_case_study_by_an_organisation_alias(editor_client):
    response = editor_client.get(admin_url(CaseStudy, "changelist") + "?q=LTHT")
    assert [study.organisation.slug for study in response.context["cl"].result_list] == [
        "leeds-teaching-hospitals-nhs-trust"
    ]


def test_search_finds_a_person_by_an_alias(editor_client):
    response = editor_client.get(admin_url(Person, "changelist") + "?q=Kath Gaskell Do Carmo")
    assert [person.name for person in response.context["cl"].result_list] == [
        "Kathryn Gaskell do Carmo"
    ]


def test_the_status_filter_lists_drafts(editor_client, case_study):
    CaseStudy.objects.filter(pk=case_study.pk).update(status=Status.DRAFT)
    response = editor_client.get(admin_url(CaseStudy, "changelist") + "?status__exact=draft")
    assert list(response.context["cl"].result_list) == [case_study]


def test_an_added_case_study_is_a_draft_until_an_editor_publishes_it(editor_client, source):
    organisation = Organisation.objects.get(slug="chartered-management-institute")
    response = editor_client.post(
        admin_url(CaseStudy, "add"),
        {
            "title": "CMI trains its own",
            "slug": "cmi-trains-its-own",
            "organisation": organisation.pk,
            "source": source.pk,
            "context": "c",
            "summary": "s",
            "status": "draft",  # what the form offers first
            **empty_inline_management_forms(),
        },
    )
    assert response.status_code == 302, response.context["errors"]
    study = CaseStudy.objects.get(slug="cmi-trains-its-own")
    assert study.status == Status.DRAFT
    assert study not in CaseStudy.objects.published()


def test_a_result_before_its_baseline_is_explained_on_the_form(editor_client):
    outcome = Outcome.objects.filter(baseline_year__isnull=False).first()
    response = editor_client.post(
        admin_url(Outcome, "change", outcome.pk),
        {
            "case_study": outcome.case_study_id,
            "slug": outcome.slug,
            "indicator": outcome.indicator_id,
            "baseline_grade": outcome.baseline_grade_id or "",
            "baseline_value": outcome.baseline_value or "",
            "baseline_year": 2020,
            "result_grade": outcome.result_grade_id or "",
            "result_value": outcome.result_value or "",
            "result_year": 2010,
            "direction": outcome.direction,
            "evidence": outcome.evidence,
            "statement": outcome.statement,
            "source": outcome.source_id,
            "position": outcome.position,
            "status": outcome.status,
        },
    )
    assert response.status_code == 200
    assert "A result cannot come before its baseline." in response.content.decode()
    outcome.refresh_from_db()
    assert outcome.result_year != 2010


def test_publish_action_publishes_only_the_chosen_records(editor_client, case_study):
    CaseStudy.objects.filter(pk=case_study.pk).update(status=Status.DRAFT)
    response = editor_client.post(
        admin_url(CaseStudy, "changelist"),
        {"action": "publish", "_selected_action": [case_study.pk]},
        follow=True,
    )
    assert "1 record published." in response.content.decode()
    case_study.refresh_from_db()
    assert case_study.status == Status.PUBLISHED


def test_contribution_choices_are_limited_to_the_case_studys_own(editor_client):
    leeds = CaseStudy.objects.get(organisation__slug__contains="leeds")
    page = editor_client.get(admin_url(CaseStudy, "change", leeds.pk))
    formset = next(
        f for f in page.context["inline_admin_formsets"] if f.formset.prefix == "contributions"
    )
    offered = {value for value, _ in formset.formset.empty_form.fields["application"].choices}
    own = set(PracticeApplication.objects.filter(case_study=leeds).values_list("pk", flat=True))
    assert offered - {""} == own


def empty_inline_management_forms() -> dict[str, int]:
    prefixes = (
        "participants",
        "applications",
        "outcomes",
        "contributions",
        "quotes",
        "corrections",
    )
    return {
        f"{prefix}-{field}": value
        for prefix in prefixes
        for field, value in (("TOTAL_FORMS", 0), ("INITIAL_FORMS", 0))
    }
