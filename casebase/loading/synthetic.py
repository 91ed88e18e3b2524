"""Synthetic case studies for benchmarks: realistic volume, built fast. Never for real content.

`generate_synthetic()` adds published case studies, each with its own organisation and leader,
about ten practice applications, about three outcomes (each credited to one of them), two quotes
and its search document, and the site-wide search's documents of all three. They reuse the
compendium's reference data (organisation types, sources, practices, indicators, grades), so
`load_compendium` must have run first.

Every slug starts with `synthetic-` and a number that carries on from the highest one already
there, so a second run adds more. Case study n built with seed s is always the same, whatever
run or batch builds it: its random generator is seeded with both. The text comes from the word
lists at the end of this module, so full-text search meets the vocabulary of the real stories.

Speed matters more than ceremony here: 100,000 case studies are 2.3 million rows. Each batch of
case studies is one transaction. Organisations, people and case studies go in with bulk_create,
which hands back their ids. Their parts, nine rows in ten, go in with `insert()`, one COPY or
executemany per table, because bulk_create prepares every value through its field, which is four
times slower at this volume; their ids are then read back by natural key. Nothing is validated
row by row (the tests full_clean() a sample), and nothing sends a signal, so cached pages are
retired explicitly.
"""

import math
import random
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal
from itertools import chain
from typing import Any, NamedTuple

from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.text import slugify

from casebase.catalogue import search, sitewide
from casebase.content import profiles
from casebase.content.changes import content_changed
from casebase.content.models import (
    CaseStudy,
    CaseStudyPerson,
    Contribution,
    Grade,
    Indicator,
    Organisation,
    OrganisationFact,
    OrganisationType,
    Outcome,
    Person,
    Practice,
    PracticeApplication,
    Quote,
    SearchDocument,
    Sector,
    SiteDocument,
    Source,
    Status,
)

PREFIX = "synthetic-"
NUMBERED_SLUG = re.compile(rf"^{PREFIX}(\d+)-")
BATCH_SIZE = 1000  # case studies per transaction: about 23,000 rows
FIRST_YEAR, LAST_YEAR = 2005, 2023
PUBLISHED = Status.PUBLISHED.value
LEADER = CaseStudyPerson.Involvement.LEADER.value
EXACT = OrganisationFact.Qualifier.EXACT.value
CREDIT_DIRECTNESS = tuple(Contribution.Directness.values)
Kind = SiteDocument.Kind


class SyntheticError(Exception):
    """Synthetic data cannot be built here: the message says why and what to do."""


@dataclass(frozen=True)
class Reference:
    """The compendium's records every synthetic case study draws on, read once."""

    types: list[OrganisationType]
    sources: list[Source]
    practices: list[Practice]
    indicators: list[Indicator]
    grades: dict[int, list[Grade]]  # by scale id, lowest rank first


# The parts of a story, before they have ids. Their attribute names are the models' own, so
# search.document_for() reads them as it reads saved records.


class Participant(NamedTuple):
    person: Person


class Applied(NamedTuple):
    practice: Practice
    heading: str
    description: str


class Result(NamedTuple):
    indicator: Indicator
    slug: str
    baseline_grade: Grade | None
    baseline_value: Decimal | None
    baseline_year: int | None
    result_grade: Grade | None
    result_value: Decimal | None
    result_year: int
    timeframe: str
    direction: str
    evidence: str
    statement: str
    credited: int  # the application credited for it, by position
    passage: str


class Said(NamedTuple):
    text: str
    speaker: Person
    illustrates: int | None  # the application it illustrates, by position


@dataclass
class Story:
    """One synthetic case study and everything that hangs on it."""

    organisation: Organisation
    person: Person
    case_study: CaseStudy
    size: tuple[str, int] | None  # the organisation's figure its sector is sized by
    applications: list[Applied]
    outcomes: list[Result]
    quotes: list[Said]

    def search_document(self) -> SearchDocument:
        """The document search.refresh() would write. The parts in memory stand in for what
        `with_story()` prefetches."""
        study = self.case_study
        study.published_people = [Participant(self.person)]
        study.published_applications = self.applications
        study.published_outcomes = self.outcomes
        study.published_quotes = self.quotes
        return search.document_for(study)


