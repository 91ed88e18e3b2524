"""A case study's public date (`<updated>` in the feeds, JSON-LD `dateModified`, the citations'
year, the sitemap's `lastmod`) moves only when what readers see of it changes: a save that only
adds a draft part leaves it; a draft has none until it is first published. The page itself shows
no "last updated" line (readers would take it for the report's date), only "Corrected on" once a
correction is published (tests/test_meaningful_dates.py)."""

import json
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from casebase.content.models import CaseStudy, Indicator, Outcome, Source, Status
from casebase.content.services import public_dates_update
from casebase.loading.compendium import load_compendium
from tests.helpers import form_data

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"
LONG_AGO = datetime(2020, 1, 2, 12, 0, tzinfo=UTC)
PUBLIC_DATE = "public_updated_at"


@pytest.fixture
def leeds() -> CaseStudy:
    """Leeds, last changed for readers on 2 January 2020."""
    study = CaseStudy.objects.get(slug="leeds-teaching-hospitals")
    CaseStudy.objects.filter(pk=study.pk).update(**{PUBLIC_DATE: LONG_AGO})
    return study


def public_dates(study: CaseStudy) -> dict[str, str]:
    """The date as every public surface shows it, each as an ISO date."""
    reader = Client()
    page = reader.get(study.get_absolute_url()).content.decode()
    assert "Last updated" not in page
    ld = json.loads(re.search(r'application/ld\+json"[^>]*>(.*?)</script>', page, re.S)[1])
    feed = ET.fromstring(reader.get("/feeds/case-studies.atom").content)
    updated = next(
        entry.find(f"{ATOM}updated").text
        for entry in feed.iter(f"{ATOM}entry")
        if entry.find(f"{ATOM}link").get("href").endswith(study.get_absolute_url())
    )
    bibtex = reader.get(reverse("case-study-citation", args=[study.slug, "bib"])).content
    sitemap = reader.get("/sitemap-case-studies.xml").content.decode()
    lastmod = re.search(rf"{study.get_absolute_url()}</loc><lastmod>([^<]+)<", sitemap)
    return {
        "json-ld": ld["dateModified"],
        "feed": updated[:10],
        "citation year": re.search(rb"year += \{(\d{4})\}", bibtex)[1].decode(),
        "sitemap": lastmod and lastmod[1],
    }


def dated(day: str) -> dict[str, str]:
    return {"json-ld": day, "feed": day, "citation year": day[:4], "sitemap": day}


def today() -> str:
    return timezone.localdate().isoformat()


def change_url(obj) -> str:
    return reverse(f"admin:content_{obj._meta.model_name}_change", args=[obj.pk])


def save_case_study(
    client: Client,
    study: CaseStudy,
    new_outcome: dict | None = None,
    new_correction: dict | None = None,
    **changes,
):
    """Save the case study's admin page as a browser would: `changes` to its fields, and an
    outcome or a correction added in a new row."""
    data = form_data(client.get(change_url(study)))
    data.update(changes)
    for inline, fields in (("outcomes", new_outcome), ("corrections", new_correction)):
        if fields:
            row = int(data[f"{inline}-TOTAL_FORMS"])
            data[f"{inline}-TOTAL_FORMS"] = str(row + 1)
            data |= {f"{inline}-{row}-{name}": value for name, value in fields.items()}
    response = client.post(change_url(study), data)
    assert response.status_code == 302, response.context["errors"] if response.context else ""


def an_outcome(study: CaseStudy, status: str) -> dict:
    return {
        "indicator": Indicator.objects.get(slug="award").pk,
        "slug": "a-new-award",
        "status": status,
        "position": "99",
        "direction": Outcome.Direction.SNAPSHOT,
        "design": Outcome.Design.SNAPSHOT,
        "evidence": Outcome.Evidence.RANKING,
        "statement": "It won an award.",
        "source": study.source_id,
    }


def test_a_publisher_adding_only_a_draft_outcome_leaves_the_public_date(publisher, leeds):
    assert public_dates(leeds) == dated("2020-01-02")
    save_case_study(publisher, leeds, new_outcome=an_outcome(leeds, Status.DRAFT))
    assert leeds.outcomes.filter(slug="a-new-award", status=Status.DRAFT).exists()
    assert public_dates(leeds) == dated("2020-01-02")


def test_changing_the_summary_moves_the_public_date(publisher, leeds):
    save_case_study(publisher, leeds, summary="A summary readers have not seen before.")
    assert public_dates(leeds) == dated(today())


def test_publishing_a_part_on_the_case_study_page_moves_the_public_date(publisher, leeds):
    save_case_study(publisher, leeds, new_outcome=an_outcome(leeds, Status.PUBLISHED))
    assert public_dates(leeds) == dated(today())


