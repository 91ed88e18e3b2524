"""What the page cache costs and saves, old code against new, side by side in one run.

    python bench/page_cache.py [--baseline REV] [--seconds 5] [--rounds 3]

Serves the compendium from one SQLite file with gunicorn (2 workers, DJANGO_DEBUG=0, page cache
on) twice: the code at `--baseline` (a git worktree in /tmp) and the working tree. Each round
runs every scenario against both servers in random order, so the machine's noise hits both
alike; each figure is the median of the rounds. Scenarios:

- a cached page hit (the catalogue filtered by sector), and the trivial view for scale;
- cache busting: the same page with a random unknown parameter on every request (wrk script);
- a private Redis stopped under the running servers: the catalogue, and errors counted;
- the page cache off (PAGE_CACHE_SECONDS=0) for the uncached floor.

Writes bench/page-cache-results.md.
"""

import argparse
import os
import random
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
DATA = ROOT / "bench" / "data"
RESULTS = ROOT / "bench" / "page-cache-results.md"
SECRET = secrets.token_urlsafe(50)
CATALOGUE = "/case-studies/?sector=healthcare"
EPHEMERAL = ["--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
# A fresh value on every request of every thread of every run: wrk seeds each thread's
# math.random alike, so a counter per thread, the thread's number and the run's token.
BUSTING_SCRIPT = """
local threads = 0
setup = function(thread) threads = threads + 1; thread:set("tid", threads) end
request = function()
  counter = (counter or 0) + 1
  return wrk.format(nil, "/case-studies/?sector=healthcare&x=RUN-" .. tid .. "-" .. counter)
end
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Redis:
    def __init__(self):
        self.port = free_port()
        self.process = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), *EPHEMERAL],
            stdout=subprocess.DEVNULL,
        )
        wait_for_port(self.port)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait()


def wait_for_port(port: int) -> None:
    for _ in range(200):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {port}")


def serve(code: Path, database: Path, redis_port: int, cached: bool) -> tuple:
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": SECRET,
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
        "PAGE_CACHE_SECONDS": "86400" if cached else "0",
        "ROW_CACHE_ENTRIES": "5000",
    }
    server = subprocess.Popen(
        [GUNICORN, "casebase.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{port}"],
        cwd=code,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    wait_for_port(port)
    return server, f"http://127.0.0.1:{port}"


def wrk(url: str, seconds: int, script: str | None = None) -> dict:
    command = ["wrk", "-t2", "-c16", f"-d{seconds}s", "--latency", url]
    if script:
        command[1:1] = ["-s", script]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "errors": int(errors.group(1)) if errors else 0,
    }


def baseline_checkout(revision: str) -> Path:
    """The code at `revision`, with this tree's collected static files (the pages measured
    name the same ones)."""
    path = Path(tempfile.gettempdir()) / f"casebase-baseline-{revision}"
    if not path.exists():
        subprocess.run(
            ["git", "worktree", "add", "--detach", str(path), revision], cwd=ROOT, check=True
        )
    link = path / "staticfiles"
    if not link.exists():
        link.symlink_to(ROOT / "staticfiles")
    return path


def database() -> Path:
    path = DATA / "page-cache.sqlite3"
    if not path.exists():
        DATA.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{path}"}
        for command in (["migrate", "--no-input"], ["load_compendium"]):
            subprocess.run([PYTHON, "manage.py", *command], cwd=ROOT, env=env, check=True)
    return path


def measure(codes: dict, db: Path, seconds: int, rounds: int) -> dict:
    redis = Redis()
    redis.start()
    servers = {}
    for label, code in codes.items():
        servers[label] = serve(code, db, redis.port, cached=True)
        servers[f"{label}, page cache off"] = serve(code, db, redis.port, cached=False)
    for _, base in servers.values():
        wrk(base + CATALOGUE, 3)  # both workers build their index
    script = Path(tempfile.mkstemp(suffix=".lua")[1])
    results: dict[tuple[str, str], list[dict]] = {}
    try:
        for _ in range(rounds):
            for label in random.sample(list(codes), len(codes)):
                base = servers[label][1]
                script.write_text(BUSTING_SCRIPT.replace("RUN", secrets.token_hex(4)))
                plan = [
                    ("trivial view", base + "/robots.txt", None),
                    ("cached catalogue hit", base + CATALOGUE, None),
                    ("random unknown parameter", base + CATALOGUE, str(script)),
                    ("page cache off", servers[f"{label}, page cache off"][1] + CATALOGUE, None),
                ]
                for scenario, url, lua in plan:
                    results.setdefault((scenario, label), []).append(wrk(url, seconds, lua))
        redis.stop()
        for _ in range(rounds):
            for label in random.sample(list(codes), len(codes)):
                run = wrk(servers[label][1] + CATALOGUE, seconds)
                results.setdefault(("Redis stopped", label), []).append(run)
    finally:
        for server, _ in servers.values():
            os.killpg(server.pid, signal.SIGTERM)
            server.wait()
        if redis.process.poll() is None:
            redis.stop()
        script.unlink()
    return results


def table(results: dict, codes: dict, command: str) -> str:
    old, new = codes
    lines = [
        "## Page cache: old code against new (`bench/page_cache.py`)",
        "",
        f"Produced by `{command}` on {time.strftime('%Y-%m-%d %H:%M')}: gunicorn, 2 workers, "
        "`wrk -t2 -c16`, the compendium on SQLite, a private Redis; servers of both codes "
        "measured in random order within each round, the median of the rounds.",
        "",
        f"| scenario | {old}: req/s (non-2xx) | {new}: req/s (non-2xx) | new / old |",
        "|---|---:|---:|---:|",
    ]
    scenarios = dict.fromkeys(scenario for scenario, _ in results)
    for scenario in scenarios:
        cells, rates = [], []
        for label in codes:
            runs = results[(scenario, label)]
            rate = statistics.median(run["rps"] for run in runs)
            errors = sum(run["errors"] for run in runs)
            rates.append(rate)
            cells.append(f"{rate:,.0f} ({errors:,})")
        lines.append(f"| {scenario} | {cells[0]} | {cells[1]} | {rates[1] / rates[0]:.2f} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default="03afd58")
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if shutil.which("wrk") is None or shutil.which("redis-server") is None:
        sys.exit("wrk and redis-server are needed: `make bench` installs them.")
    codes = {f"old ({args.baseline})": baseline_checkout(args.baseline), "new": ROOT}
    results = measure(codes, database(), args.seconds, args.rounds)
    command = "python bench/page_cache.py " + " ".join(sys.argv[1:])
    section = table(results, codes, command.strip())
    print(section)
    RESULTS.write_text("# " + section.removeprefix("## "))


if __name__ == "__main__":
    main()
