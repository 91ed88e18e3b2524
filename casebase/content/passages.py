"""Where a passage sits in its source: the sentence before it and the sentence after.

A figure, credit or quotation shows its passage with a little context so readers can check it
without opening the document. The context is worked out when the passage is saved, from the
source texts shipped in data/sources/ (read once per process), never when a page is served.
So is whether a quotation is a whole sentence, and if not the rest of the sentence it is in.
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
    found = _find(passage, source)
    if found is None:
        return {}
    slug, raw, start, end = found
    section, pages = _section(raw, start)
    return {
        "passage": passage,  # what this was worked out for: an edit makes it stale
        "source": slug,
        "section": section,
        "pages": pages,
        "before": _before(raw[:start]),
        "after": _after(raw[:end], raw[end:]),
    }


def quotation_context(quotation: str, source: str) -> dict:
    """`passage_context`, and whether the quotation is a whole sentence of the source: one
    that starts where a sentence starts (after a full stop, a line break, or a colon that
    introduces it) and ends where one ends. A quotation that is not ("These are hard jobs,"
    in “These are hard jobs,” says Wood.) is a fragment: readers see it in its sentence, so
    the context also gives that sentence's words before the quotation ("lead_in", with the
    source's opening quotation mark) and after it ("follow_on"), both empty for a whole
    sentence. Nothing is added when no source text holds the quotation."""
    context = passage_context(quotation, source)
    found = _find(quotation, source)
    if found is None:
        return context
    _, raw, start, end = found
    words = raw[start:end]
    lead_in, (follow_on, ends_sentence) = _lead_in(raw[:start]), _follow_on(words, raw[end:])
    opening = lead_in.rstrip(_QUOTE_MARKS)
    starts_sentence = not opening or (opening.endswith(":") and _starts_sentence(words))
    if starts_sentence and ends_sentence:
        return {**context, "whole_sentence": True, "lead_in": "", "follow_on": ""}
    return {
        **context,
        "whole_sentence": False,
        "lead_in": _clip(lead_in, from_end=True, keep_edges=True),
        "follow_on": _clip(follow_on, from_end=False, keep_edges=True),
    }


def _find(passage: str, source: str) -> tuple[str, str, int, int] | None:
    """(source slug, its raw text, start, end) of the passage, in `source` first."""
    needle = _folded(passage)[0].strip()
    if not needle:
        return None
    for slug in sorted(_sources(), key=lambda slug: slug != source):
        raw, folded, positions = _sources()[slug]
        found = folded.find(needle)
        if found >= 0:
            return slug, raw, positions[found], positions[found + len(needle) - 1] + 1
    return None


# Opening and closing quotation marks, Markdown emphasis and the spaces between them.
_QUOTE_MARKS = " *\"'\u201c\u201d\u2018\u2019"
# Where a sentence starts: after a closed sentence and white space, or at a line's start.
_SENTENCE_START = re.compile(rf"{_CLOSED}\s+|\n")


def _lead_in(text: str) -> str:
    """The words of the passage's sentence before it, from the sentence's start."""
    starts = list(_SENTENCE_START.finditer(text[-4 * CONTEXT_CHARS :]))
    lead_in = text[-4 * CONTEXT_CHARS :][starts[-1].end() :] if starts else text
    return lead_in.lstrip()


def _follow_on(passage: str, text: str) -> tuple[str, bool]:
    """The words of the passage's sentence after it, to the sentence's end, and whether the
    passage itself ends the sentence (then they are only its closing quotation marks)."""
    closing = re.match(r"[\"'\u201d\u2019)*]*", text).group()
    if re.search(rf"{_CLOSED}$", passage.rstrip(_QUOTE_MARKS) + closing.replace("*", "")):
        return closing, True
    if text[len(closing) : len(closing) + 1] in {".", "!", "?"}:  # its full stop left out
        ends = re.match(rf"[\"'\u201d\u2019)*]*{_CLOSED}", text)
        return ends.group(), True
    ends = re.search(rf"{_CLOSED}(?=\s|$)|\n", text[: 4 * CONTEXT_CHARS])
    return (text[: ends.end()].rstrip() if ends else text[: 4 * CONTEXT_CHARS]), False


def _starts_sentence(passage: str) -> bool:
    """Whether the passage reads as a sentence's start: a capital, or the source's own ellipsis
    for words it left out ("...our strategy has got to be")."""
    words = passage.lstrip(_QUOTE_MARKS)
    return words[:1].isupper() or words.startswith(("...", "\u2026"))


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


def _clip(text: str, *, from_end: bool, keep_edges: bool = False) -> str:
    """At most CONTEXT_CHARS, cut at a word and marked with an ellipsis. White space is one
    space, and none at either end unless `keep_edges` (text that runs on into a passage)."""
    text = re.sub(r"\s+", " ", text.replace("*", ""))  # no Markdown emphasis
    if not keep_edges:
        text = text.strip()
    if len(text) <= CONTEXT_CHARS:
        return text
    if from_end:
        return "…" + text[-CONTEXT_CHARS:].split(" ", 1)[-1]
    return text[:CONTEXT_CHARS].rsplit(" ", 1)[0] + "…"