# --- Running -------------------------------------------------------------------------------


def generate_synthetic(
    *, case_studies: int, seed: int = 1, batch_size: int = BATCH_SIZE
) -> tuple[int, Counter]:
    """Add `case_studies` synthetic published case studies; return the first one's number and
    the rows created per model. Each batch is one transaction: an interrupted run leaves whole
    case studies only."""
    reference = load_reference()
    first = next_number()
    created: Counter = Counter()
    for start in range(first, first + case_studies, batch_size):
        stop = min(start + batch_size, first + case_studies)
        created += write([build_story(number, seed, reference) for number in range(start, stop)])
    return first, created


def load_reference() -> Reference:
    indicators = list(Indicator.objects.select_related("scale"))
    grades: dict[int, list[Grade]] = defaultdict(list)
    for grade in Grade.objects.order_by("scale", "rank"):
        grades[grade.scale_id].append(grade)
    reference = Reference(
        types=by_slug(OrganisationType.objects.select_related("sector")),
        sources=by_slug(Source.objects.published()),
        practices=by_slug(Practice.objects.published()),
        # A graded result needs a ladder of at least two grades to climb or fall.
        indicators=by_slug(
            i for i in indicators if not i.scale_id or len(grades.get(i.scale_id, ())) > 1
        ),
        grades=grades,
    )
    check_reference(reference)
    return reference


def by_slug(records) -> list:
    """In slug order, sorted here: databases collate text differently, and the same seed
    builds the same stories on SQLite and PostgreSQL."""
    return sorted(records, key=lambda record: record.slug)


def check_reference(reference: Reference) -> None:
    present = {
        "sectors": Sector.objects.exists(),
        "organisation types": reference.types,
        "published sources": reference.sources,
        "published practices": reference.practices,
        "indicators": reference.indicators,
        "grade scales": reference.grades,
    }
    missing = [name for name, found in present.items() if not found]
    if missing:
        raise SyntheticError(
            f"No {', no '.join(missing)} in the database: synthetic case studies reuse the "
            "compendium's reference data. Run `manage.py load_compendium` first."
        )


def next_number() -> int:
    """One more than the highest synthetic number in any slug, so runs never collide."""
    slugs = chain.from_iterable(
        model.objects.filter(slug__startswith=PREFIX).values_list("slug", flat=True)
        for model in (CaseStudy, Organisation, Person)
    )
    numbers = (int(match[1]) for slug in slugs if (match := NUMBERED_SLUG.match(slug)))
    return max(numbers, default=0) + 1


# --- Writing a batch -----------------------------------------------------------------------


def write(stories: list[Story]) -> Counter:
    """Write a batch of stories, parents before children, in one transaction."""
    with transaction.atomic():
        Organisation.objects.bulk_create([story.organisation for story in stories])
        Person.objects.bulk_create([story.person for story in stories])
        # The case studies pick up their organisations' new ids as they are inserted.
        CaseStudy.objects.bulk_create([story.case_study for story in stories])
        created = write_parts(stories, connection.ops.adapt_datetimefield_value(timezone.now()))
        created[SearchDocument] = write_search_documents(stories)
        created[SiteDocument] = write_site_documents(stories)
        content_changed(search_written=True)
    return created + Counter(dict.fromkeys((Organisation, Person, CaseStudy), len(stories)))


def write_parts(stories: list[Story], now: Any) -> Counter:
    """Everything that hangs on the case studies, ids read back as each table is written."""
    created: Counter = Counter()
    created[CaseStudyPerson] = insert(
        CaseStudyPerson,
        ("case_study", "person", "involvement", "position"),
        [(s.case_study.pk, s.person.pk, LEADER, 0) for s in stories],
    )
    created[PracticeApplication] = insert(
        PracticeApplication,
        ("case_study", "practice", "heading", "description", "position", *STAMPS),
        [row for s in stories for row in application_rows(s, now)],
    )
    applications = saved_ids(PracticeApplication, stories, "practice")
    created[Outcome] = insert(
        Outcome, OUTCOME_COLUMNS, [row for s in stories for row in outcome_rows(s, now)]
    )
    outcomes = saved_ids(Outcome, stories, "slug")
    created[Contribution] = insert(
        Contribution,
        ("case_study", "application", "outcome", "directness", "passage"),
        [row for s in stories for row in contribution_rows(s, applications, outcomes)],
    )
    created[OrganisationFact] = insert(
        OrganisationFact,
        ("organisation", "kind", "value", "qualifier", "period", "source", "excerpt"),
        [
            (s.organisation.pk, *s.size, EXACT, "", s.case_study.source_id, "")
            for s in stories
            if s.size
        ],
    )
    created[Quote] = insert(
        Quote,
        ("text", "speaker", "case_study", "application", "source", "position", *STAMPS),
        [row for s in stories for row in quote_rows(s, applications, now)],
    )
    return created


