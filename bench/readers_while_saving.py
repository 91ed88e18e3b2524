"""Readers while an editor saves (issue 16): open-loop latency at 100,000 case studies on
SQLite, the code at `--baseline` against the working tree, one after the other in one run.

    python bench/readers_while_saving.py [--database-file PATH] [--baseline ee6299f]
        [--rate 8] [--quiet-seconds 60] [--saving-seconds 120] [--save-every 10]

Each code serves its own copy of the database (copied, then migrated by its own code, so the
two editors never meet) with gunicorn as `make serve` runs it: 2 workers, DJANGO_DEBUG=0, a
private Redis, the page cache off (PAGE_CACHE_SECONDS=0). After a warm-up that builds both
workers' catalogue index, readers send `--rate` requests a second on a fixed schedule, whatever
the answers (open loop): the catalogue with filters, a search for a word never searched before,
a practice page, a case study page, in turn. Each latency runs from the scheduled send time, so
a stalled server is charged for every request that waited (no coordinated omission). For
`--quiet-seconds` nobody saves; then, for `--saving-seconds`, an editor process (the server's
own code, `manage.py shell`) saves a random published case study every `--save-every` seconds:
a space added to or taken from its title, `save()`, then what that code's admin does after a
save (the explicit content_changed() call through `admin.changed`, or, in code from before it,
the search rewrite and public dates, the signals doing the rest), in one transaction.

Writes bench/saving-results.md: per code and phase, the requests, p50, p95, p99, max, how many
took over 500 ms and how many of those were scheduled within 6 s after a save, errors (non-2xx,
timeouts); the ratios new / old; the targets (p99 <= 100 ms, no request over 500 ms caused by a
save) met or not. The HTTP client, aiohttp, lives in a venv of its own, bench/.venv-bench
(made the first time); the script re-runs itself there.
"""

import argparse
import asyncio
import itertools
import json
import math
import os
import platform
import random
import re
import secrets
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote_plus, urlencode

try:
    import aiohttp
except ImportError:  # the project's venv: main() re-runs this in bench/.venv-bench
    aiohttp = None

from page_cache import Redis, baseline_checkout, free_port, wait_for_port

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
CLIENT_VENV = BENCH / ".venv-bench"
WORK = BENCH / "data" / "saving"  # the copies of the database and the servers' logs
RESULTS = BENCH / "saving-results.md"
SIZE = 100_000
SLOW_MS = 500
TARGET_P99_MS = 100
AFTER_SAVE_SECONDS = 6  # a slow request scheduled this soon after a save is put down to it
TIMEOUT_SECONDS = 30  # gunicorn's worker timeout in `make serve`
WARM_UP_SECONDS = 40
WARM_UP_CLIENTS = 4
SECRET = secrets.token_urlsafe(50)
KINDS = ("catalogue with filters", "fresh search", "practice page", "case study page")

# Run by `manage.py shell -c` in the server's code tree, with the server's environment: saves
# at EDITOR_START (time.monotonic(), one clock for every process) and every EDITOR_EVERY
# seconds after, EDITOR_COUNT times, each followed by what that code's admin does after a save
# (save_related); one JSON line per save.
EDITOR = """
import json, os, random, time
from django.db import transaction
from casebase.content.models import CaseStudy

try:  # one explicit call after every change (issue 16, item 5)
    from casebase.editing.admin import changed
    from casebase.content.changes import touched_by
except ImportError:  # before it: signals moved the version, the admin rewrote search
    changed = None
    from casebase.catalogue import search
    from casebase.content.services import public_dates_update

chosen = random.Random(int(os.environ["EDITOR_SEED"]))
ids = sorted(CaseStudy.objects.published().values_list("pk", flat=True))
start, every = float(os.environ["EDITOR_START"]), float(os.environ["EDITOR_EVERY"])
for number in range(int(os.environ["EDITOR_COUNT"])):
    time.sleep(max(0.0, start + number * every - time.monotonic()))
    began = time.monotonic()
    with transaction.atomic():
        study = CaseStudy.objects.get(pk=chosen.choice(ids))
        study.title = study.title[:-1] if study.title.endswith(" ") else study.title + " "
        study.save()
        if changed:
            changed(touched_by([study]))
        else:
            affected = search.affected_case_study_ids(study)
            search.refresh(affected)
            public_dates_update(case_study_ids=affected)
    saved = time.monotonic()
    print(json.dumps({"pk": study.pk, "began": began, "saved": saved}), flush=True)
"""

