"""How search ranks (casebase/catalogue/search.py): a match ranks by the first level of its parts
that holds every word of the query (its title, then its title and names, then those and its
practices), a case study that needs the rest of its story to match ranks last, and equal ranks
go in catalogue order. The catalogue (its index) and the SQL reference the API uses
(`search.matching`) give the same order, on SQLite and PostgreSQL; the catalogue reads a level
only when a page needs it, and a search goes through the full-text indexes."""

import os

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import F, Value
from django.db.models.functions import Concat
from django.http import QueryDict

from casebase.catalogue import index as catalogue
from casebase.catalogue import search
from casebase.catalogue.filters import CaseStudyFilter, CatalogueForm, Selection
from casebase.content.models import CaseStudy, SearchDocument

pytestmark = pytest.mark.django_db


def in_catalogue_order(count: int) -> list[CaseStudy]:
    return list(CaseStudy.objects.published().order_by(*catalogue.CATALOGUE_ORDER)[:count])


def add_words(study: CaseStudy, **parts: str) -> None:
    """Add words to parts of a case study's search document, indexed as refresh() indexes."""
    document = SearchDocument.objects.filter(pk=study.pk)
    document.update(**{part: Concat(F(part), Value(f"\n{text}")) for part, text in parts.items()})
    if search.is_postgres():
        search.write_vectors(document)


def site_order(query: str, stop: int = 100) -> list[int]:
    index = catalogue.current()
    selection = Selection(CatalogueForm(QueryDict(query), index), index)
    return index.id_at(selection.positions("relevance")(0, stop))


def sql_order(query: str) -> list[int]:
    matches = search.matching(CaseStudy.objects.published(), QueryDict(query)["q"])
    return list(
        matches.order_by("-search_rank", *catalogue.CATALOGUE_ORDER).values_list("pk", flat=True)
    )


def test_a_word_ranks_by_the_first_part_it_is_in_title_names_practices_then_story():
    story, practices, names, title = in_catalogue_order(4)
    add_words(story, body="quillwort")
    add_words(practices, practices="Quillwort mapping")
    add_words(names, names="Quillwort Trust")
    add_words(title, title="and quillworts")  # stemmed
    expected = [title.pk, names.pk, practices.pk, story.pk]  # against catalogue order
    assert site_order("q=quillwort") == expected
    assert sql_order("q=quillwort") == expected


def test_a_word_in_several_parts_ranks_by_the_first():
    everywhere, title_only = in_catalogue_order(2)
    add_words(everywhere, body="quillwort", practices="quillwort", names="quillwort")
    add_words(title_only, title="quillwort")
    assert site_order("q=quillwort") == sql_order("q=quillwort") == [title_only.pk, everywhere.pk]


def test_every_word_of_the_query_must_be_in_the_level():
    title_and_story, both_in_practices, title_and_names, both_in_title = in_catalogue_order(4)
    add_words(title_and_story, title="quillwort", body="zephyrine")  # only with its story
    add_words(both_in_practices, practices="quillwort zephyrine")
    add_words(title_and_names, title="zephyrine", names="quillwort")
    add_words(both_in_title, title="quillwort and zephyrine")
    expected = [both_in_title.pk, title_and_names.pk, both_in_practices.pk, title_and_story.pk]
    assert site_order("q=quillwort+zephyrine") == sql_order("q=quillwort+zephyrine") == expected


def test_equal_ranks_go_in_catalogue_order_and_a_page_reads_its_slice():
    studies = in_catalogue_order(5)
    for study in reversed(studies):
        add_words(study, body="quillwort")
    ids = [study.pk for study in studies]
    assert site_order("q=quillwort") == sql_order("q=quillwort") == ids
    assert site_order("q=quillwort", stop=2) == ids[:2]
    index = catalogue.current()
    selection = Selection(CatalogueForm(QueryDict("q=quillwort"), index), index)
    assert index.id_at(selection.positions("relevance")(2, 4)) == ids[2:4]


@pytest.mark.parametrize(
    "query",
    [
        "q=leadership",
        "q=staff",
        "q=staff+leadership",
        "q=visible+leadership",
        "q=council",
        "q=the+staff",
        "q=leadership&sector=healthcare",
        "q=staff&theme=people-development",
    ],
)
def test_the_catalogue_ranks_as_the_sql_reference(query):
    filtered = CaseStudyFilter(QueryDict(query), queryset=CaseStudy.objects.published()).qs
    expected = filtered.order_by("-search_rank", *catalogue.CATALOGUE_ORDER)
    expected = list(expected.values_list("pk", flat=True))
    assert len(expected) > 1
    assert site_order(query) == expected


def test_the_catalogue_reads_the_ranks_the_sql_reference_gives():
    ids, ranks = search.scored_matches("staff leadership")
    by_sql = dict(
        search.matching(CaseStudy.objects.published(), "staff leadership").values_list(
            "pk", "search_rank"
        )
    )
    assert dict(zip(ids.tolist(), ranks.tolist(), strict=True)) == by_sql
    assert len(set(by_sql.values())) > 1


def test_a_page_reads_a_level_only_when_the_ones_before_leave_it_short(
    django_assert_num_queries,
):
    studies = in_catalogue_order(6)
    for study in studies[:3]:
        add_words(study, title="quillwort")
    for study in studies[3:]:
        add_words(study, body="quillwort")
    index = catalogue.current()
    with django_assert_num_queries(1):  # the matches and the titles
        found = catalogue.matches(index, "quillwort")
    with django_assert_num_queries(0):
        assert index.id_at(found.first(found.members, 3)) == [s.pk for s in studies[:3]]
    assert set(found.levels) == {0}
    with django_assert_num_queries(2):  # titles and names, then with practices
        assert index.id_at(found.first(found.members, 6)) == [s.pk for s in studies]
    with django_assert_num_queries(0):
        assert index.id_at(found.first(found.members, 6)) == [s.pk for s in studies]


def test_a_search_goes_through_the_full_text_indexes_even_for_a_word_in_every_story():
    """At 100,000 case studies PostgreSQL planned a word in most stories as a scan of every
    document, reading every vector (0.5 s): its statistics said the word is everywhere, and it
    counts reading a vector as free. Without statistics on the vectors (migration 0016) it
    plans for a rare word, which at any size worth an index is the GIN indexes' bitmap scans,
    one per set, as this plan shows with scans priced out. SQLite's FTS5 table is its own
    index."""
    call_command("generate_synthetic", "--case-studies", "400", stdout=open(os.devnull, "w"))  # noqa: SIM115
    terms = search.words("staff")
    sql, params = search.sets_sql(terms, [None, *search.LEVELS])
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM content_searchdocument")
        documents = cursor.fetchone()[0]
        cursor.execute(f"SELECT count(*) FROM ({search.matches_sql(terms)[0]}) AS m", ["staff"])
        assert cursor.fetchone()[0] > 0.9 * documents > 300
        if search.is_postgres():
            cursor.execute("ANALYZE content_searchdocument")
            cursor.execute(f"EXPLAIN (FORMAT JSON) {search.matches_sql(terms)[0]}", ["staff"])
            assert cursor.fetchone()[0][0]["Plan"]["Plan Rows"] < 0.01 * documents
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            assert plan.count("Bitmap Index Scan") == 1 + len(search.LEVELS)
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            plan = "\n".join(row[-1] for row in cursor.fetchall())
            assert plan.count("VIRTUAL TABLE INDEX") == 1 + len(search.LEVELS)
            assert "SCAN content_searchdocument " not in plan + " "
