"""Server-rendered SVG charts of a case study's outcomes, with a text alternative in words.

Pure string building: no templates, no scripts, no inline styles (the Content-Security-Policy
forbids them), only SVG presentation attributes. Every piece of text from the database goes
through `format_html`, so the markup is safe to mark safe.

Each chart is drawn in a 360-unit-wide viewBox with 18-unit text and `width="100%"`: text is
18px when the chart is 360px wide and 16px at 320px. The page should cap the chart's width
(`.cb-chart { max-width: 25rem }`, text then 20px) so it does not grow past body size.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal
from itertools import pairwise

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from casebase.content.models import Grade, Indicator, Outcome

# GOV.UK colours. Text is #0b0c0c (19:1 on white); blue, grey and green are all above 4.5:1,
# so they pass for graphic parts (3:1) and for text alike.
TEXT = "#0b0c0c"
BLUE = "#1d70b8"
GREEN = "#00703c"
GREY = "#505a5f"
WHITE = "#ffffff"

WIDTH = 360
FONT_SIZE = 18
# Rough average glyph width of a sans-serif face, in ems: enough to size label columns.
CHAR_WIDTH = 0.62 * FONT_SIZE  # wide enough for DejaVu Sans, the widest common system font
PAD = 8
LINE = FONT_SIZE * 1.15

NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


@dataclass(frozen=True)
class Chart:
    svg: SafeString
    title: str
    description: str
    data: list[tuple[str, str]]


@dataclass(frozen=True)
class _End:
    """One measurement: the baseline ("before") or the result ("after")."""

    role: str
    year: int | None
    grade: Grade | None
    value: Decimal | None
    display: str


def outcome_chart(outcome: Outcome, grades: list[Grade] | None = None) -> Chart | None:
    """The outcome as a chart, or None when there is nothing to draw.

    `grades` is the indicator's whole scale, lowest first; when None it is read from
    `outcome.indicator.scale.grades.all()`, which costs a query unless the page prefetched
    `indicator__scale__grades`.
    """
    return series_chart([outcome], grades)


def series(outcomes: Iterable[Outcome]) -> list[list[Outcome]]:
    """The results grouped into charts, in the order given: results of one indicator that
    follow on from each other, each result being the next one's baseline (the same year and
    the same grade or value), are one series, in year order. So Leeds's CQC rating, reported
    as 2014 to 2016 and 2016 to 2018, is one line through 2014, 2016 and 2018. Every other
    result is a group of its own.

    Only results with a year at both ends join a series: a point without a year has no place
    on a line over time, so a result with an undated end keeps its own chart, which says "year
    not stated" (Exeter College's Ofsted "Outstanding", kept after 2014, is drawn apart from
    its rise from 2008 to 2014). Where two results start from the same point, the first in
    year order continues the series and the other is drawn on its own.
    """
    outcomes = list(outcomes)
    chained: dict[int, list[Outcome]] = {}  # id() of each joined outcome -> its series
    open_ends: dict[tuple, list[Outcome]] = {}  # a series' last point -> the series
    dated = [outcome for outcome in outcomes if _dated_at_both_ends(outcome)]
    for outcome in sorted(dated, key=lambda each: (each.baseline_year, each.result_year)):
        line = open_ends.pop(_point(outcome, "baseline"), None) or []
        line.append(outcome)
        chained[id(outcome)] = line
        open_ends[_point(outcome, "result")] = line
    groups, drawn = [], set()
    for outcome in outcomes:
        line = chained.get(id(outcome), [outcome])
        if id(line[0]) not in drawn:
            drawn.add(id(line[0]))
            groups.append(line)
    return groups


def _dated_at_both_ends(outcome: Outcome) -> bool:
    return (
        outcome.indicator.kind != Indicator.Kind.NARRATIVE
        and outcome.baseline_year is not None
        and outcome.result_year is not None
        and len(_ends(outcome)) == 2
    )


def _point(outcome: Outcome, end: str) -> tuple:
    """Where one end of a result sits: its indicator, year and grade or value."""
    return (
        outcome.indicator_id,
        getattr(outcome, f"{end}_year"),
        getattr(outcome, f"{end}_grade_id"),
        getattr(outcome, f"{end}_value"),
    )


def series_chart(outcomes: list[Outcome], grades: list[Grade] | None = None) -> Chart | None:
    """One chart of a series from `series()`: one result, or several joined end to end.

    `grades` as for `outcome_chart`.
    """
    first = outcomes[0]
    indicator = first.indicator
    if indicator.kind == Indicator.Kind.NARRATIVE:
        return None
    ends = _ends(first)
    # Each later result starts where the one before ended: only its result is a new point.
    ends += [_ends(outcome)[-1] for outcome in outcomes[1:]]
    if not ends:
        return None
    if indicator.kind == Indicator.Kind.ORDINAL:
        ladder = _ladder(first, ends, grades)
        description = _ordinal_description(indicator.name, ends, ladder)
        body, height = _ordinal_body(ends, ladder)
    elif indicator.kind == Indicator.Kind.RANK:
        description = _rank_description(indicator.name, ends)
        body, height = _rank_body(ends)
    else:
        description = _amount_description(indicator, ends)
        body, height = _bar_body(indicator, ends)
    title = _title(indicator.name, ends)
    svg = _svg(_chart_id(first), title, description, body, height)
    return Chart(svg=svg, title=title, description=description, data=_data(ends))


# --- What there is to draw ----------------------------------------------------------------


def _ends(outcome: Outcome) -> list[_End]:
    """The measurements the outcome has, baseline first; a missing one is left out."""
    ends = [
        _End("before", outcome.baseline_year, outcome.baseline_grade, outcome.baseline_value, ""),
        _End("after", outcome.result_year, outcome.result_grade, outcome.result_value, ""),
    ]
    present = [end for end in ends if end.grade is not None or end.value is not None]
    return [
        _End(end.role, end.year, end.grade, end.value, _display(end, outcome.indicator))
        for end in present
    ]


def _display(end: _End, indicator: Indicator) -> str:
    # The same wording the rest of the site uses for a value.
    if end.grade is not None:
        return end.grade.name
    number = f"{end.value.normalize():f}"
    if indicator.kind == Indicator.Kind.PERCENTAGE:
        return f"{number}%"
    if indicator.kind == Indicator.Kind.RANK:
        return f"#{number}"
    return number


def _ladder(outcome: Outcome, ends: list[_End], grades: list[Grade] | None) -> list[Grade]:
    """The scale's grades, lowest first, always including the grades the outcome uses."""
    if grades is None:
        grades = list(outcome.indicator.scale.grades.all())
    ladder = {grade.rank: grade for grade in grades}
    for end in ends:
        ladder.setdefault(end.grade.rank, end.grade)
    return sorted(ladder.values(), key=lambda grade: grade.rank)


