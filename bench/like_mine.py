"""Organisations like mine at 100,000 case studies (issue 17: it answers in 50 ms or less),
side by side with the catalogue and a case study page in one run, in-process, with production
settings (bench/inprocess.py) and the worker's garbage collector frozen as gunicorn.conf.py
does, and right after an editor's save.

Usage: python bench/like_mine.py [ROUNDS] (run by `make bench`). DATABASE_URL names the
database; by default bench/run.py's SQLite file of 100,000 case studies. Each round asks every
page once, in a shuffled order, so the machine's noise hits them alike; then, for the same
descriptions, each request follows a save (a case study's title edited, the change said), so
the index catches up first. The saves are undone at the end. Writes bench/like-mine-results.md.
"""

import gc
import platform
import random
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
import inprocess  # noqa: E402  (bench/inprocess.py)

inprocess.setup()

from django.db import transaction  # noqa: E402
from django.test import Client  # noqa: E402

from casebase.content.changes import content_changed, touched_by  # noqa: E402
from casebase.content.models import CaseStudy, OrganisationFact  # noqa: E402

TARGET_MS = 50
DESCRIBED = {
    "an acute trust, 15,000 staff, requires improvement": "sector=healthcare&type=nhs-acute-trust"
    "&measure=staff&size=15000&rating=requires-improvement",
    "a district council, 90,000 people, South East": "sector=local-government"
    "&type=borough-council&measure=population_served&size=90000&region=south-east",
    "a college, 9,000 students, good, London": "sector=education&type=fe-college"
    "&measure=students&size=9000&rating=good&region=london",
    "healthcare only": "sector=healthcare",
    "page 5 of an acute trust": "sector=healthcare&type=nhs-acute-trust&measure=staff"
    "&size=15000&page=5",
    "named: Leeds Teaching Hospitals NHS Trust": "organisation=Leeds+Teaching+Hospitals+NHS+Trust",
}


def timed(client: Client, url: str) -> float:
    start = time.perf_counter()
    response = client.get(url)
    elapsed = (time.perf_counter() - start) * 1000
    if response.status_code != 200:
        sys.exit(f"{url} answered {response.status_code}")
    return elapsed


def summary(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]


def pages() -> dict[str, str]:
    middle = CaseStudy.objects.published().order_by("pk").values_list("slug", flat=True)
    study = middle[middle.count() // 2]
    return {
        "trivial view (/healthz)": "/healthz",
        "catalogue": "/case-studies/",
        "catalogue, a sector": "/case-studies/?sector=healthcare",
        "case study (with organisations like it)": f"/case-studies/{study}/",
        **{f"like mine: {name}": f"/like-mine/?{query}" for name, query in DESCRIBED.items()},
    }


def steady(client: Client, asked: dict[str, str], rounds: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {name: [] for name in asked}
    order = list(asked)
    chosen = random.Random(17)
    for url in asked.values():
        client.get(url)  # the index built, rows kept: as a warm worker holds them
    for _ in range(rounds):
        chosen.shuffle(order)
        for name in order:
            times[name].append(timed(client, asked[name]))
    return times


def after_saves(client: Client, rounds: int) -> dict[str, list[float]]:
    """Each like-mine request right after a save, so it includes the index catching up."""
    ids = list(CaseStudy.objects.published().values_list("pk", flat=True)[:5000])
    chosen = random.Random(16)
    times: dict[str, list[float]] = {name: [] for name in DESCRIBED}
    with transaction.atomic():
        for _ in range(rounds):
            for name, query in DESCRIBED.items():
                study = CaseStudy.objects.get(pk=chosen.choice(ids))
                study.title += " "
                study.save()
                content_changed(touched_by([study]))
                times[name].append(timed(client, f"/like-mine/?{query}"))
        transaction.set_rollback(True)
    return times


def report(steady_times: dict, saving: dict, rounds: int) -> str:
    catalogue = statistics.median(steady_times["catalogue"])
    sized = OrganisationFact.objects.count()
    lines = [
        "# Organisations like mine at 100,000 case studies (`bench/like_mine.py`)",
        "",
        f"Produced by `python bench/like_mine.py {rounds}` on {datetime.now():%Y-%m-%d %H:%M}, "
        f"{CaseStudy.objects.published().count():,} published case studies, {sized:,} "
        f"organisation figures, Python {platform.python_version()}, in-process with production "
        "settings (page cache off). Every page asked once a round, in a shuffled order; "
        f"{rounds} rounds.",
        "",
        "| page | median ms | p95 ms | / catalogue |",
        "|---|---:|---:|---:|",
    ]
    for name, times in steady_times.items():
        median, p95 = summary(times)
        lines.append(f"| {name} | {median:.1f} | {p95:.1f} | {median / catalogue:.2f} |")
    lines += [
        "",
        "Right after an editor's save (a title edited, then the like-mine request, which first "
        "catches the index up):",
        "",
        "| like mine | median ms | p95 ms |",
        "|---|---:|---:|",
    ]
    worst = 0.0
    for name, times in saving.items():
        median, p95 = summary(times)
        worst = max(worst, p95)
        lines.append(f"| {name} | {median:.1f} | {p95:.1f} |")
    steady_worst = max(summary(t)[1] for n, t in steady_times.items() if n.startswith("like"))
    met = "**met**" if max(worst, steady_worst) <= TARGET_MS else "**not met**"
    lines += [
        "",
        "## Issue 17's target",
        "",
        f"- Like mine answers in {TARGET_MS} ms or less at 100,000: {met} (p95 "
        f"{steady_worst:.1f} ms steady, {worst:.1f} ms right after a save).",
        "",
    ]
    return "\n".join(lines)


def main(rounds: int) -> None:
    client = Client(SERVER_NAME="127.0.0.1")
    asked = pages()
    for url in asked.values():
        client.get(url)  # Django, the index and the templates loaded, as in a worker
    # As gunicorn.conf.py's post_worker_init: what is alive now leaves the cyclic collector's
    # sight, or a full collection (80 ms here) lands in some reader's request.
    gc.collect()
    gc.freeze()
    steady_times = steady(client, asked, rounds)
    saving = after_saves(client, max(5, rounds // 2))
    text = report(steady_times, saving, rounds)
    (BENCH / "like-mine-results.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 30)
