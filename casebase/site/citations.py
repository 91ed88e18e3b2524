"""How to cite a case study: plain text (Harvard style), BibTeX, RIS and CSL-JSON.

Pure functions of a case study with its `organisation` and `source` loaded, the absolute URL
of its page and the date the reader looked at it. Casebase is the author and publisher of the
case study, Casebase's retelling; the report the story comes from is cited as well, with the
section and pages the story has in it, in the note and as an entry of its own (BibTeX, RIS
and CSL-JSON hold both), so a reader can cite the report as well as, or instead of, Casebase.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import quote

from django.utils import timezone

from casebase.content.models import CaseStudy, Source

SITE_NAME = "Casebase"
URL_SAFE = ":/?#[]@!$&'()*+,;=%-._~"  # what stays as it is when a URL is percent-encoded

# Month names spelt out, not from the locale: a citation reads the same on every server.
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

# One pass over the text, so the backslashes added here are never escaped again. Braces
# become commands rather than \{ \}: BibTeX counts braces even after a backslash, so a
# lone brace in a title would otherwise unbalance the entry.
BIBTEX_ESCAPES = str.maketrans(
    {
        "\\": r"\textbackslash{}",
        "{": r"\textbraceleft{}",
        "}": r"\textbraceright{}",
        "%": r"\%",
        "&": r"\&",
        "$": r"\$",
        "#": r"\#",
        "_": r"\_",
        "^": r"\textasciicircum{}",
        "~": r"\textasciitilde{}",
    }
)


def cite_text(case_study: CaseStudy, url: str, accessed: date | None = None) -> str:
    """A Harvard-style reference a reader can paste into a document."""
    accessed = accessed or date.today()
    return (
        f'{SITE_NAME} ({_issued_year(case_study)}) "{case_study.title}". '
        f"{_sentence(_based_on(case_study))} "
        f"Available at: {url} (Accessed: {_long_date(accessed)})."
    )


def cite_report_text(case_study: CaseStudy) -> str:
    """A Harvard-style reference to the report itself, at the case study's pages."""
    source = case_study.source
    text = _sentence(_source_reference(source) + _where_in(case_study))
    return f"{text} Available at: {source.url}." if source.url else text


def bibtex(case_study: CaseStudy, url: str, accessed: date | None = None) -> str:
    """An @misc entry that works with BibTeX and biblatex alike.

    Plain BibTeX styles ignore `urldate`, so the access date is in the note as well.
    """
    accessed = accessed or date.today()
    note = f"{_based_on(case_study)}. Accessed {_long_date(accessed)}"
    fields = [
        ("title", _bibtex_title(case_study.title)),
        ("author", "{" + SITE_NAME + "}"),
        ("howpublished", r"\url{" + _bibtex_url(url) + "}"),
        ("year", str(_issued_year(case_study))),
        ("note", _bibtex_escape(note)),
        ("urldate", accessed.isoformat()),
    ]
    return _bibtex_entry("misc", _key(case_study), fields) + "\n" + _bibtex_report(case_study)


def _bibtex_report(case_study: CaseStudy) -> str:
    """The report as a @techreport (biblatex reads it as @report), at the story's pages."""
    source = case_study.source
    fields = [
        ("title", _bibtex_title(source.title)),
        ("author", "{" + _bibtex_escape(source.publisher or source.title) + "}"),
        ("institution", _bibtex_escape(source.publisher)),
        ("year", str(source.year or "")),
        ("pages", _pages(case_study).replace("–", "--")),
        ("note", _bibtex_escape(_section(case_study))),
        # biblatex reads `url` verbatim: percent-encoded, not backslash-escaped.
        ("url", quote(source.url, safe=URL_SAFE)),
    ]
    return _bibtex_entry("techreport", _report_key(case_study), [f for f in fields if f[1]])


def _bibtex_entry(kind: str, key: str, fields: list[tuple[str, str]]) -> str:
    body = ",\n".join(f"  {name:<12} = {{{value}}}" for name, value in fields)
    return f"@{kind}{{{key},\n{body}\n}}\n"


def ris(case_study: CaseStudy, url: str, accessed: date | None = None) -> str:
    """An RIS record with CRLF line endings, as the original RIS specification has them."""
    accessed = accessed or date.today()
    issued = _issued_date(case_study)
    tags = [
        ("TY", "ELEC"),
        ("TI", case_study.title),
        ("AU", SITE_NAME),
        ("PY", str(issued.year) if issued else ""),
        ("DA", _ris_date(issued) if issued else ""),
        ("UR", url),
        ("Y2", _ris_date(accessed)),
        ("N1", _based_on(case_study)),
        ("DB", SITE_NAME),
        ("ER", ""),
    ]
    return _ris_record(tags) + _ris_report(case_study)


