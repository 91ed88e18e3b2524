"""Full-text search over published case studies: SQLite FTS5 embedded, PostgreSQL in production.

`refresh()` rewrites the search documents of the case studies an edit touched; `matching()`
narrows a case-study queryset to a query and ranks it, `scored_matches()` gives the same matches
and ranks to the catalogue index; `highlights()` gives the passage that matched, with the matched
words marked. Both backends take the same plain-words query: every word must match (stemmed).

The ranking is one rule on both backends, in SQL (`matching()`) and in the catalogue: a match
ranks by the first of its parts that holds every word of the query, its title, then its title
and names (its organisation's and people's, and the programmes, places and bodies its story
names), then those and its practices (LEVELS); a case study that needs the rest of its story to
match ranks last, and equal ranks go in catalogue order. Each level is a set the full-text index
answers by itself, as fast as the match, so a rank costs a few set queries however many
documents match, where bm25() or ts_rank() read every match's text to weigh it (bm25 of 90,000
matches took 20 times as long as matching them); and since the levels are nested, the
catalogue asks for the next one only when a page has not filled from those before it.
"""

import re
from collections.abc import Iterable

import numpy as np
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchVector
from django.db import connection, transaction
from django.db.models import Case, IntegerField, Model, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from casebase.content.models import (
    CaseStudy,
    CaseStudyPerson,
    Contribution,
    Indicator,
    Organisation,
    OrganisationType,
    Outcome,
    Person,
    Practice,
    PracticeApplication,
    PracticeTheme,
    Quote,
    SearchDocument,
    Sector,
)

MAX_WORDS = 12
FTS_TABLE = "content_searchdocument_fts"
# The parts of a case study that rank a match, from the most telling: each level holds the one
# before it, and its rank is how many levels have every word of the query (LEVELS[0]: 3).
LEVELS = (("title",), ("title", "names"), ("title", "names", "practices"))
# PostgreSQL: every word of the document (what a query must match), and each level's words, each
# with a GIN index (migration 0016). A plain query needs no recheck on a GIN index, so a match
# reads the index and the document table's narrow rows, never a vector.
POSTGRES_VECTOR = (
    SearchVector("title", weight="A", config="english")
    + SearchVector("names", weight="A", config="english")
    + SearchVector("practices", weight="B", config="english")
    + SearchVector("body", weight="C", config="english")
)


def level_vector(level: tuple[str, ...]) -> str:
    return "_".join(level) + "_vector"


POSTGRES_LEVEL_VECTORS = {
    level_vector(level): SearchVector(*level, config="english") for level in LEVELS
}
# Markers the database puts around matched words; the text is escaped before they become <mark>.
START, STOP = "\x02", "\x03"


def words(query: str) -> list[str]:
    """The words of a reader's query; punctuation and search syntax are not special."""
    return re.findall(r"\w+", query.lower())[:MAX_WORDS]


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


# --- Keeping the index in step -------------------------------------------------------------


def refresh(case_study_ids: Iterable[int] | None = None) -> int:
    """Rewrite the search documents of these case studies (all when None) from published data.

    A case study that is not published loses its document. Returns how many documents exist now
    for the given case studies.
    """
    studies = CaseStudy.objects.published().with_story()
    stale = SearchDocument.objects.all()
    if case_study_ids is not None:
        ids = list(case_study_ids)
        if not ids:
            return 0
        studies, stale = studies.filter(pk__in=ids), stale.filter(pk__in=ids)
    documents = [document_for(study) for study in studies]
    with transaction.atomic():
        stale.delete()
        SearchDocument.objects.bulk_create(documents)
        if is_postgres():
            write_vectors(SearchDocument.objects.filter(pk__in=[d.pk for d in documents]))
    return len(documents)


def write_vectors(documents: QuerySet) -> None:
    """PostgreSQL: the documents' vectors, from their text (SQLite's FTS5 follows by trigger)."""
    documents.update(search_vector=POSTGRES_VECTOR, **POSTGRES_LEVEL_VECTORS)


