"""What the catalogue's facet markup costs built by a template tag (casebase/site/templatetags,
`facet_filter`) against the same markup from a template (bench/markup_facet.html), side by side
in one run, in-process, on the facets of real catalogue pages.

Usage: python bench/markup.py [ROUNDS] (run by `make bench`). DATABASE_URL names the database;
by default bench/run.py's SQLite file of 100,000 case studies. Writes bench/markup-results.md.
"""

import platform
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
import inprocess  # noqa: E402  (bench/inprocess.py)

inprocess.setup()

from django.http import QueryDict  # noqa: E402
from django.template import engines  # noqa: E402

from casebase.catalogue import index as catalogue  # noqa: E402
from casebase.catalogue.filters import CatalogueForm, Selection, facet_counts  # noqa: E402
from casebase.site.templatetags.casebase import facet_filter  # noqa: E402

FACET = (BENCH / "markup_facet.html").read_text().removeprefix("{% load casebase %}")
TEMPLATE = engines["django"].from_string(
    "{% load casebase %}{% for facet in facets %}" + FACET + "{% endfor %}"
)


def page_facets(index: catalogue.CatalogueIndex, query: str) -> list:
    selection = Selection(CatalogueForm(QueryDict(query), index), index)
    return [facet for facet in facet_counts(selection) if facet.options]


def median_ms(work, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main(rounds: int) -> None:
    index = catalogue.current()
    practice = index.facets["practice"][0].value
    lines = [
        "# Facet markup: template tag against template",
        "",
        f"Produced by `python bench/markup.py {rounds}` on {datetime.now():%Y-%m-%d %H:%M}, "
        f"{len(index.all):,} case studies, Python {platform.python_version()}; medians of "
        f"{rounds} renders of a catalogue page's facets by each, one after the other.",
        "",
        "| page | options | tag (ms) | template (ms) | template / tag |",
        "|---|---:|---:|---:|---:|",
    ]
    for query in ("", "sector=healthcare", f"practice={practice}"):
        facets = page_facets(index, query)
        tag = median_ms(lambda facets=facets: "".join(map(facet_filter, facets)), rounds)
        template = median_ms(lambda facets=facets: TEMPLATE.render({"facets": facets}), rounds)
        options = sum(len(facet.options) for facet in facets)
        lines.append(
            f"| /case-studies/?{query} | {options} | {tag:.2f} | {template:.2f} | "
            f"{template / tag:.0f}x |"
        )
    text = "\n".join(lines) + "\n"
    (BENCH / "markup-results.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
