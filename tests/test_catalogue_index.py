"""The catalogue index (casebase/catalogue/index.py) against the SQL it stands in for: the same
case studies for every filter, the same orders, counts that follow every change to content, a
build that costs the same few queries at any size, and the bitmap arithmetic behind related
case studies, slices across sets and long facets."""

import gc
import itertools
import runpy
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest
from django.db import transaction
from django.db.models import Count, F, QuerySet
from django.http import QueryDict
from pyroaring import FrozenBitMap as Bits

from casebase.catalogue import filters, search
from casebase.catalogue import index as catalogue
from casebase.catalogue.filters import CaseStudyFilter, CatalogueForm, Selection, facet_counts
from casebase.content.models import (
    CaseStudy,
    ContentVersion,
    Contribution,
    Organisation,
    OrganisationType,
    Outcome,
    Practice,
    PracticeApplication,
    PracticeTheme,
    Status,
    published_outcome,
)
from casebase.loading.synthetic import generate_synthetic
from tests.helpers import saved

pytestmark = pytest.mark.django_db

# catalogue.build(): how many case studies are published, and their rows; applications by practice
# and theme; outcomes by facet values; outcomes by case study; credits (6), and the options of the
# five facets whose options are rows: sector, theme, practice, type, indicator (5).
BUILD_QUERIES = 11


def filterset(query: str) -> CaseStudyFilter:
    return CaseStudyFilter(QueryDict(query), queryset=CaseStudy.objects.published())


def select(query: str, index: catalogue.CatalogueIndex | None = None) -> Selection:
    index = index or catalogue.current()
    return Selection(CatalogueForm(QueryDict(query), index), index)


def index_ids(query: str, index: catalogue.CatalogueIndex | None = None) -> set[int]:
    selection = select(query, index)
    return set(selection.index.id_at(selection.members()))


def sql_ids(query: str) -> set[int]:
    return set(filterset(query).qs.values_list("pk", flat=True))


def pk(slug: str) -> int:
    return CaseStudy.objects.get(slug=slug).pk


def option_counts(query: str, facet: str) -> dict[str, int]:
    found = {f.name: f for f in facet_counts(select(query))}[facet]
    return {option.value: option.count for option in found.options}


def described(index: catalogue.CatalogueIndex) -> dict[str, dict[str, set[int]]]:
    """Every facet value's case studies, by id."""
    return {
        name: {value.value: set(index.id_at(value.members)) for value in values}
        for name, values in index.facets.items()
    }


def single_value_queries(*indexes: catalogue.CatalogueIndex) -> list[str]:
    """A query choosing each facet value any of these indexes lists, one at a time."""
    queries = set()
    for index in indexes:
        for name, values in index.facets.items():
            for value in values:
                query = QueryDict(mutable=True)
                query[name] = value.value
                queries.add(query.urlencode())
    return sorted(queries)


# --- 1. The same case studies as the SQL filters -------------------------------------------

QUERIES = [
    "",
    "sector=healthcare",
    "sector=healthcare&sector=education",
    "practice=visible-leadership&practice=flat-structure",
    "practice=devolved-autonomy",
    "theme=communication",
    "theme=partnerships&theme=data-and-evidence",
    "type=county-council",
    "type=fe-college&type=gp-practice",
    "region=Rutland",
    "region=Norfolk&region=Doncaster",
    "indicator=ofsted-overall-grade",
    "indicator=cqc-overall-rating&indicator=award",
    "direction=improved",
    "direction=sustained",
    "evidence=regulator",
    "evidence=survey&evidence=self_reported",
    "year_from=2016",
    "year_from=2019",  # the last year of one story's results: in
    "year_from=2020",  # a year later: out
    "year_from=2024",  # ongoing periods only
    "year_to=2016",
    "year_to=2008",  # the first year of one story's results: in
    "year_to=2007",
    "year_from=2016&year_to=2016",
    "year_from=2018&year_to=2019",
    "q=leadership",
    "q=visible+leadership",
    "q=staff+survey",
    "q=leadership&practice=management-training&sector=healthcare",
    "q=zzyzxqv",  # matches nothing
    "q=zzyzxqv&sector=healthcare",
    "q=%21%21%21",  # no words: no match in either
    "q=+++",  # blank: no search at all
    "q=the",  # a stop word on PostgreSQL: nothing there, everything on SQLite
    "q=lead%00ership&sector=education",  # refused (a NUL byte): no search in either
    "direction=improved&evidence=regulator",
    "sector=local-government&practice=visible-leadership",
    "theme=communication&evidence=survey",
    "indicator=award&year_from=2019",
    "type=county-council&type=nhs-acute-trust&direction=improved&year_to=2020",
    "practice=no-such-practice&sector=education",  # the unknown value is ignored by both
    "year_from=soon&sector=education",
]