def write_search_documents(stories: list[Story]) -> int:
    """SQLite's FTS5 table follows the documents by trigger; PostgreSQL's vectors are computed
    here, as search.refresh() does."""
    documents = [story.search_document() for story in stories]
    insert(
        SearchDocument,
        ("case_study", "title", "names", "practices", "body"),
        [(d.case_study_id, d.title, d.names, d.practices, d.body) for d in documents],
    )
    if search.is_postgres():
        search.write_vectors(
            SearchDocument.objects.filter(pk__in=[d.case_study_id for d in documents])
        )
    return len(documents)


def write_site_documents(stories: list[Story]) -> int:
    """The site-wide search's documents of the new organisations, people and case studies, as
    sitewide.refresh() would write them (a new person has no roles yet)."""
    for story in stories:
        story.person.published_roles = []
    documents = [
        *sitewide.documents(Kind.ORGANISATION, [s.organisation for s in stories]),
        *sitewide.documents(Kind.PERSON, [s.person for s in stories]),
        *sitewide.documents(Kind.CASE_STUDY, [s.case_study for s in stories]),
    ]
    fields = ("id", "kind", "object_id", "title", "body", "meta", "url")
    insert(SiteDocument, fields, [tuple(getattr(d, f) for f in fields) for d in documents])
    sitewide.write_vectors([d.id for d in documents])
    return len(documents)


