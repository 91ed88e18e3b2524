"""The catalogue's result rows, rendered once per content version (casebase/site/rows.py): a kept
row reads exactly as a fresh one, costs no query, and is never shown after a change to content;
the passage a search highlights is the reader's own, never kept."""

import re

import pytest

from casebase.content.models import (
    CaseStudy,
    ContentVersion,
    Practice,
    PracticeApplication,
    Status,
)
from casebase.site import rows
from tests.helpers import index_built

pytestmark = pytest.mark.django_db

CATALOGUE = "/case-studies/"


def results(client, url: str = CATALOGUE, **params) -> str:
    """The list of results on a catalogue page, as HTML."""
    html = client.get(url, params).content.decode()
    return re.search(r'<ul class="govuk-list cb-results">(.*?)\n      </ul>', html, re.S).group(1)


def kept(pk: int) -> rows.Row | None:
    return rows.kept.get_many(ContentVersion.current(), [pk]).get(pk)


def test_a_kept_row_reads_exactly_as_a_freshly_rendered_one(client):
    index_built()
    fresh = results(client)
    published = CaseStudy.objects.published().values_list("pk", flat=True)
    assert all(kept(pk) is not None for pk in published)
    assert results(client) == fresh


def test_rows_shown_once_cost_no_query_on_any_later_page_that_lists_them(
    client, django_assert_num_queries
):
    index_built()
    client.get(CATALOGUE)
    with django_assert_num_queries(1):  # the content version; every row is kept
        client.get(CATALOGUE, {"sort": "recent"})
    with django_assert_num_queries(1):  # the chosen sector is checked by the index
        client.get(CATALOGUE, {"sector": "healthcare"})


def test_a_correction_shows_on_the_next_request(client):
    study = CaseStudy.objects.get(slug="norfolk")
    results(client)
    study.title = "Norfolk: a corrected title"
    study.save()
    assert "Norfolk: a corrected title" in results(client)


def test_a_withdrawn_practice_leaves_every_kept_row_at_once(client):
    practice = Practice.objects.get(slug="visible-leadership")
    assert f'href="{practice.get_absolute_url()}"' in results(client)
    practice.status = Status.DRAFT
    practice.save()
    assert f'href="{practice.get_absolute_url()}"' not in results(client)


def test_the_passage_a_search_highlights_is_not_kept(client):
    summary_shown = results(client, region="Norfolk")
    assert "cb-passage" not in summary_shown
    first = results(client, q="Norfolk")
    assert "<mark>norfolk</mark>" in first.lower()
    later = results(client, q="Norfolk council")
    assert "<mark>council</mark>" in later.lower()
    assert results(client, region="Norfolk") == summary_shown


def test_nothing_is_kept_without_a_content_version(client):
    rows.kept.clear()
    study = CaseStudy.objects.published().first()
    assert rows.rows_by_id([study.pk], content_version=None)[study.pk].pk == study.pk
    assert rows.kept.get_many(None, [study.pk]) == {}
    assert kept(study.pk) is None


# --- The practice page's rows: where the practice was applied and what happened -------------

PRACTICE = "/practices/flat-structure/"


def applied(client) -> str:
    html = client.get(PRACTICE).content.decode()
    start = html.index('<h2 class="govuk-heading-l" id="applied">')
    return html[start : html.index("Filter the catalogue by", start)]


def test_a_practice_pages_kept_rows_read_as_fresh_ones_and_cost_no_query(
    client, django_assert_num_queries
):
    index_built()
    fresh = applied(client)
    assert fresh.count('<section class="cb-application"') > 1
    with django_assert_num_queries(2):  # the practice and the content version
        assert applied(client) == fresh


def test_a_correction_to_an_applied_practice_shows_on_the_next_request(client):
    application = PracticeApplication.objects.get(
        case_study__slug="leeds-teaching-hospitals", practice__slug="flat-structure"
    )
    applied(client)
    application.description = "Corrected: what Leeds did."
    application.save()
    assert "Corrected: what Leeds did." in applied(client)


def row(pk: int) -> rows.Row:
    return rows.Row(pk=pk, heading="", summary="", details="")


def test_a_worker_keeps_the_most_recently_shown_rows_of_the_current_version(settings):
    settings.ROW_CACHE_ENTRIES = 2
    kept_rows = rows.KeptRows()
    kept_rows.set_many("v1", {1: row(1), 2: row(2)})
    kept_rows.get_many("v1", [1])  # shown again: 2 is now the least recently shown
    kept_rows.set_many("v1", {3: row(3)})
    assert set(kept_rows.get_many("v1", [1, 2, 3])) == {1, 3}
    kept_rows.set_many("v2", {4: row(4)})  # content changed: nothing older is kept
    assert set(kept_rows.get_many("v2", [1, 3, 4])) == {4}
    assert kept_rows.get_many("v1", [1, 3, 4]) == {}


def test_with_no_entries_allowed_nothing_is_kept(settings):
    settings.ROW_CACHE_ENTRIES = 0  # as while developing, so a template edit shows at once
    kept_rows = rows.KeptRows()
    kept_rows.set_many("v1", {1: row(1)})
    assert kept_rows.get_many("v1", [1]) == {}