def document_for(study: CaseStudy) -> SearchDocument:
    organisation = study.organisation
    people = [participant.person for participant in study.published_people]
    applications = study.published_applications
    return SearchDocument(
        case_study=study,
        title=study.title,
        names=lines(
            organisation.name,
            *organisation.alias_list,
            # Its own programmes and slogans, and the places and bodies it names, weigh like
            # its names: searching "The Leeds Way" finds Leeds first.
            study.named_in_story,
            *(person.name for person in people),
            *(alias for person in people for alias in person.alias_list),
        ),
        practices=lines(
            *(a.practice.name for a in applications),
            *(synonym for a in applications for synonym in a.practice.synonym_list),
        ),
        body=lines(
            study.context,
            study.summary,
            *(f"{a.heading}\n{a.description}" for a in applications),
            *(f"{o.indicator.name}\n{o.statement}" for o in study.published_outcomes),
            *(f"{q.text} ({q.speaker.name})" for q in study.published_quotes),
        ),
    )


def lines(*parts: str) -> str:
    return "\n".join(part for part in parts if part)


# --- Querying ------------------------------------------------------------------------------


def matching(queryset: QuerySet, query: str) -> QuerySet:
    """The case studies matching every word of `query`, annotated with `search_rank` (higher is
    more relevant; equal ranks go in catalogue order, as the catalogue reads them). An empty
    query matches nothing. The reference for the catalogue's own ranking: the same sets."""
    terms = words(query)
    if not terms:
        return queryset.annotate(search_rank=Value(0, output_field=IntegerField())).none()
    rank = Case(
        *(
            When(pk__in=RawSQL(*matches_sql(terms, level)), then=len(LEVELS) - depth)
            for depth, level in enumerate(LEVELS)
        ),
        default=0,
        output_field=IntegerField(),
    )
    return queryset.filter(pk__in=RawSQL(*matches_sql(terms))).annotate(search_rank=rank)


def scored_matches(query: str) -> tuple[np.ndarray, np.ndarray]:
    """The ids of every published case study matching every word of `query`, and their ranks
    (`matching()`'s), as two arrays, from every level at once. (The catalogue reads the levels
    one at a time, as a page needs them: `id_sets()`.)"""
    terms = words(query)
    if not terms:
        return np.array([], dtype=np.int64), np.array([], dtype=np.int64)
    ids, *levels = id_sets(terms, [None, *LEVELS])
    ranks = np.zeros(len(ids), dtype=np.int64)
    size = int(ids.max()) + 1 if len(ids) else 0
    for level in levels:
        ranks += is_in(ids, level, size)
    return ids, ranks


def id_sets(terms: list[str], levels: list[tuple[str, ...] | None]) -> list[np.ndarray]:
    """For each of `levels` (None: anywhere), the ids of the documents with every word of
    `terms` in it, in one statement: each set comes back as one string the database aggregated,
    which NumPy parses in C (fetching 90,000 rows as tuples took 3 times as long as the match
    itself)."""
    if not terms:
        return [np.array([], dtype=np.int64) for _ in levels]
    with connection.cursor() as cursor:
        cursor.execute(*sets_sql(terms, levels))
        return [np.fromstring(ids or "", dtype=np.int64, sep=",") for ids in cursor.fetchone()]


def sets_sql(terms: list[str], levels: list[tuple[str, ...] | None]) -> tuple[str, list]:
    sets = [matches_sql(terms, level) for level in levels]
    aggregate = "string_agg(id::text, ',')" if is_postgres() else "group_concat(id)"
    selected = (f"(SELECT {aggregate} FROM ({sql}) AS found)" for sql, _ in sets)
    return "SELECT " + ", ".join(selected), [param for _, params in sets for param in params]


