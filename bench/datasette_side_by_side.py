"""Casebase against Datasette on the same SQLite file (issue 16): a search for a word never
searched before, a case study page and faceted questions, request by request.

    python bench/datasette_side_by_side.py [--database-file PATH] [--words 40]
        [--case-studies 60] [--facet-rounds 3] [--seed 16]

Two copies of one database (by default bench/run.py's at 100,000 case studies, built if
missing), both migrated by the working tree: one served by Casebase with gunicorn as `make serve`
runs it (2 workers, DJANGO_DEBUG=0, the page cache off, a private Redis), the other by Datasette
(`--immutable`, its own venv, bench/.venv-bench, never a project dependency), with the metadata
that points `_search` at the FTS5 table and, for the faceted questions, the catalogue's facets
as one row per case study: a view over the same tables, and the same rows stored as a table with
indexes (Datasette's best case). Both servers run together but take one request at a time: each
pair (or triple) is sent back to back in random order, so the machine's noise hits both alike.

1. fresh searches: every word (common in the synthetic stories, one per stem) is searched once on
   each server, Casebase's catalogue against, in turn, Datasette's `_search` as JSON, as HTML,
   and its SQL endpoint ranking by the same weighted bm25 as Casebase;
2. case study pages: Casebase's page against Datasette's row page (HTML and JSON), the same
   random case studies;
3. faceted questions (unfiltered, a sector, a practice and a sector): Casebase's catalogue
   against Datasette's table page with the catalogue's nine facets, on the view and the table.

Writes bench/datasette-results.md: the latencies (from the client, one request at a time), the
ratios, each server's memory, and issue 16's targets met or not.
"""

import argparse
import asyncio
import json
import os
import platform
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

try:
    import aiohttp
    import datasette
except ImportError:  # the project's venv: main() re-runs this in bench/.venv-bench
    aiohttp = datasette = None

from page_cache import Redis, free_port, wait_for_port
from readers_while_saving import (
    INGREDIENTS,
    code_state,
    copy_database,
    default_database,
    fresh_searches,
    manage,
    migrate,
    percentile,
    serve,
    warm_up,
)

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
CLIENT_VENV = BENCH / ".venv-bench"
DATASETTE_VERSION = "0.65.5"
WORK = BENCH / "data" / "datasette"  # the two copies, the metadata and the servers' logs
RESULTS = BENCH / "datasette-results.md"
DATABASE = "casebase"  # Datasette names a database after its file
TIMEOUT_SECONDS = 120  # a faceted question over the view takes about a minute
WARM_UP_SECONDS = 30
WARM_UP_WORDS = 10
SEARCH_TARGET_MS = 50
CASE_STUDY_TARGET_RATIO = 2
FACET_TARGET_RATIO = 250
PAGE_SIZE = 20  # Casebase's catalogue page
ALL_RIGHT = (
    "every one a 200; each search found as many case studies on both servers as FTS5 matches, "
    "and each faceted question as many on both"
)

# Settings, and why:
# - the time limits: at 100,000 case studies Datasette's faceted questions take seconds (over
#   the view, about a minute); with the defaults (1 s, 200 ms) it answers with an error or drops
#   the facets, and there would be nothing to compare;
# - two SQL threads: one per core, as Casebase has one gunicorn worker per core;
# - no facet suggestions: Casebase suggests none, and they would cost Datasette a query per
#   column on every table page (its best case, then).
DATASETTE_SETTINGS = {
    "sql_time_limit_ms": 30_000,
    "facet_time_limit_ms": 30_000,
    "num_sql_threads": 2,
    "suggest_facets": "off",
}
# Datasette finds the FTS5 table of content_searchdocument on its own, but then matches the
# table's rowid, which is not the case study's id (content_rowid): wrong rows. fts_pk fixes it.
METADATA = {
    "databases": {
        DATABASE: {
            "tables": {
                "content_searchdocument": {
                    "fts_table": "content_searchdocument_fts",
                    "fts_pk": "case_study_id",
                }
            }
        }
    }
}