def insert(model: type[models.Model], fields: tuple[str, ...], rows: list[tuple]) -> int:
    """Add rows of values the database takes as they are (ids, text, numbers, timestamps
    already adapted): with COPY on PostgreSQL, its bulk load, several times faster there than
    INSERT; with one executemany on SQLite, where that is fastest."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in fields)
    with connection.cursor() as cursor:
        if search.is_postgres():  # psycopg's own cursor copies
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            values = ", ".join(["%s"] * len(fields))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({values})", rows)
    return len(rows)


def saved_ids(model: type[models.Model], stories: list[Story], key: str) -> dict[tuple, int]:
    """The ids of this batch's rows of `model`, by (case study id, key). The id range may
    hold another writer's case studies too: only this batch's keys are looked up."""
    ids = [story.case_study.pk for story in stories]
    rows = model.objects.filter(case_study__gte=min(ids), case_study__lte=max(ids)).values_list(
        "case_study", key, "pk"
    )
    return {(study, value): pk for study, value, pk in rows}


STAMPS = ("status", "created_at", "updated_at")
OUTCOME_COLUMNS = (
    "case_study", "slug", "indicator", "baseline_grade", "baseline_value", "baseline_year",
    "result_grade", "result_value", "result_year", "timeframe", "direction", "evidence",
    "design", "statement", "source", "position", *STAMPS,
)  # fmt: skip


def application_rows(story: Story, now: Any):
    study = story.case_study.pk
    for position, a in enumerate(story.applications):
        yield (study, a.practice.pk, a.heading, a.description, position, PUBLISHED, now, now)


def outcome_rows(story: Story, now: Any):
    study, source = story.case_study.pk, story.case_study.source_id
    for position, r in enumerate(story.outcomes):
        yield (
            study, r.slug, r.indicator.pk, pk_of(r.baseline_grade), r.baseline_value,
            r.baseline_year, pk_of(r.result_grade), r.result_value, r.result_year, r.timeframe,
            r.direction, r.evidence, design_of(r.direction), r.statement, source, position,
            PUBLISHED, now, now,
        )  # fmt: skip


def design_of(direction: str) -> str:
    """Synthetic results are measured before and after, or once."""
    snapshot = direction == Outcome.Direction.SNAPSHOT
    return Outcome.Design.SNAPSHOT if snapshot else Outcome.Design.BEFORE_AFTER


def contribution_rows(story: Story, applications: dict, outcomes: dict):
    study = story.case_study.pk
    for index, r in enumerate(story.outcomes):
        practice = story.applications[r.credited].practice.pk
        # Alternate, without drawing on the random generator (that would change every story).
        directness = CREDIT_DIRECTNESS[index % len(CREDIT_DIRECTNESS)]
        yield (study, applications[study, practice], outcomes[study, r.slug], directness, r.passage)


def quote_rows(story: Story, applications: dict, now: Any):
    study, source = story.case_study.pk, story.case_study.source_id
    for position, q in enumerate(story.quotes):
        application = None
        if q.illustrates is not None:
            application = applications[study, story.applications[q.illustrates].practice.pk]
        yield (q.text, q.speaker.pk, study, application, source, position, PUBLISHED, now, now)


def pk_of(record: models.Model | None) -> int | None:
    return record.pk if record is not None else None


# --- Building one story --------------------------------------------------------------------


def build_story(number: int, seed: int, reference: Reference) -> Story:
    rng = random.Random(f"{seed}:{number}")
    place = rng.choice(PLACE_STARTS) + rng.choice(PLACE_ENDS)
    organisation = build_organisation(number, rng, place, reference)
    person = build_person(number, rng)
    words = story_words(rng, organisation, person) | {"place": place}
    person.summary = f"{words['Role']} of {organisation.name} from {words['start']}."
    applications = build_applications(rng, words, reference)
    return Story(
        organisation=organisation,
        person=person,
        case_study=build_case_study(number, rng, words, organisation, reference),
        # From a generator of its own, so the rest of each story is what it was before sizes.
        size=build_size(random.Random(f"{seed}:{number}:size"), organisation),
        applications=applications,
        outcomes=build_results(rng, words, applications, reference),
        quotes=[
            Said(text, person, rng.randrange(len(applications)) if rng.random() < 0.7 else None)
            for text in rng.sample(QUOTES, 2)
        ],
    )


# How big synthetic organisations are, by the figure their sector is sized by: a range spread
# evenly on a log scale, across every band of content/profiles.py.
SIZE_RANGES = {
    OrganisationFact.Kind.STAFF: (400, 30_000),
    OrganisationFact.Kind.POPULATION_SERVED: (20_000, 1_500_000),
    OrganisationFact.Kind.STUDENTS: (800, 45_000),
}


def build_size(rng: random.Random, organisation: Organisation) -> tuple[str, int] | None:
    sector = organisation.type.sector
    rules = profiles.SIZE_RULES.get(sector.slug, ()) if sector else ()
    if not rules or rules[0].kind not in SIZE_RANGES:
        return None
    low, high = SIZE_RANGES[rules[0].kind]
    return rules[0].kind, round(math.exp(rng.uniform(math.log(low), math.log(high))), -1)


def build_organisation(
    number: int, rng: random.Random, place: str, reference: Reference
) -> Organisation:
    kind = rng.choice(reference.types)
    name = rng.choice(ORGANISATION_NAMES.get(kind.slug, ("{place} " + kind.name,)))
    name = name.format(place=place)
    initials = "".join(word[0] for word in name.split() if word[0].isupper())
    region = rng.choice(ENGLISH_REGIONS)
    return Organisation(
        name=name,
        slug=f"{PREFIX}{number}-{slugify(name)}"[:120],
        aliases=initials if len(initials) > 2 and rng.random() < 0.5 else "",
        type=kind,
        region=region.value,
        area_served=f"{place}, {region.label}",
        summary=f"{kind.name} serving {place}, in {the(region.label)}.",
        status=Status.PUBLISHED,
    )


def the(region: str) -> str:
    """The region as a sentence names it: in the North East, but in London."""
    return region if region in ("London", "Yorkshire and the Humber") else f"the {region}"


def build_person(number: int, rng: random.Random) -> Person:
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    return Person(
        name=f"{first} {last}",
        slug=f"{PREFIX}{number}-{slugify(first)}-{slugify(last)}",
        honorific=rng.choice(HONORIFICS),
        post_nominals=rng.choice(POST_NOMINALS),
        status=Status.PUBLISHED,
    )


def story_words(rng: random.Random, organisation: Organisation, person: Person) -> dict:
    """The facts a story's sentences share, by the names its templates use."""
    sector = organisation.type.sector
    setting = SECTOR_WORDS.get(sector.slug if sector else "", OTHER_WORDS)
    start = rng.randint(FIRST_YEAR, LAST_YEAR - 1)
    end = rng.randint(start + 1, min(start + 8, LAST_YEAR))
    role = rng.choice(setting["roles"])
    return {
        "org": organisation.name,
        "leader": person.name,
        "surname": person.name.split()[-1],
        "role": role,
        "Role": role[0].upper() + role[1:],
        "unit": rng.choice(setting["units"]),
        "start": start,
        "end": end,
        "years": end - start,
        "millions": rng.randint(2, 60),
        "vacancy": rng.randint(8, 25),
    }


