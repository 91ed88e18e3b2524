"""Full-text search over published case studies: SQLite FTS5 embedded, PostgreSQL in production.

`refresh()` rewrites the search documents of the case studies an edit touched; `matching()`
narrows a case-study queryset to a query and ranks it; `highlights()` gives the passage that
matched, with the matched words marked. Both backends take the same plain-words query: every word
must match (stemmed), and a case study's title and names (its organisation's and people's, and the
programmes, places and bodies its story names) weigh most, then its practices, then the rest of
its story.
"""

import hashlib
import re
from collections.abc import Iterable

import numpy as np
from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import connection, transaction
from django.db.models import F, FloatField, Model, Q, QuerySet, TextField, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast
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
# Column weights, in the FTS5 column order (title, names, practices, body) and as tsvector weights.
SQLITE_WEIGHTS = "10.0, 8.0, 4.0, 1.0"
POSTGRES_VECTOR = (
    SearchVector("title", weight="A", config="english")
    + SearchVector("names", weight="A", config="english")
    + SearchVector("practices", weight="B", config="english")
    + SearchVector("body", weight="C", config="english")
)
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
            fresh = SearchDocument.objects.filter(pk__in=[d.pk for d in documents])
            fresh.update(search_vector=POSTGRES_VECTOR)
    return len(documents)


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


def matching(queryset: QuerySet, query: str, ranked: dict | None = None) -> QuerySet:
    """The case studies matching every word of `query`, annotated with `search_rank` (higher is
    more relevant). An empty query matches nothing. `ranked` remembers the ranking between
    calls for one request (the catalogue applies the search once per facet)."""
    terms = words(query)
    if not terms:
        return queryset.annotate(search_rank=Value(0.0, output_field=FloatField())).none()
    if is_postgres():
        search = SearchQuery(" ".join(terms), search_type="plain", config="english")
        return queryset.filter(search_document__search_vector=search).annotate(
            search_rank=SearchRank(F("search_document__search_vector"), search)
        )
    ranked = {} if ranked is None else ranked
    match = fts5_query(terms)
    if match not in ranked:
        ranked[match] = sqlite_ranks(match)
    ranks = ranked[match]
    return queryset.filter(pk__in=RawSQL(f"SELECT rowid FROM {ranks}", ())).annotate(
        search_rank=RawSQL(
            f"SELECT rank FROM {ranks} WHERE rowid = content_casestudy.id",
            (),
            output_field=FloatField(),
        )
    )


def scored_matches(query: str) -> tuple[np.ndarray, np.ndarray]:
    """The ids of every published case study matching every word of `query`, and their ranks
    (higher is more relevant), as two arrays. One row crosses into Python, two strings the
    database aggregated and NumPy parses in C: fetching 90,000 rows as tuples, mapping and
    sorting them in Python took 3 times as long as the match itself."""
    terms = words(query)
    if not terms:
        return np.array([], dtype=np.int64), np.array([], dtype=np.float64)
    if is_postgres():
        search = SearchQuery(" ".join(terms), search_type="plain", config="english")
        row = SearchDocument.objects.filter(search_vector=search).aggregate(
            ids=StringAgg(Cast("pk", TextField()), ","),
            ranks=StringAgg(Cast(SearchRank(F("search_vector"), search), TextField()), ","),
        )
        ids, ranks = row["ids"], row["ranks"]
    else:
        with connection.cursor() as cursor:
            # bm25() is lower for better matches; negated so both backends rank descending;
            # printed with 17 digits, so every rank reads back as the same number. FTS5 allows
            # bm25() only in a plain select, so the aggregate reads from one, materialised
            # (SQLite would otherwise fold it into the aggregate).
            cursor.execute(
                "WITH matched AS MATERIALIZED ("
                f"SELECT rowid, -bm25({FTS_TABLE}, {SQLITE_WEIGHTS}) AS rank "
                f"FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s) "
                "SELECT group_concat(rowid), group_concat(printf('%%.17g', rank)) FROM matched",
                (fts5_query(terms),),
            )
            ids, ranks = cursor.fetchone()
    return (
        np.fromstring(ids or "", dtype=np.int64, sep=","),
        np.fromstring(ranks or "", dtype=np.float64, sep=","),
    )


def sqlite_ranks(match: str) -> str:
    """A temporary table of every matching case study and its rank, filled by one full-text
    query, for the catalogue to filter and sort on.

    bm25() in a subquery per row would rerun the whole match for each row, since FTS5 counts
    every matching document to weigh each term: quadratic, 41 s for 40,000 matches. Once into a
    table it is linear. The table lives in this connection's private temp database (no lock on
    the site's database) and is refilled each time a search is made.
    """
    table = "temp.casebase_rank_" + hashlib.sha1(match.encode()).hexdigest()[:16]
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {table} (rowid INTEGER PRIMARY KEY, rank REAL)")
        cursor.execute(f"DELETE FROM {table}")
        # bm25() is lower for better matches; negated so both backends sort descending.
        cursor.execute(
            f"INSERT INTO {table} SELECT rowid, -bm25({FTS_TABLE}, {SQLITE_WEIGHTS}) "
            f"FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s",
            (match,),
        )
    return table


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
