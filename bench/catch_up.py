"""What a save costs the next reader's request: the catalogue index caught up in place
(catalogue.updated) against a fresh build, side by side in one run, in-process.

Usage: DATABASE_URL=sqlite:////tmp/b100k.sqlite3 python bench/catch_up.py [ROUNDS]
Each round makes one editor's change (a title edited, a case study withdrawn and published
again, a result's status changed) in its own transaction, then times the next
`catalogue.current()`, which catches up; and times a full build of the same content. The
changes are rolled back at the end. Prints a Markdown table with medians and the ratio.
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.update(
    DJANGO_SETTINGS_MODULE="casebase.settings",
    DJANGO_DEBUG="0",
    DJANGO_SECRET_KEY=os.environ.get("DJANGO_SECRET_KEY", "benchmark-only-secret-key-" * 3),
)

import django

django.setup()

from django.db import connection, transaction  # noqa: E402

from casebase.content import catalogue  # noqa: E402
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
    print(f"{size:,} published case studies, {connection.vendor}, {rounds} rounds\n")
    print("| change | next request catches up (median ms) | full build (median ms) | ratio |")
    print("|---|---:|---:|---:|")
    for name, times in caught_up.items():
        median = statistics.median(times)
        print(f"| {name} | {median:.1f} | {build_ms:.0f} | {build_ms / median:.0f}x faster |")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10)
