"""The benchmark behind `make bench`: builds synthetic databases, measures each page's server
time and SQL queries (bench/measure.py), measures throughput under wrk with gunicorn, and
writes bench/results.md.

    python bench/run.py [--sizes 10000 100000] [--databases sqlite postgresql] [--runs 20]

Databases are kept between runs (bench/data/*.sqlite3, PostgreSQL casebase_bench_<size>) and
rebuilt only when missing; --rebuild forces it.
"""

import argparse
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
DATA = ROOT / "bench" / "data"
RESULTS = ROOT / "bench" / "results.md"
SAVED = DATA / "results.json"  # every measurement so far: a failed or narrowed run loses none
POSTGRES = "postgres://postgres@127.0.0.1:5432"
REDIS_URL = "redis://127.0.0.1:6379/14"
COMPENDIUM_CASE_STUDIES = 11
TARGET_P95_MS = 50
WARM_UP_SECONDS = 15
WRK_RUNS = 3
SECRET = secrets.token_urlsafe(50)


def database_url(database: str, size: int) -> str:
    if database == "sqlite":
        return f"sqlite:///{DATA / f'casebase-{size}.sqlite3'}"
    return f"{POSTGRES}/casebase_bench_{size}"


def manage(url: str, *args: str, **env) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def published_case_studies(url: str) -> int:
    code = (
        "from casebase.content.models import CaseStudy as C; print(C.objects.published().count())"
    )
    try:
        return int(manage(url, "shell", "-c", code).splitlines()[-1])
    except (subprocess.CalledProcessError, ValueError, IndexError):
        return 0


def prepare(database: str, size: int, rebuild: bool) -> dict:
    """A database with `size` published case studies; returns how long building it took."""
    url = database_url(database, size)
    if not rebuild and published_case_studies(url) >= size:
        return {"url": url, "built": False}
    DATA.mkdir(parents=True, exist_ok=True)
    if database == "sqlite":
        for path in DATA.glob(f"casebase-{size}.sqlite3*"):
            path.unlink()
    else:
        name = url.rsplit("/", 1)[1]
        psql(f"DROP DATABASE IF EXISTS {name}")
        psql(f"CREATE DATABASE {name}")
    manage(url, "migrate", "--no-input")
    manage(url, "load_compendium")
    start = time.perf_counter()
    line = manage(url, "generate_synthetic", "--case-studies", str(size - COMPENDIUM_CASE_STUDIES))
    return {"url": url, "built": True, "seconds": round(time.perf_counter() - start), "said": line}


def psql(sql: str) -> None:
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-c", sql], check=True, env=os.environ
    )


