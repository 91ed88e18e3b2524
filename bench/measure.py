"""Server time and SQL queries per page, in-process, for one database (bench/run.py runs this).

Usage: DATABASE_URL=... python bench/measure.py N_RUNS > result.json
Each page is requested a few times to warm up, then N_RUNS times; the time is the whole Django
request (middleware, view, template), without a network or a web server in between. The page
cache is off: these are uncached figures.
"""

import json
import signal
import statistics
import sys
import time
from pathlib import Path

import inprocess

inprocess.setup(default_database=None)

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from casebase.catalogue import index as catalogue  # noqa: E402
from casebase.content.models import CaseStudy  # noqa: E402

WARM_UP = 3
SLOW_MS = 5_000  # a page this slow is timed once, not repeated
TIMEOUT_S = 60  # and given up on after this long


class TimedOut(Exception):
    pass


def on_alarm(signum, frame):
    raise TimedOut


def pages() -> dict[str, str]:
    middle = CaseStudy.objects.published().order_by("pk").values_list("slug", flat=True)
    study = middle[middle.count() // 2]
    return {
        "catalogue": "/case-studies/",
        "by sector": "/case-studies/?sector=healthcare",
        "by practice": "/case-studies/?practice=visible-leadership",
        "practice and sector": "/case-studies/?practice=visible-leadership&sector=healthcare",
        "full-text q": "/case-studies/?q=leadership",
        "q, practice and sector": (
            "/case-studies/?q=staff&practice=visible-leadership&sector=healthcare"
        ),
        "case study": f"/case-studies/{study}/",
        "practice page": "/practices/visible-leadership/",
        "evidence map": "/evidence-map/",
    }


def timed_get(client: Client, url: str) -> float:
    signal.alarm(TIMEOUT_S)
    try:
        start = time.perf_counter()
        response = client.get(url)
        assert response.status_code == 200, f"{url}: {response.status_code}"
        return (time.perf_counter() - start) * 1000
    finally:
        signal.alarm(0)


class QueryCounter:
    """Counts SQL statements. (CaptureQueriesContext cannot: each request resets the query log
    it reads.)"""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def measure(client: Client, url: str, runs: int) -> dict:
    """Warm up, then time `runs` requests; the queries are those of the last one (the catalogue
    index is built before any page is measured, and timed on its own)."""
    queries = QueryCounter()
    try:
        first = timed_get(client, url)
        if first > SLOW_MS:
            times = [first]
        else:
            for _ in range(WARM_UP - 1):
                timed_get(client, url)
            times = [timed_get(client, url) for _ in range(runs - 1)]
        with connection.execute_wrapper(queries):
            times.append(timed_get(client, url))
        times.sort()
    except (TimedOut, AssertionError) as failure:
        # A query interrupted by the alarm surfaces as the site's 503 (database error) page.
        reason = str(failure) or f"over {TIMEOUT_S} s"
        connection.close()  # an interrupted query leaves the connection unusable
        return {"url": url, "failed": reason, "queries": None, "samples": 0}
    return {
        "url": url,
        "first_ms": round(first, 1),
        "median_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[max(0, round(0.95 * len(times)) - 1)], 1),
        "queries": queries.count,
        "samples": len(times),
    }


def index_build_ms() -> float:
    """The catalogue index, as the first request after a change to content builds it."""
    start = time.perf_counter()
    catalogue.current()
    return round((time.perf_counter() - start) * 1000, 1)


def resident_mb() -> int:
    status = Path("/proc/self/status").read_text()
    return int(status.split("VmRSS:")[1].split()[0]) // 1024


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    signal.signal(signal.SIGALRM, on_alarm)
    client = Client(SERVER_NAME="127.0.0.1")
    build_ms = index_build_ms()
    results = {name: measure(client, url, runs) for name, url in pages().items()}
    json.dump(
        {
            "database": connection.vendor,
            "case_studies": CaseStudy.objects.published().count(),
            "runs": runs,
            "index_build_ms": build_ms,
            "pages": results,
            "rss_mb": resident_mb(),  # after the index and every page: what a worker holds
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()
