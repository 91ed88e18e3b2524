"""Search of the whole site (`/search/`): published case studies, organisations, people,
practices, survey findings, recommendations, testimonials and sources, found by the same
plain-words query on SQLite FTS5 and PostgreSQL full-text search.

Each published record has one `SiteDocument`: its title, the rest of its searchable text, a
line saying what it is and where it is shown. `refresh()` rewrites the documents a change
touched (`affected()` says which, asked before the change), from published records only, so
search never shows a draft or a part of an unpublished parent; `content_changed()` calls it.

A document's id is its kind's place in `Kind` times KIND_SPAN plus its record's id, so the
full-text index alone counts the matches of each kind (the id divided by KIND_SPAN) and pages
through one kind (an id range, in id order): no row is read and nothing is sorted, however many
records match. A match with every word in its title comes before the others.

The query is the catalogue's (`search.words()`: plain words, at most MAX_WORDS), less the
stop words PostgreSQL's English configuration drops ("the", "and", "of"...): neither backend
then searches for them, so both find the same records and neither marks one in a passage.
"""

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchVector
from django.db import connection, transaction
from django.db.models import Model, Prefetch, QuerySet
from django.urls import reverse
from django.utils.safestring import SafeString

from casebase.catalogue import search
from casebase.catalogue.search import MAX_WORDS, START, STOP, fts5_query, lines, mark_matches
from casebase.content.models import (
    CaseStudy,
    Finding,
    Organisation,
    OrganisationType,
    Person,
    Practice,
    PracticeTheme,
    Recommendation,
    Role,
    Sector,
    SiteDocument,
    Source,
    Testimonial,
)

Kind = SiteDocument.Kind
KINDS = list(Kind)
KIND_SPAN = SiteDocument.KIND_SPAN
FTS_TABLE = "content_sitedocument_fts"
TABLE = SiteDocument._meta.db_table
# PostgreSQL's English stop words (tsearch_data/english.stop): its parser drops them from a
# query, so they are dropped on SQLite too, and the backends search the same words.
STOP_WORDS = frozenset(
    """i me my myself we our ours ourselves you your yours yourself yourselves he him his himself
    she her hers herself it its itself they them their theirs themselves what which who whom this
    that these those am is are was were be been being have has had having do does did doing a an
    the and but if or because as until while of at by for with about against between into through
    during before after above below to from up down in out on off over under again further then
    once here there when where why how all any both each few more most other some such no nor not
    only own same so than too very s t can will just don should now""".split()  # noqa: SIM905 - 127 words read better as text
)
POSTGRES_VECTORS = {
    "search_vector": SearchVector("title", "body", config="english"),
    "title_vector": SearchVector("title", config="english"),
}


def document_id(kind: str, object_id: int) -> int:
    return KINDS.index(Kind(kind)) * KIND_SPAN + object_id