# The catalogue's facets as Datasette can count them: one row per published case study, its
# to-one facets as columns, its to-many ones (practices, themes, what was measured, results,
# evidence, strength) as JSON arrays for `_facet_array`. Values are slugs, as Casebase's URLs.
CATALOGUE_VIEW = """
CREATE VIEW catalogue AS
SELECT cs.id, cs.slug, cs.title, o.name AS organisation, sector.slug AS sector, t.slug AS type,
  o.region,
  (SELECT json_group_array(p.slug) FROM content_practiceapplication pa
     JOIN content_practice p ON p.id = pa.practice_id
     WHERE pa.case_study_id = cs.id AND pa.status = 'published' AND p.status = 'published')
     AS practices,
  (SELECT json_group_array(DISTINCT th.slug) FROM content_practiceapplication pa
     JOIN content_practice p ON p.id = pa.practice_id
     JOIN content_practicetheme th ON th.id = p.theme_id
     WHERE pa.case_study_id = cs.id AND pa.status = 'published' AND p.status = 'published')
     AS themes,
  (SELECT json_group_array(DISTINCT i.slug) FROM content_outcome oc
     JOIN content_indicator i ON i.id = oc.indicator_id
     WHERE oc.case_study_id = cs.id AND oc.status = 'published') AS indicators,
  (SELECT json_group_array(DISTINCT oc.direction) FROM content_outcome oc
     WHERE oc.case_study_id = cs.id AND oc.status = 'published') AS directions,
  (SELECT json_group_array(DISTINCT oc.evidence) FROM content_outcome oc
     WHERE oc.case_study_id = cs.id AND oc.status = 'published') AS evidence,
  (SELECT json_group_array(DISTINCT oc.strength) FROM content_outcome oc
     WHERE oc.case_study_id = cs.id AND oc.status = 'published') AS strengths
FROM content_casestudy cs
JOIN content_organisation o ON o.id = cs.organisation_id
JOIN content_organisationtype t ON t.id = o.type_id
LEFT JOIN content_sector sector ON sector.id = t.sector_id
WHERE cs.status = 'published'
"""
CATALOGUE_TABLE = [
    "CREATE TABLE catalogue_table AS SELECT * FROM catalogue",
    *(
        f"CREATE INDEX catalogue_table_{column} ON catalogue_table ({column})"
        for column in ("organisation", "sector", "type", "region")
    ),
]
FACETS = "&".join(
    [f"_facet={column}" for column in ("sector", "type", "region")]
    + [
        f"_facet_array={column}"
        for column in ("practices", "themes", "indicators", "directions", "evidence", "strengths")
    ]
)
# (question, Casebase's filters, Datasette's filters)
QUESTIONS = [
    ("unfiltered", "", ""),
    ("a sector", "sector=healthcare", "sector=healthcare"),
    (
        "a practice and a sector",
        "practice=visible-leadership&sector=healthcare",
        "sector=healthcare&practices__arraycontains=visible-leadership",
    ),
]
FTS = "content_searchdocument_fts"
WEIGHTS = "10.0, 8.0, 4.0, 1.0"  # Casebase's, by column (casebase/catalogue/search.py)
# What Casebase does for a search, in Datasette's SQL: every match ranked by the same weighted
# bm25, the best 20 kept, then their titles.
RANKED = f"""
select d.case_study_id, d.title from (
  select rowid, bm25({FTS}, {WEIGHTS}) as score from {FTS} where {FTS} match :query
  order by score limit 20
) best join content_searchdocument d on d.case_study_id = best.rowid order by best.score
"""
# A search's parts in SQLite alone: the match, the best 20 by bm25, and every match's rank
# handed over as text, as casebase/catalogue/search.py's scored_matches() asks for them.
FTS5_ALONE = {
    "match": f"SELECT count(*) FROM {FTS} WHERE {FTS} MATCH ?",
    "best 20": f"SELECT rowid FROM {FTS} WHERE {FTS} MATCH ? "
    f"ORDER BY bm25({FTS}, {WEIGHTS}) LIMIT 20",
    "every rank": f"WITH matched AS MATERIALIZED (SELECT rowid, -bm25({FTS}, {WEIGHTS}) AS rank "
    f"FROM {FTS} WHERE {FTS} MATCH ?) "
    "SELECT group_concat(rowid), group_concat(printf('%.17g', rank)) FROM matched",
}
SEARCH_VARIANTS = {
    "_search, JSON": lambda word: (
        f"/{DATABASE}/content_searchdocument.json?"
        + urlencode({"_search": word, "_size": PAGE_SIZE})
    ),
    "_search, HTML": lambda word: (
        f"/{DATABASE}/content_searchdocument?" + urlencode({"_search": word, "_size": PAGE_SIZE})
    ),
    "SQL ranked by bm25, JSON": lambda word: (
        f"/{DATABASE}.json?" + urlencode({"sql": " ".join(RANKED.split()), "query": f'"{word}"'})
    ),
}


# --- The databases ---------------------------------------------------------------------------


