"""Citations of a case study, in the formats reference managers read."""

import copy
import json
import re
from datetime import date

import pytest

from casebase.content.models import CaseStudy
from casebase.site.citations import bibtex, cite_text, csl_json, ris

pytestmark = pytest.mark.django_db

URL = "https://casebase.example/case-studies/leeds-teaching-hospitals/"
ACCESSED = date(2026, 11, 22)
SOURCE = (
    "Chartered Management Institute with the Social Market Foundation (2024) "
    "The Management Mission: how better leaders improve public services"
)


@pytest.fixture
def leeds() -> CaseStudy:
    return CaseStudy.objects.select_related("organisation", "source").get(
        slug="leeds-teaching-hospitals"
    )


def test_text_citation(leeds):
    year = leeds.public_updated_at.year

    text = cite_text(leeds, URL, ACCESSED)

    assert text == (
        f'Casebase ({year}) "{leeds.title}". '
        f"Case study of Leeds Teaching Hospitals NHS Trust, based on {SOURCE}. "
        f"Available at: {URL} (Accessed: 22 November 2026)."
    )


def test_access_date_defaults_to_today(leeds):
    assert f"(Accessed: {date.today().day} " in cite_text(leeds, URL)


def test_bibtex_entry(leeds):
    entry = bibtex(leeds, URL, ACCESSED)

    assert entry.startswith("@misc{casebase-leeds-teaching-hospitals,\n")
    assert entry.rstrip().endswith("}")
    assert "author       = {{Casebase}}" in entry
    assert f"howpublished = {{\\url{{{URL}}}}}" in entry
    assert f"year         = {{{leeds.public_updated_at.year}}}" in entry
    assert "urldate      = {2026-11-22}" in entry
    assert "note         = {Case study of Leeds Teaching Hospitals NHS Trust" in entry
    assert "Accessed 22 November 2026" in entry
    # Capitalised words are protected from styles that lower-case titles.
    assert "title        = {{Leeds} {Teaching} {Hospitals:} from 'requires" in entry
    assert entry.count("{") == entry.count("}")


def test_bibtex_escapes_special_characters(leeds):
    planted = copy.copy(leeds)
    planted.title = "50% & {braces} #1_x $5 ^~ back\\slash"

    entry = bibtex(planted, URL + "?q=a_b%20c#top", ACCESSED)

    title = re.search(r"^  title += \{(.*)\},$", entry, re.MULTILINE).group(1)
    assert title == (
        r"50\% \& \textbraceleft{}braces\textbraceright{} \#1\_x \$5 "
        r"\textasciicircum{}\textasciitilde{} back\textbackslash{}slash"
    )
    assert r"\url{" + URL + r"?q=a_b\%20c\#top}" in entry
    assert entry.count("{") == entry.count("}")


def test_bibtex_escapes_the_source_note(leeds):
    planted = copy.copy(leeds)
    planted.source = copy.copy(leeds.source)
    planted.source.publisher = "Smith & Jones"

    assert r"based on Smith \& Jones (2024)" in bibtex(planted, URL, ACCESSED)


def test_ris_record(leeds):
    record = ris(leeds, URL, ACCESSED)

    lines = record.split("\r\n")
    assert lines[-1] == ""  # ends with a line break
    lines = lines[:-1]
    assert all(re.match(r"^[A-Z][A-Z0-9]  - ", line) for line in lines)
    assert lines[0] == "TY  - ELEC"
    assert lines[-1] == "ER  - "
    tags = dict(line.split("  - ", 1) for line in lines)
    assert tags["TI"] == leeds.title
    assert tags["AU"] == "Casebase"
    assert tags["PY"] == str(leeds.public_updated_at.year)
    assert tags["UR"] == URL
    assert tags["Y2"] == "2026/11/22"
    assert tags["N1"] == f"Case study of Leeds Teaching Hospitals NHS Trust, based on {SOURCE}"
    assert tags["DB"] == "Casebase"


def test_ris_keeps_each_value_on_its_line(leeds):
    planted = copy.copy(leeds)
    planted.title = "Two\nlines"

    record = ris(planted, URL, ACCESSED)

    assert "TI  - Two lines\r\n" in record
    assert all(re.match(r"^[A-Z][A-Z0-9]  - ", line) for line in record.splitlines())


def test_csl_json_item(leeds):
    item = json.loads(json.dumps(csl_json(leeds, URL, ACCESSED)))

    updated = leeds.public_updated_at
    assert item["id"] == "casebase-leeds-teaching-hospitals"
    assert item["type"] == "webpage"
    assert item["title"] == leeds.title
    assert item["author"] == [{"literal": "Casebase"}]
    assert item["issued"]["date-parts"][0][0] == updated.year
    assert len(item["issued"]["date-parts"][0]) == 3
    assert item["accessed"] == {"date-parts": [[2026, 11, 22]]}
    assert item["URL"] == URL
    assert item["container-title"] == "Casebase"
    assert item["note"].endswith(SOURCE)


def test_source_without_publisher_or_year(leeds):
    planted = copy.copy(leeds)
    planted.source = copy.copy(leeds.source)
    planted.source.publisher = ""
    planted.source.year = None

    text = cite_text(planted, URL, ACCESSED)

    assert (
        "based on The Management Mission: how better leaders improve public services (n.d.)."
        in (text)
    )