def build_case_study(
    number: int,
    rng: random.Random,
    words: dict,
    organisation: Organisation,
    reference: Reference,
) -> CaseStudy:
    actions = rng.sample(ACTIONS, 3)
    return CaseStudy(
        title=f"{words['place']}: {rng.choice(HEADLINES)}",
        slug=organisation.slug,
        organisation=organisation,
        source=rng.choice(reference.sources),
        source_section=organisation.name,
        period_start=words["start"],
        period_end=words["end"],
        period_label=f"{words['start']} to {words['end']}",
        context=sentences(words, rng.choice(OPENINGS), *rng.sample(TROUBLES, rng.randint(2, 3))),
        summary=sentences(
            words,
            f"{{surname}} {actions[0]}, {actions[1]} and {actions[2]}.",
            rng.choice(RESULTS),
        ),
        status=Status.PUBLISHED,
        public_updated_at=timezone.now(),  # published as it is made
    )


def sentences(words: dict, *templates: str) -> str:
    return " ".join(template.format(**words) for template in templates)


def build_applications(rng: random.Random, words: dict, reference: Reference) -> list[Applied]:
    count = min(rng.randint(8, 12), len(reference.practices))
    applications = []
    for practice in rng.sample(reference.practices, count):
        names = {"practice": practice.name.lower(), "Practice": practice.name}
        heading = rng.choice(HEADINGS).format(**names)
        details = rng.sample(DETAILS, rng.randint(1, 2))
        applications.append(
            Applied(practice, heading, sentences(words | names, rng.choice(APPLIED), *details))
        )
    return applications


def build_results(
    rng: random.Random, words: dict, applications: list[Applied], reference: Reference
) -> list[Result]:
    count = min(rng.randint(2, 4), len(reference.indicators))
    return [
        build_result(rng, words, indicator, applications, reference)
        for indicator in rng.sample(reference.indicators, count)
    ]


def build_result(
    rng: random.Random,
    words: dict,
    indicator: Indicator,
    applications: list[Applied],
    reference: Reference,
) -> Result:
    direction = rng.choices(DIRECTIONS, DIRECTION_WEIGHTS)[0]
    baseline, result = measures(rng, indicator, direction, reference)
    baseline_year = None if direction == Outcome.Direction.SNAPSHOT else words["start"]
    credited = rng.randrange(len(applications))
    practice = applications[credited].practice.name
    return Result(
        indicator=indicator,
        slug=f"{indicator.slug[:110]}-{words['end']}",
        baseline_grade=baseline if isinstance(baseline, Grade) else None,
        baseline_value=baseline if isinstance(baseline, Decimal) else None,
        baseline_year=baseline_year,
        result_grade=result if isinstance(result, Grade) else None,
        result_value=result if isinstance(result, Decimal) else None,
        result_year=words["end"],
        timeframe=rng.choice(("", f"within {words['years']} years", f"by {words['end']}")),
        direction=direction,
        evidence=evidence_for(rng, indicator),
        statement=statement(indicator, direction, baseline, result, baseline_year, words["end"]),
        credited=credited,
        passage=rng.choice(REASONS).format(
            practice=practice.lower(), Practice=practice, indicator=indicator.name.lower()
        ),
    )