def prepare_copies(source: Path) -> tuple[Path, Path]:
    """Casebase's copy, migrated by the working tree; Datasette's, a copy of that one (so the two
    hold the same schema and rows) in rollback-journal mode, which an immutable file wants, with
    the catalogue's facets as a view and as a table."""
    WORK.mkdir(parents=True, exist_ok=True)
    ours, theirs = WORK / "django.sqlite3", WORK / f"{DATABASE}.sqlite3"
    print(f"Copying {source} for Casebase and migrating it", flush=True)
    copy_database(source, ours)
    migrate(ROOT, ours)
    print("Copying it for Datasette, with the catalogue's facets as a view and a table", flush=True)
    copy_database(ours, theirs)
    connection = sqlite3.connect(theirs, isolation_level=None)
    connection.execute("PRAGMA journal_mode=DELETE")
    connection.execute(CATALOGUE_VIEW)
    for statement in CATALOGUE_TABLE:
        connection.execute(statement)
    connection.close()
    return ours, theirs


def read_through(path: Path) -> None:
    """Into the operating system's cache, so neither server waits for the disk."""
    with path.open("rb") as file:
        while file.read(1 << 24):
            pass


def one_word_per_stem(words: list[str]) -> list[str]:
    """FTS5's porter stemmer makes "improved" and "improvement" one term: a word whose term was
    searched before is not a fresh search. The stems come from an FTS5 table with the same
    tokenizer."""
    connection = sqlite3.connect(":memory:")
    connection.execute(
        "CREATE VIRTUAL TABLE words USING fts5(word, "
        "tokenize='porter unicode61 remove_diacritics 2')"
    )
    connection.execute("CREATE VIRTUAL TABLE terms USING fts5vocab(words, instance)")
    connection.executemany("INSERT INTO words (rowid, word) VALUES (?, ?)", enumerate(words))
    stems = dict(connection.execute("SELECT doc, term FROM terms"))
    seen, kept = set(), []
    for number, word in enumerate(words):
        if number in stems and stems[number] not in seen:
            seen.add(stems[number])
            kept.append(word)
    return kept


def in_sqlite_alone(database: Path, words: list[str]) -> dict[str, dict]:
    """For each word, after the run: how many documents it matches, and what FTS5 takes, in
    this process, to match them, to rank them all by bm25 keeping the best 20, and to rank
    them all and hand every rank over (Casebase's query, as casebase/catalogue/search.py's
    scored_matches() makes it)."""
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    found = {}
    for word in words:
        timings = {}
        for name, sql in FTS5_ALONE.items():
            began = time.perf_counter()
            rows = connection.execute(sql, (f'"{word}"',)).fetchall()
            timings[name] = (time.perf_counter() - began) * 1000
            if name == "match":
                timings["matches"] = rows[0][0]
        found[word] = timings
    return found


# --- What is asked -------------------------------------------------------------------------


def ingredients(database: Path, options) -> dict:
    """The words and case studies to measure, and others for the warm-up, from a fixed seed."""
    found = json.loads(manage(ROOT, database, "shell", "-c", INGREDIENTS).splitlines()[-1])
    chosen = random.Random(options.seed)
    needed = WARM_UP_WORDS + options.words * len(SEARCH_VARIANTS)
    common = [w for w in fresh_searches(found["documents"], chosen, 10_000) if " " not in w]
    words = one_word_per_stem(common)
    if len(words) < needed:
        sys.exit(f"{len(words)} common words, {needed} needed: ask for fewer --words")
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    ids = dict(connection.execute("SELECT slug, id FROM content_casestudy"))
    slugs = chosen.sample(found["case_studies"], 10 + options.case_studies)
    return {
        "warm_up_words": words[:WARM_UP_WORDS],
        "words": words[WARM_UP_WORDS:needed],
        "warm_up_case_studies": [(slug, ids[slug]) for slug in slugs[:10]],
        "case_studies": [(slug, ids[slug]) for slug in slugs[10:]],
    }


def casebase_search(word: str) -> str:
    return "/case-studies/?" + urlencode({"q": word})


def casebase_case_study(slug: str) -> str:
    return f"/case-studies/{slug}/"


def datasette_row(pk: int, suffix: str = "") -> str:
    return f"/{DATABASE}/content_casestudy/{pk}{suffix}"


def casebase_catalogue(filters: str) -> str:
    return f"/case-studies/?{filters}" if filters else "/case-studies/"


def datasette_catalogue(source: str, filters: str) -> str:
    sort = f"_size={PAGE_SIZE}&_sort=organisation"  # Casebase's first page, in its order
    return f"/{DATABASE}/{source}?" + "&".join(part for part in (filters, sort, FACETS) if part)


# --- The servers -----------------------------------------------------------------------------


def serve_datasette(database: Path) -> tuple:
    port = free_port()
    metadata = WORK / "metadata.json"
    metadata.write_text(json.dumps(METADATA, indent=2))
    command = [str(CLIENT_VENV / "bin" / "datasette"), "serve", "--immutable", str(database)]
    command += ["--metadata", str(metadata), "--host", "127.0.0.1", "--port", str(port)]
    for name, value in DATASETTE_SETTINGS.items():
        command += ["--setting", name, str(value)]
    server = subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=(WORK / "datasette.err").open("w"),
        start_new_session=True,
    )
    wait_for_port(port)
    return server, f"http://127.0.0.1:{port}"