@pytest.mark.parametrize("query", QUERIES)
def test_a_selection_holds_the_case_studies_the_sql_filters_find(query):
    assert index_ids(query) == sql_ids(query)


def test_the_queries_above_tell_many_different_selections_apart():
    """The equivalence above is only worth something if the filters select different things."""
    found = {frozenset(sql_ids(query)) for query in QUERIES}
    assert len(found) >= 25
    assert frozenset() in found and frozenset(sql_ids("")) in found
    assert len(sql_ids("")) == 11


def test_facet_counts_are_the_sizes_of_the_sql_results():
    active = "sector=healthcare&direction=improved"
    for name in ("practice", "evidence", "indicator"):
        counts = option_counts(active, name)
        assert counts, name
        for value, count in counts.items():
            assert count == len(sql_ids(f"{active}&{name}={value}")), (name, value)


@pytest.mark.parametrize(
    "active", ["direction=improved", "theme=people-development&year_from=2010"]
)
def test_one_value_facets_count_in_one_pass_what_sql_finds(active):
    """Sector, type and region are counted by their owners in one pass, not set by set."""
    generate_synthetic(case_studies=30, seed=5)
    for name in catalogue.SINGLE_VALUED:
        counts = option_counts(active, name)
        assert len(counts) > 1, name
        for value, count in counts.items():
            assert count == len(sql_ids(f"{active}&{name}={value}")), (name, value)


def test_counting_an_empty_selection_gives_zero_for_every_value():
    index = catalogue.current()
    for name in index.facets:
        assert not index.counts(name, within=Bits()).any(), name


# --- 2. The same orders ---------------------------------------------------------------------

BY_ORGANISATION = ("organisation__name", "title", "pk")


def published_outcome_count(queryset: QuerySet) -> QuerySet:
    # The case studies are published already: only the outcomes' own conditions are needed.
    return queryset.annotate(
        outcome_count=Count("outcomes", filter=published_outcome("outcomes__", case_study=False))
    )


SQL_ORDERS = {
    "organisation": lambda qs: qs.order_by(*BY_ORGANISATION),
    "recent": lambda qs: qs.order_by(
        F("period_end").desc(nulls_last=True),
        F("period_start").desc(nulls_last=True),
        *BY_ORGANISATION,
    ),
    "outcomes": lambda qs: published_outcome_count(qs).order_by("-outcome_count", *BY_ORGANISATION),
}


def sql_order(query: str, sort: str) -> list[int]:
    return list(SQL_ORDERS[sort](filterset(query).qs).values_list("pk", flat=True))


@pytest.mark.parametrize("sort", SQL_ORDERS)
@pytest.mark.parametrize(
    "query", ["", "sector=healthcare", "theme=people-development", "year_from=2016"]
)
def test_each_sort_reads_the_selection_in_the_sql_order(sort, query):
    selection = select(query)
    read = selection.positions(sort)
    expected = sql_order(query, sort)
    assert selection.index.id_at(read(0, 100)) == expected
    assert selection.index.id_at(read(1, 3)) == expected[1:3]
    assert selection.index.id_at(read(len(expected) - 1, len(expected) + 5)) == expected[-1:]
    assert read(len(expected), len(expected) + 20) == []


def test_the_sorts_are_different_orders():
    orders = {sort: sql_order("", sort) for sort in SQL_ORDERS}
    assert orders["recent"] != orders["organisation"]
    assert orders["outcomes"] != orders["organisation"]
    assert orders["outcomes"] != orders["recent"]
    assert sorted(orders["recent"]) == sorted(orders["organisation"])