def kind_of(document: int) -> Kind:
    return KINDS[document // KIND_SPAN]


# --- What a reader asked for ---------------------------------------------------------------


@dataclass(frozen=True)
class Query:
    """The words searched for, and what the reader typed that was not searched, in words."""

    terms: list[str]
    notices: list[str]


def parse(text: str) -> Query:
    typed = re.findall(r"\w+", text.lower())
    notices = []
    if len(typed) > MAX_WORDS:
        notices.append(
            f"Search takes up to {MAX_WORDS} words: only the first {MAX_WORDS} were searched for."
        )
    terms = [word for word in search.words(text) if word not in STOP_WORDS]
    if typed and not terms:
        notices.append(
            f"“{text.strip()}” has only words too common to search for (such as “the”, “and” "
            "or “of”): try a name, a place or a practice."
        )
    elif not typed and text.strip():
        notices.append(f"“{text.strip()}” has no words to search for: try a name or a practice.")
    return Query(terms, notices)


# --- The documents: what each kind's record says ------------------------------------------


def case_study_document(study: CaseStudy) -> SiteDocument:
    organisation = study.organisation
    return SiteDocument(
        title=study.title,
        body=lines(
            organisation.name,
            *organisation.alias_list,
            study.named_in_story,
            study.summary,
            study.context,
        ),
        meta=f"Case study of {organisation.name}",
        url=study.get_absolute_url(),
    )


def organisation_document(organisation: Organisation) -> SiteDocument:
    sector = organisation.type.sector
    return SiteDocument(
        title=organisation.name,
        body=lines(
            *organisation.alias_list,
            organisation.type.name,
            organisation.get_region_display(),
            organisation.area_served,
            organisation.summary,
        ),
        meta=" · ".join(
            part
            for part in (
                organisation.type.name,
                sector.name if sector else "",
                organisation.get_region_display(),
            )
            if part
        ),
        url=organisation.get_absolute_url(),
    )


def person_document(person: Person) -> SiteDocument:
    roles = [
        f"{role.title}, {role.organisation.name}" if role.organisation else role.title
        for role in person.published_roles
    ]
    return SiteDocument(
        title=person.full_name,
        body=lines(*person.alias_list, person.summary, *roles),
        meta="; ".join(roles),  # else its summary is the passage, said once
        url=person.get_absolute_url(),
    )


def practice_document(practice: Practice) -> SiteDocument:
    return SiteDocument(
        title=practice.name,
        body=lines(*practice.synonym_list, practice.definition),
        meta=f"Practice, in the theme {practice.theme.name}",
        url=practice.get_absolute_url(),
    )


def finding_document(finding: Finding) -> SiteDocument:
    if finding.sector:
        url = f"{finding.sector.get_absolute_url()}#findings"
    else:  # a finding across sectors is shown on the home page, if a headline
        url = f"{reverse('home')}#findings" if finding.is_headline else ""
    return SiteDocument(
        title=finding.statement,
        body=lines(finding.population, finding.excerpt),
        meta=" · ".join(
            (finding.sector.name if finding.sector else "All sectors", citation(finding.source))
        ),
        url=url,
    )


def recommendation_document(recommendation: Recommendation) -> SiteDocument:
    return SiteDocument(
        title=recommendation.title,
        body=lines(recommendation.body, recommendation.addressed_to),
        meta=f"{recommendation.sector.name} · for {recommendation.addressed_to}",
        url=f"{recommendation.sector.get_absolute_url()}#recommendations",
    )


def testimonial_document(testimonial: Testimonial) -> SiteDocument:
    return SiteDocument(
        title=f"{testimonial.person.full_name} on {testimonial.sector.name.lower()}",
        body=testimonial.text,
        meta=citation(testimonial.source),
        url=f"{testimonial.sector.get_absolute_url()}#testimonials",
    )


def source_document(source: Source) -> SiteDocument:
    """Linked to the document itself where it has an address; else its citation says it all."""
    return SiteDocument(
        title=source.title,
        body=lines(source.publisher, source.note),
        meta=" · ".join((source.get_kind_display(), citation(source, title=False))),
        url=source.url,
    )


def citation(source: Source, *, title: bool = True) -> str:
    parts = (source.title if title else "", source.publisher, str(source.year or ""))
    return ", ".join(part for part in parts if part) or "Publisher and year not given"


# Each kind: its published records, with what their documents read, and how to write one.
RECORDS: dict[Kind, tuple[Callable[[], QuerySet], Callable[[Model], SiteDocument]]] = {
    Kind.CASE_STUDY: (
        lambda: CaseStudy.objects.published().select_related("organisation"),
        case_study_document,
    ),
    Kind.ORGANISATION: (
        lambda: Organisation.objects.published().select_related("type__sector"),
        organisation_document,
    ),
    Kind.PERSON: (
        lambda: Person.objects.published().prefetch_related(
            Prefetch(
                "roles",
                queryset=Role.objects.published().select_related("organisation"),
                to_attr="published_roles",
            )
        ),
        person_document,
    ),
    Kind.PRACTICE: (
        lambda: Practice.objects.published().select_related("theme"),
        practice_document,
    ),
    Kind.FINDING: (
        lambda: Finding.objects.published().select_related("sector", "source"),
        finding_document,
    ),
    Kind.RECOMMENDATION: (
        lambda: Recommendation.objects.published().select_related("sector"),
        recommendation_document,
    ),
    Kind.TESTIMONIAL: (
        lambda: Testimonial.objects.published().select_related("person", "sector", "source"),
        testimonial_document,
    ),
    Kind.SOURCE: (lambda: Source.objects.published(), source_document),
}


def documents(kind: Kind, records: Iterable[Model]) -> Iterator[SiteDocument]:
    """The documents of these published records of one kind."""
    write = RECORDS[kind][1]
    for record in records:
        document = write(record)
        document.id, document.kind, document.object_id = (
            document_id(kind, record.pk),
            kind.value,
            record.pk,
        )
        yield document


# --- Keeping them in step -------------------------------------------------------------------

BATCH = 2000


def refresh(touched: Iterable[tuple[str, int]] | None = None) -> int:
    """Rewrite the documents of these (kind, record id) pairs, or every document (None), from
    published records: one of a record no longer published is deleted. Returns how many
    documents were written."""
    if touched is None:
        return rebuild()
    wanted: dict[Kind, set[int]] = defaultdict(set)
    for kind, pk in touched:
        wanted[Kind(kind)].add(pk)
    written = []
    with transaction.atomic():
        for kind, ids in wanted.items():
            SiteDocument.objects.filter(pk__in=[document_id(kind, pk) for pk in ids]).delete()
            records = RECORDS[kind][0]().filter(pk__in=ids)
            written += SiteDocument.objects.bulk_create(documents(kind, records))
        write_vectors([document.pk for document in written])
    return len(written)


def rebuild() -> int:
    """Every document afresh, a batch at a time."""
    count = 0
    with transaction.atomic():
        SiteDocument.objects.all().delete()
        for kind, (records, _) in RECORDS.items():
            batch = []
            for document in documents(kind, records().order_by("pk").iterator(BATCH)):
                batch.append(document)
                if len(batch) == BATCH:
                    count += len(SiteDocument.objects.bulk_create(batch))
                    batch = []
            count += len(SiteDocument.objects.bulk_create(batch))
        write_vectors(None)
    return count


def write_vectors(ids: list[int] | None) -> None:
    """PostgreSQL: the vectors of these documents (None: all); SQLite's FTS5 follows by trigger."""
    if search.is_postgres() and ids != []:
        written = SiteDocument.objects.all()
        if ids is not None:
            written = written.filter(pk__in=ids)
        written.update(**POSTGRES_VECTORS)


def affected(obj: Model) -> list[tuple[str, int]] | None:
    """The documents (kind, record id) a change to `obj` may alter, asked before the change
    (a deleted record's documents are found by its id); None when any may change."""
    match obj:
        case CaseStudy():
            return [(Kind.CASE_STUDY, obj.pk)]
        case Organisation():  # named by its case studies and by its people's roles
            return [
                (Kind.ORGANISATION, obj.pk),
                *of(Kind.CASE_STUDY, CaseStudy.objects.filter(organisation=obj)),
                *of(Kind.PERSON, Person.objects.filter(roles__organisation=obj)),
            ]
        case OrganisationType():
            return of(Kind.ORGANISATION, Organisation.objects.filter(type=obj))
        case Person():
            return [(Kind.PERSON, obj.pk), *of(Kind.TESTIMONIAL, obj.testimonials.all())]
        case Role():
            return [(Kind.PERSON, obj.person_id)]
        case Practice():
            return [(Kind.PRACTICE, obj.pk)]
        case PracticeTheme():
            return of(Kind.PRACTICE, obj.practices.all())
        case Finding():
            return [(Kind.FINDING, obj.pk)]
        case Recommendation():
            return [(Kind.RECOMMENDATION, obj.pk)]
        case Testimonial():
            return [(Kind.TESTIMONIAL, obj.pk)]
        case Source():  # what cites it is public only while it is
            return [(Kind.SOURCE, obj.pk), *citing(obj)]
        case Sector():
            return None
    return []  # a part of a case study (an outcome, a quote...): no document shows it


def of(kind: Kind, records: QuerySet) -> list[tuple[str, int]]:
    return [(kind, pk) for pk in records.values_list("pk", flat=True).distinct()]


def citing(source: Source) -> list[tuple[str, int]]:
    return [
        *of(Kind.CASE_STUDY, source.case_studies.all()),
        *of(Kind.FINDING, source.findings.all()),
        *of(Kind.RECOMMENDATION, source.recommendations.all()),
        *of(Kind.TESTIMONIAL, source.testimonials.all()),
        *of(Kind.PERSON, Person.objects.filter(roles__source=source)),
    ]


# --- Searching ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Hit:
    kind: Kind
    title: SafeString
    passage: SafeString
    meta: str
    url: str


@dataclass(frozen=True)
class Count:
    """How many documents of a kind match, and how many of those have every word in their
    title (they come first)."""

    kind: Kind
    matches: int
    in_title: int


def counts(terms: list[str]) -> dict[Kind, Count]:
    """The kinds with matches, in `Kind`'s order: one statement over the full-text index."""
    if not terms:
        return {}
    everywhere, params = condition(terms, "all")
    in_title, title_params = condition(terms, "title")
    key = f"{id_column()} / {KIND_SPAN}"
    sql = (
        f"SELECT {key}, COUNT(*), 0 FROM {source_table()} WHERE {everywhere} GROUP BY {key} "
        f"UNION ALL SELECT {key}, 0, COUNT(*) FROM {source_table()} WHERE {in_title} "
        f"GROUP BY {key}"
    )
    found: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    with connection.cursor() as cursor:
        cursor.execute(sql, params + title_params)
        for place, matches, titled in cursor.fetchall():
            found[int(place)][0] += matches
            found[int(place)][1] += titled
    return {
        KINDS[place]: Count(KINDS[place], *found[place])
        for place in sorted(found)
        if place < len(KINDS) and found[place][0]
    }


def best(terms: list[str], found: dict[Kind, Count], size: int) -> dict[Kind, list[Hit]]:
    """The first `size` matches of each kind (every word in the title first, then in id
    order), with their passages: two statements however many kinds match."""
    ranges = [(count, 0, size) for count in found.values()]
    hits = hits_of(terms, ids_in(terms, ranges))
    grouped: dict[Kind, list[Hit]] = defaultdict(list)
    for hit in hits:
        grouped[hit.kind].append(hit)
    return grouped


def page(terms: list[str], count: Count, start: int, stop: int) -> list[Hit]:
    """Matches `start` to `stop` of one kind, in the order `best()` gives the first ones."""
    return hits_of(terms, ids_in(terms, [(count, start, stop)]))


def ids_in(terms: list[str], ranges: list[tuple[Count, int, int]]) -> list[int]:
    """For each (kind's count, start, stop), the ids of its matches from `start` to `stop`:
    those with every word in the title, then the others, each part in id order."""
    parts = []
    for count, start, stop in ranges:
        low = KINDS.index(count.kind) * KIND_SPAN
        if start < count.in_title:
            parts.append(("title", low, min(stop, count.in_title) - start, start))
        if stop > count.in_title:
            skip = max(start - count.in_title, 0)
            parts.append(("rest", low, stop - max(start, count.in_title), skip))
    if not parts:
        return []
    selects, params = [], []
    for order, (level, low, limit, offset) in enumerate(parts):
        where, where_params = condition(terms, level)
        selects.append(
            f"SELECT * FROM (SELECT {id_column()} AS id, {order} AS part "
            f"FROM {source_table()} WHERE {where} AND {id_column()} >= %s "
            f"AND {id_column()} < %s ORDER BY {id_column()} LIMIT %s OFFSET %s) AS part{order}"
        )
        params += [*where_params, low, low + KIND_SPAN, limit, offset]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(selects), params)
        rows = cursor.fetchall()
    return [pk for pk, _ in sorted(rows, key=lambda row: (row[1], row[0]))]