def measures(
    rng: random.Random, indicator: Indicator, direction: str, reference: Reference
) -> tuple[Grade | Decimal | None, Grade | Decimal | None]:
    """(baseline, result) as the indicator measures them: grades from its own scale, numbers,
    or nothing for results described in words. A snapshot has no baseline."""
    if indicator.kind == Indicator.Kind.ORDINAL:
        worse, better = sorted(
            rng.sample(reference.grades[indicator.scale_id], 2), key=lambda g: g.rank
        )
    elif indicator.is_numeric:
        worse, better = number_range(rng, indicator)
    else:
        return None, None
    return {
        Outcome.Direction.IMPROVED: (worse, better),
        Outcome.Direction.DECLINED: (better, worse),
        Outcome.Direction.SUSTAINED: (better, better),
        Outcome.Direction.SNAPSHOT: (None, better),
    }[direction]


def number_range(rng: random.Random, indicator: Indicator) -> tuple[Decimal, Decimal]:
    """A worse and a better figure: percentages within 0 to 100, ranks where 1 is best."""
    if indicator.kind == Indicator.Kind.PERCENTAGE:
        low = rng.uniform(15, 85)
        high = min(100.0, low + rng.uniform(2, 25))
        return Decimal(f"{low:.1f}"), Decimal(f"{high:.1f}")
    low = rng.randint(2, 150)
    high = low + rng.randint(1, 100)
    if indicator.kind == Indicator.Kind.RANK:
        return Decimal(high), Decimal(low)
    return Decimal(low), Decimal(high)


def evidence_for(rng: random.Random, indicator: Indicator) -> str:
    if indicator.area == Indicator.Area.INSPECTION:
        return Outcome.Evidence.REGULATOR
    if indicator.area == Indicator.Area.STAFF:
        return Outcome.Evidence.SURVEY
    if indicator.kind == Indicator.Kind.RANK:
        return Outcome.Evidence.RANKING
    return rng.choice(OTHER_EVIDENCE)


def statement(
    indicator: Indicator,
    direction: str,
    baseline: Grade | Decimal | None,
    result: Grade | Decimal | None,
    start: int | None,
    end: int,
) -> str:
    name = indicator.name
    if result is None:
        return DESCRIBED[direction].format(name=name, lower=name.lower(), start=start, end=end)
    shown = shown_as(indicator, result)
    if direction == Outcome.Direction.SNAPSHOT:
        return f"{name} stood at {shown} in {end}."
    before = shown_as(indicator, baseline)
    return f"{name} {MOVES[direction]} from {before} in {start} to {shown} in {end}."


def shown_as(indicator: Indicator, measure: Grade | Decimal) -> str:
    if isinstance(measure, Grade):
        return measure.name
    if indicator.kind == Indicator.Kind.PERCENTAGE:
        return f"{measure}%"
    return f"#{measure}" if indicator.kind == Indicator.Kind.RANK else f"{measure}"


# --- Word lists ----------------------------------------------------------------------------