# What the readers ask for, read with the new code from its copy: published slugs,
# facet values, and the words of a sample of search documents.
INGREDIENTS = """
import json, random
from casebase.content.models import CaseStudy, Organisation, Practice, SearchDocument, Sector

ids = list(SearchDocument.objects.values_list("pk", flat=True))
sample = random.Random(16).sample(ids, min(2000, len(ids)))
print(json.dumps({
    "case_studies": list(CaseStudy.objects.published().values_list("slug", flat=True)),
    "practices": list(Practice.objects.published().values_list("slug", flat=True)),
    "sectors": list(Sector.objects.values_list("slug", flat=True)),
    "regions": sorted(set(Organisation.objects.exclude(region="").values_list("region",
                                                                                flat=True))),
    "documents": [" ".join(row) for row in SearchDocument.objects.filter(pk__in=sample)
                  .values_list("title", "names", "practices", "body")],
}))
"""
# Words a reader would not search for on their own.
FUNCTION_WORDS = {
    "about", "after", "among", "also", "been", "between", "both", "could", "each", "every",
    "first", "from", "have", "into", "just", "made", "most", "once", "only", "over", "said",
    "some", "than", "that", "their", "them", "then", "there", "they", "this", "those", "through",
    "time", "took", "were", "what", "when", "which", "while", "with", "within", "would", "year",
    "years",
}  # fmt: skip


# --- The database ----------------------------------------------------------------------------


def default_database() -> Path:
    """The SQLite file `make bench` measures at 100,000 (bench/run.py builds it if missing)."""
    import run

    print(f"bench/run.py: the SQLite database of {SIZE:,} case studies (built if missing)")
    return Path(run.prepare("sqlite", SIZE, rebuild=False)["url"].removeprefix("sqlite:///"))


def copy_database(source: Path, target: Path) -> None:
    """A consistent copy: the write-ahead log folded into the file first."""
    connection = sqlite3.connect(source)
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    for stale in target.parent.glob(target.name + "*"):
        stale.unlink()
    shutil.copyfile(source, target)


def manage(code: Path, database: Path, *args: str) -> str:
    env = {**os.environ, **server_env(database, redis_port=None)}
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=code, env=env, capture_output=True, text=True
    )
    if result.returncode:
        sys.exit(f"manage.py {' '.join(args[:2])} in {code} failed:\n{result.stderr[-3000:]}")
    return result.stdout


def migrate(code: Path, database: Path) -> None:
    """The copy's schema as `code` expects it: migrations the working tree has and `code` has
    not are undone first, by the working tree's code, which knows them; then `code` migrates."""
    for folder in sorted(ROOT.glob("casebase/*/migrations")):
        ours = migration_names(folder)
        theirs = migration_names(code / folder.relative_to(ROOT))
        if ours - theirs:
            manage(ROOT, database, "migrate", folder.parent.name, max(theirs, default="zero"))
    manage(code, database, "migrate", "--no-input")


def migration_names(folder: Path) -> set[str]:
    return {path.stem for path in folder.glob("[0-9][0-9][0-9][0-9]_*.py")}


# --- What the readers ask for ----------------------------------------------------------------