def measure(url: str, runs: int) -> dict:
    result = subprocess.run(
        [PYTHON, "bench/measure.py", str(runs)],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


# --- Throughput: gunicorn with 2 workers under wrk -------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve(url: str, cached: bool) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": SECRET,
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "REDIS_URL": REDIS_URL,
        "PAGE_CACHE_SECONDS": "86400" if cached else "0",
        "DATABASE_STATEMENT_TIMEOUT_MS": "25000",  # as make serve
    }
    server = subprocess.Popen(
        [GUNICORN, "casebase.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return server, base
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("gunicorn did not start")


def wrk(url: str, seconds: int) -> dict:
    output = subprocess.run(
        ["wrk", "-t2", "-c16", f"-d{seconds}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: (.*)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "errors": int(errors.group(1)) if errors else 0,
        "socket_errors": socket_errors.group(1) if socket_errors else "none",
        "p50": re.search(r"^\s+50%\s+(\S+)", output, flags=re.M).group(1),
    }


def median_of_runs(url: str, seconds: int) -> dict:
    """The run with the median rate of WRK_RUNS (one run on this shared machine varied by
    +-10 %), with every run's rate and errors kept."""
    runs = sorted((wrk(url, seconds) for _ in range(WRK_RUNS)), key=lambda run: run["rps"])
    median = dict(runs[len(runs) // 2])
    median["runs"] = [run["rps"] for run in runs]
    median["errors"] = sum(run["errors"] for run in runs)
    return median


def throughput(url: str, seconds: int) -> dict:
    subprocess.run(["redis-cli", "-n", REDIS_URL.rsplit("/", 1)[1], "flushdb"], check=True)
    catalogue = "/case-studies/?sector=healthcare"
    results = {}
    for cached in (False, True):
        server, base = serve(url, cached)
        try:
            # Every worker builds its catalogue index on its first request: warm both (a few
            # seconds at 100,000) before anything is timed.
            wrk(base + catalogue, WARM_UP_SECONDS)
            label = "cached" if cached else "uncached"
            results[f"trivial view, {label}"] = median_of_runs(base + "/robots.txt", seconds)
            results[f"catalogue, {label}"] = median_of_runs(base + catalogue, seconds)
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait()
    return results


# --- The report ------------------------------------------------------------------------------


def report(measured: dict, built: dict, rates: dict, command: str) -> str:
    lines = [
        "# Benchmark results",
        "",
        f"Produced by `{command}` (with the databases measured by earlier runs, kept in "
        f"`bench/data/results.json`) on {time.strftime('%Y-%m-%d %H:%M')}, on {os.cpu_count()} "
        f"cores ({platform.machine()}), Python {platform.python_version()}.",
        "Server time is the whole Django request in-process (middleware, view, template), page "
        "cache off; each page warmed up, then timed repeatedly. Queries: SQL statements per "
        "request, warm. First: the page's first request (for a search, its first ranking of the "
        "matches, which the catalogue index then keeps; for a catalogue page, rendering rows no "
        "page has shown yet, 3 more queries, which each worker then keeps until content "
        "changes). The catalogue index is built once per change to content, before the pages "
        "are timed, and timed on its own. On PostgreSQL a statement is prepared once it has "
        "run five times on a connection (`DATABASE_PREPARED_STATEMENTS`).",
        "",
    ]
    for database, sizes in measured.items():
        lines += [f"## {database}", ""]
        names = list(next(iter(sizes.values()))["pages"])
        header = "| page |" + "".join(
            f" {size:,}: first ms | median ms | p95 ms | queries |" for size in sizes
        )
        lines += [header, "|---|" + "---|---|---|---|" * len(sizes)]
        for name in names:
            cells = "".join(cell(r["pages"][name]) for r in sizes.values())
            lines.append(f"| {name} |{cells}")
        lines += ["", *targets(sizes), ""]
        for size, result in sizes.items():
            if "index_build_ms" in result:
                lines.append(
                    f"- Catalogue index at {size:,}: built in {result['index_build_ms']:,.0f} ms "
                    "(the first request after each change to content pays it)."
                )
        for size, info in built[database].items():
            if info.get("built"):
                lines.append(
                    f"- Built {size:,} case studies in {info['seconds']} s: {info['said']}"
                )
        lines.append("")
    if rates:
        lines += [
            "## Throughput: gunicorn, 2 workers, wrk -t2 -c16 on the same 2 cores",
            "",
            f"Each figure is the median of {WRK_RUNS} runs of wrk (every run's rate in brackets); "
            "errors are summed over the runs.",
            "",
        ]
        for label, by_name in rates.items():
            lines += [f"### {label}", "", "| URL | requests/s | ratio to trivial | errors | p50 |"]
            lines.append("|---|---|---|---|---|")
            for name, result in by_name.items():
                state = name.split(", ")[1]
                trivial = by_name[f"trivial view, {state}"]["rps"]
                runs = ", ".join(f"{rps:.0f}" for rps in result.get("runs", []))
                lines.append(
                    f"| {name} | {result['rps']:.0f} ({runs}) | {result['rps'] / trivial:.2f} | "
                    f"{result['errors']} (sockets: {result['socket_errors']}) | {result['p50']} |"
                )
            lines.append("")
    return "\n".join(lines) + "\n" + measured_elsewhere()


# What the other benchmarks of `make bench` found, summed up here from their own files.
ELSEWHERE = {
    "catch-up-results.md": "What a save costs the next request (bench/catch_up.py)",
    "saving-results.md": "Readers while an editor saves (bench/readers_while_saving.py)",
    "datasette-results.md": "Against Datasette (bench/datasette_side_by_side.py)",
    "scale-results.md": "1,000,000 case studies against 100,000 (bench/scale.py)",
    "like-mine-results.md": "Organisations like mine (bench/like_mine.py, issue 17)",
}


def measured_elsewhere() -> str:
    """Each other results file's command line, its tables' first rows if short (catch-up) and
    every target it marks met or not: the figures in one place, the details in their files."""
    lines = ["", "## Saves, scale, Datasette and like mine (issues 16 and 17)", ""]
    for name, title in ELSEWHERE.items():
        path = RESULTS.parent / name
        if not path.exists():
            continue
        text = path.read_text().splitlines()
        produced = next((line for line in text if line.startswith("Produced by")), "")
        kept = [line for line in text if "met**" in line or "x faster |" in line]
        lines += [
            f"### {title}",
            "",
            produced[:400],
            "",
            *kept,
            "",
            f"Details: `bench/{name}`.",
            "",
        ]
    return "\n".join(lines) + "\n"


def cell(page: dict) -> str:
    if not page["samples"]:
        return f" failed: {page['failed']} | — | — | — |"
    once = " (1 sample)" if page["samples"] == 1 else ""
    first = page.get("first_ms", "—")
    return f" {first} | {page['median_ms']}{once} | {page['p95_ms']} | {page['queries']} |"


def targets(sizes: dict) -> list[str]:
    if len(sizes) < 2:
        return []
    small, large = sorted(sizes)[:2]
    lines = []
    for name, page in sizes[large]["pages"].items():
        before = sizes[small]["pages"][name]
        if not page["samples"] or not before["samples"]:
            lines.append(f"- {name} at {large:,}: misses: failed or over a minute")
            continue
        problems = []
        if page["p95_ms"] > TARGET_P95_MS:
            problems.append(f"p95 {page['p95_ms']} ms > {TARGET_P95_MS}")
        if page["queries"] != before["queries"]:
            problems.append(f"queries {before['queries']} → {page['queries']}")
        if page["median_ms"] > 2 * before["median_ms"]:
            ratio = page["median_ms"] / before["median_ms"]
            problems.append(f"{ratio:.1f} times the time at {small:,}")
        verdict = "meets the targets" if not problems else "misses: " + "; ".join(problems)
        lines.append(f"- {name} at {large:,}: {verdict}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--wrk-seconds", type=int, default=10)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument(
        "--report-only", action="store_true", help="rewrite results.md from what is saved"
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: `make bench` installs it.")
    saved = json.loads(SAVED.read_text()) if SAVED.exists() else {}
    for database in [] if args.report_only else args.databases:
        for size in args.sizes:
            key = f"{database} {size}"
            print(f"{database}, {size:,} case studies: preparing", flush=True)
            built = prepare(database, size, args.rebuild)
            print(f"{database}, {size:,} case studies: measuring", flush=True)
            saved[key] = {"built": built, "measured": measure(built["url"], args.runs)}
            SAVED.write_text(json.dumps(saved))
            saved[key]["rates"] = throughput(built["url"], args.wrk_seconds)
            SAVED.write_text(json.dumps(saved))
    measured, built, rates = {}, {}, {}
    for key, result in sorted(
        saved.items(), key=lambda item: (item[0].split()[0], int(item[0].split()[1]))
    ):
        database, size = key.split()[0], int(key.split()[1])
        measured.setdefault(database, {})[size] = result["measured"]
        built.setdefault(database, {})[size] = result["built"]
        if "rates" in result:
            rates[f"{database}, {size:,} case studies"] = result["rates"]
    command = "make bench" + (
        "" if sys.argv[1:] == [] else f" BENCH_ARGS='{' '.join(sys.argv[1:])}'"
    )
    RESULTS.write_text(report(measured, built, rates, command))
    print(f"Written to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