PLACE_STARTS = (
    "North", "South", "East", "West", "Ash", "Oak", "Elm", "Thorn", "Brook", "Stan", "Mill",
    "Kings", "Queens", "Bex", "Whit", "Har", "Marl", "Wood", "Fair", "Bright", "Long", "Hazel",
    "Red", "Green", "Black", "Stone", "Church", "Wey", "Chel", "Lang",
)  # fmt: skip
PLACE_ENDS = (
    "bridge", "field", "ford", "ham", "ley", "borough", "wick", "stead", "ton", "bury",
    "mouth", "dale", "worth", "combe", "minster", "gate", "hurst", "well", "by", "thorpe",
)  # fmt: skip
ENGLISH_REGIONS = tuple(Organisation.Region)[:9]  # England's nine, as the synthetic places are
ORGANISATION_NAMES = {
    "borough-council": ("{place} Borough Council", "{place} District Council"),
    "county-council": ("{place} County Council",),
    "metropolitan-borough-council": ("{place} Metropolitan Borough Council",
                                     "{place} City Council"),
    "local-government-body": ("{place} Councils Partnership", "{place} Local Government Network"),
    "gp-practice": ("{place} Medical Centre", "{place} Surgery", "The {place} Practice"),
    "health-charity": ("{place} Hospice", "{place} Carers Trust"),
    "nhs-acute-trust": ("{place} Hospitals NHS Foundation Trust", "{place} General NHS Trust"),
    "nhs-integrated-care-trust": ("{place} Integrated Care NHS Foundation Trust",),
    "nhs-mental-health-trust": ("{place} Partnership NHS Foundation Trust",
                                "{place} Mental Health NHS Trust"),
    "nhs-national-body": ("NHS {place} Support Unit",),
    "education-charity": ("{place} Education Trust", "{place} Learning Partnership"),
    "fe-college": ("{place} College", "{place} College of Further Education"),
    "university": ("University of {place}", "{place} University"),
    "parliament": ("{place} Select Committee",),
    "professional-body": ("{place} Institute of Managers", "{place} Society of Leaders"),
    "think-tank": ("The {place} Institute", "{place} Centre for Public Service"),
}  # fmt: skip
FIRST_NAMES = (
    "Karen", "James", "Amira", "Philip", "Clare", "Dean", "Priya", "Ben", "Rachael", "Kim",
    "Lisa", "Bryan", "Amanda", "Julian", "Helen", "Tom", "Aisha", "Graham", "Sarah", "Owen",
    "Fatima", "David", "Joanne", "Marcus", "Nadia", "Peter", "Ruth", "Sanjay", "Emma", "Gareth",
)  # fmt: skip
LAST_NAMES = (
    "James", "Wood", "Smith", "Richards", "Birks", "Jones", "Hartley", "Patel", "Okafor",
    "Taylor", "Brown", "Khan", "Walker", "Hughes", "Evans", "Ahmed", "Clarke", "Turner",
    "Murphy", "Singh", "Fletcher", "Doyle", "Barker", "Moss", "Lowe", "Chandler", "Reid",
)  # fmt: skip
HONORIFICS = ("", "", "", "", "Dr", "Professor")
POST_NOMINALS = ("", "", "", "", "OBE", "MBE", "CMgr FCMI")
SECTOR_WORDS = {
    "healthcare": {
        "roles": ("chief executive", "director of nursing", "medical director", "practice manager"),
        "units": ("wards", "clinical teams", "community services", "trust"),
    },
    "local-government": {
        "roles": ("chief executive", "director of adult services", "head of paid service"),
        "units": ("council", "service teams", "directorates", "frontline services"),
    },
    "education": {
        "roles": ("principal", "vice-chancellor", "chief executive", "head of faculty"),
        "units": ("college", "faculties", "curriculum teams", "campuses"),
    },
}
OTHER_WORDS = {"roles": ("chief executive", "director"), "units": ("organisation", "teams")}
HEADLINES = (
    "a turnaround built on visible leadership",
    "from failing to good under new leadership",
    "devolving decisions to the front line",
    "training managers to lead",
    "rebuilding staff morale",
    "one team with one plan",
    "listening to staff and service users",
    "clear priorities, steady progress",
    "growing leaders from within",
)
OPENINGS = (
    "When {leader} became {role} in {start}, {org} was in a bad way.",
    "In {start} {org} was struggling, and {leader} arrived as {role} to turn it round.",
    "{leader} took over as {role} of {org} in {start}, after years of decline.",
)
TROUBLES = (
    "Inspectors had rated its services inadequate, and the local press called it failing.",
    "Staff morale was low, sickness absence was high and good people were leaving.",
    "Managers spent their days firefighting, and nobody could say what the priorities were.",
    "Decisions were taken at the top and passed down, and frontline staff felt unheard.",
    "A budget gap of £{millions} million had opened, and demand kept growing.",
    "Senior leaders were rarely visible outside their offices, and trust had broken down.",
    "An inspection in {start} found weak leadership, poor oversight and a culture of blame.",
    "Recruitment was hard, vacancies ran at {vacancy}% and agency costs were rising.",
    "Many managers had been promoted for their technical skills, with no training in "
    "managing people.",
    "Turnover among middle managers was high, and each new leader brought a new plan.",
)
ACTIONS = (
    "made leadership visible by walking the corridors and talking to staff",
    "devolved decisions to frontline teams",
    "invested in management training for every new manager",
    "set a handful of clear priorities and reported on them every month",
    "held regular one-to-one conversations with managers",
    "asked service users what mattered and acted on it",
    "built trust by explaining the reasons for every decision",
    "brought middle managers into the planning",
    "recognised and celebrated staff who did a great job",
    "introduced short daily team meetings",
    "spotted talent and promoted from within",
    "agreed a shared vision and values with staff",
    "flattened the management structure",
    "offered coaching and mentoring to new leaders",
)
RESULTS = (
    "By {end} inspectors rated it good.",
    "By {end} staff morale had recovered and vacancies had halved.",
    "By {end} the budget was balanced for the first time in a decade.",
    "By {end} its staff survey scores were above the national average.",
    "Within {years} years it was among the best performers in its region.",
    "By {end} complaints had fallen and staff said they were proud to work there.",
)
HEADINGS = ("{Practice}", "Making {practice} the norm", "Start with {practice}", "")
APPLIED = (
    "{surname} made {practice} part of everyday work across the {unit}.",
    "The leadership team put {practice} at the heart of the turnaround.",
    "{Practice} was among the first things {surname} changed.",
    "Managers across the {unit} were asked to practise {practice} with their own teams.",
)
DETAILS = (
    "Staff said they felt listened to for the first time in years.",
    "Managers were given the time and training to lead, not just to manage.",
    "Progress was reviewed every month at an open meeting any member of staff could attend.",
    "It took time, but frontline teams began to suggest improvements of their own.",
    "Senior leaders spent time on the front line at least once a week.",
    "Decisions about rotas and budgets were devolved to the teams closest to the work.",
    "New managers were paired with an experienced mentor for their first year.",
    "Inspection findings were shared openly with staff, good and bad.",
    "Morale improved as people saw their ideas put into practice.",
)
DIRECTIONS = (
    Outcome.Direction.IMPROVED,
    Outcome.Direction.SUSTAINED,
    Outcome.Direction.DECLINED,
    Outcome.Direction.SNAPSHOT,
)
DIRECTION_WEIGHTS = (70, 10, 5, 15)
OTHER_EVIDENCE = (
    Outcome.Evidence.OFFICIAL_DATA,
    Outcome.Evidence.SELF_REPORTED,
    Outcome.Evidence.EXTERNAL_REVIEW,
)
MOVES = {
    Outcome.Direction.IMPROVED: "improved",
    Outcome.Direction.DECLINED: "fell",
    Outcome.Direction.SUSTAINED: "held steady",
}
DESCRIBED = {
    Outcome.Direction.IMPROVED: "{name}: a marked improvement between {start} and {end}, "
    "the organisation reports.",
    Outcome.Direction.SUSTAINED: "{name}: held up well from {start} through {end}.",
    Outcome.Direction.DECLINED: "{name}: dipped between {start} and {end} before recovering.",
    Outcome.Direction.SNAPSHOT: "In {end}, {lower} compared well with similar organisations.",
}
REASONS = (
    "The source credits {practice} with much of this improvement.",
    "{Practice}, the report says, was what made the difference.",
    "Staff interviewed for the report linked the result to {practice}.",
    "The change in {indicator} followed directly from {practice}.",
)
QUOTES = (
    "You have to be out there, talking to staff and understanding their challenges.",
    "If you want people to take responsibility, you have to give them the authority to act.",
    "Nobody is born knowing how to manage people. We had to train our managers properly.",
    "We stopped firefighting and agreed the three things that mattered most.",
    "Trust takes years to build and a day to lose, so we explained every decision.",
    "Our middle managers were the key: once they were on board, everything moved faster.",
    "Morale comes back when people see that their ideas are listened to.",
    "The inspection was a wake-up call, but it also gave us permission to change.",
    "I spent my first hundred days just listening to staff and service users.",
    "We grew our own leaders instead of waiting for the perfect candidate to apply.",
)
