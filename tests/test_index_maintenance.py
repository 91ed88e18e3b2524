"""The catalogue index kept up to date in place (catalogue.updated) against a fresh build, the
reference: random sequences of the saves editors make (new case studies, publications,
withdrawals, deletions, renamed organisations, results, practices and credits), each followed by
a reader's request, must leave an index that describes the same catalogue as one built from
scratch. Positions may differ (an update appends; a build numbers in catalogue order), so the
two are compared by case study id."""

import itertools

import numpy as np
import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyroaring import FrozenBitMap as Bits

from casebase.catalogue import index as catalogue
from casebase.content import profiles
from casebase.content.changes import content_changed, touched_by
from casebase.content.models import (
    CaseStudy,
    ContentChange,
    ContentVersion,
    Contribution,
    CreditDirectness,
    Grade,
    Indicator,
    Organisation,
    OrganisationFact,
    Outcome,
    Practice,
    PracticeApplication,
    Source,
    Status,
)
from tests.helpers import deleted, saved

pytestmark = pytest.mark.django_db

STATUSES = [Status.PUBLISHED, Status.DRAFT, Status.WITHDRAWN]
NAMES = ["Aardvark Trust", "Middle Council", "Zebra College", "Leeds Teaching Hospitals"]
REGIONS = ["north-west", "london", "wales", ""]
SERIAL = itertools.count()  # slugs never used before, even after a deletion


def described(index: catalogue.CatalogueIndex) -> dict:
    """Everything a reader's request reads from an index, by case study id."""

    def ids(members) -> list[int]:
        return sorted(index.id_at(members))

    first = Bits(index.in_catalogue_order(index.all, 0, 1))
    return {
        "all": ids(index.all),
        "by id": sorted(
            index.id_at([p for p in index.positions_of(np.arange(len(index.by_id) + 5)) if p >= 0])
        ),
        "facets": {
            name: [(value.value, value.label, ids(value.members)) for value in values]
            for name, values in index.facets.items()
        },
        "labels": index.labels,
        "since": [(year, ids(members)) for year, members in index.since],
        "until": [(year, ids(members)) for year, members in index.until],
        "results": {key: ids(members) for key, members in index.results.items()},
        "best": {key: ids(members) for key, members in index.best.items()},
        "credited": {key: ids(members) for key, members in index.credited.items()},
        "areas": {key: ids(members) for key, members in index.areas.items()},
        "orders": {
            name: index.id_at(ordering.slice(index.all, 0, len(index.all)))
            for name, ordering in index.orderings.items()
        },
        "totals": {name: counts.tolist() for name, counts in index.totals.items()},
        "counts within": {  # all but the first in catalogue order
            name: index.counts(name, index.all - first).tolist() for name in catalogue.SINGLE_VALUED
        },
    }


def pick(model, number: int, **filters):
    found = list(model.objects.filter(**filters).order_by("pk"))
    return found[number % len(found)] if found else None


def new_case_study(number: int, status: str, start: int | None) -> None:
    """A new organisation's story (an organisation has one case study per source)."""
    like = pick(Organisation, number)
    organisation = Organisation.objects.create(
        name=NAMES[number % len(NAMES)],
        slug=f"organisation-{next(SERIAL)}",
        type=like.type,
        region=REGIONS[number % len(REGIONS)],
        status=Status.PUBLISHED,
    )
    study = CaseStudy.objects.create(
        title=f"Story {number}",
        slug=f"story-{next(SERIAL)}",
        organisation=organisation,
        source=Source.objects.get(slug="the-management-mission"),
        context="Before.",
        summary="After.",
        period_start=start,
        period_end=start + 3 if start else None,
        status=status,
    )
    content_changed(touched_by([organisation, study]))


def set_status(number: int, status: str) -> None:
    study = pick(CaseStudy, number)
    study.status = status
    saved(study)


def rename(number: int, name: str, region: str) -> None:
    organisation = pick(Organisation, number)
    organisation.name, organisation.region = name, region
    saved(organisation)


def move(number: int, to: int) -> None:
    """To an organisation with no case study from the same source."""
    study = pick(CaseStudy, number)
    study.organisation = pick(Organisation, to, case_studies=None)
    if study.organisation:
        saved(study)