@pytest.mark.parametrize(
    "query", ["q=leadership", "q=staff", "q=leadership&sector=healthcare", "q=visible+leadership"]
)
def test_relevance_puts_the_best_ranked_match_first(query):
    selection = select(query)
    index = selection.index
    read = index.id_at(selection.positions("relevance")(0, 100))
    members = set(index.id_at(selection.members()))
    assert set(read) == members and len(read) == len(members) > 1
    ids, scores = search.scored_matches(QueryDict(query)["q"])
    ranks = {
        pk: rank for pk, rank in zip(ids.tolist(), scores.tolist(), strict=True) if pk in members
    }
    best = max(ranks.values())
    first_best = min(index.position(pk) for pk, rank in ranks.items() if rank == best)
    assert read[0] == int(index.ids[first_best])
    # The whole order, as the SQL search ranks it (ties in catalogue order).
    ranked = filterset(query).qs.order_by("-search_rank", *BY_ORGANISATION)
    assert read == list(ranked.values_list("pk", flat=True))
    assert index.id_at(selection.positions("relevance")(1, 3)) == read[1:3]


# --- 3. Following every change to content ---------------------------------------------------


def test_with_nothing_changed_the_same_index_costs_one_query(django_assert_num_queries):
    index = catalogue.current()
    with django_assert_num_queries(1):
        assert catalogue.current() is index
    assert index.token == ContentVersion.current()


def test_withdrawing_a_case_study_gives_a_new_index_without_it():
    before = catalogue.current()
    rutland = CaseStudy.objects.get(slug="rutland")
    assert before.position(rutland.pk) is not None
    rutland.status = Status.WITHDRAWN
    saved(rutland)  # as an editor would
    after = catalogue.current()
    assert after is not before and after.token != before.token
    assert after.token == ContentVersion.current()
    assert after.position(rutland.pk) is None and len(after.all) == len(before.all) - 1
    assert len(after.members("sector", "local-government")) == (
        len(before.members("sector", "local-government")) - 1
    )
    assert index_ids("sector=local-government") == sql_ids("sector=local-government")
    assert catalogue.current() is after


def test_a_worker_freezes_what_is_alive_once_django_is_loaded_not_in_a_request():
    config = runpy.run_path(str(Path(__file__).parent.parent / "gunicorn.conf.py"))
    try:
        config["post_worker_init"](worker=None)
        walked = gc.get_objects()  # what a full collection walks: not what is frozen
        assert gc.get_freeze_count() > 0 and not any(o is catalogue.current for o in walked)
        gc.unfreeze()
        ContentVersion.bump()
        catalogue.current()
        assert gc.get_freeze_count() == 0, "building the index freezes nothing"
    finally:
        gc.unfreeze()


def test_a_draft_application_leaves_the_practice_and_its_counts():
    application = PracticeApplication.objects.get(
        case_study__slug="leeds-teaching-hospitals", practice__slug="flat-structure"
    )
    leeds = application.case_study_id
    before = option_counts("", "practice")["flat-structure"]
    assert leeds in index_ids("practice=flat-structure")
    application.status = Status.DRAFT
    saved(application)
    assert catalogue.current().token == ContentVersion.current()
    assert option_counts("", "practice")["flat-structure"] == before - 1
    assert leeds not in index_ids("practice=flat-structure")
    assert index_ids("practice=flat-structure") == sql_ids("practice=flat-structure")


def test_renaming_an_organisation_moves_its_case_study_in_the_catalogue_order():
    rutland = CaseStudy.objects.get(slug="rutland")
    before = catalogue.current()
    assert before.orderings["organisation"].place[before.position(rutland.pk)] > 0
    organisation = rutland.organisation
    organisation.name = "Aaa Rutland County Council"
    saved(organisation)
    index = catalogue.current()
    assert index.position(rutland.pk) == before.position(rutland.pk), "updated in place"
    assert index.id_at(index.in_catalogue_order(index.all, 0, 1)) == [rutland.pk]
    assert index.id_at(select("").positions("organisation")(0, 100)) == sql_order(
        "", "organisation"
    )


def withdraw_a_results_source():
    """Rutland's productivity ranking (its only dated result) cites a source of its own."""
    source = Outcome.objects.get(
        case_study__slug="rutland", indicator__slug="council-productivity-rank"
    ).source
    assert source != CaseStudy.objects.get(slug="rutland").source
    source.status = Status.WITHDRAWN
    saved(source)


def draft_an_outcome():
    """Exeter's first Ofsted result is its only year before its period starts."""
    outcome = Outcome.objects.get(case_study__slug="exeter-college", baseline_year=2008)
    outcome.status = Status.DRAFT
    saved(outcome)


