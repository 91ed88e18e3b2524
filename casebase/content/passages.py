"""Where a passage sits in its source: the sentence before it and the sentence after.

A figure, credit or quotation shows its passage with a little context so readers can check it
without opening the document. The context is worked out when the passage is saved, from the
source texts shipped in data/sources/ (read once per process), never when a page is served.
"""

import re
from functools import lru_cache
from pathlib import Path

from django.conf import settings

SOURCES_DIR = Path(settings.BASE_DIR) / "data" / "sources"
CONTEXT_CHARS = 320  # about two lines of the disclosure on either side

# Folded like tests/traceability.py does, so a passage found by the data tests is found here:
# curly quotes and dashes as plain ones, no emphasis stars or footnote markers, any white space
# as one space, lower case.
_FOLD = {"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-"}
_DROPPED = set("*\u00b9\u00b2\u00b3") | {chr(c) for c in range(0x2070, 0x207A)}
_CLOSED = r"[.!?][\"'\u201d\u2019)]*"  # a sentence's last character, and any closing marks
_CONTENTS_ROW = re.compile(r"^\| (.+?) \| (\d+) \|$", re.MULTILINE)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|(?<=[.!?][\"'\u201d\u2019)])\s+|\n\s*\n")


def passage_context(passage: str, source: str) -> dict:
    """Where `passage` is found, looking in the text of the source with slug `source` first:
    {"passage": passage, "source": slug, "section": heading, "pages": [first, last],
    "before": sentence, "after": sentence}; section and pages only where the text has a
    contents table. Empty when no source text holds the passage (a record typed in by hand)."""
    needle = _folded(passage)[0].strip()
    if not needle:
        return {}
    for slug in sorted(_sources(), key=lambda slug: slug != source):
        raw, folded, positions = _sources()[slug]
        found = folded.find(needle)
        if found >= 0:
            start, end = positions[found], positions[found + len(needle) - 1] + 1
            section, pages = _section(raw, start)
            return {
                "passage": passage,  # what this was worked out for: an edit makes it stale
                "source": slug,
                "section": section,
                "pages": pages,
                "before": _before(raw[:start]),
                "after": _after(raw[:end], raw[end:]),
            }
    return {}


@lru_cache(maxsize=1)
def _sources() -> dict[str, tuple[str, str, list[int]]]:
    texts = {path.stem: path.read_text() for path in sorted(SOURCES_DIR.glob("*.txt"))}
    return {slug: (raw, *_folded(raw)) for slug, raw in texts.items()}


def contents(text: str) -> list[tuple[str, int, int]]:
    """The contents table: (heading, first page, last page) in order. A section runs to the
    page before the next entry's, or is on one page when the next starts on the same one."""
    rows = [(title, int(page)) for title, page in _CONTENTS_ROW.findall(text)]
    nexts = [page for _, page in rows[1:]] + [None]
    return [
        (title, page, max(page, following - 1) if following else page)
        for (title, page), following in zip(rows, nexts, strict=True)
    ]


def _section(raw: str, position: int) -> tuple[str, list[int] | None]:
    """The heading of the contents entry the position falls under, and its pages."""
    found = [("", -1, None)]
    for title, first, last in contents(raw):
        heading = re.search(rf"^[#* ]*{re.escape(title)}[* ]*$", raw, re.MULTILINE | re.IGNORECASE)
        if heading and heading.start() < position:
            found.append((title, heading.start(), [first, last]))
    title, _, pages = max(found, key=lambda entry: entry[1])
    return title, pages


def _folded(text: str) -> tuple[str, list[int]]:
    """The folded text, and for each of its characters the index it came from in `text`."""
    chars: list[str] = []
    positions: list[int] = []
    for index, char in enumerate(text):
        if char in _DROPPED:
            continue
        if char.isspace():
            if chars and chars[-1] == " ":
                continue
            char = " "
        chars.append(_FOLD.get(char, char).lower())
        positions.append(index)
    return "".join(chars), positions


def _before(text: str) -> str:
    """The sentence before the passage; if the passage starts mid-sentence, that sentence's
    start as well."""
    pieces = [piece for piece in _SENTENCE_END.split(text[-4 * CONTEXT_CHARS :]) if piece.strip()]
    ends_sentence = bool(re.search(rf"({_CLOSED}|\n\s*\n)\s*$", text))
    taken = pieces[-1:] if ends_sentence else pieces[-2:]
    return _clip(" ".join(taken), from_end=True)


def _after(upto: str, text: str) -> str:
    """The sentence after the passage; if the passage ends mid-sentence, the rest of it too."""
    pieces = _SENTENCE_END.split(text[: 4 * CONTEXT_CHARS])
    if pieces and not any(char.isalnum() for char in pieces[0]):  # a closing quotation mark
        pieces[:2] = [" ".join(pieces[:2])]
    pieces = [piece for piece in pieces if piece.strip()]
    taken = pieces[:1] if re.search(rf"{_CLOSED}$", upto) else pieces[:2]
    return _clip(" ".join(taken), from_end=False)


def _clip(text: str, *, from_end: bool) -> str:
    """At most CONTEXT_CHARS, cut at a word and marked with an ellipsis."""
    text = " ".join(text.replace("*", "").split())  # no Markdown emphasis
    if len(text) <= CONTEXT_CHARS:
        return text
    if from_end:
        return "…" + text[-CONTEXT_CHARS:].split(" ", 1)[-1]
    return text[:CONTEXT_CHARS].rsplit(" ", 1)[0] + "…"