def _ris_report(case_study: CaseStudy) -> str:
    """The report as a second record, at the story's pages."""
    source = case_study.source
    first, last = case_study.source_page_first, case_study.source_page_last
    tags = [
        ("TY", "RPRT"),
        ("TI", source.title),
        ("AU", source.publisher),
        ("PB", source.publisher),
        ("PY", str(source.year or "")),
        ("SP", str(first or "")),
        ("EP", str(last or "") if first else ""),
        ("N1", _section(case_study)),
        ("UR", source.url),
        ("ER", ""),
    ]
    return _ris_record(tags)


def _ris_record(tags: list[tuple[str, str]]) -> str:
    # A value must stay on its tag's line; "ER  - " ends the record with its trailing space.
    lines = [f"{tag}  - {_one_line(value)}" for tag, value in tags if value or tag == "ER"]
    return "\r\n".join(lines) + "\r\n"


def csl_json(case_study: CaseStudy, url: str, accessed: date | None = None) -> list[dict]:
    """CSL-JSON, the format Zotero, Mendeley and citeproc read: the case study, then the
    report at the story's pages."""
    accessed = accessed or date.today()
    item = {
        "id": _key(case_study),
        "type": "webpage",
        "title": case_study.title,
        "author": [{"literal": SITE_NAME}],
        "accessed": _date_parts(accessed),
        "URL": url,
        "container-title": SITE_NAME,
        "publisher": SITE_NAME,
        "note": _based_on(case_study),
    }
    if issued := _issued_date(case_study):
        item["issued"] = _date_parts(issued)
    return [item, _csl_report(case_study)]


def _csl_report(case_study: CaseStudy) -> dict:
    source = case_study.source
    item = {
        "id": _report_key(case_study),
        "type": "report",
        "title": source.title,
        "author": [{"literal": source.publisher or source.title}],
        "publisher": source.publisher,
        "page": _pages(case_study),
        "section": case_study.source_section,
        "URL": source.url,
    }
    if source.year:
        item["issued"] = {"date-parts": [[source.year]]}
    return {name: value for name, value in item.items() if value}


# --- Shared pieces ------------------------------------------------------------------------


def _key(case_study: CaseStudy) -> str:
    return f"casebase-{case_study.slug}"


def _issued_date(case_study: CaseStudy) -> date | None:
    """What readers see of the case study last changed on this date: the page as they saw it."""
    updated = case_study.public_updated_at
    if updated is None:
        return None
    return timezone.localdate(updated) if timezone.is_aware(updated) else updated.date()


def _issued_year(case_study: CaseStudy) -> str:
    issued = _issued_date(case_study)
    return str(issued.year) if issued else "n.d."


def _report_key(case_study: CaseStudy) -> str:
    return f"{case_study.source.slug}-{case_study.slug}"


def _based_on(case_study: CaseStudy) -> str:
    return (
        f"Case study of {case_study.organisation.name}, "
        f"based on {_source_reference(case_study.source)}{_where_in(case_study)}"
    )


def _where_in(case_study: CaseStudy) -> str:
    """', section “Leeds Teaching Hospitals Trust”, pp. 11–12': where the story is in its
    source, as far as the record says."""
    parts = [_section(case_study), _pages(case_study)]
    pages = f"pp. {parts[1]}" if "–" in parts[1] else f"p. {parts[1]}" if parts[1] else ""
    return "".join(f", {part}" for part in (parts[0], pages) if part)


def _section(case_study: CaseStudy) -> str:
    heading = case_study.source_section
    return f"section “{heading}”" if heading else ""


def _pages(case_study: CaseStudy) -> str:
    """'11–12', '13' or ''."""
    first, last = case_study.source_page_first, case_study.source_page_last
    if not first:
        return ""
    return f"{first}–{last}" if last and last != first else str(first)


def _source_reference(source: Source) -> str:
    """'Publisher (year) Title', Harvard's order; '(n.d.)' when the year is not known."""
    year = f"({source.year})" if source.year else "(n.d.)"
    if source.publisher:
        return f"{source.publisher} {year} {source.title}"
    return f"{source.title} {year}"


def _sentence(text: str) -> str:
    return text if text.endswith((".", "?", "!")) else f"{text}."


def _long_date(day: date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def _date_parts(day: date) -> dict:
    return {"date-parts": [[day.year, day.month, day.day]]}


def _ris_date(day: date) -> str:
    return f"{day.year:04d}/{day.month:02d}/{day.day:02d}"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _bibtex_escape(text: str) -> str:
    return _one_line(text).translate(BIBTEX_ESCAPES)


def _bibtex_title(title: str) -> str:
    """Escaped, with each word that has a capital in braces: styles that lower-case titles
    then keep proper names ('Leeds', 'NHS') as written and still lower-case the rest."""
    words = _one_line(title).split(" ")
    return " ".join(
        f"{{{_bibtex_escape(word)}}}" if any(c.isupper() for c in word) else _bibtex_escape(word)
        for word in words
    )


def _bibtex_url(url: str) -> str:
    """The URL inside \\url{}: characters that would break the entry are percent-encoded,
    and % and # are escaped, which \\url undoes when it prints."""
    encoded = quote(url, safe=URL_SAFE)
    return encoded.replace("%", r"\%").replace("#", r"\#")
