"""The catalogue's result rows, rendered once per version of the case study they show
(casebase/site/rows.py): a kept row reads exactly as a fresh one, costs no query, and is never
shown after a change to what it shows, while a save leaves the other rows kept; the passage a
search highlights is the reader's own, never kept."""

import re

import pytest

from casebase.catalogue import index as catalogue
from casebase.content.models import (
    CaseStudy,
    ContentVersion,
    Practice,
    PracticeApplication,
    Status,
)
from casebase.site import rows
from tests.helpers import index_built, saved

pytestmark = pytest.mark.django_db

CATALOGUE = "/case-studies/"


def results(client, url: str = CATALOGUE, **params) -> str:
    """The list of results on a catalogue page, as HTML."""
    html = client.get(url, params).content.decode()
    return re.search(r'<ul class="govuk-list cb-results">(.*?)\n      </ul>', html, re.S).group(1)


def kept(pk: int) -> rows.Row | None:
    key = rows.row_key(catalogue.current(), "row", pk)
    return rows.kept.get_many([key]).get(key)


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
    saved(study)
    assert "Norfolk: a corrected title" in results(client)


def test_a_withdrawn_practice_leaves_every_kept_row_at_once(client):
    practice = Practice.objects.get(slug="visible-leadership")
    assert f'href="{practice.get_absolute_url()}"' in results(client)
    practice.status = Status.DRAFT
    saved(practice)
    assert f'href="{practice.get_absolute_url()}"' not in results(client)


def test_the_passage_a_search_highlights_is_not_kept(client):
    summary_shown = results(client, region="Norfolk")
    assert "cb-passage" not in summary_shown
    first = results(client, q="Norfolk")
    assert "<mark>norfolk</mark>" in first.lower()
    later = results(client, q="Norfolk council")
    assert "<mark>council</mark>" in later.lower()
    assert results(client, region="Norfolk") == summary_shown


def test_a_save_re_renders_only_the_rows_of_what_it_changed(client):
    results(client)
    norfolk, rutland = CaseStudy.objects.get(slug="norfolk"), CaseStudy.objects.get(slug="rutland")
    assert kept(norfolk.pk) and kept(rutland.pk)
    norfolk.title = "Norfolk: a corrected title"
    saved(norfolk)
    assert kept(norfolk.pk) is None, "the changed case study's row is no longer reachable"
    assert kept(rutland.pk) is not None, "the others' rows are still kept"


def test_nothing_is_kept_without_a_content_version(client):
    rows.kept.clear()
    ContentVersion.objects.all().delete()  # a flushed database
    index = catalogue.current()
    study = CaseStudy.objects.published().first()
    assert rows.rows_by_id([study.pk], index=index)[study.pk].pk == study.pk
    assert len(rows.kept.memory) == 0


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
    saved(application)
    assert "Corrected: what Leeds did." in applied(client)


def row(pk: int) -> rows.Row:
    return rows.Row(pk=pk, heading="", summary="", details="")


def test_a_worker_keeps_the_most_recently_shown_rows(settings):
    settings.ROW_CACHE_ENTRIES = 2
    kept_rows = rows.Kept()
    kept_rows.set_many({1: row(1), 2: row(2)})
    kept_rows.get_many([1])  # shown again: 2 is now the least recently shown
    kept_rows.set_many({3: row(3)})
    assert set(kept_rows.get_many([1, 2, 3])) == {1, 3}


def test_with_no_entries_allowed_nothing_is_kept(settings):
    settings.ROW_CACHE_ENTRIES = 0  # as while developing, so a template edit shows at once
    kept_rows = rows.Kept()
    kept_rows.set_many({1: row(1)})
    assert kept_rows.get_many([1]) == {}
