import json
from decimal import Decimal
from functools import cache, lru_cache

from django import template
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from casebase.content import grading
from casebase.content.models import Outcome, Role

register = template.Library()


@register.filter
def thousands(number: int | Decimal) -> str:
    """37441 as "37,441", as GOV.UK writes numbers (Django's intcomma goes through the locale
    machinery, for a few hundred counts a page). A decimal loses its trailing zeros: a finding's
    4000000.00 reads "4,000,000" and 6.50 "6.5"."""
    if isinstance(number, Decimal):
        return f"{number.normalize():,f}"
    return f"{number:,}"


@register.filter
def summary_sentences(summary, practice_name: str) -> list[str]:
    return summary.sentences(practice_name)


@register.filter
def lowerfirst(text: str) -> str:
    """A sentence continued after a colon: "An inspectorate judged it" as "an inspectorate…"."""
    return text[:1].lower() + text[1:]


@register.simple_tag
def outcome_change(outcome: Outcome) -> str:
    """An outcome in words: "Requires improvement (2014) → Good (2016)"."""
    baseline = dated(outcome.baseline, outcome.baseline_year)
    result = dated(outcome.result, outcome.result_year)
    if baseline and result:
        return f"{baseline} → {result}"
    return result or baseline


@register.simple_tag
def dated(value: str, year: int | None) -> str:
    """A value with the year of its own evidence; a reader is told when the source gives none,
    so no other date (the report's, the page's) is mistaken for it."""
    if value:
        return f"{value} ({year or 'year not given'})"
    return str(year) if year else ""


@register.filter
def as_reported(role: Role) -> str:
    """When a role held: as its source reported it, never "current" on its own, since the
    source's present is not the reader's ("at the time of the report, 2024")."""
    when = "at the time of the report"
    if role.source.year:
        when = f"{when}, {role.source.year}"
    return when if role.is_current else f"former {when}"


@register.simple_tag
def strength_tag(outcome: Outcome) -> SafeString:
    """A result's strength of evidence as words and four bars, the words linking to the method
    that explains them. The bars repeat the words for the eye only: a screen reader hears
    "Strong evidence" once, and no colour carries the grade."""
    return strength_badge(outcome.strength)


@cache
def strength_badge(strength: int) -> SafeString:
    grade = grading.Strength(strength)
    bars = "".join(
        f'<span class="cb-strength__bar{" cb-strength__bar--on" if i < grade else ""}"></span>'
        for i in range(int(grading.Strength.STRONG))
    )
    return format_html(
        '<span class="cb-strength cb-strength--{}"><span class="cb-strength__bars" '
        'aria-hidden="true">{}</span> <a class="govuk-link cb-strength__words" href="{}#{}">'
        "{} evidence</a></span>",
        grade,
        mark_safe(bars),  # built above from constants
        reverse("evidence-method"),
        grading.anchor(grade),
        grade.label,
    )


DIRECTION_COLOURS = {
    Outcome.Direction.IMPROVED: "govuk-tag--green",
    Outcome.Direction.SUSTAINED: "govuk-tag--blue",
    Outcome.Direction.DECLINED: "govuk-tag--red",
    Outcome.Direction.SNAPSHOT: "govuk-tag--grey",
}


# Short words for the tags; the full label ("Single measurement (no baseline)") is for editors.
DIRECTION_WORDS = {Outcome.Direction.SNAPSHOT: "Snapshot"}


@register.simple_tag
def direction_tag(outcome: Outcome) -> str:
    return format_html(
        '<strong class="govuk-tag {}">{}</strong>',
        DIRECTION_COLOURS[outcome.direction],
        DIRECTION_WORDS.get(outcome.direction, outcome.get_direction_display()),
    )


# The catalogue's facets are built here rather than by a template: a page shows about a hundred
# options, and the same markup from a template loop took 4.0 to 4.3 ms a page against 0.2 ms
# here, at 100,000 case studies (bench/markup.py, bench/markup-results.md). The twenty result
# rows are a template loop: 0.15 ms more than building them here.


@register.simple_tag
def facet_filter(facet) -> SafeString:
    """A catalogue facet as a GOV.UK details component holding its options as checkboxes, each
    with its count; open when chosen from (the sector always)."""
    label = escape(facet.label)
    opened = " open" if facet.selected or facet.name == "sector" else ""
    hidden = (
        f'<p class="govuk-hint">Those with the most case studies; {int(facet.hidden):,} more with '
        "fewer are not listed.</p>"
        if facet.hidden
        else ""
    )
    return mark_safe(
        f'<details class="govuk-details cb-facet"{opened}>\n'
        '<summary class="govuk-details__summary"><span class="govuk-details__summary-text">'
        f"{label}</span></summary>\n"
        '<div class="govuk-details__text"><div class="govuk-form-group">'
        f'<fieldset class="govuk-fieldset"><legend class="govuk-visually-hidden">{label}</legend>\n'
        f"{hidden}"
        '<div class="govuk-checkboxes govuk-checkboxes--small" data-module="govuk-checkboxes">\n'
        f"{facet_checkboxes(facet)}\n"
        "</div></fieldset></div></div>\n</details>"
    )


