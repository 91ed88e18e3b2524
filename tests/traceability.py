"""Check that the compendium data quotes the source texts exactly.

Used by the data tests, and runnable on its own while editing a data file:
    .venv/bin/python -m tests.traceability data/compendium/healthcare.yaml
"""

import re
import sys
from collections.abc import Iterator
from pathlib import Path

import yaml

# Shipped with the project (data/sources/README.md), so any clone can check its data.
SOURCES_DIR = Path(__file__).resolve().parents[1] / "data" / "sources"
COMPENDIUM_FILE = "the-management-mission.txt"
WEB_PAGE_FILE = "management-mission-web-page.txt"
SOURCE_FILES = (COMPENDIUM_FILE, WEB_PAGE_FILE)

# Fields copied verbatim from the source, by section; nested lists are walked below.
VERBATIM = {
    "facts": ["excerpt"],
    "applications": ["description"],
    "outcomes": ["statement"],
    "credited_to": ["passage"],
    "quotes": ["text"],
    "findings": ["excerpt"],
    "recommendations": ["title", "body"],
    "testimonials": ["text"],
}
# Lists of strings copied verbatim, each entry on its own: the names a case study's story gives.
VERBATIM_LISTS = ("named_in_story",)

_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-"})


def normalise(text: str) -> str:
    """Ignore white space, curly quotes, Markdown emphasis and link brackets."""
    text = text.translate(_QUOTES).replace("*", "")
    text = re.sub(r"\[([^\]]*)\]\(#\)", r"\1", text)  # "[report title](#)" -> "report title"
    text = re.sub(r"[\u00b9\u00b2\u00b3\u2070-\u2079]", "", text)  # footnote markers
    return re.sub(r"\s+", " ", text).strip().lower()


def source_text() -> str:
    return "\n".join(normalise((SOURCES_DIR / name).read_text()) for name in SOURCE_FILES)


def verbatim_fields(data: dict, section: str = "") -> Iterator[tuple[str, str]]:
    """Yield (where, text) for every verbatim field, however deeply nested."""
    for key, value in data.items():
        if not isinstance(value, list):
            continue
        if key in VERBATIM_LISTS:
            for index, entry in enumerate(value):
                yield f"{section}{key}[{index}]", entry
            continue
        for index, item in enumerate(value):
            if not isinstance(item, dict):
                continue
            where = f"{section}{key}[{index}]"
            for field in VERBATIM.get(key, []):
                if isinstance(item.get(field), str):
                    yield f"{where}.{field}", item[field]
            yield from verbatim_fields(item, f"{where}.")


def contents_pages() -> dict[str, tuple[int, int]]:
    """The compendium's contents table, parsed here on its own so the data cannot drift from
    it: {heading: (first page, last page)}, a section running to the page before the next
    heading's (or just its first page when the next starts on the same page)."""
    text = (SOURCES_DIR / COMPENDIUM_FILE).read_text()
    rows = [(title, int(page)) for title, page in re.findall(r"^\| (.+?) \| (\d+) \|$", text, re.M)]
    pages = {}
    for (title, first), (_, following) in zip(rows, [*rows[1:], ("", 0)], strict=True):
        pages[title] = (first, max(first, following - 1))
    return pages


def wrong_pages(path: Path) -> list[str]:
    """Case studies whose pages are not the contents' pages of their section."""
    contents = contents_pages()
    data = yaml.safe_load(path.read_text()) or {}
    problems = []
    for study in data.get("case_studies", []):
        pages = (study.get("source_page_first"), study.get("source_page_last"))
        expected = contents.get(study.get("source_section"))
        if pages != expected:
            problems.append(f"{path.name}: {study['slug']}: pages {pages}, contents {expected}")
    return problems


def untraceable_context(where: str, context: dict, haystack: str | None = None) -> list[str]:
    """A stored passage context whose sentences or section are not in the sources."""
    haystack = haystack if haystack is not None else source_text()
    problems = [
        f"{where}: {key}: {context[key][:90]!r}"
        for key in ("before", "after")
        if normalise(context.get(key, "").strip("…")) not in haystack
    ]
    section = context.get("section")
    if section and contents_pages().get(section) != tuple(context.get("pages") or ()):
        problems.append(f"{where}: pages {context.get('pages')} are not those of {section!r}")
    return problems


def untraceable(path: Path, haystack: str | None = None) -> list[str]:
    haystack = haystack if haystack is not None else source_text()
    data = yaml.safe_load(path.read_text()) or {}
    return [
        f"{path.name}: {where}: {text[:90]!r}"
        for where, text in verbatim_fields(data)
        if normalise(text) not in haystack
    ]


if __name__ == "__main__":
    problems = [
        line for arg in sys.argv[1:] for line in untraceable(Path(arg)) + wrong_pages(Path(arg))
    ]
    print("\n".join(problems) or "every verbatim field is found in the sources")
    sys.exit(1 if problems else 0)