def matches_sql(terms: list[str], level: tuple[str, ...] | None = None) -> tuple[str, list]:
    """A SELECT of the ids (as `id`) of the search documents with every word of `terms`, in
    the parts of `level` (None: anywhere). Through the full-text indexes: FTS5 with a column
    filter on SQLite, the level's own vector on PostgreSQL."""
    if is_postgres():
        vector = level_vector(level) if level else "search_vector"
        where = f"{vector} @@ plainto_tsquery('english'::regconfig, %s)"
        return f"SELECT case_study_id AS id FROM content_searchdocument WHERE {where}", [
            " ".join(terms)
        ]
    match = f"{{{' '.join(level)}}} : ({fts5_query(terms)})" if level else fts5_query(terms)
    return f"SELECT rowid AS id FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [match]


def is_in(ids: np.ndarray, some: np.ndarray, size: int) -> np.ndarray:
    """For each of `ids` (all below `size`), whether it is one of `some`."""
    marked = np.zeros(size, dtype=bool)
    marked[some[some < size]] = True
    return marked[ids]


def fts5_query(terms: list[str]) -> str:
    """Each word quoted, so FTS5 reads none of them as syntax (AND, NEAR, column:...)."""
    return " ".join(f'"{term}"' for term in terms)


def highlights(case_study_ids: list[int], query: str) -> dict[int, SafeString]:
    """For each case study, the passage that best matches `query`, matched words in <mark>."""
    terms = words(query)
    if not terms or not case_study_ids:
        return {}
    if is_postgres():
        rows = _postgres_passages(case_study_ids, terms)
    else:
        rows = _sqlite_passages(case_study_ids, terms)
    return {pk: mark_matches(passage) for pk, passage in rows}


def _sqlite_passages(case_study_ids: list[int], terms: list[str]):
    placeholders = ", ".join("%s" for _ in case_study_ids)
    with connection.cursor() as cursor:
        cursor.execute(
            # Column 3 is the body: a passage of the story reads better than a list of names.
            f"SELECT rowid, snippet({FTS_TABLE}, 3, %s, %s, '…', 28) FROM {FTS_TABLE} "
            f"WHERE {FTS_TABLE} MATCH %s AND rowid IN ({placeholders})",
            [START, STOP, fts5_query(terms), *case_study_ids],
        )
        return cursor.fetchall()


def _postgres_passages(case_study_ids: list[int], terms: list[str]):
    search = SearchQuery(" ".join(terms), search_type="plain", config="english")
    return SearchDocument.objects.filter(pk__in=case_study_ids).values_list(
        "pk",
        SearchHeadline(
            "body",
            search,
            config="english",
            start_sel=START,
            stop_sel=STOP,
            max_words=35,
            min_words=15,
            max_fragments=1,
            fragment_delimiter=" … ",
        ),
    )


def mark_matches(passage: str) -> SafeString:
    """Escape the passage, then turn the database's markers into <mark> elements."""
    safe = escape(passage.replace("\n", " "))
    return mark_safe(safe.replace(START, "<mark>").replace(STOP, "</mark>"))


# --- Which case studies an edit touches ----------------------------------------------------


def affected_case_study_ids(obj: Model) -> list[int]:
    """The case studies whose search document shows something of `obj`."""
    studies = CaseStudy.objects.all()
    match obj:
        case CaseStudy():
            return [obj.pk]
        case PracticeApplication() | Outcome() | Quote() | Contribution() | CaseStudyPerson():
            return [obj.case_study_id] if obj.case_study_id else []
        case Organisation():
            studies = studies.filter(organisation=obj)
        case Person():
            studies = studies.filter(Q(participants__person=obj) | Q(quotes__speaker=obj))
        case Practice():
            studies = studies.filter(applications__practice=obj)
        case PracticeTheme():
            studies = studies.filter(applications__practice__theme=obj)
        case Indicator():
            studies = studies.filter(outcomes__indicator=obj)
        case OrganisationType():
            studies = studies.filter(organisation__type=obj)
        case Sector():
            studies = studies.filter(organisation__type__sector=obj)
        case _:
            return []
    return list(studies.values_list("pk", flat=True).distinct())
