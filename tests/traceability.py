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
        for index, item in enumerate(value):
            if not isinstance(item, dict):
                continue
            where = f"{section}{key}[{index}]"
            for field in VERBATIM.get(key, []):
                if isinstance(item.get(field), str):
                    yield f"{where}.{field}", item[field]
            yield from verbatim_fields(item, f"{where}.")


def untraceable(path: Path, haystack: str | None = None) -> list[str]:
    haystack = haystack if haystack is not None else source_text()
    data = yaml.safe_load(path.read_text()) or {}
    return [
        f"{path.name}: {where}: {text[:90]!r}"
        for where, text in verbatim_fields(data)
        if normalise(text) not in haystack
    ]


if __name__ == "__main__":
    problems = [line for arg in sys.argv[1:] for line in untraceable(Path(arg))]
    print("\n".join(problems) or "every verbatim field is found in the sources")
    sys.exit(1 if problems else 0)