def source_table() -> str:
    return TABLE if search.is_postgres() else FTS_TABLE


def id_column() -> str:
    return "id" if search.is_postgres() else "rowid"


def condition(terms: list[str], level: str) -> tuple[str, list]:
    """The documents with every word of `terms` anywhere ("all"), in the title ("title"), or
    anywhere but not all in the title ("rest"), through the full-text index."""
    if search.is_postgres():
        query = "plainto_tsquery('english'::regconfig, %s)"
        words = " ".join(terms)
        return {
            "all": (f"search_vector @@ {query}", [words]),
            "title": (f"title_vector @@ {query}", [words]),
            "rest": (f"search_vector @@ {query} AND NOT title_vector @@ {query}", [words, words]),
        }[level]
    anywhere = fts5_query(terms)
    in_title = f"{{title}} : ({anywhere})"
    match = {"all": anywhere, "title": in_title, "rest": f"({anywhere}) NOT ({in_title})"}[level]
    return f"{FTS_TABLE} MATCH %s", [match]


def hits_of(terms: list[str], ids: list[int]) -> list[Hit]:
    """These documents in this order, each with its title and passage, the words matched in
    <mark>: one statement."""
    if not ids:
        return []
    rows = (postgres_passages if search.is_postgres() else sqlite_passages)(terms, ids)
    found = {row[0]: row for row in rows}
    return [
        Hit(kind_of(pk), mark_matches(title), mark_matches(passage), meta, url)
        for pk in ids
        if pk in found
        for _, meta, url, title, passage in [found[pk]]
    ]