def facet_checkboxes(facet) -> str:
    """Values and labels are escaped once each, and kept; counts are numbers."""
    name = escape(facet.name)
    return "\n".join(
        '<div class="govuk-checkboxes__item">'
        f'<input class="govuk-checkboxes__input" id="{name}-{number}" name="{name}" '
        f'type="checkbox" value="{value}"{" checked" * option.selected}>'
        f'<label class="govuk-label govuk-checkboxes__label" for="{name}-{number}">{label} '
        f'<span class="cb-count">({int(option.count):,})</span></label></div>'
        for number, option in enumerate(facet.options, 1)
        for value, label in [escaped_option(option.value, option.label)]
    )


@lru_cache(maxsize=20_000)
def escaped_option(value: str, label: str) -> tuple[str, str]:
    return escape(value), escape(label)


@register.filter
def spread_row(spread, direction: str) -> list[int]:
    """A row of the practice page's spread table: counts by how evidenced."""
    return spread.row(direction)


@register.filter
def get_count(counts: dict, key: str) -> int:
    return counts.get(key, 0)


# Inside <script>, only these could end the block or start markup; JSON allows \u escapes.
JSON_IN_HTML = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.filter
def jsonld(data: dict) -> SafeString:
    """A JSON-LD block. Not executable, so a strict Content-Security-Policy allows it."""
    text = json.dumps(data, ensure_ascii=False).translate(JSON_IN_HTML)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))


# "Where this comes from" is built here rather than by an included template: a case study page
# shows eight or so, and each took 0.12 ms through the template engine, 0.02 ms here.


@register.simple_tag(takes_context=True)
def where_from(context, passage: str, found: dict, document, about: str, cited=None) -> SafeString:
    """The "Where this comes from" beside a figure, credit or quotation of a case study: the
    document (linked where it has an address, its publisher where that has one), the section
    and pages the passage is found in, and the passage with the sentence before and after it.
    A <details> element, so it opens without JavaScript.

    `passage` is the source's words, `found` the part's passage_context, `document` the Source
    the passage is in, `about` words for screen readers, and `cited` a document the source cites
    for this figure, if any. A context worked out for other words (the passage was edited since
    the compendium was loaded) is not shown: the case study's section and pages are."""
    study = context["casestudy"]
    if found.get("passage") != passage:
        found = {}
    section = found.get("section") or study.source_section
    if found.get("pages"):
        pages = page_range(*found["pages"][:2])
    else:
        pages = page_range(study.source_page_first, study.source_page_last)
    return format_html(
        '<details class="govuk-details cb-where-from govuk-!-margin-top-1 '
        'govuk-!-margin-bottom-2">\n'
        '  <summary class="govuk-details__summary"><span class="govuk-details__summary-text">'
        'Where this comes from<span class="govuk-visually-hidden">: {}</span></span></summary>\n'
        '  <div class="govuk-details__text">\n'
        '    <p class="govuk-body-s govuk-!-margin-bottom-2">{}{}{}{}.</p>\n'
        '    <blockquote class="govuk-body-s cb-passage">{}<strong>{}</strong>{}</blockquote>\n'
        "    {}\n"
        "  </div>\n"
        "</details>",
        about,
        document_reference(document, publisher_link=True),
        format_html(", section “{}”", section) if section else "",
        ", " if pages else "",
        pages,
        f"{found['before']} " if found.get("before") else "",
        passage,
        f" {found['after']}" if found.get("after") else "",
        format_html('<p class="govuk-body-s">The source cites: {}.</p>', document_reference(cited))
        if cited and cited != document
        else "",
    )


def document_reference(document, *, publisher_link: bool = False) -> SafeString:
    """A source's title (a link where it has an address), publisher and year."""
    title = document.title
    if document.url:
        title = format_html(
            '<a class="govuk-link" href="{}" rel="noopener">{}</a>', document.url, title
        )
    publisher = document.publisher
    if publisher and publisher_link and document.publisher_url:
        publisher = format_html(
            '<a class="govuk-link" href="{}" rel="noopener">{}</a>',
            document.publisher_url,
            publisher,
        )
    return format_html(
        "<cite>{}</cite>{}{}",
        title,
        format_html(", {}", publisher) if publisher else "",
        f", {document.year}" if document.year else "",
    )


def page_range(first: int | None, last: int | None = None) -> str:
    """As includes/pages.html: "page 12" or "pages 12–14"; "" without a first page."""
    if not first:
        return ""
    return f"page {first}" if first == last or not last else f"pages {first}–{last}"
