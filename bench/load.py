#!/usr/bin/env python3
"""One load test run: readers browse while editors save, against SQLite or PostgreSQL.

    bench/load.py --database sqlite|postgresql --users 50 --editors 2 --duration 2m

Prepares a fresh database (migrate, load_compendium), creates the editors' accounts (staff, in
the Publishers group, one case study each), collects the static files, flushes a Redis
database of its own, starts gunicorn with DJANGO_DEBUG=0 on a free port, runs locust headless
(bench/locustfile.py, from its own venv bench/.venv-locust, made if missing), stops gunicorn,
checks gunicorn's output, and writes the result as a section of bench/load-results.md
(replacing the previous one for the same database, readers and editors). Raw logs and
locust's CSV files stay in bench/data/.

Exits non-zero if any request failed, an editor saved nothing, or gunicorn's output shows a
traceback, "database is locked", an unavailable database or a 5xx response.
Only the standard library is needed to run it; see bench/README-load.md.
"""

import argparse
import csv
import datetime
import json
import os
import platform
import re
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
DATA = BENCH / "data"
LOCUST_VENV = BENCH / ".venv-locust"
RESULTS = BENCH / "load-results.md"

# What gunicorn's output must not contain. "Database unavailable" is what Casebase logs when it
# turns an OperationalError (such as "database is locked") into a 503 without a traceback.
PROBLEMS = {
    "database is locked": re.compile(r"database is locked", re.I),
    "traceback": re.compile(r"^Traceback \(most recent call last\)"),
    "database unavailable (503)": re.compile(r"Database unavailable"),
    "worker timeout or crash": re.compile(r"WORKER TIMEOUT|Worker .* (was sent|exited)", re.I),
    "logged error": re.compile(r"\[(ERROR|CRITICAL)\]|^(ERROR|CRITICAL) "),
}
ACCESS_LINE = re.compile(r'"(?P<method>[A-Z]+) (?P<path>\S+) HTTP/[\d.]+" (?P<status>\d{3}) ')

CREATE_EDITORS = """
import json, os
from django.contrib.auth.models import Group, User
from casebase.content.models import CaseStudy
count = int(os.environ["LOAD_EDITOR_COUNT"])
studies = list(CaseStudy.objects.filter(status="published").order_by("pk")[:count])
if len(studies) < count:
    raise SystemExit(f"only {len(studies)} published case studies for {count} editors")
publishers = Group.objects.get(name="Publishers")
accounts = []
for number, study in enumerate(studies, start=1):
    user = User(username=f"load-editor-{number}", email=f"load-editor-{number}@example.org")
    user.is_staff = True
    password = os.environ["LOAD_PASSWORD_PREFIX"] + str(number)
    user.set_password(password)
    user.save()
    user.groups.add(publishers)
    accounts.append([user.username, password, study.pk, study.slug])
print("LOAD-EDITORS " + json.dumps(accounts))
"""

COUNT_SAVES = r"""
import json, os, re
from reversion.models import Revision
from casebase.content.models import CaseStudy
saves = {}
for username, password, pk, slug in json.loads(os.environ["LOAD_ACCOUNTS"]):
    last = re.search(r"\[load test: save (\d+) by ", CaseStudy.objects.get(pk=pk).summary)
    saves[username] = {
        "revisions": Revision.objects.filter(user__username=username).count(),
        "last_save": int(last.group(1)) if last else 0,
    }
print("LOAD-SAVES " + json.dumps(saves))
"""