def _axis_label(end: _End, ends: list[_End]) -> str:
    """Short label for where a measurement sits: its year, else before/after."""
    if end.year:
        return str(end.year)
    return end.role if len(ends) > 1 else ""


def _data(ends: list[_End]) -> list[tuple[str, str]]:
    return [(_data_label(end, ends), end.display) for end in ends]


def _data_label(end: _End, ends: list[_End]) -> str:
    if end.year:
        return str(end.year)
    if len(ends) > 1:
        return f"{end.role.capitalize()} (year not stated)"
    return "Year not stated"


# --- Words ----------------------------------------------------------------------------------


def _title(name: str, ends: list[_End]) -> str:
    years = [end.year for end in ends]
    if len(ends) > 2:  # a series: every point has its year
        return f"{name}, {years[0]} to {years[-1]}"
    if len(ends) == 1:
        return f"{name}, {years[0]}" if years[0] else name
    before, after = years
    if before and after:
        return f"{name}, {before}" if before == after else f"{name}, {before} to {after}"
    if before:
        return f"{name}, from {before}"
    if after:
        return f"{name}, to {after}"
    return f"{name}, before and after"


def _from_to(ends: list[_End], show=lambda end: end.display) -> str:
    """'from A in 2014 to B in 2016', saying when a year is not stated."""
    before, after = ends
    text = f"from {show(before)}{_in_year(before)} to {show(after)}{_in_year(after)}"
    if not before.year and not after.year:
        return text.replace(" (year not stated)", "") + " (years not stated)"
    return text