def withdraw(model, **lookup):
    def change():
        record = model.objects.get(**lookup)
        record.status = Status.WITHDRAWN
        saved(record)

    return change


def move_an_organisation_to_another_sector():
    organisation = Organisation.objects.get(case_studies__slug="rutland")
    organisation.type = OrganisationType.objects.get(slug="nhs-acute-trust")
    saved(organisation)


CHANGES = {
    "results source withdrawn": withdraw_a_results_source,
    "outcome drafted": draft_an_outcome,
    "practice withdrawn": withdraw(Practice, slug="management-training"),
    "theme withdrawn": withdraw(PracticeTheme, slug="communication"),
    "organisation withdrawn": withdraw(Organisation, case_studies__slug="calderdale"),
    "case study withdrawn": withdraw(CaseStudy, slug="oldham-college"),
    "organisation moved": move_an_organisation_to_another_sector,
}


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES)
def test_after_an_editors_change_the_index_still_agrees_with_sql(change):
    before = catalogue.current()
    change()
    index = catalogue.current()
    assert index.token != before.token
    assert described(index) != described(before), "the change should show in the facets"
    for query in QUERIES + single_value_queries(before, index):
        assert index_ids(query, index) == sql_ids(query), query
    for sort in SQL_ORDERS:
        assert index.id_at(select("", index).positions(sort)(0, 100)) == sql_order("", sort)


class RolledBack(Exception):
    pass


def test_a_rolled_back_change_takes_its_token_with_it():
    before = catalogue.current()
    rutland = CaseStudy.objects.get(slug="rutland")
    with transaction.atomic():
        try:
            with transaction.atomic():
                rutland.status = Status.WITHDRAWN
                saved(rutland)
                during = catalogue.current()
                assert during.token != before.token
                assert during.position(rutland.pk) is None
                raise RolledBack
        except RolledBack:
            pass
        assert ContentVersion.current() == before.token
        after = catalogue.current()
        assert after is not during and after.token == before.token
        assert after.position(rutland.pk) is not None and len(after.all) == 11
        assert index_ids("") == sql_ids("") == set(before.ids.tolist())
        assert after.ids.tolist() == before.ids.tolist()


def test_without_a_version_row_every_call_builds_afresh():
    ContentVersion.objects.all().delete()
    first = catalogue.current()
    assert first.token is None and len(first.all) == 11
    assert catalogue.current() is not first


# --- 4. A build costs the same few queries at any size --------------------------------------


def test_a_build_costs_a_fixed_number_of_queries(django_assert_num_queries):
    with django_assert_num_queries(BUILD_QUERIES):
        small = catalogue.build("small", 0)
    generate_synthetic(case_studies=30, seed=3)
    with django_assert_num_queries(BUILD_QUERIES):
        large = catalogue.build("large", 0)
    assert len(large.all) == len(small.all) + 30
    assert sum(len(value.members) for value in large.facets["practice"]) > sum(
        len(value.members) for value in small.facets["practice"]
    )


def test_with_synthetic_stories_every_facet_value_is_what_sql_selects():
    generate_synthetic(case_studies=30, seed=5)
    index = catalogue.current()
    assert len(index.all) == 41
    for query in single_value_queries(index):
        assert index_ids(query, index) == sql_ids(query), query
    for sort in SQL_ORDERS:
        assert index.id_at(select("", index).positions(sort)(0, 100)) == sql_order("", sort)
    for year in (2005, 2010, 2015, 2020):
        for bound in ("year_from", "year_to"):
            assert index_ids(f"{bound}={year}", index) == sql_ids(f"{bound}={year}")


def test_no_set_is_kept_as_runs():
    """Runs are what pyroaring would choose for a sector whose members sit side by side, and
    intersecting them is ten times slower than intersecting arrays."""
    generate_synthetic(case_studies=30, seed=5)
    index = catalogue.current()
    sets = [value.members for values in index.facets.values() for value in values]
    sets += [found for _, found in index.since + index.until]
    sets.append(catalogue.matches(index, "leadership").members)
    assert max(len(found) for found in sets) > 5
    for found in sets:
        assert found.get_statistics()["n_run_containers"] == 0, list(found)


# --- 5. Related case studies ----------------------------------------------------------------