@pytest.mark.parametrize(("status", "moves"), [(Status.DRAFT, False), (Status.PUBLISHED, True)])
def test_a_correction_moves_the_public_date_once_published(editor_client, leeds, status, moves):
    # A superuser: the Editors and Publishers groups have no permission on corrections (their
    # migration predates the model), so the admin shows them no corrections.
    correction = {"made_on": "2026-11-20", "note": "The rating was good.", "status": status}
    save_case_study(editor_client, leeds, new_correction=correction)
    assert public_dates(leeds) == dated(today() if moves else "2020-01-02")
    page = Client().get(leeds.get_absolute_url()).content.decode()
    assert ("Corrected on" in page) == moves


def test_publishing_a_draft_part_from_its_list_moves_the_public_date(publisher, leeds):
    save_case_study(publisher, leeds, new_outcome=an_outcome(leeds, Status.DRAFT))
    outcome = leeds.outcomes.get(slug="a-new-award")
    publisher.post(
        reverse("admin:content_outcome_changelist"),
        {"action": "publish", "_selected_action": [outcome.pk]},
    )
    outcome.refresh_from_db()
    assert outcome.status == Status.PUBLISHED
    assert public_dates(leeds) == dated(today())


def test_changing_a_published_outcome_on_its_own_page_moves_the_public_date(publisher, leeds):
    outcome = leeds.outcomes.filter(status=Status.PUBLISHED).first()
    data = form_data(publisher.get(change_url(outcome)))
    data["timeframe"] = "Within a year"
    assert publisher.post(change_url(outcome), data).status_code == 302
    assert public_dates(leeds) == dated(today())


def test_changing_a_draft_outcome_on_its_own_page_leaves_the_public_date(publisher, leeds):
    save_case_study(publisher, leeds, new_outcome=an_outcome(leeds, Status.DRAFT))
    outcome = leeds.outcomes.get(slug="a-new-award")
    data = form_data(publisher.get(change_url(outcome)))
    data["statement"] = "It won another award."
    assert publisher.post(change_url(outcome), data).status_code == 302
    assert public_dates(leeds) == dated("2020-01-02")


def test_a_draft_case_study_has_no_public_date_until_it_is_first_published(publisher):
    leeds = CaseStudy.objects.get(slug="leeds-teaching-hospitals")
    data = form_data(publisher.get(reverse("admin:content_casestudy_add")))
    data |= {
        "title": "Leeds again",
        "slug": "leeds-again",
        "organisation": leeds.organisation_id,
        "source": Source.objects.published()
        .exclude(case_studies__organisation=leeds.organisation)
        .first()
        .pk,
        "context": "Before.",
        "summary": "After.",
        "status": Status.DRAFT,
    }
    response = publisher.post(reverse("admin:content_casestudy_add"), data)
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    draft = CaseStudy.objects.get(slug="leeds-again")
    assert getattr(draft, PUBLIC_DATE) is None
    preview = publisher.get(reverse("case-study-preview", args=[draft.slug])).content.decode()
    assert "Last updated" not in preview

    publisher.post(
        reverse("admin:content_casestudy_changelist"),
        {"action": "publish", "_selected_action": [draft.pk]},
    )
    assert public_dates(draft) == dated(today())


def test_loading_the_compendium_again_leaves_public_dates(leeds):
    load_compendium()
    assert public_dates(leeds) == dated("2020-01-02")


def test_a_withdrawal_keeps_the_date_and_publishing_again_moves_it(publisher, leeds):
    changelist = reverse("admin:content_casestudy_changelist")
    publisher.post(changelist, {"action": "withdraw", "_selected_action": [leeds.pk]})
    leeds.refresh_from_db()
    assert leeds.public_updated_at == LONG_AGO
    publisher.post(changelist, {"action": "publish", "_selected_action": [leeds.pk]})
    assert public_dates(leeds) == dated(today())


def test_restoring_an_earlier_version_moves_the_public_date(publisher, leeds):
    """Readers saw the mistake today; the restore changes the page again, so the date cannot go
    back to the one it had when the restored version was saved (2 January 2020)."""
    original = leeds.summary
    save_case_study(publisher, leeds, new_outcome=an_outcome(leeds, Status.DRAFT))
    save_case_study(publisher, leeds, summary="A summary that was a mistake.")
    version = next(
        version
        for version in Version.objects.get_for_object(leeds)
        if version.field_dict["summary"] == original
    )
    url = reverse("admin:content_casestudy_revision", args=[leeds.pk, version.pk])
    assert publisher.post(url, form_data(publisher.get(url))).status_code == 302
    leeds.refresh_from_db()
    assert leeds.summary == original
    assert public_dates(leeds) == dated(today())


def test_moving_the_public_date_leaves_the_last_save_alone(leeds):
    """`updated_at` is what the admin's edit-conflict check compares."""
    CaseStudy.objects.filter(pk=leeds.pk).update(summary="Changed in a shell.")
    saved = CaseStudy.objects.get(pk=leeds.pk).updated_at
    assert public_dates_update(case_study_ids=[leeds.pk]) == 1
    leeds.refresh_from_db()
    assert leeds.updated_at == saved
    assert timezone.localdate(leeds.public_updated_at).isoformat() == today()