def add_result(number: int, kind: int, year: int | None, status: str) -> None:
    study = pick(CaseStudy, number)
    snapshot = kind % 3 == 0
    result = Outcome.objects.create(
        case_study=study,
        slug=f"result-{next(SERIAL)}",
        indicator=pick(Indicator, kind, kind=Indicator.Kind.NARRATIVE),
        direction=Outcome.Direction.SNAPSHOT if snapshot else Outcome.Direction.IMPROVED,
        design=Outcome.Design.SNAPSHOT if snapshot else Outcome.Design.BEFORE_AFTER,
        evidence=Outcome.Evidence.values[kind % len(Outcome.Evidence.values)],
        statement="It changed.",
        result_year=year,
        source=study.source,
        status=status,
    )
    content_changed(touched_by([result]))


def grade_result(number: int, grade: int, status: str) -> None:
    """An inspection result: its grade before is the rating at the start of the story."""
    study = pick(CaseStudy, number)
    indicator = pick(Indicator, grade, kind=Indicator.Kind.ORDINAL, area=Indicator.Area.INSPECTION)
    before, after = (
        pick(Grade, grade, scale=indicator.scale),
        pick(Grade, grade + 1, scale=indicator.scale),
    )
    result = Outcome.objects.create(
        case_study=study,
        slug=f"result-{next(SERIAL)}",
        indicator=indicator,
        baseline_grade=before,
        result_grade=after,
        direction=Outcome.Direction.IMPROVED,
        design=Outcome.Design.BEFORE_AFTER,
        evidence=Outcome.Evidence.REGULATOR,
        statement="Inspected.",
        source=study.source,
        status=status,
    )
    content_changed(touched_by([result]))


def resize(number: int, value: int) -> None:
    """A new figure for the organisation's size: its band moves its case studies."""
    organisation = pick(Organisation, number)
    sector = organisation.type.sector
    rules = profiles.SIZE_RULES.get(sector.slug) if sector else None
    if not rules:
        return
    fact, _ = OrganisationFact.objects.update_or_create(
        organisation=organisation,
        kind=rules[0].kind,
        period="",
        defaults={"value": value, "source": Source.objects.get(slug="the-management-mission")},
    )
    saved(fact)


def change_result(number: int, status: str) -> None:
    result = pick(Outcome, number)
    result.status = status
    saved(result)


def delete_result(number: int) -> None:
    deleted(pick(Outcome, number))


def apply_practice(number: int, practice: int, status: str) -> None:
    study = pick(CaseStudy, number)
    application, _ = PracticeApplication.objects.get_or_create(
        case_study=study,
        practice=pick(Practice, practice),
        defaults={"description": "Done.", "status": status},
    )
    application.status = status
    saved(application)  # new or not


def credit(number: int, directness: int) -> None:
    application = pick(PracticeApplication, number)
    result = pick(Outcome, number, case_study=application.case_study)
    if result is None:
        return
    contribution, _ = Contribution.objects.update_or_create(
        case_study=application.case_study,
        application=application,
        outcome=result,
        defaults={"directness": CreditDirectness.values[directness % 2]},
    )
    content_changed(touched_by([contribution]))


def delete(number: int) -> None:
    deleted(pick(CaseStudy, number))


number = st.integers(0, 10_000)
status = st.sampled_from(STATUSES)
year = st.one_of(st.none(), st.integers(1995, 2024))
SAVES = st.one_of(
    st.tuples(st.just(new_case_study), number, status, year),
    st.tuples(st.just(set_status), number, status),
    st.tuples(st.just(rename), number, st.sampled_from(NAMES), st.sampled_from(REGIONS)),
    st.tuples(st.just(move), number, number),
    st.tuples(st.just(add_result), number, number, year, status),
    st.tuples(st.just(grade_result), number, number, status),
    st.tuples(st.just(resize), number, st.sampled_from([500, 5_000, 200_000, 900_000])),
    st.tuples(st.just(change_result), number, status),
    st.tuples(st.just(delete_result), number),
    st.tuples(st.just(apply_practice), number, number, status),
    st.tuples(st.just(credit), number, number),
    st.tuples(st.just(delete), number),
)