def memory_mb(server: subprocess.Popen) -> dict:
    """Resident memory of the server's processes: gunicorn's arbiter and each worker, or
    Datasette's one process."""
    pids = [server.pid]
    children = subprocess.run(
        ["ps", "-o", "pid=", "--ppid", str(server.pid)], capture_output=True, text=True
    ).stdout.split()
    pids += [int(pid) for pid in children]
    sizes = {}
    for pid in pids:
        rss = subprocess.run(["ps", "-o", "rss=", "-p", str(pid)], capture_output=True, text=True)
        if rss.stdout.strip():
            sizes[pid] = int(rss.stdout) / 1024
    return sizes


def stop(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    server.wait()


# --- The requests ----------------------------------------------------------------------------


async def timed(session, url: str) -> dict:
    """One request, from sending it to its last byte."""
    began = time.perf_counter()
    try:
        async with session.get(url, allow_redirects=False) as response:
            body = await response.read()
            status = response.status
    except (TimeoutError, aiohttp.ClientError) as error:
        body, status = b"", type(error).__name__
    return {"ms": (time.perf_counter() - began) * 1000, "status": status, "body": body}


async def side_by_side(servers: dict, requests: list[tuple], chosen: random.Random) -> dict:
    """Each (server, label, path) in random order, one after the other; their times by label.
    `servers` maps a server to its (session, base URL)."""
    order = list(requests)
    chosen.shuffle(order)
    answers = {}
    for server, label, path in order:
        opened, base = servers[server]
        answers[label] = await timed(opened, base + path)
    return answers


def session():
    return aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=TIMEOUT_SECONDS))


async def warm_datasette(base: str, paths: list[str]) -> None:
    async with session() as opened:
        for path in paths:
            await timed(opened, base + path)


async def measure(bases: dict, asked: dict, options) -> dict:
    chosen = random.Random(options.seed)
    runs = {"search": [], "case study": [], "facets": []}
    variants = list(SEARCH_VARIANTS)
    async with session() as ours, session() as theirs:
        sessions = {
            "casebase": (ours, bases["casebase"]),
            "datasette": (theirs, bases["datasette"]),
        }
        print(f"Fresh searches: {len(asked['words'])} words", flush=True)
        for number, word in enumerate(asked["words"]):
            variant = variants[number % len(variants)]
            pair = [
                ("casebase", "casebase", casebase_search(word)),
                ("datasette", "datasette", SEARCH_VARIANTS[variant](word)),
            ]
            answers = await side_by_side(sessions, pair, chosen)
            runs["search"].append({"word": word, "variant": variant, **answers})
        print(f"Case study pages: {len(asked['case_studies'])}", flush=True)
        for slug, pk in asked["case_studies"]:
            triple = [
                ("casebase", "casebase", casebase_case_study(slug)),
                ("datasette", "datasette HTML", datasette_row(pk)),
                ("datasette", "datasette JSON", datasette_row(pk, ".json")),
            ]
            runs["case study"].append(await side_by_side(sessions, triple, chosen))
        for round_number in range(options.facet_rounds):
            print(f"Faceted questions, round {round_number + 1}", flush=True)
            for question, ours_filters, theirs_filters in chosen.sample(QUESTIONS, len(QUESTIONS)):
                triple = [
                    ("casebase", "casebase", casebase_catalogue(ours_filters)),
                    (
                        "datasette",
                        "datasette table",
                        datasette_catalogue("catalogue_table", theirs_filters),
                    ),
                    (
                        "datasette",
                        "datasette view",
                        datasette_catalogue("catalogue", theirs_filters),
                    ),
                ]
                answers = await side_by_side(sessions, triple, chosen)
                runs["facets"].append({"question": question, **answers})
    return runs


def check_answers(runs: dict) -> list[str]:
    """Every answer a 200; Casebase's search and Datasette's `_search` counting as many matches
    as FTS5 (so Datasette's search used the right table and key); both servers counting as
    many case studies for each faceted question."""
    problems = []
    for kind, rows in runs.items():
        for row in rows:
            for label, answer in row.items():
                if is_answer(answer) and answer["status"] != 200:
                    problems.append(f"{kind}, {label}: {answer['status']}")
    for row in runs["search"]:
        found = {"Casebase": count_shown(row["casebase"])}
        if row["variant"].startswith("_search"):
            found["Datasette"] = count_shown(row["datasette"])
        for server, count in found.items():
            if count != row["matches"]:
                problems.append(f"{server} found {count} for {row['word']}, FTS5 {row['matches']}")
    for row in runs["facets"]:
        counts = {label: count_shown(row[label]) for label in row if label != "question"}
        if len(set(counts.values())) > 1:
            problems.append(f"{row['question']}: {counts}")
    return problems