def sqlite_passages(terms: list[str], ids: list[int]) -> list[tuple]:
    placeholders = ", ".join("%s" for _ in ids)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {FTS_TABLE}.rowid, d.meta, d.url, highlight({FTS_TABLE}, 0, %s, %s), "
            f"snippet({FTS_TABLE}, 1, %s, %s, '…', 28) FROM {FTS_TABLE} "
            f"JOIN {TABLE} AS d ON d.id = {FTS_TABLE}.rowid "
            f"WHERE {FTS_TABLE} MATCH %s AND {FTS_TABLE}.rowid IN ({placeholders})",
            [START, STOP, START, STOP, fts5_query(terms), *ids],
        )
        return cursor.fetchall()


def postgres_passages(terms: list[str], ids: list[int]) -> list[tuple]:
    query = SearchQuery(" ".join(terms), search_type="plain", config="english")
    marks = {"config": "english", "start_sel": START, "stop_sel": STOP}
    return list(
        SiteDocument.objects.filter(pk__in=ids).values_list(
            "pk",
            "meta",
            "url",
            SearchHeadline("title", query, highlight_all=True, **marks),
            SearchHeadline(
                "body",
                query,
                max_words=35,
                min_words=15,
                max_fragments=1,
                fragment_delimiter=" … ",
                **marks,
            ),
        )
    )