class Undo(Exception):
    """Rolls an example back, so the next starts from the compendium."""


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(saves=st.lists(SAVES, min_size=1, max_size=12), read_between=st.booleans())
def test_an_index_kept_up_to_date_in_place_equals_a_fresh_build(saves, read_between):
    try:
        with transaction.atomic():
            catalogue._latest = None
            catalogue.current()  # built once, then only updated
            for save, *arguments in saves:
                save(*arguments)
                if read_between:
                    catalogue.current()
            kept = catalogue.current()
            assert kept.seq == ContentVersion.read()[1]
            fresh = catalogue.build(*ContentVersion.read())
            kept, fresh = described(kept), described(fresh)
            for part in fresh:
                assert kept[part] == fresh[part], part
            raise Undo
    except Undo:
        pass
    finally:
        catalogue._latest = None


def test_a_save_of_a_case_study_updates_the_index_without_a_build(case_study, monkeypatch):
    index = catalogue.current()
    monkeypatch.setattr(catalogue, "build", None)  # a build would fail
    case_study.period_start, case_study.period_end = 2025, 2031
    saved(case_study)
    after = catalogue.current()
    assert after is not index and after.token == ContentVersion.current()

    def most_recent(index):
        return index.id_at(index.orderings["recent"].slice(index.all, 0, 1))

    assert most_recent(after) == [case_study.pk]
    assert case_study.pk in after.id_at(after.covering(since=2030))
    assert most_recent(index) != [case_study.pk], (
        "the old index is left as it was, for the requests still reading it"
    )


def test_a_withdrawal_disappears_on_the_next_request(case_study):
    assert catalogue.current().position(case_study.pk) is not None
    case_study.status = Status.WITHDRAWN
    saved(case_study)
    index = catalogue.current()
    assert index.position(case_study.pk) is None
    assert case_study.pk not in index.id_at(index.all)


def test_a_change_that_may_move_any_case_study_rebuilds(practice):
    index = catalogue.current()
    practice.name = "Leadership you can see"
    saved(practice)
    after = catalogue.current()
    assert after.label("practice", practice.slug) == "Leadership you can see"
    assert ContentChange.objects.latest("seq").case_studies is None
    assert after.seq == index.seq + 1


def test_an_index_behind_a_pruned_log_rebuilds(case_study, monkeypatch):
    catalogue.current()
    monkeypatch.setattr(ContentChange, "KEPT", 1)
    saved(case_study)
    saved(case_study)
    assert ContentChange.prune() > 0
    built, build = [], catalogue.build
    monkeypatch.setattr(
        catalogue, "build", lambda *version: built.append(version) or build(*version)
    )
    assert catalogue.current().seq == ContentVersion.read()[1]
    assert built, "a log that no longer reaches back means a fresh build"


def test_an_index_of_another_database_rebuilds_even_at_the_same_seq(case_study, monkeypatch):
    """A restored backup counts its own changes: the same seq there is another change."""
    index = catalogue.current()
    index.token = "a version of another database"
    saved(case_study)
    built, build = [], catalogue.build
    monkeypatch.setattr(
        catalogue, "build", lambda *version: built.append(version) or build(*version)
    )
    assert catalogue.current().token == ContentVersion.current()
    assert built


def test_the_log_of_changes_stays_bounded(case_study, monkeypatch):
    monkeypatch.setattr(ContentChange, "KEPT", 3)
    monkeypatch.setattr(ContentChange, "PRUNE_EVERY", 2)
    for _ in range(6):
        saved(case_study)
    assert ContentChange.objects.count() <= 3 + 1
    latest = ContentChange.objects.latest("seq")
    assert (latest.seq, latest.token) == tuple(reversed(ContentVersion.read()))


def test_a_write_shows_once_its_change_is_said(case_study):
    """No signal moves the version: a script's write shows when it calls content_changed()."""
    index = catalogue.current()
    case_study.status = Status.WITHDRAWN
    case_study.save()
    assert catalogue.current() is index
    content_changed(touched_by([case_study]))
    assert catalogue.current().position(case_study.pk) is None
