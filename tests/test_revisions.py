"""Revision history: every change is kept with who and when, shows what it changed, can be
restored, and deleted records come back with what hung on them."""

import importlib
import json
import re

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from reversion.models import Revision, Version

from casebase.content.models import CaseStudy, Outcome, Source, Status
from casebase.editing.history import word_diff
from tests.helpers import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def leeds() -> CaseStudy:
    return CaseStudy.objects.get(slug="leeds-teaching-hospitals")


@pytest.fixture
def named_publisher(publisher, django_user_model) -> Client:
    django_user_model.objects.filter(username="publishers").update(
        first_name="Priya", last_name="Publisher"
    )
    return publisher


def words_of(response) -> str:
    """A page's text without markup: changed words are wrapped in <del> and <ins>."""
    return re.sub(r"<[^>]+>", "", response.content.decode())


def history_of(model_object) -> list[Version]:
    return list(Version.objects.get_for_object(model_object).select_related("revision__user"))


def change_url(obj) -> str:
    return reverse(f"admin:content_{obj._meta.model_name}_change", args=[obj.pk])


def changes_url(obj, version: Version) -> str:
    return reverse(
        f"admin:content_{obj._meta.model_name}_revision_changes", args=[obj.pk, version.pk]
    )


def edit_case_study(client: Client, study: CaseStudy, **changes) -> None:
    """Save the case study's change page as a browser would, with `changes` applied."""
    data = form_data(client.get(change_url(study)))
    data.update(changes)
    response = client.post(change_url(study), data)
    assert response.status_code == 302, response.context["errors"] if response.context else ""


def restore(client: Client, obj, version: Version) -> None:
    """Open a revision in the form, as the history's "Restore" does, and save it."""
    url = reverse(f"admin:content_{obj._meta.model_name}_revision", args=[obj.pk, version.pk])
    response = client.post(url, form_data(client.get(url)))
    assert response.status_code == 302, response.context["errors"] if response.context else ""


def set_status(client: Client, obj, action: str) -> None:
    """A Publisher's bulk action on one record: "publish", "withdraw" or "unpublish"."""
    changelist = reverse(f"admin:content_{obj._meta.model_name}_changelist")
    client.post(changelist, {"action": action, "_selected_action": [obj.pk]})


def test_the_compendium_load_is_the_first_revision(leeds):
    first = history_of(leeds)[-1].revision
    assert first.get_comment() == "Loaded from the compendium's data files."
    assert first.user is None
    recorded = {
        version.object_id for version in first.version_set.filter(content_type__model="outcome")
    }
    assert recorded >= {str(pk) for pk in leeds.outcomes.values_list("pk", flat=True)}


def test_an_edit_with_an_inline_is_one_revision_with_who_and_when(named_publisher, leeds):
    outcome = leeds.outcomes.order_by("position").first()
    before = len(history_of(leeds))
    prefix = f"outcomes-{list(leeds.outcomes.order_by('position')).index(outcome)}"
    edit_case_study(
        named_publisher,
        leeds,
        summary=leeds.summary + " Revised by the editor.",
        **{f"{prefix}-statement": "A corrected statement of the result."},
    )
    history = history_of(leeds)
    assert len(history) == before + 1
    latest = history[0].revision
    assert latest.user.get_full_name() == "Priya Publisher"
    assert Version.objects.get_for_object(outcome).first().revision == latest, "inline kept"

    page = named_publisher.get(reverse("admin:content_casestudy_history", args=[leeds.pk]))
    text = page.content.decode()
    assert "Priya Publisher" in text and "What changed" in text

    changes = named_publisher.get(changes_url(leeds, history[0]))
    assert "<ins> Revised by the editor.</ins>" in changes.content.decode()
    assert "A corrected statement of the result." in words_of(changes)
    assert f"“{outcome}”: changed" in words_of(changes)


def test_a_change_to_a_part_from_its_own_page_is_in_the_case_studys_history(editor_client, leeds):
    outcome = leeds.outcomes.first()
    url = change_url(outcome)
    data = form_data(editor_client.get(url))
    data["timeframe"] = "Over three years"
    assert editor_client.post(url, data).status_code == 302
    latest = history_of(leeds)[0]
    assert "Over three years" in words_of(editor_client.get(changes_url(leeds, latest)))


