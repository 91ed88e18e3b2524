import json
from functools import lru_cache

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from casebase.content.models import Outcome

register = template.Library()


@register.simple_tag
def outcome_change(outcome: Outcome) -> str:
    """An outcome in words: "Requires improvement (2014) → Good (2016)"."""
    baseline = dated(outcome.baseline, outcome.baseline_year)
    result = dated(outcome.result, outcome.result_year)
    if baseline and result:
        return f"{baseline} → {result}"
    return result or baseline


def dated(value: str, year: int | None) -> str:
    if value and year:
        return f"{value} ({year})"
    return value or (str(year) if year else "")


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


@register.simple_tag
def facet_checkboxes(facet) -> SafeString:
    """A catalogue facet's options as GOV.UK checkboxes, each with its count. Built here rather
    than in a template loop: a catalogue page shows about a hundred, and rendering them through
    the template engine (or format_html, escaping every part of every one) was a third of the
    page's time. Values and labels are escaped once each, and kept; counts are numbers."""
    name = escape(facet.name)
    return mark_safe(
        "\n".join(
            '<div class="govuk-checkboxes__item">'
            f'<input class="govuk-checkboxes__input" id="{name}-{number}" name="{name}" '
            f'type="checkbox" value="{value}"{" checked" * option.selected}>'
            f'<label class="govuk-label govuk-checkboxes__label" for="{name}-{number}">{label} '
            f'<span class="cb-count">({int(option.count)})</span></label></div>'
            for number, option in enumerate(facet.options, 1)
            for value, label in [escaped_option(option.value, option.label)]
        )
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