def reader_schedule(ingredients: dict, rate: float, seconds: float, seed: int) -> tuple:
    """(warm-up paths, [(seconds from the start, kind, path)]): the four kinds in turn, with
    random filters and slugs from a fixed seed; every search a word (or, once the words run
    out, a pair of them) that no request before it searched."""
    chosen = random.Random(seed)
    count = math.ceil(rate * seconds)
    searches = fresh_searches(ingredients["documents"], chosen, count // len(KINDS) + 10)
    warm_up = [
        "/case-studies/",
        catalogue_path(ingredients, chosen),
        f"/case-studies/{chosen.choice(ingredients['case_studies'])}/",
        *(f"/case-studies/?{urlencode({'q': words})}" for words in searches[:10]),
        # Each worker counts a practice's credited results once per content version.
        *(f"/practices/{slug}/" for slug in ingredients["practices"]),
    ]
    searches = iter(searches[10:])
    schedule = []
    for number in range(count):
        kind = KINDS[number % len(KINDS)]
        if kind == "catalogue with filters":
            path = catalogue_path(ingredients, chosen)
        elif kind == "fresh search":
            path = f"/case-studies/?{urlencode({'q': next(searches)})}"
        elif kind == "practice page":
            path = f"/practices/{chosen.choice(ingredients['practices'])}/"
        else:
            path = f"/case-studies/{chosen.choice(ingredients['case_studies'])}/"
        schedule.append((number / rate, kind, path))
    return warm_up, schedule


def catalogue_path(ingredients: dict, chosen: random.Random) -> str:
    sector = ("sector", chosen.choice(ingredients["sectors"]))
    practice = ("practice", chosen.choice(ingredients["practices"]))
    region = ("region", chosen.choice(ingredients["regions"]))
    filters = chosen.choice([[sector], [practice], [sector, practice], [sector, region]])
    return f"/case-studies/?{urlencode(filters)}"


def fresh_searches(documents: list[str], chosen: random.Random, needed: int) -> list[str]:
    """Words in at least 1 % of the sampled case studies, each once, in random order; then
    pairs of them, each pair once."""
    found = Counter()
    for text in documents:
        found.update(set(re.findall(r"[a-z]{4,}", text.lower())))
    common = sorted(w for w, n in found.items() if n >= len(documents) / 100) if found else []
    words = [word for word in common if word not in FUNCTION_WORDS]
    chosen.shuffle(words)
    searches, pairs = list(words), set()
    while len(searches) < needed and len(words) > 1:
        pair = tuple(sorted(chosen.sample(words, 2)))
        if pair not in pairs:
            pairs.add(pair)
            searches.append(" ".join(pair))
    return searches[:needed]


# --- The servers -----------------------------------------------------------------------------


def server_env(database: Path, redis_port: int | None) -> dict:
    """As bench/run.py and `make serve`: production settings, plain HTTP, the page cache off."""
    env = {
        "DATABASE_URL": f"sqlite:///{database}",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": SECRET,
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "PAGE_CACHE_SECONDS": "0",
        "DATABASE_STATEMENT_TIMEOUT_MS": "25000",
    }
    if redis_port:
        env["REDIS_URL"] = f"redis://127.0.0.1:{redis_port}/0"
    return env


def serve(code: Path, database: Path, redis_port: int, log: Path) -> tuple:
    port = free_port()
    log.unlink(missing_ok=True)
    command = [GUNICORN, "casebase.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{port}"]
    command += ["--timeout", str(TIMEOUT_SECONDS), "--access-logfile", str(log)]
    command += ["--access-logformat", '%(h)s %(t)s "%(r)s" %(s)s %(b)s %(D)sus']
    server = subprocess.Popen(
        command,
        cwd=code,
        env={**os.environ, **server_env(database, redis_port)},
        stdout=subprocess.DEVNULL,
        stderr=log.with_suffix(".err").open("w"),
        start_new_session=True,
    )
    wait_for_port(port)
    return server, f"http://127.0.0.1:{port}"


def start_editor(code: Path, database: Path, redis_port: int, options, start: float) -> tuple:
    count = int(options.saving_seconds // options.save_every)
    env = {
        **os.environ,
        **server_env(database, redis_port),
        "EDITOR_START": str(start),
        "EDITOR_EVERY": str(options.save_every),
        "EDITOR_COUNT": str(count),
        "EDITOR_SEED": str(options.seed),
    }
    return subprocess.Popen(
        [PYTHON, "manage.py", "shell", "-c", EDITOR],
        cwd=code,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def saves_of(editor: subprocess.Popen) -> list[dict]:
    output, errors = editor.communicate(timeout=120)
    if editor.returncode:
        sys.exit(f"the editor failed:\n{errors[-3000:]}")
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


# --- The readers -----------------------------------------------------------------------------


async def fetch(session, url: str, due: float, kind: str) -> dict:
    """One request; its time runs from when it was due, not from when it went."""
    try:
        async with session.get(url, allow_redirects=False) as response:
            await response.read()
            status = response.status
    except (TimeoutError, aiohttp.ClientError) as error:
        status = type(error).__name__
    return {"kind": kind, "due": due, "ms": (time.monotonic() - due) * 1000, "status": status}


def client():
    return aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=0),  # no pool limit: open loop
        timeout=aiohttp.ClientTimeout(total=TIMEOUT_SECONDS),
    )


async def warm_up(base: str, paths: list[str], until: float) -> None:
    """A few clients at once, back to back, so that both workers build their index."""

    async def loop(session, offset: int) -> None:
        for number in itertools.count(offset):
            if time.monotonic() >= until:
                return
            await fetch(session, base + paths[number % len(paths)], time.monotonic(), "warm-up")

    async with client() as session:
        await asyncio.gather(*(loop(session, offset) for offset in range(WARM_UP_CLIENTS)))


async def readers(base: str, schedule: list[tuple], start: float) -> list[dict]:
    """Every request sent at its time, whatever the ones before it are doing."""
    async with client() as session:
        sent = []
        for offset, kind, path in schedule:
            await asyncio.sleep(max(0.0, start + offset - time.monotonic()))
            sent.append(asyncio.create_task(fetch(session, base + path, start + offset, kind)))
        return await asyncio.gather(*sent)


def code_state(code: Path) -> str:
    """The commit a server runs, and the files of the site it had changed (the working tree is
    shared: a run records what it measured)."""
    head = git(code, "log", "-1", "--format=%h %cd", "--date=format:%Y-%m-%d %H:%M")
    changed = git(code, "status", "--porcelain", "--", "casebase", "templates").splitlines()
    if not changed:
        return f"{head}, unchanged"
    return f"{head}, with uncommitted changes to " + ", ".join(line[3:] for line in changed)


def git(code: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=code, capture_output=True, text=True, check=True
    ).stdout.strip()


def run_code(label: str, code: Path, database: Path, paths: tuple, options) -> dict:
    warm_paths, schedule = paths
    redis = Redis()
    redis.start()
    log = WORK / f"gunicorn-{label.split()[0]}.log"
    state = code_state(code)
    server, base = serve(code, database, redis.port, log)
    try:
        start = time.monotonic() + options.warm_up_seconds
        saving_from = start + options.quiet_seconds
        on_the_wall = time.time() - time.monotonic()  # gunicorn logs wall-clock times
        editor = start_editor(code, database, redis.port, options, saving_from)
        print(f"{label}: warming up for {options.warm_up_seconds} s", flush=True)
        # Ended 2 s early, so that gunicorn's log, to the second, tells the two apart.
        asyncio.run(warm_up(base, warm_paths, start - 2))
        print(f"{label}: readers for {len(schedule) / options.rate:.0f} s", flush=True)
        answers = asyncio.run(readers(base, schedule, start))
        saves = saves_of(editor)
        time.sleep(1)  # gunicorn logs a request after answering it
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait()
        redis.stop()
    for answer in answers:
        answer["phase"] = "saving" if answer["due"] >= saving_from else "quiet"
    kinds = {unquote_plus(path): kind for _, kind, path in schedule}
    served = server_times(log, kinds, start - 1 + on_the_wall, saving_from + on_the_wall)
    seconds = {"quiet": options.quiet_seconds, "saving": len(schedule) / options.rate}
    seconds["saving"] -= options.quiet_seconds
    return {"answers": answers, "saves": saves, "code": state, "server": served, "seconds": seconds}


LOGGED = re.compile(r'\[(?P<at>[^]]+)\] "GET (?P<path>\S+) [^"]*" \d+ \S+ (?P<us>\d+)us')


def server_times(log: Path, kinds: dict, start: float, saving_from: float) -> list[dict]:
    """What gunicorn spent on each reader's request, without its wait in the queue, by phase:
    a request started when it was logged (to the second) less its duration."""
    times = []
    for found in LOGGED.finditer(log.read_text()):
        path = unquote_plus(found["path"])  # as aiohttp quoted it, not as urlencode did
        if path not in kinds:
            continue
        ms = int(found["us"]) / 1000
        logged = datetime.strptime(found["at"], "%d/%b/%Y:%H:%M:%S %z").timestamp()
        began = logged + 0.5 - ms / 1000
        if began >= start:
            phase = "saving" if began >= saving_from else "quiet"
            times.append({"phase": phase, "kind": kinds[path], "ms": ms})
    return times


# --- The report ------------------------------------------------------------------------------


def percentile(values: list[float], fraction: float) -> float:
    """Nearest rank: the smallest value with at least `fraction` of them at or below it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def figures(answers: list[dict], saves: list[dict]) -> dict:
    times = [answer["ms"] for answer in answers]
    slow = [answer for answer in answers if answer["ms"] > SLOW_MS]
    after_save = [
        answer
        for answer in slow
        if any(s["began"] <= answer["due"] <= s["saved"] + AFTER_SAVE_SECONDS for s in saves)
    ]
    errors = Counter(
        str(answer["status"]) for answer in answers if not str(answer["status"]).startswith("2")
    )
    return {
        "requests": len(answers),
        "p50": percentile(times, 0.5),
        "p95": percentile(times, 0.95),
        "p99": percentile(times, 0.99),
        "max": max(times),
        "slow": len(slow),
        "slow_after_save": len(after_save),
        "errors": errors,
    }


def report(runs: dict, options, source: dict, loads: tuple, command: str) -> str:
    old, new = runs
    phases = {"quiet": "no saves", "saving": f"a save every {options.save_every:g} s"}
    table = {
        (label, phase): figures(
            [a for a in run["answers"] if a["phase"] == phase],
            run["saves"] if phase == "saving" else [],
        )
        for label, run in runs.items()
        for phase in phases
    }
    lines = [
        "# Readers while an editor saves: old code against new (`bench/readers_while_saving.py`)",
        "",
        f"Produced by `{command}` on {time.strftime('%Y-%m-%d %H:%M')}, on {os.cpu_count()} "
        f"cores ({platform.machine()}, shared with other work: load average "
        f"{loads[0]:.1f} before, {loads[1]:.1f} after), Python {platform.python_version()}.",
        f"Database: a copy of `{source['file']}` for each code ({source['published']:,} "
        "published case studies, SQLite), "
        "migrated by that code. Each code served by gunicorn, 2 workers, `DJANGO_DEBUG=0`, the "
        "page cache off, a private Redis, one code after the other, never both at once.",
        f"Readers: open loop, {options.rate:g} requests/s on a fixed schedule (seed "
        f"{options.seed}), the same for both codes, after a {options.warm_up_seconds} s warm-up: "
        "in turn the catalogue with filters (sector, practice, both, or sector and region), a "
        "search for a word no request searched before, a practice page, a case study page "
        "(random slugs). Times run from each request's scheduled send time, so a stalled server "
        f"is charged for all that waited; a request is given up after {TIMEOUT_SECONDS} s. "
        f"Phases: {options.quiet_seconds} s with no saves, then {options.saving_seconds} s while "
        f"an editor process saves a random published case study every {options.save_every:g} s "
        "(a space added to or taken from its title, `save()` and what the admin does after a "
        "save in that code, in one transaction, in a process of its own).",
        "",
        *(f"- {label}: {run['code']}" for label, run in runs.items()),
        "",
        "| code | phase | requests | p50 ms | p95 ms | p99 ms | max ms | over 500 ms | "
        f"over 500 ms within {AFTER_SAVE_SECONDS} s after a save | errors |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for (label, phase), row in table.items():
        errors = ", ".join(f"{n} x {kind}" for kind, n in row["errors"].items()) or "none"
        after_save = row["slow_after_save"] if phase == "saving" else "—"
        lines.append(
            f"| {label} | {phases[phase]} | {row['requests']:,} | {row['p50']:,.0f} | "
            f"{row['p95']:,.0f} | {row['p99']:,.0f} | {row['max']:,.0f} | {row['slow']:,} "
            f"({100 * row['slow'] / row['requests']:.1f} %) | {after_save} | {errors} |"
        )
    if any("TimeoutError" in row["errors"] for row in table.values()):
        lines += [
            "",
            f"A request given up after {TIMEOUT_SECONDS} s counts with the time it waited: the "
            "figures of a phase with such errors are floors, and their ratios bounds.",
        ]
    lines += ["", "New / old:", ""]
    for phase, name in phases.items():
        ratios = ", ".join(
            f"{q} {table[(new, phase)][q] / table[(old, phase)][q]:.3f}"
            for q in ("p50", "p95", "p99", "max")
        )
        lines.append(f"- {name}: {ratios}")
    lines += ["", "Targets (issue 16), with saves:", ""]
    for label in runs:
        row = table[(label, "saving")]
        p99 = "met" if row["p99"] <= TARGET_P99_MS else "not met"
        caused = "met" if row["slow_after_save"] == 0 else "not met"
        lines.append(
            f"- {label}: p99 <= {TARGET_P99_MS} ms: **{p99}** ({row['p99']:,.0f} ms); no request "
            f"over {SLOW_MS} ms caused by a save: **{caused}** ({row['slow_after_save']} within "
            f"{AFTER_SAVE_SECONDS} s after a save)"
        )
    lines += ["", "Per kind of page, as the readers waited (p50 / p99 / max ms):", ""]
    lines += by_kind(runs, phases, "answers")
    lines += [
        "",
        "Per kind of page, the server's own time (gunicorn's access log: without the wait in "
        "the queue; p50 / p99 / max ms), and the 2 workers' time spent on readers (over 100 % "
        "when the queue left at a phase's end took them past it):",
        "",
        *by_kind(runs, phases, "server", extra=" workers busy |"),
        "",
        *save_times(runs),
    ]
    return "\n".join(lines) + "\n"


def by_kind(runs: dict, phases: dict, field: str, extra: str = "") -> list[str]:
    lines = [
        "| code | phase | " + " | ".join(KINDS) + f" |{extra}",
        "|---|---|" + "---:|" * len(KINDS) + ("---:|" if extra else ""),
    ]
    for label, run in runs.items():
        for phase, name in phases.items():
            mine = [request for request in run[field] if request["phase"] == phase]
            cells = []
            for kind in KINDS:
                times = [request["ms"] for request in mine if request["kind"] == kind] or [0]
                cells.append(
                    f"{percentile(times, 0.5):,.0f} / {percentile(times, 0.99):,.0f} / "
                    f"{max(times):,.0f}"
                )
            if extra:  # how busy the workers were: their time over the phase's, for 2 workers
                busy = sum(request["ms"] for request in mine) / 1000 / run["seconds"][phase] / 2
                cells.append(f"{100 * busy:.0f} %")
            lines.append(f"| {label} | {name} | " + " | ".join(cells) + " |")
    return lines


def save_times(runs: dict) -> list[str]:
    lines = []
    for label, run in runs.items():
        took = sorted((s["saved"] - s["began"]) * 1000 for s in run["saves"])
        if took:
            lines.append(
                f"- {label}: {len(took)} saves, each {took[0]:,.0f} to {took[-1]:,.0f} ms "
                f"(median {percentile(took, 0.5):,.0f} ms) in the editor's process."
            )
    return lines


# --- Running it ------------------------------------------------------------------------------


def in_client_venv() -> None:
    """Re-run this script in bench/.venv-bench, which has aiohttp (made the first time)."""
    python = CLIENT_VENV / "bin" / "python"
    if not python.exists():
        print("Making bench/.venv-bench with aiohttp", flush=True)
        subprocess.run(["python3.11", "-m", "venv", str(CLIENT_VENV)], check=True)
        subprocess.run([str(CLIENT_VENV / "bin" / "pip"), "install", "-q", "aiohttp"], check=True)
    os.execv(python, [str(python), __file__, *sys.argv[1:]])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-file", type=Path, help="default: bench/run.py's, 100,000")
    parser.add_argument("--baseline", default="ee6299f", help="the old code: a git revision")
    parser.add_argument("--new", help="the new code: a git revision (default: the working tree)")
    parser.add_argument("--rate", type=float, default=8, help="requests per second")
    parser.add_argument("--quiet-seconds", type=int, default=60)
    parser.add_argument("--saving-seconds", type=int, default=120)
    parser.add_argument("--save-every", type=float, default=10)
    parser.add_argument("--warm-up-seconds", type=int, default=WARM_UP_SECONDS)
    parser.add_argument("--seed", type=int, default=16)
    options = parser.parse_args()
    if aiohttp is None:
        in_client_venv()
    if shutil.which("redis-server") is None:
        sys.exit("redis-server is needed: `make redis` installs it.")
    source = (options.database_file or default_database()).resolve()
    WORK.mkdir(parents=True, exist_ok=True)
    new = git(ROOT, "rev-parse", "--short", options.new) if options.new else None
    codes = {
        f"old ({options.baseline})": baseline_checkout(options.baseline),
        f"new ({new})" if new else "new": baseline_checkout(new) if new else ROOT,
    }
    copies = {}
    for label, code in codes.items():
        copies[label] = WORK / f"{label.split()[0]}.sqlite3"
        print(f"{label}: copying {source} and migrating it", flush=True)
        copy_database(source, copies[label])
        migrate(code, copies[label])
    new = list(codes)[1]
    said = manage(codes[new], copies[new], "shell", "-c", INGREDIENTS)
    ingredients = json.loads(said.splitlines()[-1])
    seconds = options.quiet_seconds + options.saving_seconds
    paths = reader_schedule(ingredients, options.rate, seconds, options.seed)
    load_before = os.getloadavg()[0]
    runs = {
        label: run_code(label, code, copies[label], paths, options) for label, code in codes.items()
    }
    loads = (load_before, os.getloadavg()[0])
    for copy in copies.values():  # 1.4 GB each at 100,000
        for path in copy.parent.glob(copy.name + "*"):
            path.unlink()
    command = "python bench/readers_while_saving.py " + " ".join(sys.argv[1:])
    published = {"file": source, "published": len(ingredients["case_studies"])}
    text = report(runs, options, published, loads, command.strip())
    (WORK / "answers.json").write_text(json.dumps(runs))
    RESULTS.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