def is_answer(value) -> bool:
    return isinstance(value, dict) and "body" in value


SHOWN = [
    re.compile(rb'id="results-heading">([\d,]+) case stud'),  # Casebase's catalogue
    re.compile(rb"<h3>([\d,]+) rows?"),  # Datasette's table page
    re.compile(rb'"filtered_table_rows_count": (\d+)'),  # and as JSON
]


def count_shown(answer: dict) -> int | None:
    """How many results a page says it found."""
    for pattern in SHOWN:
        found = pattern.search(answer["body"])
        if found:
            return int(found[1].replace(b",", b""))
    return None


# --- The report ------------------------------------------------------------------------------


def summary(times: list[float]) -> dict:
    return {
        "p50": percentile(times, 0.5),
        "p95": percentile(times, 0.95),
        "max": max(times),
    }


def times_of(rows: list[dict], label: str) -> list[float]:
    return [row[label]["ms"] for row in rows]


def search_section(runs: dict) -> tuple[list[str], dict]:
    rows = runs["search"]
    ours = summary(times_of(rows, "casebase"))
    lines = [
        "## 1. Fresh search of a common word",
        "",
        f"{len(rows)} words, each searched once on each server (a word never searched before on "
        "either: none in the warm-up, one word per porter stem), Casebase's catalogue "
        f"`/case-studies/?q=WORD` (ranked, {PAGE_SIZE} results, facet counts, passages) against, "
        "word by word in turn, Datasette's `_search` on `content_searchdocument` "
        f"(`_size={PAGE_SIZE}`: matches in primary-key order, not ranked, and their count) as "
        "JSON and as HTML, and Datasette's SQL endpoint ranking every match by Casebase's "
        "weighted bm25 (the best 20 and their titles: Casebase's ranking alone).",
        "",
        "| Datasette's side | words | matches per word (min-median-max) | Casebase p50 / p95 / "
        "max ms | Datasette p50 / p95 / max ms | Casebase / Datasette p50 | p95 |",
        "|---|---:|---|---:|---:|---:|---:|",
    ]
    compared = {}
    for variant in SEARCH_VARIANTS:
        mine = [row for row in rows if row["variant"] == variant]
        if not mine:
            continue
        ours_here, theirs = (
            summary(times_of(mine, "casebase")),
            summary(times_of(mine, "datasette")),
        )
        compared[variant] = (ours_here, theirs)
        counts = sorted(row["matches"] for row in mine)
        lines.append(
            f"| {variant} | {len(mine)} | {counts[0]:,} - {percentile(counts, 0.5):,} - "
            f"{counts[-1]:,} | {triple(ours_here)} | {triple(theirs)} | "
            f"{ours_here['p50'] / theirs['p50']:.2f} | {ours_here['p95'] / theirs['p95']:.2f} |"
        )
    lines += [
        "",
        f"Casebase over all {len(rows)} words: p50 {ours['p50']:,.0f} ms, p95 {ours['p95']:,.0f} "
        f"ms, max {ours['max']:,.0f} ms.",
        "",
        *where_time_goes(rows),
        "",
        "<details><summary>Every word: matches, Casebase ms, Datasette ms</summary>",
        "",
        "| word | matches | Datasette's side | Casebase ms | Datasette ms |",
        "|---|---:|---|---:|---:|",
        *(
            f"| {row['word']} | {row['matches']:,} | {row['variant']} | "
            f"{row['casebase']['ms']:,.0f} | {row['datasette']['ms']:,.0f} |"
            for row in sorted(rows, key=lambda row: row["matches"])
        ),
        "",
        "</details>",
        "",
    ]
    return lines, {"all": ours, **compared}


MATCH_BANDS = ((0, 10_000), (10_000, 50_000), (50_000, 10**9))