def main() -> int:
    options = parse_arguments()
    DATA.mkdir(parents=True, exist_ok=True)
    python = Path(options.venv) / "bin" / "python"
    gunicorn = Path(options.venv) / "bin" / "gunicorn"
    for tool in (python, gunicorn):
        if not tool.exists():
            sys.exit(
                f"{tool} is missing: install the project first (make run, or pip install -e .)"
            )
    locust = ensure_locust()
    check_services(options)
    run_id = f"{options.database}-{datetime.datetime.now():%Y%m%d-%H%M%S}"

    env = dict(os.environ)
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=prepare_database(options),
        REDIS_URL=f"redis://127.0.0.1:6379/{options.redis_db}",
    )
    step("migrate, load the compendium, collect static files")
    manage(python, env, "migrate", "--no-input", "--verbosity", "0")
    manage(python, env, "load_compendium")
    manage(python, env, "collectstatic", "--no-input", "--verbosity", "0")
    accounts = create_editors(python, env, options.editors)
    flush_redis(python, env)

    port = free_port()
    host = f"http://127.0.0.1:{port}"
    gunicorn_log = DATA / f"gunicorn-{run_id}.log"
    step(f"gunicorn, {options.workers} workers, on {host} (output in {rel(gunicorn_log)})")
    server = start_gunicorn(gunicorn, env, port, options.workers, gunicorn_log)
    try:
        wait_until_ready(server, host, gunicorn_log)
        csv_prefix = DATA / f"locust-{run_id}"
        step(
            f"locust: {options.users} readers and {options.editors} editors for {options.duration}"
        )
        load_before = os.getloadavg()[0]
        started = time.monotonic()
        locust_code, reported = run_locust(locust, options, host, accounts, csv_prefix)
        elapsed = time.monotonic() - started
    finally:
        stop(server)
    saves = count_saves(python, env, accounts)

    run = {
        "id": run_id,
        "elapsed": elapsed,
        "stats": read_csv(Path(f"{csv_prefix}_stats.csv")),
        "failures": read_csv(Path(f"{csv_prefix}_failures.csv")),
        "exceptions": read_csv(Path(f"{csv_prefix}_exceptions.csv")),
        "log": scan_gunicorn_log(gunicorn_log),
        "saves": saves,
        "reported": reported,
        "gunicorn_log": gunicorn_log,
        "csv_prefix": csv_prefix,
        "facts": environment_facts(python, env, options.database),
        "load": (load_before, os.getloadavg()[0]),
    }
    run["problems"] = judge(run, locust_code)
    section = render(options, run)
    write_section(f"{options.database}-{options.users}-{options.editors}", section)
    print()
    print(section)
    print(f"Written to {rel(RESULTS)}.")
    return 1 if run["problems"] else 0


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--users", type=int, default=50, help="readers (default 50)")
    parser.add_argument("--editors", type=int, default=2, help="editors saving (default 2)")
    parser.add_argument("--duration", default="2m", help="e.g. 2m, 90s, 1h (default 2m)")
    parser.add_argument("--spawn-rate", type=float, default=10, help="users started a second")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--redis-db", type=int, default=13, help="flushed first; not 0")
    parser.add_argument(
        "--postgres",
        default="postgres://postgres@127.0.0.1:5432/casebase_load",
        help="the PostgreSQL database to drop and create (default %(default)s)",
    )
    parser.add_argument("--venv", default=str(ROOT / ".venv"), help="the project's venv")
    options = parser.parse_args()
    if not re.fullmatch(r"(\d+h)?(\d+m)?(\d+s)?", options.duration) or not options.duration:
        parser.error("--duration takes e.g. 2m, 90s or 1h30m")
    if options.redis_db == 0:
        parser.error("--redis-db 0 is the one `make serve` uses: choose another")
    if options.users < 0 or options.editors < 0 or options.users + options.editors == 0:
        parser.error("--users and --editors must not be negative, nor both 0")
    return options


def step(message: str) -> None:
    print(f"--- {message}", flush=True)


def rel(path: Path) -> str:
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


def ensure_locust() -> Path:
    locust = LOCUST_VENV / "bin" / "locust"
    if not locust.exists():
        step(f"creating {rel(LOCUST_VENV)} with locust (it pulls flask and gevent)")
        subprocess.run(["python3.11", "-m", "venv", str(LOCUST_VENV)], check=True)
        subprocess.run([str(LOCUST_VENV / "bin" / "pip"), "install", "-q", "locust"], check=True)
    return locust


