"""A search for a word never searched before, the whole catalogue page in-process (issue 16):
two versions of the code side by side, each word once per version, in random order.

    python bench/fresh_search.py --old /tmp/old-worktree --old-database URL
        --new . --new-database URL [--words 120] [--seed 16] [--profile WORD]

Each version runs in its own process (`--worker`), with production settings and the page cache
off (bench/readers_while_saving.py's server_env), its catalogue index built and a few other
words searched first. The driver then sends every word to both workers, in a random order per
word, and each answers with the time Django took for `/case-studies/?q=WORD` (Django's test
client: middleware, view, template; no HTTP). The words are common in the synthetic stories
(in at least 1 % of a sample of them), one per porter stem, so none was searched before.
Prints the times and p50/p95 for each version, and their ratio.
"""

import argparse
import json
import os
import random
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
PYTHON = sys.executable
WARM_UP_WORDS = 8


def worker(profile: str | None) -> None:
    """Reads words on stdin, answers each with {"word", "ms", "status", "matches"} on stdout."""
    import django

    django.setup()
    from django.test import Client

    from casebase.catalogue import index as catalogue

    client = Client(HTTP_HOST="localhost")
    catalogue.current()
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        word = line.strip()
        if profile and word == profile:
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            profiler.enable()
        began = time.perf_counter()
        response = client.get("/case-studies/", {"q": word})
        ms = (time.perf_counter() - began) * 1000
        if profile and word == profile:
            profiler.disable()
            pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(45)
        found = catalogue.current().searches.get(tuple(word.lower().split()))
        matches = len(found.members) if found is not None else None
        answer = {"word": word, "ms": ms, "status": response.status_code, "matches": matches}
        print(json.dumps(answer), flush=True)


def common_words(database: Path, seed: int, needed: int) -> list[str]:
    sys.path.insert(0, str(BENCH))
    from datasette_side_by_side import one_word_per_stem
    from readers_while_saving import fresh_searches

    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    rows = connection.execute(
        "SELECT title, names, practices, body FROM content_searchdocument "
        "ORDER BY case_study_id LIMIT 2000"
    ).fetchall()
    chosen = random.Random(seed)
    documents = [" ".join(row) for row in rows]
    searches = fresh_searches(documents, chosen, 10_000)
    return one_word_per_stem([w for w in searches if " " not in w])[:needed]


def start(code: Path, url: str, profile: str | None) -> subprocess.Popen:
    sys.path.insert(0, str(BENCH))
    from readers_while_saving import server_env

    env = {**os.environ, **server_env(Path("unused"), None), "DATABASE_URL": url}
    env["DJANGO_SETTINGS_MODULE"] = "casebase.settings"
    env["PYTHONPATH"] = str(code)
    command = [PYTHON, str(BENCH / "fresh_search.py"), "--worker"]
    if profile:
        command += ["--profile", profile]
    process = subprocess.Popen(
        command, cwd=code, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    json.loads(process.stdout.readline())
    return process


def ask(process: subprocess.Popen, word: str) -> dict:
    process.stdin.write(word + "\n")
    process.stdin.flush()
    return json.loads(process.stdout.readline())


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--worker", action="store_true")
    parser.add_argument("--profile")
    parser.add_argument("--old", type=Path)
    parser.add_argument("--old-database")
    parser.add_argument("--new", type=Path, default=BENCH.parent)
    parser.add_argument("--new-database")
    parser.add_argument("--words-from", type=Path, help="a SQLite file to sample words from")
    parser.add_argument("--words", type=int, default=120)
    parser.add_argument("--seed", type=int, default=16)
    options = parser.parse_args()
    if options.worker:
        worker(options.profile)
        return
    words = common_words(options.words_from, options.seed, WARM_UP_WORDS + options.words)
    versions = {"new": (options.new, options.new_database)}
    if options.old:
        versions["old"] = (options.old, options.old_database)
    workers = {name: start(code, url, options.profile) for name, (code, url) in versions.items()}
    for word in words[:WARM_UP_WORDS]:
        for process in workers.values():
            ask(process, word)
    chosen = random.Random(options.seed)
    times: dict[str, list[float]] = {name: [] for name in workers}
    rows = []
    for word in words[WARM_UP_WORDS:]:
        names = list(workers)
        chosen.shuffle(names)
        answers = {name: ask(workers[name], word) for name in names}
        for name, answer in answers.items():
            assert answer["status"] == 200, answer
            times[name].append(answer["ms"])
        rows.append({"word": word, **{name: answers[name] for name in names}})
    for process in workers.values():
        process.stdin.close()
        process.wait()
    for row in rows:
        cells = "  ".join(f"{n} {row[n]['ms']:6.1f} ms ({row[n]['matches']})" for n in workers)
        print(f"{row['word']:>16}  {cells}")
    summary = {
        name: {"p50": percentile(t, 50), "p95": percentile(t, 95), "max": max(t)}
        for name, t in times.items()
    }
    for name, figures in summary.items():
        print(name, {key: round(value, 1) for key, value in figures.items()})
    if "old" in summary:
        print(
            "old / new: p50 {:.2f}, p95 {:.2f}".format(
                summary["old"]["p50"] / summary["new"]["p50"],
                summary["old"]["p95"] / summary["new"]["p95"],
            )
        )


if __name__ == "__main__":
    main()