def _in_year(end: _End) -> str:
    return f" in {end.year}" if end.year else " (year not stated)"


def _when_both(ends: list[_End]) -> str:
    """When a value held at both ends: 'in 2016 and 2018'."""
    before, after = ends
    if before.year and after.year:
        return f"in {before.year} and {after.year}"
    if before.year:
        return f"in {before.year} and later (year not stated)"
    if after.year:
        return f"before (year not stated) and in {after.year}"
    return "before and after (years not stated)"


def _count_words(count: int, noun: str) -> str:
    word = NUMBER_WORDS[count] if count < len(NUMBER_WORDS) else str(count)
    return f"{word} {noun}" if count == 1 else f"{word} {noun}s"


def _scale_words(size: int) -> str:
    word = NUMBER_WORDS[size] if size < len(NUMBER_WORDS) else str(size)
    return f"{word}-step scale"


def _series_description(name: str, ends: list[_End], step, on: str = "") -> str:
    """A series in words, point by point: 'X was A in 2014 on a four-step scale, then moved
    up one step to B in 2016, then stayed at B in 2018.' `step(before, after)` words one
    change ('moved up one step to B', 'stayed at B')."""
    first = ends[0]
    changes = ", then ".join(
        f"{step(before, after)} in {after.year}" for before, after in pairwise(ends)
    )
    return f"{name} was {first.display} in {first.year}{on}, then {changes}"


def _ordinal_description(name: str, ends: list[_End], ladder: list[Grade]) -> str:
    scale = _scale_words(len(ladder))
    order = ", ".join(grade.name for grade in ladder)
    closing = f" The scale, lowest to highest: {order}."
    if len(ends) > 2:

        def step(before: _End, after: _End) -> str:
            steps = _position(after.grade, ladder) - _position(before.grade, ladder)
            if steps == 0:
                return f"stayed at {after.display}"
            way = "up" if steps > 0 else "down"
            return f"moved {way} {_count_words(abs(steps), 'step')} to {after.display}"

        return _series_description(name, ends, step, on=f" on a {scale}") + f".{closing}"
    if len(ends) == 1:
        (end,) = ends
        place = _grade_place(end.grade, ladder)
        when = f" in {end.year}" if end.year else ""
        return f"{name} was {end.display}, {place} on a {scale}{when}.{closing}"
    steps = _position(ends[1].grade, ladder) - _position(ends[0].grade, ladder)
    if steps == 0:
        return f"{name} stayed at {ends[1].display} on a {scale}, {_when_both(ends)}.{closing}"
    way = "up" if steps > 0 else "down"
    moved = f"moved {way} {_count_words(abs(steps), 'step')}"
    return f"{name} {moved} on a {scale}, {_from_to(ends)}.{closing}"


def _position(grade: Grade, ladder: list[Grade]) -> int:
    return [step.rank for step in ladder].index(grade.rank)


def _grade_place(grade: Grade, ladder: list[Grade]) -> str:
    position = _position(grade, ladder)
    if position == len(ladder) - 1:
        return "the highest grade"
    if position == 0:
        return "the lowest grade"
    return f"grade {position + 1} of {len(ladder)}"


def _number(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _amount_description(indicator: Indicator, ends: list[_End]) -> str:
    name = indicator.name
    unit = " percentage points" if indicator.kind == Indicator.Kind.PERCENTAGE else ""
    if len(ends) > 2:

        def step(before: _End, after: _End) -> str:
            change = after.value - before.value
            if change == 0:
                return f"stayed at {after.display}"
            way = "rose" if change > 0 else "fell"
            return f"{way} by {_number(abs(change))}{unit} to {after.display}"

        return _series_description(name, ends, step) + "."
    if len(ends) == 1:
        (end,) = ends
        when = f" in {end.year}" if end.year else ""
        return f"{name} was {end.display}{when}."
    change = ends[1].value - ends[0].value
    if change == 0:
        return f"{name} stayed at {ends[1].display}, {_when_both(ends)}."
    way = "rose" if change > 0 else "fell"
    return f"{name} {way} by {_number(abs(change))}{unit}, {_from_to(ends)}."


def _ordinal_suffix(value: Decimal) -> str:
    """9 → '9th', 22 → '22nd'; a rank that is not a whole number keeps its '#'."""
    if value != value.to_integral_value():
        return f"#{_number(value)}"
    number = int(value)
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10)
    return f"{number}{suffix or 'th'}"