def test_many_to_many_links_are_recorded_and_shown(editor_client):
    source = Source.objects.get(slug="the-management-mission")
    other = Source.objects.exclude(pk=source.pk).exclude(based_on=source).first()
    data = form_data(editor_client.get(change_url(source)))
    data["based_on"] = [str(other.pk)]
    assert editor_client.post(change_url(source), data).status_code == 302
    latest = history_of(source)[0]
    assert latest.field_dict["based_on"] == [other.pk]
    changes = editor_client.get(changes_url(source, latest)).content.decode()
    assert f"<ins>{other}</ins>" in changes.replace("&#x27;", "'")


def test_a_restore_brings_content_back_as_a_new_revision_and_never_publishes(
    named_publisher, leeds
):
    original_summary = leeds.summary
    edit_case_study(named_publisher, leeds, summary="A summary that was a mistake.")
    CaseStudy.objects.filter(pk=leeds.pk).update(status=Status.WITHDRAWN)
    version = next(v for v in history_of(leeds) if v.field_dict["summary"] == original_summary)
    url = reverse("admin:content_casestudy_revision", args=[leeds.pk, version.pk])

    preview = named_publisher.get(url)
    assert preview.status_code == 200
    assert escape(original_summary) in preview.content.decode()
    leeds.refresh_from_db()
    assert leeds.summary == "A summary that was a mistake.", "looking changes nothing"

    revisions = Revision.objects.count()
    data = form_data(preview)
    assert named_publisher.post(url, data).status_code == 302
    leeds.refresh_from_db()
    assert leeds.summary == original_summary
    assert leeds.status == Status.WITHDRAWN, "a restore keeps the current status"
    assert Revision.objects.count() == revisions + 1
    assert history_of(leeds)[0].revision.get_comment().startswith("Reverted to previous version")


def test_restoring_keeps_a_part_returned_to_draft_in_draft(named_publisher, editor_only, leeds):
    outcome = leeds.outcomes.first()
    edit_case_study(named_publisher, leeds, summary="The summary when all was published.")
    published_version = history_of(leeds)[0]
    statuses = {v.field_dict.get("status") for v in published_version.revision.version_set.all()}
    assert statuses == {Status.PUBLISHED, None}, "the case study and its parts, all published"
    set_status(named_publisher, outcome, "unpublish")
    set_status(named_publisher, leeds, "unpublish")  # an Editor may restore only a draft
    edit_case_study(named_publisher, leeds, summary="A later summary.")

    restore(editor_only, leeds, published_version)

    leeds.refresh_from_db()
    outcome.refresh_from_db()
    assert leeds.summary == "The summary when all was published.", "the content came back"
    assert leeds.status == Status.DRAFT
    assert outcome.status == Status.DRAFT, "an Editor's restore publishes no part"


def test_restoring_keeps_a_part_published_since_published(named_publisher, editor_only, leeds):
    outcome = leeds.outcomes.first()
    set_status(named_publisher, leeds, "unpublish")
    set_status(named_publisher, outcome, "unpublish")
    edit_case_study(named_publisher, leeds, summary="The summary while the outcome was a draft.")
    draft_version = history_of(leeds)[0]
    set_status(named_publisher, outcome, "publish")

    restore(editor_only, leeds, draft_version)

    leeds.refresh_from_db()
    outcome.refresh_from_db()
    assert leeds.summary == "The summary while the outcome was a draft."
    assert outcome.status == Status.PUBLISHED, "a restore takes nothing down either"
    assert leeds.status == Status.DRAFT


