"""Editors change drafts only: nothing readers see (or saw) changes without a Publisher,
whichever kind of record carries it, on its own page or inline on another's."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db import models
from django.urls import reverse

from casebase.content.models import (
    CaseStudy,
    Contribution,
    Grade,
    GradeScale,
    Indicator,
    Organisation,
    OrganisationType,
    Person,
    PracticeTheme,
    Publishable,
    Role,
    Sector,
    Source,
    Status,
)
from tests.helpers import form_data

pytestmark = pytest.mark.django_db

CONTENT_MODELS = sorted(
    (model for model in admin.site._registry if model._meta.app_label == "content"),
    key=lambda model: model._meta.model_name,
)
# Every page uses these: only Publishers add, change or delete them.
REFERENCE_DATA = {Sector, OrganisationType, GradeScale, Grade, Indicator}
# Records without a status, and what makes one live: the record whose published page shows it.
SHOWN_ON_A_PUBLISHED_PAGE = {
    Contribution: {"case_study__status": Status.PUBLISHED},
    Role: {"person__status": Status.PUBLISHED},
}


def live_instance(model: type[models.Model]) -> models.Model:
    """One that readers see: the loaded compendium is published."""
    if issubclass(model, Publishable):
        return model.objects.filter(status=Status.PUBLISHED).order_by("pk").first()
    assert model in REFERENCE_DATA | SHOWN_ON_A_PUBLISHED_PAGE.keys(), f"{model}: which is it?"
    return model.objects.filter(**SHOWN_ON_A_PUBLISHED_PAGE.get(model, {})).order_by("pk").first()


def url(obj, view: str) -> str:
    return reverse(f"admin:content_{obj._meta.model_name}_{view}", args=[obj.pk])


def row(obj) -> dict:
    return type(obj).objects.filter(pk=obj.pk).values().get()


def edited(obj, data: dict) -> dict:
    """The form as posted back with one plain text field changed."""
    for model_field in obj._meta.fields:
        value = data.get(model_field.name)
        plain = isinstance(model_field, models.CharField | models.TextField) and not (
            model_field.choices or isinstance(model_field, models.SlugField | models.URLField)
        )
        if plain and value and len(value) + 9 <= (model_field.max_length or 10_000):
            return {**data, model_field.name: value + " (edited)"}
    raise AssertionError(f"{obj._meta.model_name} has no text field to edit")


@pytest.mark.parametrize("model", CONTENT_MODELS, ids=lambda model: model._meta.model_name)
def test_an_editor_cannot_change_or_delete_a_live_record(model, editor_only, publisher):
    obj = live_instance(model)
    before, count = row(obj), model.objects.count()

    page = editor_only.get(url(obj, "change"))
    assert page.status_code == 200, "Editors see it"
    assert 'name="_save"' not in page.content.decode(), "read-only: no save button"

    data = edited(obj, form_data(publisher.get(url(obj, "change"))))
    assert editor_only.post(url(obj, "change"), data).status_code == 403
    assert editor_only.post(url(obj, "delete"), {"post": "yes"}).status_code == 403
    changelist = reverse(f"admin:content_{model._meta.model_name}_changelist")
    editor_only.post(
        changelist, {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"}
    )
    assert row(obj) == before and model.objects.count() == count, "the database is unchanged"


@pytest.mark.parametrize("model", CONTENT_MODELS, ids=lambda model: model._meta.model_name)
def test_a_publisher_can_change_a_live_record(model, publisher):
    obj = live_instance(model)
    data = edited(obj, form_data(publisher.get(url(obj, "change"))))
    response = publisher.post(url(obj, "change"), data)
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    assert any(str(value).endswith(" (edited)") for value in row(obj).values())


@pytest.mark.parametrize("model", sorted(REFERENCE_DATA, key=lambda model: model.__name__))
def test_reference_data_is_view_only_to_editors(model, editor_only):
    add = reverse(f"admin:content_{model._meta.model_name}_add")
    assert editor_only.get(add).status_code == 403
    changelist = editor_only.get(reverse(f"admin:content_{model._meta.model_name}_changelist"))
    assert changelist.status_code == 200
    assert add not in changelist.content.decode(), "no Add button"


def test_a_credit_of_a_published_case_study_cannot_be_changed_through_its_form(
    editor_only, publisher
):
    leeds = CaseStudy.objects.get(slug="leeds-teaching-hospitals")
    credit = leeds.contributions.order_by("pk").first()
    data = form_data(publisher.get(url(leeds, "change")))
    index = list(leeds.contributions.order_by("pk")).index(credit)
    data[f"contributions-{index}-passage"] = "An Editor's unreviewed passage."
    assert editor_only.post(url(leeds, "change"), data).status_code == 403
    credit.refresh_from_db()
    assert credit.passage != "An Editor's unreviewed passage."


def test_an_editor_cannot_credit_a_practice_on_a_published_case_study(editor_only):
    leeds = CaseStudy.objects.get(slug="leeds-teaching-hospitals")
    credited = set(leeds.contributions.values_list("application", "outcome"))
    application, outcome = next(
        (application, outcome)
        for application in leeds.applications.all()
        for outcome in leeds.outcomes.all()
        if (application.pk, outcome.pk) not in credited
    )
    link = {"application": application.pk, "outcome": outcome.pk, "directness": "explicit",
            "passage": "An Editor's link."}  # fmt: skip
    response = editor_only.post(
        reverse("admin:content_contribution_add"), {"case_study": leeds.pk, **link}
    )
    assert response.status_code == 200
    assert "only a Publisher can" in response.content.decode()
    assert not leeds.contributions.filter(passage="An Editor's link.").exists()


def test_an_editor_changes_the_credits_of_a_draft_case_study(editor_only):
    leeds = CaseStudy.objects.get(slug="leeds-teaching-hospitals")
    CaseStudy.objects.filter(pk=leeds.pk).update(status=Status.DRAFT)
    credit = leeds.contributions.order_by("pk").first()
    data = form_data(editor_only.get(url(credit, "change")))
    data["passage"] = "Reworded on its own page."
    assert editor_only.post(url(credit, "change"), data).status_code == 302

    data = form_data(editor_only.get(url(leeds, "change")))
    index = list(leeds.contributions.order_by("pk")).index(credit)
    data[f"contributions-{index}-passage"] = "Reworded on the case study's page."
    response = editor_only.post(url(leeds, "change"), data)
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    credit.refresh_from_db()
    assert credit.passage == "Reworded on the case study's page."


def test_a_published_outcome_is_the_publishers_even_on_a_draft_case_studys_page(editor_only):
    leeds = CaseStudy.objects.get(slug="leeds-teaching-hospitals")
    CaseStudy.objects.filter(pk=leeds.pk).update(status=Status.DRAFT)
    outcome = leeds.outcomes.order_by("position", "id").first()
    data = form_data(editor_only.get(url(leeds, "change")))
    data["outcomes-0-statement"] = "An Editor's unreviewed statement."
    response = editor_only.post(url(leeds, "change"), data)
    assert response.status_code == 200
    assert "It is published: only a Publisher can" in response.content.decode()
    outcome.refresh_from_db()
    assert outcome.statement != "An Editor's unreviewed statement."


@pytest.fixture
def draft_person() -> Person:
    return Person.objects.create(name="Dana Draft", slug="dana-draft")


def test_an_editor_changes_the_roles_of_a_draft_person(editor_only, draft_person):
    role = Role.objects.create(
        person=draft_person, title="Chair", source=Source.objects.get(slug="the-management-mission")
    )
    data = form_data(editor_only.get(url(draft_person, "change")))
    data["roles-0-title"] = "Chair of the board"
    response = editor_only.post(url(draft_person, "change"), data)
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    role.refresh_from_db()
    assert role.title == "Chair of the board"


def test_a_role_at_a_published_organisation_is_the_publishers_even_on_a_draft_persons_page(
    editor_only, draft_person
):
    leeds_trust = Organisation.objects.get(slug="leeds-teaching-hospitals-nhs-trust")
    role = Role.objects.create(
        person=draft_person,
        organisation=leeds_trust,
        title="Non-executive director",
        source=Source.objects.get(slug="the-management-mission"),
    )
    page = url(draft_person, "change")

    data = form_data(editor_only.get(page))
    data["roles-0-title"] = "Chair"
    response = editor_only.post(page, data)
    assert response.status_code == 200
    assert "only a Publisher can" in response.content.decode()

    data = form_data(editor_only.get(page))
    data["roles-0-DELETE"] = "on"
    response = editor_only.post(page, data)
    assert response.status_code == 200
    assert "only a Publisher can" in response.content.decode()
    role.refresh_from_db()
    assert role.title == "Non-executive director"

    data = form_data(editor_only.get(page))
    data["roles-0-organisation"] = ""  # moving it away is changing it too
    assert editor_only.post(page, data).status_code == 200
    role.refresh_from_db()
    assert role.organisation == leeds_trust


def test_an_editor_cannot_add_a_role_at_a_published_organisation(editor_only, draft_person):
    leeds_trust = Organisation.objects.get(slug="leeds-teaching-hospitals-nhs-trust")
    page = url(draft_person, "change")
    source = Source.objects.get(slug="the-management-mission")
    data = form_data(editor_only.get(page)) | {
        "roles-TOTAL_FORMS": "1",
        "roles-0-title": "Porter",
        "roles-0-organisation": str(leeds_trust.pk),
        "roles-0-source": str(source.pk),
    }
    response = editor_only.post(page, data)
    assert response.status_code == 200
    assert "only a Publisher can" in response.content.decode()
    assert not draft_person.roles.exists()


def test_an_editor_cannot_reorder_live_themes_from_the_list(editor_only):
    theme = PracticeTheme.objects.filter(status=Status.PUBLISHED).order_by("pk").first()
    position = theme.position
    changelist = reverse("admin:content_practicetheme_changelist")
    management = {"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "1", "_save": "Save"}
    row_edit = {"form-0-id": str(theme.pk), "form-0-position": str(position + 7)}
    response = editor_only.post(changelist, management | row_edit)
    assert "only a Publisher can" in response.content.decode()
    theme.refresh_from_db()
    assert theme.position == position


# What Editors handle besides content: readers' suggestions (casebase/suggestions).
EDITORS_HANDLE = {"content", "suggestions"}


@pytest.mark.parametrize(
    "model",
    sorted(
        (model for model in admin.site._registry if model._meta.app_label not in EDITORS_HANDLE),
        key=lambda model: model._meta.label,
    ),
    ids=lambda model: model._meta.label,
)
def test_editors_cannot_reach_what_is_not_content(model, editor_only):
    opts = model._meta
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    assert editor_only.get(changelist).status_code == 403


def test_editors_reach_readers_suggestions(editor_only):
    assert editor_only.get(reverse("admin:suggestions_suggestion_changelist")).status_code == 200


def test_every_record_the_admin_shows_has_a_rule_and_every_inline_applies_it():
    from casebase.editing.admin import LiveCheckedInline
    from casebase.editing.permissions import REFERENCE_DATA as RULED_REFERENCE_DATA
    from casebase.editing.permissions import SHOWN_WITH

    assert RULED_REFERENCE_DATA == REFERENCE_DATA
    assert SHOWN_WITH.keys() >= SHOWN_ON_A_PUBLISHED_PAGE.keys()
    for model in CONTENT_MODELS:
        for inline in admin.site._registry[model].inlines:
            assert issubclass(inline, LiveCheckedInline), inline
            shown = inline.model
            assert issubclass(shown, Publishable) or shown in REFERENCE_DATA | SHOWN_WITH.keys()
        assert issubclass(model, Publishable) or model in REFERENCE_DATA | SHOWN_WITH.keys()


@pytest.mark.parametrize("group", ["Editors", "Publishers"])
def test_both_groups_can_work_on_every_kind_of_content_the_admin_shows(group):
    """The groups' permissions are given by migrations: a model added later (corrections)
    needs its own, or no Editor or Publisher ever sees it."""
    granted = set(Group.objects.get(name=group).permissions.values_list("codename", flat=True))
    shown = {*CONTENT_MODELS} | {
        inline.model
        for model_admin in admin.site._registry.values()
        for inline in model_admin.inlines
    }
    missing = [
        f"{action}_{model._meta.model_name}"
        for model in sorted(shown, key=lambda model: model._meta.model_name)
        for action in ("view", "add", "change", "delete")
        if f"{action}_{model._meta.model_name}" not in granted
    ]
    assert missing == []


def test_a_publisher_adds_a_correction_to_a_published_case_study(publisher):
    study = CaseStudy.objects.get(slug="leeds-teaching-hospitals")
    page = publisher.get(reverse("admin:content_casestudy_change", args=[study.pk]))
    assert "corrections-TOTAL_FORMS" in page.content.decode(), "the corrections inline shows"


def test_an_editor_opening_a_live_record_is_told_why_it_is_read_only(editor_only):
    study = CaseStudy.objects.get(slug="leeds-teaching-hospitals")
    page = editor_only.get(reverse("admin:content_casestudy_change", args=[study.pk]))
    assert "It is published: only a Publisher can add, change or remove this case study." in (
        page.content.decode()
    )
    sector = reverse("admin:content_sector_change", args=[Sector.objects.first().pk])
    assert (
        "Sectors are reference data that every page uses"
        in editor_only.get(sector).content.decode()
    )


def test_a_publisher_is_not_told_a_live_record_is_read_only(publisher):
    study = CaseStudy.objects.get(slug="leeds-teaching-hospitals")
    page = publisher.get(reverse("admin:content_casestudy_change", args=[study.pk]))
    assert "only a Publisher can" not in page.content.decode()