def check_services(options: argparse.Namespace) -> None:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=2).close()
    except OSError:
        sys.exit("Redis is not running on 127.0.0.1:6379: `make redis` starts it")
    if options.database == "postgresql":
        if shutil.which("psql") is None or shutil.which("pg_isready") is None:
            sys.exit("psql and pg_isready are needed: apt-get install postgresql-client")
        ready = subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1", "-p", "5432"])
        if ready.returncode != 0:
            sys.exit("PostgreSQL is not running on 127.0.0.1:5432: `make postgres` starts it")


def prepare_database(options: argparse.Namespace) -> str:
    if options.database == "sqlite":
        path = DATA / "load.sqlite3"
        for leftover in DATA.glob("load.sqlite3*"):
            leftover.unlink()
        step(f"a new SQLite database in {rel(path)}")
        return f"sqlite:///{path}"
    url = options.postgres
    server, _, name = url.rpartition("/")
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name) or name in ("postgres", "test", "root"):
        sys.exit(f"refusing to drop the PostgreSQL database {name!r}: choose a scratch one")
    step(f"a new PostgreSQL database {name}")
    admin = [*psql_connection(server), "-v", "ON_ERROR_STOP=1", "-q"]
    quiet = {**os.environ, "PGOPTIONS": "-c client_min_messages=warning"}
    for statement in (f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", f"CREATE DATABASE {name}"):
        subprocess.run([*admin, "-c", statement], env=quiet, check=True)
    return url


def psql_connection(server_url: str) -> list[str]:
    match = re.fullmatch(r"postgres(?:ql)?://(?:(\w+)@)?([\w.-]+)(?::(\d+))?", server_url)
    if not match:
        sys.exit(f"cannot read {server_url!r}: use postgres://user@host:port/name")
    user, host, port = match.group(1) or "postgres", match.group(2), match.group(3) or "5432"
    return ["psql", "-h", host, "-p", port, "-U", user, "-d", "postgres"]


def manage(python: Path, env: dict, *arguments: str, extra_env: dict | None = None) -> str:
    result = subprocess.run(
        [str(python), "manage.py", *arguments],
        cwd=ROOT,
        env={**env, **(extra_env or {})},
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        sys.exit(f"manage.py {arguments[0]} failed")
    if result.stdout.strip() and arguments[0] != "shell":
        print(result.stdout.strip())
    return result.stdout


def shell_json(python: Path, env: dict, code: str, marker: str, **extra_env: str):
    """Run `code` in `manage.py shell` and read the JSON it prints after `marker`."""
    output = manage(
        python, env, "shell", "--verbosity", "0", "--command", code, extra_env=extra_env
    )
    return json.loads(marked_line(output, marker))


def create_editors(python: Path, env: dict, count: int) -> list:
    if count == 0:
        return []
    accounts = shell_json(
        python,
        env,
        CREATE_EDITORS,
        "LOAD-EDITORS ",
        LOAD_EDITOR_COUNT=str(count),
        LOAD_PASSWORD_PREFIX=secrets.token_urlsafe(18) + "-",
    )
    for username, _, pk, slug in accounts:
        print(f"{username} (Publishers) edits case study {pk} ({slug})")
    return accounts


def count_saves(python: Path, env: dict, accounts: list) -> dict:
    if not accounts:
        return {}
    return shell_json(python, env, COUNT_SAVES, "LOAD-SAVES ", LOAD_ACCOUNTS=json.dumps(accounts))


def marked_line(output: str, marker: str) -> str:
    for line in output.splitlines():
        if line.startswith(marker):
            return line[len(marker) :]
    sys.exit(f"no {marker.strip()} line in:\n{output}")


def flush_redis(python: Path, env: dict) -> None:
    code = "import os, redis; redis.Redis.from_url(os.environ['REDIS_URL']).flushdb()"
    subprocess.run([str(python), "-c", code], env=env, check=True)
    step(f"flushed {env['REDIS_URL']}")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(gunicorn: Path, env: dict, port: int, workers: int, log: Path):
    command = [
        str(gunicorn),
        "casebase.wsgi",
        "--workers",
        str(workers),
        "--bind",
        f"127.0.0.1:{port}",
        "--access-logfile",
        "-",
        "--forwarded-allow-ips",
        "127.0.0.1",
    ]
    with log.open("w") as output:
        return subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def wait_until_ready(server: subprocess.Popen, host: str, log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.stderr.write(log.read_text())
            sys.exit(f"gunicorn exited with {server.returncode} before it was ready")
        try:
            with urllib.request.urlopen(f"{host}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.3)
    sys.stderr.write(log.read_text())
    sys.exit("gunicorn did not answer /healthz with 200 within 30 s")


def stop(server: subprocess.Popen) -> None:
    if server.poll() is not None:
        return
    server.send_signal(signal.SIGTERM)  # the master stops its workers gracefully
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def run_locust(locust: Path, options, host: str, accounts: list, csv_prefix: Path):
    """Runs locust; returns its exit code and what the locustfile reported as it quit."""
    command = [
        str(locust),
        "--locustfile",
        str(BENCH / "locustfile.py"),
        "--headless",
        "--users",
        str(options.users + options.editors),
        "--spawn-rate",
        str(options.spawn_rate),
        "--run-time",
        options.duration,
        "--stop-timeout",
        "10",
        "--host",
        host,
        "--csv",
        str(csv_prefix),
        "--only-summary",
        "--loglevel",
        "WARNING",
        *(["Reader"] if options.users else []),
        *(["Editor"] if options.editors else []),
    ]
    editors = ",".join(f"{user}:{password}:{pk}" for user, password, pk, _ in accounts)
    env = {
        **os.environ,
        "LOAD_EDITORS": editors,
        "LOAD_EDITOR_COUNT": str(options.editors),
    }
    log = csv_prefix.with_name(csv_prefix.name + ".log")
    result = {}
    with log.open("w") as output:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        for line in process.stdout:
            output.write(line)
            if line.startswith("LOAD-RESULT "):
                result = json.loads(line[len("LOAD-RESULT ") :])
            else:
                sys.stdout.write(line)
        return process.wait(), result


def read_csv(path: Path) -> list[dict]:
    if not path.exists():
        return []
    with path.open(newline="") as file:
        return list(csv.DictReader(file))


def scan_gunicorn_log(log: Path) -> dict:
    lines = log.read_text(errors="replace").splitlines()
    findings: dict = {name: [] for name in PROBLEMS}
    server_errors = []
    statuses: dict[str, int] = {}
    for number, line in enumerate(lines):
        for name, pattern in PROBLEMS.items():
            if pattern.search(line):
                findings[name].append(number)
        access = ACCESS_LINE.search(line)
        if access:
            status = access.group("status")
            statuses[status[0] + "xx"] = statuses.get(status[0] + "xx", 0) + 1
            if status.startswith("5"):
                server_errors.append(line)
    tracebacks = []
    for start in findings["traceback"][:3]:
        block = [lines[start]]
        for line in lines[start + 1 : start + 80]:
            block.append(line)
            continued = (" ", "\t", "Traceback", "During handling", "The above")
            if line.strip() and not line.startswith(continued):
                break  # the exception's own line ends the traceback
        tracebacks.append("\n".join(block))
    return {
        "counts": {name: len(found) for name, found in findings.items()},
        "first_lines": {name: lines[found[0]] for name, found in findings.items() if found},
        "tracebacks": tracebacks,
        "server_errors": server_errors,
        "statuses": statuses,
    }


def aggregated(stats: list[dict]) -> dict:
    return next((row for row in stats if row["Name"] == "Aggregated"), {})


def row_named(stats: list[dict], name: str) -> dict:
    return next((row for row in stats if row["Name"] == name), {})


def successes(row: dict) -> int:
    return int(row.get("Request Count") or 0) - int(row.get("Failure Count") or 0)


def judge(run: dict, locust_code: int) -> list[str]:
    """What went wrong; empty when the run passed."""
    problems = []
    log_findings, saves = run["log"], run["saves"]
    total = aggregated(run["stats"])
    if not total or int(total["Request Count"]) == 0:
        problems.append("locust recorded no requests")
    elif int(total["Failure Count"]):
        problems.append(f"{total['Failure Count']} failed requests")
    if run["exceptions"]:
        problems.append(f"{len(run['exceptions'])} kinds of exception in the locustfile")
    for name, count in log_findings["counts"].items():
        if count:
            problems.append(f"gunicorn output: {name} ({count})")
    if log_findings["server_errors"]:
        problems.append(f"{len(log_findings['server_errors'])} responses 5xx in the access log")
    if saves and not run["reported"]:
        problems.append("the locustfile reported nothing as it quit")
    for username, saved in saves.items():
        done = run["reported"].get("saves", {}).get(username)
        if saved["revisions"] == 0:
            problems.append(f"{username} saved nothing")
        elif not done == saved["revisions"] == saved["last_save"]:
            problems.append(
                f"{username}: {done} saves redirected, {saved['revisions']} revisions, and the "
                f"summary is from save {saved['last_save']}"
            )
    if locust_code not in (0, 1):  # 1 is locust's "there were failures", judged above
        problems.append(f"locust exited with {locust_code}")
    return problems


def milliseconds(value: str | None) -> str:
    if value in (None, "", "N/A"):
        return "–"
    return f"{float(value):.0f}"


def environment_facts(python: Path, env: dict, database: str) -> str:
    versions = subprocess.run(
        [
            str(python),
            "-c",
            "import django, sqlite3, gunicorn; "
            "print(django.get_version(), sqlite3.sqlite_version, gunicorn.__version__)",
        ],
        capture_output=True,
        text=True,
    ).stdout.split()
    django_version, sqlite_version, gunicorn_version = (versions + ["?"] * 3)[:3]
    if database == "sqlite":
        engine = f"SQLite {sqlite_version}"
    else:
        server = env["DATABASE_URL"].rpartition("/")[0]
        shown = subprocess.run(
            [*psql_connection(server), "-tAc", "show server_version"],
            capture_output=True,
            text=True,
        ).stdout.split()
        engine = f"PostgreSQL {shown[0] if shown else '?'}"
    commit = subprocess.run(
        ["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    return (
        f"{engine}, Django {django_version}, gunicorn {gunicorn_version}, Python "
        f"{platform.python_version()} (load.py), {os.cpu_count()} CPUs shared by gunicorn, "
        f"locust, the database and Redis; code at `{commit or '?'}`"
    )


def render(options: argparse.Namespace, run: dict) -> str:
    stats, failures, exceptions = run["stats"], run["failures"], run["exceptions"]
    log_findings, saves, problems = run["log"], run["saves"], run["problems"]
    total = aggregated(stats)
    save_row = row_named(stats, "admin: save case study")
    command = shlex.join([rel(Path(sys.argv[0]).resolve()), *sys.argv[1:]])
    settings_overrides = ", ".join(
        f"`{name}={os.environ[name]}`"
        for name in ("PAGE_CACHE_SECONDS", "PAGE_CACHE_CDN_SECONDS", "DATABASE_CONN_MAX_AGE")
        if name in os.environ
    )
    name = "SQLite" if options.database == "sqlite" else "PostgreSQL"
    out = [
        f"## {name}: {options.users} readers, {options.editors} editors, {options.duration}",
        "",
        f"**{'FAIL' if problems else 'PASS'}**, run `{run['id']}` on "
        f"{datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %Z} "
        f"({run['elapsed']:.0f} s of locust; the machine's load average was "
        f"{run['load'][0]:.1f} as it started, {run['load'][1]:.1f} as it ended).",
        "",
        "```sh",
        command,
        "```",
        "",
        run["facts"] + ".",
        f"gunicorn: {options.workers} sync workers, DJANGO_DEBUG=0, Redis page cache "
        f"(db {options.redis_db}, flushed first)"
        + (f"; environment {settings_overrides}" if settings_overrides else "")
        + ".",
        "",
        "| | requests | failures | median ms | p95 ms | p99 ms | max ms | requests/s |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in [*[r for r in stats if r["Name"] != "Aggregated"], total]:
        if not row:
            continue
        label = "**all**" if row["Name"] == "Aggregated" else f"{row['Type']} `{row['Name']}`"
        out.append(
            f"| {label} | {row['Request Count']} | {row['Failure Count']} | "
            f"{milliseconds(row['Median Response Time'])} | {milliseconds(row['95%'])} | "
            f"{milliseconds(row['99%'])} | {milliseconds(row['Max Response Time'])} | "
            f"{float(row['Requests/s']):.1f} |"
        )
    out.append("")
    done = run["reported"].get("saves", {})
    revisions = sum(saved["revisions"] for saved in saves.values())
    per_editor = ", ".join(f"{user} {saved['revisions']}" for user, saved in saves.items())
    counted, total_saves = successes(save_row), sum(done.values())
    if not saves:
        out.append("No editors.")
    else:
        line = (
            f"**Saves by editors: {total_saves}** redirected as they should be, "
            f"{revisions} revisions in the database ({per_editor})."
        )
        if counted != total_saves:
            line += (
                f" Locust's table counts {counted}: a save that completes while locust stops "
                "is left out of it."
            )
        out.append(line)
    outcomes = run["reported"].get("page_cache", {})
    if outcomes:
        pages = sum(outcomes.values())
        out.append(
            "Public pages from the page cache (`X-Page-Cache`): "
            + ", ".join(
                f"{outcome} {count} ({100 * count / pages:.0f} %)"
                for outcome, count in sorted(outcomes.items(), key=lambda item: -item[1])
            )
            + ("; every save retires every cached page." if saves else ".")
        )
    statuses = ", ".join(f"{k} {v}" for k, v in sorted(log_findings["statuses"].items()))
    counts = log_findings["counts"]
    out.append(
        f"gunicorn's access log: {statuses or 'no requests'}. Its output: "
        + ", ".join(f"{problem}: {count}" for problem, count in counts.items())
        + "."
    )
    if failures:
        out += ["", "Failures:", "", "| request | error | occurrences |", "|---|---|---:|"]
        for row in failures:
            error = row["Error"].replace("|", "\\|").replace("\n", " ")[:200]
            out.append(f"| {row['Method']} `{row['Name']}` | {error} | {row['Occurrences']} |")
    if exceptions:
        out += ["", "Exceptions in the locustfile:", ""]
        for row in exceptions:
            out.append(f"- {row['Count']} times: {row['Message'][:200]}")
    if log_findings["server_errors"]:
        out += ["", "First 5xx responses in the access log:", "", "```"]
        out += log_findings["server_errors"][:5]
        out.append("```")
    for problem, line in log_findings["first_lines"].items():
        if problem != "traceback":
            out += ["", f"First {problem} line: `{line.strip()[:300]}`"]
    for traceback in log_findings["tracebacks"]:
        out += ["", "```", traceback, "```"]
    if problems:
        out += ["", "What failed: " + "; ".join(problems) + "."]
    out += [
        "",
        f"Raw output: `{rel(run['gunicorn_log'])}`, `{rel(run['csv_prefix'])}_*.csv` and `.log` "
        "(bench/data/ is not committed).",
    ]
    return "\n".join(out)


HEADER = """# Load test results

Written by `bench/load.py` (see `bench/README-load.md`): readers browse the public site (the
catalogue with random filters and searches, case studies, practices, sectors, the evidence map,
the home page; 1 to 3 s between pages) while editors, each signed in as a Publisher, open their
own case study in the admin, change its summary and save it (2 to 5 s between saves). A failure
is any response other than 2xx/3xx and any save that is not redirected. Times are in
milliseconds, measured by locust on the same machine. A run replaces the section of the
same database, readers and editors.
"""


def write_section(key: str, section: str) -> None:
    start, end = f"<!-- load:{key} -->", f"<!-- /load:{key} -->"
    block = f"{start}\n{section}\n{end}"
    text = RESULTS.read_text() if RESULTS.exists() else HEADER
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _: block, text)
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    RESULTS.write_text(text if text.endswith("\n") else text + "\n")


if __name__ == "__main__":
    sys.exit(main())