def _rank_description(name: str, ends: list[_End]) -> str:
    def place(end: _End) -> str:
        return _ordinal_suffix(end.value)

    def places(change: Decimal) -> str:
        if change == change.to_integral_value():
            return _count_words(int(abs(change)), "place")
        return f"{_number(abs(change))} places"

    if len(ends) > 2:

        def step(before: _End, after: _End) -> str:
            change = before.value - after.value
            if change == 0:
                return f"stayed at {place(after)}"
            way = "up" if change > 0 else "down"
            return f"moved {way} {places(change)} to {place(after)}"

        first = replace(ends[0], display=place(ends[0]))
        return _series_description(name, [first, *ends[1:]], step) + " (1 is best)."
    if len(ends) == 1:
        (end,) = ends
        when = f" in {end.year}" if end.year else ""
        return f"{name} was {place(end)}{when} (1 is best)."
    # A smaller rank is better, so moving up means the number fell.
    change = ends[0].value - ends[1].value
    if change == 0:
        return f"{name} stayed at {place(ends[1])}, {_when_both(ends)} (1 is best)."
    way = "up" if change > 0 else "down"
    return f"{name} moved {way} {places(change)}, {_from_to(ends, place)} (1 is best)."


# --- SVG building blocks -------------------------------------------------------------------


def _join(parts: Iterable[SafeString]) -> SafeString:
    # Every part comes from format_html, so the concatenation is safe too.
    return mark_safe("".join(parts))


def _text(x: float, y: float, content: str, anchor: str = "start", bold: bool = False):
    return format_html(
        '<text x="{}" y="{}" text-anchor="{}" font-size="{}" font-weight="{}" fill="{}">{}</text>',
        _n(x),
        _n(y),
        anchor,
        FONT_SIZE,
        700 if bold else 400,
        TEXT,
        content,
    )


def _lines_text(
    x: float, y: float, lines: list[str], anchor: str = "end", bold: bool = False
) -> SafeString:
    """Text over one or more lines, vertically centred on y."""
    first = y - (len(lines) - 1) * LINE / 2
    spans = (
        format_html('<tspan x="{}" dy="{}">{}</tspan>', _n(x), 0 if i == 0 else _n(LINE), line)
        for i, line in enumerate(lines)
    )
    return format_html(
        '<text x="{}" y="{}" text-anchor="{}" dominant-baseline="middle" font-size="{}" '
        'font-weight="{}" fill="{}">{}</text>',
        _n(x),
        _n(first),
        anchor,
        FONT_SIZE,
        700 if bold else 400,
        TEXT,
        _join(spans),
    )


def _line(x1: float, y1: float, x2: float, y2: float, colour: str, width: float, dash=""):
    dashes = format_html(' stroke-dasharray="{}"', dash) if dash else ""
    return format_html(
        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="{}"{}/>',
        _n(x1),
        _n(y1),
        _n(x2),
        _n(y2),
        colour,
        width,
        dashes,
    )


def _rect(x: float, y: float, width: float, height: float, fill: str, stroke: str = "none"):
    return format_html(
        '<rect x="{}" y="{}" width="{}" height="{}" fill="{}" stroke="{}"/>',
        _n(x),
        _n(y),
        _n(max(width, 0)),
        _n(height),
        fill,
        stroke,
    )


def _circle(x: float, y: float, fill: str, stroke: str = BLUE) -> SafeString:
    return format_html(
        '<circle cx="{}" cy="{}" r="7" fill="{}" stroke="{}" stroke-width="3"/>',
        _n(x),
        _n(y),
        fill,
        stroke,
    )


def _n(number: float) -> str:
    """Coordinates to one decimal place: short markup, no visible loss."""
    return f"{number:.1f}".rstrip("0").rstrip(".")


def _text_width(text: str) -> float:
    return len(text) * CHAR_WIDTH


