"""What a save costs the next reader's request: the catalogue index caught up in place
(catalogue.updated) against a fresh build, side by side in one run, in-process.

Usage: python bench/catch_up.py [ROUNDS] (run by `make bench` and `make bench-catch-up`)
DATABASE_URL names the database; by default, the 100,000 case study SQLite file bench/run.py
builds (bench/data/casebase-100000.sqlite3). Each round makes one editor's change (a title
edited, a case study withdrawn and published again, a result's status changed), then times the
next `catalogue.current()`, which catches up; and times a full build of the same content. The
changes are rolled back at the end. Writes bench/catch-up-results.md: medians and ratios.
"""

import os
import platform
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
import inprocess  # noqa: E402  (bench/inprocess.py)

inprocess.setup()

from django.db import connection, transaction  # noqa: E402

from casebase.catalogue import index as catalogue  # noqa: E402
from casebase.content.changes import content_changed, touched_by  # noqa: E402
from casebase.content.models import CaseStudy, ContentVersion, Outcome, Status  # noqa: E402


def timed(work) -> float:
    start = time.perf_counter()
    work()
    return (time.perf_counter() - start) * 1000


def saved(record) -> None:
    """As the admin saves: the write, then the change said (casebase.content.changes)."""
    record.save()
    content_changed(touched_by([record]))


def edit_title(study: CaseStudy) -> None:
    study.title = f"{study.title} "
    saved(study)


def withdraw_and_publish(study: CaseStudy) -> None:
    for status in (Status.WITHDRAWN, Status.PUBLISHED):
        study.status = status
        saved(study)


def result_status(study: CaseStudy) -> None:
    result = Outcome.objects.filter(case_study=study).first()
    if result:
        result.status = Status.DRAFT if result.status == Status.PUBLISHED else Status.PUBLISHED
        saved(result)


CHANGES = {"title edited": edit_title, "withdrawn, published again": withdraw_and_publish,
           "a result's status": result_status}  # fmt: skip


def main(rounds: int) -> None:
    size = CaseStudy.objects.published().count()
    catalogue.current()
    studies = list(CaseStudy.objects.published().order_by("?")[: rounds * len(CHANGES)])
    caught_up: dict[str, list[float]] = {name: [] for name in CHANGES}
    built: list[float] = []
    with transaction.atomic():  # rolled back at the end: the database is left as it was
        for i, study in enumerate(studies):
            name = list(CHANGES)[i % len(CHANGES)]
            CHANGES[name](study)
            caught_up[name].append(timed(catalogue.current))
            if i % len(CHANGES) == 0:
                built.append(timed(lambda: catalogue.build(*ContentVersion.read())))
        transaction.set_rollback(True)
    build_ms = statistics.median(built)
    lines = [
        "# What a save costs the next request: catching up in place against a full build",
        "",
        f"Produced by `python bench/catch_up.py {rounds}` on {datetime.now():%Y-%m-%d %H:%M}, "
        f"{os.cpu_count()} cores ({platform.machine()}), load average {os.getloadavg()[0]:.1f}, "
        f"in-process: {size:,} published case studies, {connection.vendor} "
        f"(`{connection.settings_dict['NAME']}`). Each change is saved and said as the admin "
        "does (`content_changed`), then the next `catalogue.current()` is timed; a full build "
        "of the same content is timed beside it.",
        "",
        "| change | next request catches up (median ms) | full build (median ms) | ratio |",
        "|---|---:|---:|---:|",
    ]
    for name, times in caught_up.items():
        median = statistics.median(times)
        lines.append(
            f"| {name} | {median:.1f} | {build_ms:.0f} | {build_ms / median:.0f}x faster |"
        )
    (BENCH / "catch-up-results.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10)