def published_practices() -> dict[int, set[str]]:
    found = defaultdict(set)
    for case_study, practice in PracticeApplication.objects.published().values_list(
        "case_study", "practice__slug"
    ):
        found[case_study].add(practice)
    return found


def brute_force_related(
    index: catalogue.CatalogueIndex, pk: int | None, practices: set[str], limit: int
) -> list[tuple[int, int]]:
    """Count, for every other published case study, the practices it shares: the slow way."""
    by_study = published_practices()
    scored = [
        (-len(by_study[other] & practices), index.position(other))
        for other in index.ids.tolist()
        if other != pk and by_study[other] & practices
    ]
    return [(position, -shared) for shared, position in sorted(scored)[:limit]]


SLUGS = [
    "calderdale",
    "exeter-college",
    "leeds-teaching-hospitals",
    "london-metropolitan-university",
    "north-staffordshire-combined-healthcare",
    "norfolk",
    "oakwood-surgery",
    "oldham-college",
    "rutland",
    "surrey-heath",
    "tameside-and-glossop",
]


@pytest.mark.parametrize("slug", SLUGS)
def test_related_finds_those_sharing_the_most_practices(slug):
    index = catalogue.current()
    study = pk(slug)
    practices = published_practices()[study]
    position = index.position(study)
    expected = brute_force_related(index, study, practices, 3)
    assert index.related(position, sorted(practices), 3) == expected
    assert all(other != position for other, _ in index.related(position, sorted(practices), 50))
    # Any limit: every case study sharing a practice, most first.
    assert index.related(position, sorted(practices), 50) == brute_force_related(
        index, study, practices, 50
    )
    assert index.related(position, sorted(practices, reverse=True), 1) == expected[:1]


def test_related_ties_come_in_catalogue_order():
    index = catalogue.current()
    study = pk("tameside-and-glossop")
    practices = published_practices()[study]
    found = index.related(index.position(study), sorted(practices), 50)
    counts = [shared for _, shared in found]
    assert len(set(counts)) < len(counts), "the data should hold ties"
    assert found == sorted(found, key=lambda pair: (-pair[1], pair[0]))


def test_related_for_a_draft_that_copies_a_published_story():
    """A draft has no position: every published case study is a candidate, itself included."""
    index = catalogue.current()
    leeds = pk("leeds-teaching-hospitals")
    practices = published_practices()[leeds]
    found = index.related(None, sorted(practices), 3)
    assert found == brute_force_related(index, None, practices, 3)
    assert found[0] == (index.position(leeds), len(practices))


def test_related_for_a_draft_sharing_more_practices_than_any_published_story():
    """Nobody shares all four: a count of four must not wrap round to zero in the bit planes."""
    index = catalogue.current()
    practices = {
        "stable-leadership",
        "one-team-culture",
        "daily-team-meetings",
        "service-user-feedback",
    }
    found = index.related(None, sorted(practices), 3)
    assert found == brute_force_related(index, None, practices, 3)


def test_an_empty_region_chooses_nothing_in_the_index_and_in_sql():
    everything = sql_ids("")
    assert index_ids("region=") == sql_ids("region=") == everything
    assert (
        index_ids("region=Rutland&region=")
        == sql_ids("region=Rutland")
        == sql_ids("region=Rutland&region=")
    )


# --- 6. Slices across sets read one after another -------------------------------------------


def test_concatenated_slices_across_every_boundary():
    parts = [Bits([1, 5, 9]), Bits(), Bits([2, 4]), Bits([0, 7, 8, 11]), Bits([3])]
    read = [1, 5, 9, 2, 4, 0, 7, 8, 11, 3]
    for start, stop in itertools.combinations_with_replacement(range(len(read) + 3), 2):
        assert catalogue.concatenated(parts, start, stop) == read[start:stop], (start, stop)
    assert catalogue.concatenated([], 0, 5) == []
    assert catalogue.concatenated([Bits(), Bits()], 0, 5) == []


def test_a_practice_page_reads_its_case_studies_sector_by_sector():
    index = catalogue.current()
    applied = index.members("practice", "management-training")
    in_sectors = [applied & sector.members for sector in index.facets["sector"]]
    expected = list(
        CaseStudy.objects.published()
        .filter(pk__in=sql_ids("practice=management-training"))
        .order_by(
            "organisation__type__sector__position",
            "organisation__type__sector__slug",
            *BY_ORGANISATION,
        )
        .values_list("pk", flat=True)
    )
    assert len(expected) == 5
    for start, stop in [(0, 2), (2, 4), (4, 6), (0, 20), (1, 4)]:
        read = catalogue.concatenated(in_sectors, start, stop)
        assert index.id_at(read) == expected[start:stop]