def _wrap(text: str, width: int = 12) -> list[str]:
    """Greedy word wrap so long grade names ('Requires improvement') take two short lines."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    return lines or [""]


def _chart_id(outcome: Outcome) -> str:
    key = outcome.pk if outcome.pk is not None else outcome.slug or "new"
    return f"outcome-{key}-chart"


def _svg(chart_id: str, title: str, description: str, body: SafeString, height: float):
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="cb-chart" role="img" '
        'aria-labelledby="{0}-title {0}-desc" viewBox="0 0 {1} {2}" width="100%" '
        'preserveAspectRatio="xMinYMin meet">'
        '<title id="{0}-title">{3}</title><desc id="{0}-desc">{4}</desc>{5}</svg>',
        chart_id,
        WIDTH,
        _n(height),
        title,
        description,
        body,
    )


# --- Graded outcomes: a ladder ------------------------------------------------------------

ROW = 48
AXIS = 34


def _ordinal_body(ends: list[_End], ladder: list[Grade]) -> tuple[SafeString, float]:
    """The grade ladder, lowest at the bottom, with the measurements as points on it joined
    by a step line: a step up is a rise, a sustained grade is a flat line."""
    wrapped = [_wrap(grade.name) for grade in ladder]
    gutter = PAD + max(_text_width(line) for lines in wrapped for line in lines) + PAD
    plot_height = ROW * len(ladder)

    def y_of(grade: Grade) -> float:
        return plot_height - (_position(grade, ladder) + 0.5) * ROW

    parts = []
    for grade, lines in zip(ladder, wrapped, strict=True):
        y = y_of(grade)
        parts.append(_line(gutter, y, WIDTH - PAD, y, GREY, 1, dash="2 4"))
        parts.append(_lines_text(gutter - PAD, y, lines))
    xs = _point_xs(gutter, len(ends))
    parts.append(_step_line(xs, [y_of(end.grade) for end in ends]))
    for x, end in zip(xs, ends, strict=True):
        # Hollow for the baseline, filled for the result: shape as well as position.
        parts.append(_circle(x, y_of(end.grade), WHITE if end.role == "before" else BLUE))
        if label := _axis_label(end, ends):
            parts.append(_text(x, plot_height + AXIS - 10, label, anchor="middle"))
    parts.append(_line(gutter, plot_height, WIDTH - PAD, plot_height, GREY, 1))
    has_axis_labels = any(_axis_label(end, ends) for end in ends)
    return _join(parts), plot_height + (AXIS if has_axis_labels else PAD)


def _point_xs(left: float, count: int) -> list[float]:
    """Points evenly spaced, each in the middle of its share of the width (one in the middle,
    two at a quarter and three quarters). A series is spaced evenly, not by its years: its
    years are printed under each point, and years a year apart would otherwise collide."""
    span = WIDTH - PAD - left
    return [left + span * (index + 0.5) / count for index in range(count)]


def _step_line(xs: list[float], ys: list[float]) -> SafeString:
    if len(xs) == 1:
        return SafeString("")
    points = [(xs[0], ys[0])]
    for (x1, x2), (y1, y2) in zip(pairwise(xs), pairwise(ys), strict=True):
        middle = (x1 + x2) / 2
        points += [(middle, y1), (middle, y2), (x2, y2)]
    return format_html(
        '<polyline points="{}" fill="none" stroke="{}" stroke-width="3" stroke-linejoin="round"/>',
        " ".join(f"{_n(x)},{_n(y)}" for x, y in points),
        BLUE,
    )


# --- Numbers: bars and positions ----------------------------------------------------------

BAR_ROW = 44
BAR = 26


def _columns(ends: list[_End]) -> tuple[float, float]:
    """Left edge and right edge of the plot: row labels on the left, values on the right."""
    labels = [_axis_label(end, ends) for end in ends]
    widest_label = max(_text_width(label) for label in labels)
    left = PAD + widest_label + (PAD if widest_label else 0)
    widest_value = max(_text_width(end.display) for end in ends) * 1.1  # values are bold
    return left, WIDTH - PAD - widest_value - PAD


def _row_frame(ends: list[_End], top: float, index: int) -> list[SafeString]:
    end = ends[index]
    middle = top + BAR_ROW / 2
    parts = [_lines_text(WIDTH - PAD, middle, [end.display], anchor="end", bold=True)]
    if label := _axis_label(end, ends):
        parts.append(_lines_text(PAD, middle, [label], anchor="start"))
    return parts


def _bar_body(indicator: Indicator, ends: list[_End]) -> tuple[SafeString, float]:
    """Horizontal bars from a zero line, one per measurement, baseline first. Negative values
    (a deficit) run left of zero."""
    low, high, whole_track = _bar_domain(indicator, [end.value for end in ends])
    left, right = _columns(ends)

    def x_of(value: Decimal) -> float:
        return left + float((value - low) / (high - low)) * (right - left)

    parts = []
    for index, end in enumerate(ends):
        bar_top = index * BAR_ROW + (BAR_ROW - BAR) / 2
        if whole_track:
            parts.append(_rect(left, bar_top, right - left, BAR, WHITE, stroke=GREY))
        start, stop = sorted((x_of(Decimal(0)), x_of(end.value)))
        colour = GREY if end.role == "before" and len(ends) > 1 else BLUE
        parts.append(_rect(start, bar_top, stop - start, BAR, colour))
        parts.extend(_row_frame(ends, index * BAR_ROW, index))
    plot_height = BAR_ROW * len(ends)
    parts.append(_line(x_of(Decimal(0)), 0, x_of(Decimal(0)), plot_height, TEXT, 2))
    if low == 0 and not whole_track:
        return _join(parts), plot_height  # plain bars from zero need no axis
    unit = "%" if indicator.kind == Indicator.Kind.PERCENTAGE else ""
    ticks = {low, Decimal(0), high} if whole_track else {Decimal(0)}
    for tick in sorted(ticks):
        x = x_of(tick)
        parts.append(_text(x, plot_height + AXIS - 10, f"{_number(tick)}{unit}", _anchor(x)))
    return _join(parts), plot_height + AXIS


def _bar_domain(indicator: Indicator, values: list[Decimal]) -> tuple[Decimal, Decimal, bool]:
    """From the lowest to the highest value, always including zero, and whether that is the
    whole hundred: percentages all within 0 to 100 (or -100 to 0) are drawn against it, with
    the hundred as a track, so 96% reads as nearly all and -50% as half."""
    low, high = min(Decimal(0), *values), max(Decimal(0), *values)
    if indicator.kind == Indicator.Kind.PERCENTAGE:
        if low == 0 and high <= 100:
            return Decimal(0), Decimal(100), True
        if high == 0 and low >= -100:
            return Decimal(-100), Decimal(0), True
    return low, (high if high > low else low + 1), False


def _anchor(x: float) -> str:
    """Text anchored so a label at either edge of the chart stays inside it."""
    if x < WIDTH / 4:
        return "start"
    return "end" if x > WIDTH * 3 / 4 else "middle"


def _rank_body(ends: list[_End]) -> tuple[SafeString, float]:
    """A rank is a position, not an amount: a longer bar would make the better rank look
    smaller. So each measurement is a marker on a track that starts at 1 (best) on the left;
    the nearer the left, the better. The track ends one place past the lowest rank shown,
    since the sources do not say how many were ranked."""
    worst = max(end.value for end in ends)
    last = max(worst + 1, Decimal(2))
    left, right = _columns(ends)

    def x_of(value: Decimal) -> float:
        return left + float((value - 1) / (last - 1)) * (right - left)

    parts = []
    for index, end in enumerate(ends):
        middle = index * BAR_ROW + BAR_ROW / 2
        parts.append(_line(left, middle, right, middle, GREY, 2))
        parts.append(_line(left, middle - 8, left, middle + 8, GREY, 2))
        fill = WHITE if end.role == "before" and len(ends) > 1 else BLUE
        parts.append(_circle(x_of(end.value), middle, fill))
        parts.extend(_row_frame(ends, index * BAR_ROW, index))
    plot_height = BAR_ROW * len(ends)
    parts.append(_text(left, plot_height + AXIS - 10, "1 is best", anchor="start"))
    return _join(parts), plot_height + AXIS