def test_restoring_one_record_writes_back_only_it_and_its_parts(named_publisher, leeds):
    """The compendium's load is one revision of every record: restoring Leeds from it must not
    revert Norfolk, nor another organisation, nor a source."""
    first_version = history_of(leeds)[-1]
    assert first_version.revision.version_set.count() > 100, "the load holds every record"
    norfolk = CaseStudy.objects.get(slug="norfolk")
    edit_case_study(named_publisher, norfolk, summary="Norfolk, corrected by a Publisher.")
    source = Source.objects.get(slug="the-management-mission")
    Source.objects.filter(pk=source.pk).update(publisher="A publisher changed since")
    edit_case_study(named_publisher, leeds, summary="A later summary of Leeds.")
    quote = leeds.quotes.first()
    added = leeds.quotes.create(
        text="A quote added since.", speaker=quote.speaker, source=quote.source
    )

    restore(named_publisher, leeds, first_version)

    leeds.refresh_from_db()
    norfolk.refresh_from_db()
    source.refresh_from_db()
    assert leeds.summary == first_version.field_dict["summary"], "Leeds came back"
    assert not leeds.quotes.filter(pk=added.pk).exists(), "a part added since goes, as before"
    assert norfolk.summary == "Norfolk, corrected by a Publisher.", "Norfolk was not reverted"
    assert source.publisher == "A publisher changed since", "nor was the source"


def test_a_deleted_case_study_is_recovered_with_its_parts_as_a_draft(named_publisher, leeds):
    parts = {
        "outcomes": set(leeds.outcomes.values_list("statement", flat=True)),
        "applications": set(leeds.applications.values_list("heading", flat=True)),
        "quotes": set(leeds.quotes.values_list("text", flat=True)),
        "participants": set(leeds.participants.values_list("person_id", flat=True)),
        "contributions": leeds.contributions.count(),
    }
    delete = reverse("admin:content_casestudy_delete", args=[leeds.pk])
    assert named_publisher.post(delete, {"post": "yes"}).status_code == 302
    assert not CaseStudy.objects.filter(slug="leeds-teaching-hospitals").exists()
    assert Client().get("/case-studies/leeds-teaching-hospitals/").status_code == 404

    recover_list = named_publisher.get(reverse("admin:content_casestudy_recoverlist"))
    deleted = recover_list.context["deleted"]
    version = next(v for v in deleted if v.object_repr == str(leeds))
    assert version.revision.user.get_full_name() == "Priya Publisher"
    url = reverse("admin:content_casestudy_recover", args=[version.pk])
    assert named_publisher.post(url, form_data(named_publisher.get(url))).status_code == 302

    back = CaseStudy.objects.get(slug="leeds-teaching-hospitals")
    assert back.status == Status.DRAFT, "recovered records are published deliberately"
    assert set(back.outcomes.values_list("statement", flat=True)) == parts["outcomes"]
    assert set(back.applications.values_list("heading", flat=True)) == parts["applications"]
    assert set(back.quotes.values_list("text", flat=True)) == parts["quotes"]
    assert set(back.participants.values_list("person_id", flat=True)) == parts["participants"]
    assert back.contributions.count() == parts["contributions"]
    for recovered_parts in (back.outcomes, back.applications, back.quotes, back.corrections):
        assert set(recovered_parts.values_list("status", flat=True)) <= {Status.DRAFT}
    assert Client().get("/case-studies/leeds-teaching-hospitals/").status_code == 404


def test_deleting_a_part_is_recorded_in_its_case_studys_history(editor_client, leeds):
    outcome = leeds.outcomes.first()
    delete = reverse("admin:content_outcome_delete", args=[outcome.pk])
    assert editor_client.post(delete, {"post": "yes"}).status_code == 302
    latest = history_of(leeds)[0]
    assert latest.revision.get_comment() == "A part was deleted."
    changes = editor_client.get(changes_url(leeds, latest)).content.decode()
    assert f"“{outcome}”: removed" in changes
    deleted = Version.objects.get_deleted(Outcome)
    assert str(outcome.pk) in {version.object_id for version in deleted}


def test_a_bulk_action_records_one_revision_per_record(named_publisher):
    studies = list(CaseStudy.objects.filter(slug__in=["norfolk", "exeter-college"]))
    assert len(studies) == 2
    named_publisher.post(
        reverse("admin:content_casestudy_changelist"),
        {"action": "withdraw", "_selected_action": [study.pk for study in studies]},
    )
    for study in studies:
        latest = history_of(study)[0]
        assert latest.field_dict["status"] == Status.WITHDRAWN
        assert latest.revision.get_comment() == "Withdrawn (bulk action)."
        assert latest.revision.user.get_full_name() == "Priya Publisher"
        others = {
            v.object_id for v in latest.revision.version_set.filter(content_type__model="casestudy")
        }
        assert others == {str(study.pk)}, "restoring one never reverts the other"