# --- 7. Long facets show the options with the most results ----------------------------------


def practice_facet(query: str) -> filters.Facet:
    return next(f for f in facet_counts(select(query)) if f.name == "practice")


@pytest.mark.parametrize("query", ["", "sector=healthcare"])
def test_a_long_facet_lists_its_most_counted_options_and_hides_the_rest(monkeypatch, query):
    counts = option_counts(query, "practice")  # every option with a result
    assert len(counts) > 3
    monkeypatch.setattr(filters, "MOST_OPTIONS", 3)
    facet = practice_facet(query)
    shown = {option.value: option.count for option in facet.options}
    assert len(shown) == 3
    assert facet.hidden == len(counts) - 3
    assert min(shown.values()) >= max(c for v, c in counts.items() if v not in shown)
    assert all(counts[value] == count for value, count in shown.items())
    assert not facet.selected


def test_the_most_counted_options_are_those_a_stable_sort_of_every_count_puts_first():
    random = np.random.default_rng(6)
    for size in (5, 30, 31, 200, 5000):
        for high in (2, 5, 1000):  # many ties, some, few
            counts = random.integers(0, high, size=size)
            expected = np.argsort(-counts, kind="stable")[:30].tolist()
            assert filters.most_counted(counts, 30) == expected, (size, high)


def test_a_chosen_option_is_listed_even_outside_the_most_counted(monkeypatch):
    counts = option_counts("", "practice")
    monkeypatch.setattr(filters, "MOST_OPTIONS", 3)
    facet = practice_facet("practice=flat-structure")
    shown = [option.value for option in facet.options]
    assert shown[:3] == ["devolved-autonomy", "management-training", "leadership-pipeline"]
    assert shown[3:] == ["flat-structure"]
    assert [option.value for option in facet.selected] == ["flat-structure"]
    assert facet.options[3].count == counts["flat-structure"] == 2
    assert facet.hidden == len(counts) - 4


def test_a_short_facet_hides_nothing(monkeypatch):
    monkeypatch.setattr(filters, "MOST_OPTIONS", 3)
    sector = next(f for f in facet_counts(select("")) if f.name == "sector")
    assert sector.hidden == 0 and len(sector.options) == 3


# --- 8. Searches kept with their index ------------------------------------------------------


def test_a_search_is_kept_with_its_index(django_assert_num_queries):
    index = catalogue.current()
    index.searches.clear()
    with django_assert_num_queries(1):
        first = catalogue.matches(index, "leadership")
    with django_assert_num_queries(0):
        again = catalogue.matches(index, "Leadership!")  # the same words
    assert again is first
    assert set(index.id_at(first.members)) == sql_ids("q=leadership")

    saved(CaseStudy.objects.get(slug="rutland"))
    fresh = catalogue.current()
    assert fresh is not index and fresh.searches == {}
    with django_assert_num_queries(1):
        assert catalogue.matches(fresh, "leadership") is not first


def test_only_the_latest_searches_are_kept(django_assert_num_queries):
    index = catalogue.current()
    index.searches.clear()
    kept = catalogue.matches(index, "leadership")
    others = [f"word{n}" for n in range(catalogue.KEPT_SEARCHES - 1)]
    for word in others:
        catalogue.matches(index, word)
    assert len(index.searches) == catalogue.KEPT_SEARCHES
    with django_assert_num_queries(0):
        assert catalogue.matches(index, "leadership") is kept  # now the most recent
    catalogue.matches(index, "another")
    assert len(index.searches) == catalogue.KEPT_SEARCHES
    assert ("leadership",) in index.searches
    assert (others[0],) not in index.searches and (others[1],) in index.searches


def test_credited_results_by_direction_agree_with_sql():
    """The practice page's counts of credited results, read from the index, against the query
    they replaced (ContributionQuerySet.organisations_credited, kept as the reference)."""
    index = catalogue.current()
    for practice in Practice.objects.published():
        expected = Contribution.objects.organisations_credited(practice)
        assert index.credited_results(practice.slug) == expected, practice.slug
    assert any(index.credited_results(p.slug) for p in Practice.objects.published())
