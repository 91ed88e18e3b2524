"""Citations of a case study, in the formats reference managers read."""

import copy
import json
import re
from datetime import date

import pytest

from casebase.content.models import CaseStudy
from casebase.site.citations import bibtex, cite_report_text, cite_text, csl_json, ris

pytestmark = pytest.mark.django_db

URL = "https://casebase.example/case-studies/leeds-teaching-hospitals/"
ACCESSED = date(2026, 11, 22)
PUBLISHER = "Chartered Management Institute with the Social Market Foundation"
TITLE = "The Management Mission: how better leaders improve public services"
SOURCE = f"{PUBLISHER} (2024) {TITLE}"
WHERE = "section “Leeds Teaching Hospitals Trust”, pp. 11–12"


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
        f"Case study of Leeds Teaching Hospitals NHS Trust, based on {SOURCE}, {WHERE}. "
        f"Available at: {URL} (Accessed: 22 November 2026)."
    )


def test_the_report_is_cited_at_the_case_studys_section_and_pages(leeds):
    assert cite_report_text(leeds) == f"{SOURCE}, {WHERE}."


def test_a_report_with_an_address_is_cited_with_it(leeds):
    planted = copy.copy(leeds)
    planted.source = copy.copy(leeds.source)
    planted.source.url = "https://example.org/report.pdf"

    assert cite_report_text(planted) == (
        f"{SOURCE}, {WHERE}. Available at: https://example.org/report.pdf."
    )


def test_a_story_on_one_page_is_cited_at_that_page(leeds):
    planted = copy.copy(leeds)
    planted.source_page_first = planted.source_page_last = 13

    assert cite_report_text(planted).endswith("Trust”, p. 13.")


def test_access_date_defaults_to_today(leeds):
    assert f"(Accessed: {date.today().day} " in cite_text(leeds, URL)


def bibtex_entries(text: str) -> list[str]:
    return re.findall(r"^@.*?^}\n", text, re.MULTILINE | re.DOTALL)


def test_bibtex_entry(leeds):
    entry, _ = bibtex_entries(bibtex(leeds, URL, ACCESSED))

    assert entry.startswith("@misc{casebase-leeds-teaching-hospitals,\n")
    assert entry.rstrip().endswith("}")
    assert "author       = {{Casebase}}" in entry
    assert f"howpublished = {{\\url{{{URL}}}}}" in entry
    assert f"year         = {{{leeds.public_updated_at.year}}}" in entry
    assert "urldate      = {2026-11-22}" in entry
    assert "note         = {Case study of Leeds Teaching Hospitals NHS Trust" in entry
    assert f"{WHERE}. Accessed" in entry
    assert "Accessed 22 November 2026" in entry
    # Capitalised words are protected from styles that lower-case titles.
    assert "title        = {{Leeds} {Teaching} {Hospitals:} from 'requires" in entry
    assert entry.count("{") == entry.count("}")


def test_bibtex_holds_the_report_as_an_entry_of_its_own(leeds):
    text = bibtex(leeds, URL, ACCESSED)
    _, report = bibtex_entries(text)

    assert text == "\n".join(bibtex_entries(text))
    assert report == (
        "@techreport{the-management-mission-leeds-teaching-hospitals,\n"
        "  title        = {{The} {Management} {Mission:} how better leaders improve public "
        "services},\n"
        f"  author       = {{{{{PUBLISHER}}}}},\n"
        f"  institution  = {{{PUBLISHER}}},\n"
        "  year         = {2024},\n"
        "  pages        = {11--12},\n"
        "  note         = {section “Leeds Teaching Hospitals Trust”}\n"
        "}\n"
    )


def test_bibtex_escapes_special_characters(leeds):
    planted = copy.copy(leeds)
    planted.title = "50% & {braces} #1_x $5 ^~ back\\slash"

    entry, _ = bibtex_entries(bibtex(planted, URL + "?q=a_b%20c#top", ACCESSED))

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

    text = bibtex(planted, URL, ACCESSED)
    assert r"based on Smith \& Jones (2024)" in text
    assert r"institution  = {Smith \& Jones}," in text


def ris_records(text: str) -> list[list[str]]:
    assert text.endswith("ER  - \r\n")
    records = text.split("ER  - \r\n")[:-1]
    return [[*record.split("\r\n")[:-1], "ER  - "] for record in records]


def test_ris_record(leeds):
    lines, _ = ris_records(ris(leeds, URL, ACCESSED))

    assert all(re.match(r"^[A-Z][A-Z0-9]  - ", line) for line in lines)
    assert lines[0] == "TY  - ELEC"
    assert lines[-1] == "ER  - "
    tags = dict(line.split("  - ", 1) for line in lines)
    assert tags["TI"] == leeds.title
    assert tags["AU"] == "Casebase"
    assert tags["PY"] == str(leeds.public_updated_at.year)
    assert tags["UR"] == URL
    assert tags["Y2"] == "2026/11/22"
    assert tags["N1"] == (
        f"Case study of Leeds Teaching Hospitals NHS Trust, based on {SOURCE}, {WHERE}"
    )
    assert tags["DB"] == "Casebase"


def test_ris_holds_the_report_as_a_record_of_its_own(leeds):
    _, report = ris_records(ris(leeds, URL, ACCESSED))

    assert report == [
        "TY  - RPRT",
        f"TI  - {TITLE}",
        f"AU  - {PUBLISHER}",
        f"PB  - {PUBLISHER}",
        "PY  - 2024",
        "SP  - 11",
        "EP  - 12",
        "N1  - section “Leeds Teaching Hospitals Trust”",
        "ER  - ",
    ]


def test_ris_keeps_each_value_on_its_line(leeds):
    planted = copy.copy(leeds)
    planted.title = "Two\nlines"

    record = ris(planted, URL, ACCESSED)

    assert "TI  - Two lines\r\n" in record
    assert all(re.match(r"^[A-Z][A-Z0-9]  - ", line) for line in record.splitlines())


def test_csl_json_item(leeds):
    item, _ = json.loads(json.dumps(csl_json(leeds, URL, ACCESSED)))

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
    assert item["note"].endswith(f"{SOURCE}, {WHERE}")


def test_csl_json_holds_the_report_as_an_item_of_its_own(leeds):
    _, report = json.loads(json.dumps(csl_json(leeds, URL, ACCESSED)))

    assert report == {
        "id": "the-management-mission-leeds-teaching-hospitals",
        "type": "report",
        "title": TITLE,
        "author": [{"literal": PUBLISHER}],
        "publisher": PUBLISHER,
        "page": "11–12",
        "section": "Leeds Teaching Hospitals Trust",
        "issued": {"date-parts": [[2024]]},
    }


def test_a_report_with_an_address_is_linked_in_every_format(leeds):
    planted = copy.copy(leeds)
    planted.source = copy.copy(leeds.source)
    planted.source.url = "https://example.org/report.pdf"

    assert "  url          = {https://example.org/report.pdf}\n}" in bibtex(planted, URL)
    assert "UR  - https://example.org/report.pdf\r\n" in ris(planted, URL)
    assert csl_json(planted, URL)[1]["URL"] == "https://example.org/report.pdf"


def test_source_without_publisher_or_year(leeds):
    planted = copy.copy(leeds)
    planted.source = copy.copy(leeds.source)
    planted.source.publisher = ""
    planted.source.year = None

    text = cite_text(planted, URL, ACCESSED)

    assert f"based on {TITLE} (n.d.), {WHERE}." in text