def test_an_editor_cannot_restore_a_live_record(editor_only, publisher, leeds):
    edit_case_study(publisher, leeds, summary="A later summary.")
    version = history_of(leeds)[1]
    url = reverse("admin:content_casestudy_revision", args=[leeds.pk, version.pk])
    looking = editor_only.get(url)
    assert looking.status_code == 200 and 'name="_save"' not in looking.content.decode()
    assert editor_only.post(url, form_data(looking)).status_code == 403
    leeds.refresh_from_db()
    assert leeds.summary == "A later summary."
    history = editor_only.get(reverse("admin:content_casestudy_history", args=[leeds.pk]))
    assert history.status_code == 200
    assert ">Restore<" not in history.content.decode()


def test_reloading_unchanged_data_records_nothing():
    revisions = Revision.objects.count()
    call_command("load_compendium", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Revision.objects.count() == revisions


def test_word_diff_marks_only_what_changed_and_escapes():
    before, after = word_diff("Rated <good> in 2014", "Rated outstanding in 2016")
    assert before == "Rated <del>&lt;good&gt;</del> in <del>2014</del>"
    assert after == "Rated <ins>outstanding</ins> in <ins>2016</ins>"


def test_history_and_changes_pages_cost_fixed_queries(
    editor_client, leeds, django_assert_num_queries
):
    from tests.test_admin import SESSION_RENEWAL

    history_url = reverse("admin:content_casestudy_history", args=[leeds.pk])
    # session, user, the record (twice: for the permission, and by Django's history view), its
    # log entries, its versions with their revisions and users
    with django_assert_num_queries(6 + SESSION_RENEWAL):
        editor_client.get(history_url)
    first = history_of(leeds)[-1]
    # + the version, the record, the revision's versions (all "added": nothing to compare)
    with django_assert_num_queries(6 + SESSION_RENEWAL):
        editor_client.get(changes_url(leeds, first))


def test_a_save_from_a_browser_changes_only_what_the_editor_changed(editor_client, leeds):
    """Browsers post a textarea's line breaks as CRLF; untouched texts must not count as edits."""
    data = form_data(editor_client.get(change_url(leeds)))
    as_browser_sends = {
        name: value.replace("\n", "\r\n") if isinstance(value, str) else value
        for name, value in data.items()
    }
    multiline = [value for value in data.values() if isinstance(value, str) and "\n" in value]
    assert multiline, "the case study has texts with line breaks"
    as_browser_sends["summary"] = "Only the summary changed."
    assert editor_client.post(change_url(leeds), as_browser_sends).status_code == 302
    latest = history_of(leeds)[0]
    assert latest.revision.get_comment() == "Changed Summary."
    changes = editor_client.get(changes_url(leeds, latest)).context["changes"]
    assert [(change.record, [f.label for f in change.fields]) for change in changes] == [
        (str(leeds), ["Summary"])
    ]


def test_a_revision_recorded_before_credits_had_a_passage_restores(named_publisher, leeds):
    """Migration 0012 brings credits recorded as `reason`, with no directness, up to date."""
    migration = importlib.import_module("casebase.content.migrations.0012_credit_history_passage")
    edit_case_study(named_publisher, leeds, summary="A summary recorded with its credits.")
    version = history_of(leeds)[0]
    credits = version.revision.version_set.filter(content_type__model="contribution")
    assert credits.exists()
    for recorded in credits:  # as recorded before 0011
        records = json.loads(recorded.serialized_data)
        fields = records[0]["fields"]
        fields["reason"] = fields.pop("passage")
        del fields["directness"]
        Version.objects.filter(pk=recorded.pk).update(serialized_data=json.dumps(records))
    edit_case_study(named_publisher, leeds, summary="A later summary.")

    migration.upgrade_recorded_credits(django_apps, None)
    restore(named_publisher, leeds, Version.objects.get(pk=version.pk))

    leeds.refresh_from_db()
    assert leeds.summary == "A summary recorded with its credits."
    assert not leeds.contributions.filter(passage="").exists()
    assert set(leeds.contributions.values_list("directness", flat=True)) <= {"general", "explicit"}