def where_time_goes(rows: list[dict]) -> list[str]:
    """Medians by how many documents a word matches: the pages, and the parts of a search in
    SQLite alone (the same file, in this process, after the run)."""
    lines = [
        "By how many documents a word matches, medians in ms: each server's page, and in SQLite "
        "alone (the same file, after the run) the match with its count, the best 20 by bm25, and "
        "every match's rank handed over as text (Casebase's ranking query):",
        "",
        "| matches | words | Casebase's page | Datasette `_search` (JSON, HTML) | FTS5 match | "
        "bm25, best 20 | bm25, every rank |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for low, high in MATCH_BANDS:
        band = [row for row in rows if low <= row["matches"] < high]
        if not band:
            continue
        searched = [row for row in band if row["variant"].startswith("_search")]
        theirs = percentile(times_of(searched, "datasette"), 0.5) if searched else float("nan")
        alone = {
            part: percentile([row["sqlite"][part] for row in band], 0.5) for part in FTS5_ALONE
        }
        named = f"{low:,} to {high:,}" if high < 10**9 else f"{low:,} or more"
        lines.append(
            f"| {named} | {len(band)} | {percentile(times_of(band, 'casebase'), 0.5):,.0f} | "
            f"{theirs:,.0f} | {alone['match']:,.1f} | {alone['best 20']:,.0f} | "
            f"{alone['every rank']:,.0f} |"
        )
    return lines


def case_study_section(runs: dict) -> tuple[list[str], dict]:
    rows = runs["case study"]
    labels = ("casebase", "datasette HTML", "datasette JSON")
    figures = {label: summary(times_of(rows, label)) for label in labels}
    ours = figures["casebase"]
    lines = [
        "## 2. Case study page",
        "",
        f"The same {len(rows)} random published case studies: Casebase's page "
        "`/case-studies/SLUG/` against Datasette's row page `/casebase/content_casestudy/ID` "
        "(HTML: the row, its foreign keys by label and the count of rows linking to it from "
        "each table; and `.json`, the row alone).",
        "",
        "| page | p50 ms | p95 ms | max ms | Casebase / this, p50 | p95 |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for label, row in figures.items():
        lines.append(
            f"| {label} | {row['p50']:,.1f} | {row['p95']:,.1f} | {row['max']:,.1f} | "
            f"{ours['p50'] / row['p50']:.2f} | {ours['p95'] / row['p95']:.2f} |"
        )
    return [*lines, ""], figures


def facet_section(runs: dict, rounds: int) -> tuple[list[str], dict]:
    lines = [
        "## 3. Faceted questions",
        "",
        "Casebase's catalogue (first page of 20 in organisation order, the total, and every "
        "option of its 9 facets counted under the other active filters) against Datasette's "
        "table page with the same 9 facets (`_facet` sector, type, region; `_facet_array` "
        "practices, themes, indicators, directions, evidence, strengths), `_sort=organisation`, "
        f"`_size={PAGE_SIZE}`, HTML on both sides. Datasette cannot facet across the joins "
        "Casebase's facets follow, so it gets one row per published case study with the facets "
        "as columns (JSON arrays for the to-many ones): `catalogue`, a view over the same "
        "tables (the same file, nothing precomputed: what the questions cost in SQL), and "
        "`catalogue_table`, the view's rows stored with indexes on organisation, sector, type "
        "and region (precomputed like Casebase's in-memory index: Datasette's best case). "
        "Datasette counts each facet within the current filters (the chosen sector's facet "
        "shows that sector alone), Casebase under the other filters (every sector, with its "
        f"count): Casebase does more. {rounds} rounds; medians.",
        "",
        "| question | Casebase ms | Datasette table ms | Datasette view ms | table / Casebase | "
        "view / Casebase |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    figures = {}
    for question, _, _ in QUESTIONS:
        mine = [row for row in runs["facets"] if row["question"] == question]
        medians = {
            label: percentile(times_of(mine, label), 0.5)
            for label in ("casebase", "datasette table", "datasette view")
        }
        figures[question] = medians
        ours = medians["casebase"]
        lines.append(
            f"| {question} | {ours:,.1f} | {medians['datasette table']:,.0f} | "
            f"{medians['datasette view']:,.0f} | {medians['datasette table'] / ours:,.0f}x | "
            f"{medians['datasette view'] / ours:,.0f}x |"
        )
    return [*lines, ""], figures


def triple(row: dict) -> str:
    return f"{row['p50']:,.0f} / {row['p95']:,.0f} / {row['max']:,.0f}"


def targets(search: dict, case_study: dict, facets: dict) -> list[str]:
    ours = search["all"]
    json_side = search.get("_search, JSON")
    html_side = search.get("_search, HTML")
    row_page = case_study["datasette HTML"]
    page_ratio = case_study["casebase"]["p50"] / row_page["p50"]
    view_ratios = [row["datasette view"] / row["casebase"] for row in facets.values()]
    table_ratios = [row["datasette table"] / row["casebase"] for row in facets.values()]

    def met(condition: bool) -> str:
        return "**met**" if condition else "**not met**"

    lines = [
        "## Issue 16's targets",
        "",
        f"- Fresh search p95 <= {SEARCH_TARGET_MS} ms: {met(ours['p95'] <= SEARCH_TARGET_MS)} "
        f"(p95 {ours['p95']:,.0f} ms over every word, p50 {ours['p50']:,.0f} ms).",
    ]
    for name, side in (("JSON", json_side), ("HTML", html_side)):
        if side:
            theirs_p95, ours_p95 = side[1]["p95"], side[0]["p95"]
            lines.append(
                f"- Fresh search faster than Datasette's `_search` ({name}, the same words): "
                f"{met(ours_p95 < theirs_p95 and side[0]['p50'] < side[1]['p50'])} (Casebase "
                f"p50 {side[0]['p50']:,.0f} / p95 {ours_p95:,.0f} ms, Datasette p50 "
                f"{side[1]['p50']:,.0f} / p95 {theirs_p95:,.0f} ms)."
            )
    lines += [
        f"- Case study page within {CASE_STUDY_TARGET_RATIO} times Datasette's row page (HTML, "
        f"medians): {met(page_ratio <= CASE_STUDY_TARGET_RATIO)} (Casebase "
        f"{case_study['casebase']['p50']:,.1f} ms, Datasette {row_page['p50']:,.1f} ms: "
        f"{page_ratio:.2f} times; p95 {case_study['casebase']['p95']:,.1f} against "
        f"{row_page['p95']:,.1f} ms).",
        f"- Faceted questions still far faster ({FACET_TARGET_RATIO} to 1,400 times, kept): "
        f"against the view {met(min(view_ratios) >= FACET_TARGET_RATIO)} "
        f"({min(view_ratios):,.0f} to {max(view_ratios):,.0f} times); against the stored table "
        f"{met(min(table_ratios) >= FACET_TARGET_RATIO)} ({min(table_ratios):,.0f} to "
        f"{max(table_ratios):,.0f} times).",
        "",
    ]
    return lines


def memory_section(memory: dict) -> list[str]:
    lines = ["## Memory after the run (resident, `ps`)", ""]
    for label, sizes in memory.items():
        listed = ", ".join(f"{mb:,.0f} MB" for mb in sizes.values())
        lines.append(f"- {label}: {listed} (total {sum(sizes.values()):,.0f} MB)")
    return [*lines, ""]


def report(runs: dict, options, context: dict) -> str:
    search_lines, search = search_section(runs)
    page_lines, case_study = case_study_section(runs)
    facet_lines, facets = facet_section(runs, options.facet_rounds)
    loads = context["loads"]
    settings = ", ".join(f"`{name} {value}`" for name, value in DATASETTE_SETTINGS.items())
    lines = [
        "# Casebase against Datasette on the same SQLite file (`bench/datasette_side_by_side.py`)",
        "",
        f"Produced by `{context['command']}` on {time.strftime('%Y-%m-%d %H:%M')}, on "
        f"{os.cpu_count()} cores ({platform.machine()}, shared with other work: load average "
        f"(1, 5, 15 min) {fmt_load(loads[0])} before, {fmt_load(loads[1])} after), Python "
        f"{platform.python_version()}, SQLite {sqlite3.sqlite_version}.",
        "",
        f"- Database: `{context['source']}`, {context['published']:,} published case studies, "
        "two copies migrated by the working tree, both read into the operating system's cache "
        "before the servers start.",
        f"- Casebase: {context['code']}; gunicorn, 2 workers, `DJANGO_DEBUG=0`, the page cache "
        "off (`PAGE_CACHE_SECONDS=0`), a private Redis, as `make serve` runs it; warmed for "
        f"{WARM_UP_SECONDS} s by 4 clients (catalogue, the faceted questions, other case "
        "studies, other words) so both workers hold their catalogue index.",
        f"- Datasette {datasette.__version__}: `datasette serve --immutable` in "
        f"`bench/.venv-bench`, {settings}; metadata `fts_table` and `fts_pk case_study_id` "
        "for `content_searchdocument` (without `fts_pk` it matches the table's rowid, which is "
        "not the case study's id: wrong rows). Warmed by the same kinds of request, one at a "
        "time.",
        "- Client: aiohttp, one request at a time, timed from sending to the last byte: each "
        "pair (or triple) back to back in random order (seed "
        f"{options.seed}), so neither server is ever loaded while the other answers.",
        f"- Answers: {'; '.join(context['problems']) or ALL_RIGHT}.",
        "",
        *search_lines,
        *page_lines,
        *facet_lines,
        *memory_section(context["memory"]),
        *targets(search, case_study, facets),
    ]
    return "\n".join(lines) + "\n"


def fmt_load(load: tuple) -> str:
    return ", ".join(f"{value:.1f}" for value in load)


# --- Running it ------------------------------------------------------------------------------


def in_bench_venv() -> None:
    """Re-run this script in bench/.venv-bench, with aiohttp and Datasette (installed the first
    time: the benchmark's tools, never the project's dependencies)."""
    python = CLIENT_VENV / "bin" / "python"
    if not python.exists():
        print("Making bench/.venv-bench", flush=True)
        subprocess.run(["python3.11", "-m", "venv", str(CLIENT_VENV)], check=True)
    found = subprocess.run([str(python), "-c", "import aiohttp, datasette"], capture_output=True)
    if found.returncode:
        print(f"Installing aiohttp and Datasette {DATASETTE_VERSION} in it", flush=True)
        pip = [str(CLIENT_VENV / "bin" / "pip"), "install", "-q"]
        subprocess.run([*pip, "aiohttp", f"datasette=={DATASETTE_VERSION}"], check=True)
    os.execv(python, [str(python), __file__, *sys.argv[1:]])


def warm_both(bases: dict, asked: dict) -> None:
    """Casebase by 4 clients at once (so that both workers build their catalogue index),
    Datasette one request at a time; other words and case studies than the measured ones."""
    paths = [casebase_catalogue(filters) for _, filters, _ in QUESTIONS]
    paths += [casebase_search(word) for word in asked["warm_up_words"]]
    paths += [casebase_case_study(slug) for slug, _ in asked["warm_up_case_studies"]]
    print(f"Warming Casebase for {WARM_UP_SECONDS} s", flush=True)
    asyncio.run(warm_up(bases["casebase"], paths, time.monotonic() + WARM_UP_SECONDS))
    print("Warming Datasette", flush=True)
    variants = list(SEARCH_VARIANTS.values())
    paths = [variants[n % len(variants)](word) for n, word in enumerate(asked["warm_up_words"])]
    paths += [datasette_row(pk) for _, pk in asked["warm_up_case_studies"]]
    paths += [datasette_catalogue("catalogue_table", "")]
    asyncio.run(warm_datasette(bases["datasette"], paths))


def run_servers(ours: Path, theirs: Path, asked: dict, options) -> tuple[dict, dict]:
    """Both servers up, warmed, measured side by side; the answers and their memory."""
    redis = Redis()
    redis.start()
    casebase, casebase_base = serve(ROOT, ours, redis.port, WORK / "gunicorn.log")
    their_server, datasette_base = serve_datasette(theirs)
    try:
        bases = {"casebase": casebase_base, "datasette": datasette_base}
        warm_both(bases, asked)
        runs = asyncio.run(measure(bases, asked, options))
        memory = {
            "Casebase (gunicorn arbiter, then each worker)": memory_mb(casebase),
            "Datasette (one process)": memory_mb(their_server),
        }
    finally:
        stop(casebase)
        stop(their_server)
        redis.stop()
    return runs, memory


def without_bodies(runs: dict) -> dict:
    return {
        kind: [
            {
                label: {"ms": v["ms"], "status": v["status"]} if is_answer(v) else v
                for label, v in row.items()
            }
            for row in rows
        ]
        for kind, rows in runs.items()
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-file", type=Path, help="default: bench/run.py's, 100,000")
    parser.add_argument("--words", type=int, default=40, help="per Datasette search variant")
    parser.add_argument("--case-studies", type=int, default=60)
    parser.add_argument("--facet-rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=16)
    options = parser.parse_args()
    if aiohttp is None or datasette is None:
        in_bench_venv()
    if shutil.which("redis-server") is None:
        sys.exit("redis-server is needed: `make redis` installs it.")
    source = (options.database_file or default_database()).resolve()
    command = " ".join(["python bench/datasette_side_by_side.py", *sys.argv[1:]])
    context = {"source": source, "command": command, "code": code_state(ROOT)}
    try:
        ours, theirs = prepare_copies(source)
        asked = ingredients(ours, options)
        published = sqlite3.connect(f"file:{theirs}?mode=ro", uri=True).execute(
            "SELECT count(*) FROM content_casestudy WHERE status = 'published'"
        )
        context["published"] = published.fetchone()[0]
        for copy in (ours, theirs):
            read_through(copy)
        context["loads"] = [os.getloadavg()]
        runs, context["memory"] = run_servers(ours, theirs, asked, options)
        context["loads"].append(os.getloadavg())
        alone = in_sqlite_alone(theirs, asked["words"])
    finally:
        for copy in WORK.glob("*.sqlite3*"):  # 1.4 GB each at 100,000
            copy.unlink()
    for row in runs["search"]:
        row["matches"] = alone[row["word"]]["matches"]
        row["sqlite"] = alone[row["word"]]
    context["problems"] = check_answers(runs)
    text = report(runs, options, context)
    (WORK / "answers.json").write_text(json.dumps(without_bodies(runs), indent=1))
    RESULTS.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
