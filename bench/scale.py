"""The catalogue at 1,000,000 case studies against 100,000 (issue 16, item 4), in one run:
each page type's server time and the worker's memory (bench/measure.py on each database, one
after the other), and a search for a common word never searched before on both side by side
(bench/fresh_search.py, each word once per size, in random order).

    python bench/scale.py [--runs 15] [--words 60]   (run by `make bench-scale`)

The databases are bench/run.py's SQLite files at 100,000 and 1,000,000 case studies, built if
missing (the large one takes about 25 minutes and 15 GB) and migrated. Writes
bench/scale-results.md: each figure at both sizes, the ratio, and the 1.5 times target.
"""

import argparse
import ast
import json
import platform
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import run

BENCH = Path(__file__).resolve().parent
SIZES = (100_000, 1_000_000)
TARGET = 1.5  # at 1,000,000, within this many times the 100,000 figure


def fresh_searches(small: str, large: str, words: int) -> dict[str, dict]:
    """p50/p95 of fresh searches at each size (fresh_search.py's "old" is the small one)."""
    output = subprocess.run(
        [sys.executable, "bench/fresh_search.py", "--old", str(run.ROOT), "--old-database",
         small, "--new", str(run.ROOT), "--new-database", large, "--words", str(words),
         "--words-from", small.removeprefix("sqlite:///")],
        cwd=run.ROOT, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    summaries = [line for line in output.splitlines() if line[:5] in ("old {", "new {")]
    lines = dict(line.split(" ", 1) for line in summaries)
    return {"small": ast.literal_eval(lines["old"]), "large": ast.literal_eval(lines["new"])}


def row(name: str, small: float, large: float, target: bool = True) -> str:
    ratio = large / small
    verdict = ("**met**" if ratio <= TARGET else "**not met**") if target else "(stated)"
    return f"| {name} | {small:,.1f} | {large:,.1f} | {ratio:.2f}x | {verdict} |"


def report(pages: dict[int, dict], search: dict, runs: int, words: int) -> str:
    small, large = (pages[size] for size in SIZES)
    lines = [
        "# The catalogue at 1,000,000 case studies against 100,000",
        "",
        f"Produced by `python bench/scale.py --runs {runs} --words {words}` on "
        f"{datetime.now():%Y-%m-%d %H:%M}, Python {platform.python_version()}, SQLite, "
        "in-process (Django's test client: middleware, view, template; no HTTP), production "
        "settings, the page cache off. Medians in ms; issue 16's target: within 1.5 times.",
        "",
        "| page | 100,000 | 1,000,000 | ratio | within 1.5x |",
        "|---|---:|---:|---:|---|",
    ]
    for name, page in small["pages"].items():
        lines.append(row(name, page["median_ms"], large["pages"][name]["median_ms"]))
    lines += [
        row("a fresh common-word search, p50", search["small"]["p50"], search["large"]["p50"]),
        row("a fresh common-word search, p95", search["small"]["p95"], search["large"]["p95"]),
        row("index build (ms)", small["index_build_ms"], large["index_build_ms"], target=False),
        row("worker memory (MB)", small["rss_mb"], large["rss_mb"], target=False),
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--words", type=int, default=60)
    options = parser.parse_args()
    urls = {size: run.prepare("sqlite", size, rebuild=False)["url"] for size in SIZES}
    for url in urls.values():
        run.manage(url, "migrate", "--no-input")
    pages = {size: run.measure(url, options.runs) for size, url in urls.items()}
    search = fresh_searches(urls[SIZES[0]], urls[SIZES[1]], options.words)
    text = report(pages, search, options.runs, options.words)
    (BENCH / "scale-results.md").write_text(text)
    print(text)
    json.dump({"pages": pages, "search": search}, sys.stdout)


if __name__ == "__main__":
    main()
