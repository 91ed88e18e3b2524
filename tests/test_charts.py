"""Outcome charts: accessible, self-contained SVG with words that say what the picture shows."""

import copy
import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from casebase.content.models import Grade, Indicator, Outcome
from casebase.site.charts import Chart, outcome_chart, series, series_chart

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"


def outcome(case_study: str, slug: str) -> Outcome:
    return Outcome.objects.select_related("indicator__scale", "baseline_grade", "result_grade").get(
        case_study__slug=case_study, slug=slug
    )


def outcome_for(case_study: str, indicator: str) -> Outcome:
    return Outcome.objects.select_related("indicator__scale", "baseline_grade", "result_grade").get(
        case_study__slug=case_study, indicator__slug=indicator
    )


def parsed(chart: Chart) -> ET.Element:
    return ET.fromstring(str(chart.svg))


def texts(root: ET.Element) -> list[str]:
    """What the chart prints, line by line (tspans included)."""
    drawn = [element for element in root.iter() if element.tag in {f"{SVG}text", f"{SVG}tspan"}]
    return [element.text.strip() for element in drawn if element.text and element.text.strip()]


def assert_accessible(chart: Chart) -> ET.Element:
    root = parsed(chart)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("width") == "100%"
    assert root.get("height") is None
    assert root.get("viewBox").startswith("0 0 ")
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title.text == chart.title
    assert desc.text == chart.description
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    markup = str(chart.svg)
    assert "style=" not in markup
    assert "<script" not in markup
    assert "href" not in markup  # no external references
    for element in root.iter():
        if size := element.get("font-size"):
            assert float(size) >= 14
    return root


def test_graded_improvement_is_a_step_up_the_ladder():
    leeds = outcome("leeds-teaching-hospitals", "cqc-rating-2014-2016")

    chart = outcome_chart(leeds)

    root = assert_accessible(chart)
    assert chart.title == "CQC overall rating, 2014 to 2016"
    assert chart.description.startswith(
        "CQC overall rating moved up one step on a four-step scale, "
        "from Requires improvement in 2014 to Good in 2016."
    )
    assert chart.data == [("2014", "Requires improvement"), ("2016", "Good")]
    printed = " ".join(texts(root))
    for label in ("Inadequate", "Requires", "improvement", "Good", "Outstanding", "2014", "2016"):
        assert label in printed
    assert root.find(f"{SVG}polyline") is not None
    assert len(root.findall(f"{SVG}circle")) == 2


def test_graded_outcome_with_no_result_year_still_draws():
    tameside = outcome_for("tameside-and-glossop", "cqc-overall-rating")

    chart = outcome_chart(tameside)

    root = assert_accessible(chart)
    assert chart.title == "CQC overall rating, from 2014"
    assert "moved up two steps" in chart.description
    assert "from Inadequate in 2014 to Good (year not stated)" in chart.description
    assert chart.data == [("2014", "Inadequate"), ("After (year not stated)", "Good")]
    assert {"2014", "after"} <= set(texts(root))


def test_sustained_grade_is_a_flat_line():
    leeds = outcome("leeds-teaching-hospitals", "cqc-rating-2016-2018")

    chart = outcome_chart(leeds)

    root = assert_accessible(chart)
    assert "stayed at Good" in chart.description
    assert "in 2016 and 2018" in chart.description
    points = root.find(f"{SVG}polyline").get("points").split()
    assert len({point.split(",")[1] for point in points}) == 1


def test_sustained_grade_without_years_is_before_and_after():
    exeter = outcome("exeter-college", "ofsted-outstanding-retained")

    chart = outcome_chart(exeter)

    assert_accessible(chart)
    assert "stayed at Outstanding" in chart.description
    assert chart.data == [("2014", "Outstanding"), ("After (year not stated)", "Outstanding")]


def test_band_scale_without_years():
    leeds = outcome_for("leeds-teaching-hospitals", "nhs-staff-survey-standing")

    chart = outcome_chart(leeds)

    root = assert_accessible(chart)
    assert "on a two-step scale, from Bottom 20% to Top 20% (years not stated)" in (
        chart.description
    )
    assert {"Bottom 20%", "Top 20%", "before", "after"} <= set(texts(root))


def test_single_grade_is_one_point():
    north_staffordshire = outcome("north-staffordshire-combined-healthcare", "cqc-outstanding")

    chart = outcome_chart(north_staffordshire)

    root = assert_accessible(chart)
    assert "was Outstanding, the highest grade" in chart.description
    assert len(root.findall(f"{SVG}circle")) == 1
    assert chart.data == [("Year not stated", "Outstanding")]


def test_ofsted_grade():
    oldham = outcome_for("oldham-college", "ofsted-overall-grade")

    chart = outcome_chart(oldham)

    assert_accessible(chart)
    assert chart.data == [("2017", "Requires improvement"), ("2018", "Good")]


def test_given_grades_cost_no_queries():
    leeds = outcome("leeds-teaching-hospitals", "cqc-rating-2014-2016")
    grades = list(leeds.indicator.scale.grades.all())

    with CaptureQueriesContext(connection) as queries:
        outcome_chart(leeds, grades=grades)

    assert len(queries) == 0


def test_negative_percentage_draws_left_of_zero():
    london_met = outcome_for("london-metropolitan-university", "surplus-as-share-of-income")

    chart = outcome_chart(london_met)

    root = assert_accessible(chart)
    assert chart.data == [
        ("Before (year not stated)", "-2.1%"),
        ("After (year not stated)", "5.9%"),
    ]
    assert "rose by 8 percentage points, from -2.1% to 5.9%" in chart.description
    assert {"-2.1%", "5.9%", "0%"} <= set(texts(root))
    zero = float(root.find(f"{SVG}line").get("x1"))
    deficit, surplus = (rect for rect in root.findall(f"{SVG}rect"))
    assert float(deficit.get("x")) + float(deficit.get("width")) == pytest.approx(zero)
    assert float(surplus.get("x")) == pytest.approx(zero)


def test_single_percentage_is_one_bar_out_of_a_hundred():
    surrey_heath = outcome_for("surrey-heath", "staff-proud-to-work-here")

    chart = outcome_chart(surrey_heath)

    root = assert_accessible(chart)
    assert chart.description == "Staff proud to work for the organisation was 96%."
    assert chart.data == [("Year not stated", "96%")]
    assert {"96%", "0%", "100%"} <= set(texts(root))
    track, bar = root.findall(f"{SVG}rect")
    assert float(bar.get("width")) / float(track.get("width")) == pytest.approx(0.96, abs=0.01)


def test_rank_says_one_is_best():
    rutland = outcome_for("rutland", "council-productivity-rank")

    chart = outcome_chart(rutland)

    root = assert_accessible(chart)
    assert chart.title == "Council productivity rank in England, 2018 to 2019"
    assert chart.description == (
        "Council productivity rank in England moved up three places, "
        "from 9th in 2018 to 6th in 2019 (1 is best)."
    )
    assert chart.data == [("2018", "#9"), ("2019", "#6")]
    assert {"#9", "#6", "1 is best"} <= set(texts(root))
    before, after = (float(circle.get("cx")) for circle in root.findall(f"{SVG}circle"))
    assert after < before  # nearer the best end


def test_count():
    count = Outcome(
        slug="apprentices",
        indicator=Indicator(name="Apprentices taken on", slug="apprentices", kind="count"),
        baseline_value=Decimal("120"),
        baseline_year=2019,
        result_value=Decimal("345.00"),
        result_year=2022,
        direction=Outcome.Direction.IMPROVED,
    )

    chart = outcome_chart(count)

    root = assert_accessible(chart)
    assert chart.description == "Apprentices taken on rose by 225, from 120 in 2019 to 345 in 2022."
    assert {"120", "345", "2019", "2022"} <= set(texts(root))
    assert root.get("aria-labelledby").startswith("outcome-apprentices-chart-title")


def test_narrative_outcome_has_no_chart():
    surrey_heath = outcome_for("surrey-heath", "external-review-judgement")

    assert outcome_chart(surrey_heath) is None


def test_outcome_without_values_has_no_chart():
    empty = Outcome(
        slug="empty",
        indicator=Indicator(name="Falls", slug="falls", kind="count"),
        direction=Outcome.Direction.IMPROVED,
    )

    assert outcome_chart(empty) is None


def test_ids_are_unique_per_outcome():
    leeds = Outcome.objects.filter(case_study__slug="leeds-teaching-hospitals")
    ids = {parsed(outcome_chart(each)).find(f"{SVG}title").get("id") for each in leeds}

    assert len(ids) == leeds.count()


def test_text_from_the_database_is_escaped():
    leeds = outcome("leeds-teaching-hospitals", "cqc-rating-2014-2016")
    planted = copy.copy(leeds)
    planted.indicator = copy.copy(leeds.indicator)
    planted.indicator.name = "Rating <b>& co"
    grades = list(leeds.indicator.scale.grades.all())
    nasty = Grade(scale=grades[0].scale, name="<b>Bad & worse</b>", rank=grades[0].rank)
    grades[0] = nasty

    chart = outcome_chart(planted, grades=grades)

    markup = str(chart.svg)
    assert "<b>" not in markup
    assert "&lt;b&gt;" in markup
    assert "&amp; co" in markup
    root = assert_accessible(chart)
    assert root.find(f"{SVG}title").text == "Rating <b>& co, 2014 to 2016"
    assert "<b>Bad &" in texts(root)  # the ladder label, wrapped over two lines


# --- One chart per indicator series ------------------------------------------------------


def published_outcomes(case_study: str) -> list[Outcome]:
    return list(
        Outcome.objects.select_related("indicator__scale", "baseline_grade", "result_grade")
        .filter(case_study__slug=case_study)
        .order_by("position", "id")
    )


def test_leeds_cqc_ratings_are_one_series_through_2014_2016_and_2018():
    groups = series(published_outcomes("leeds-teaching-hospitals"))

    cqc = [group for group in groups if group[0].indicator.slug == "cqc-overall-rating"]
    assert [[each.slug for each in group] for group in cqc] == [
        ["cqc-rating-2014-2016", "cqc-rating-2016-2018"]
    ]
    chart = series_chart(cqc[0])
    root = assert_accessible(chart)
    assert chart.title == "CQC overall rating, 2014 to 2018"
    assert chart.data == [("2014", "Requires improvement"), ("2016", "Good"), ("2018", "Good")]
    assert chart.description == (
        "CQC overall rating was Requires improvement in 2014 on a four-step scale, then moved "
        "up one step to Good in 2016, then stayed at Good in 2018. The scale, lowest to "
        "highest: Inadequate, Requires improvement, Good, Outstanding."
    )
    assert {"2014", "2016", "2018"} <= set(texts(root))
    # The first point hollow (the baseline), the later ones filled: not told by colour alone.
    fills = [circle.get("fill") for circle in root.findall(f"{SVG}circle")]
    assert fills == ["#ffffff", "#1d70b8", "#1d70b8"]
    points = root.find(f"{SVG}polyline").get("points").split()
    assert len(points) == 7  # a step up, then a flat step


def test_the_case_study_page_draws_the_cqc_series_once(client):
    page = client.get("/case-studies/leeds-teaching-hospitals/").content.decode()

    titles = re.findall(r'<title id="outcome-[^"]+-chart-title">([^<]*)</title>', page)
    assert titles == [
        "CQC overall rating, 2014 to 2018",
        "Standing among NHS employers, before and after",
    ]
    assert '<dt class="govuk-summary-list__key">2018</dt>' in page


def test_an_indicator_measured_once_keeps_its_own_chart():
    oldham = published_outcomes("oldham-college")
    ofsted = next(each for each in oldham if each.indicator.slug == "ofsted-overall-grade")

    assert [ofsted] in series(oldham)
    assert series_chart([ofsted]) == outcome_chart(ofsted)
    assert series_chart([ofsted]).data == [("2017", "Requires improvement"), ("2018", "Good")]


def test_a_result_without_a_year_at_an_end_keeps_its_own_chart():
    exeter = published_outcomes("exeter-college")

    ofsted = [
        group for group in series(exeter) if group[0].indicator.slug == "ofsted-overall-grade"
    ]

    assert [[each.slug for each in group] for group in ofsted] == [
        ["ofsted-grade-good-to-outstanding"],
        ["ofsted-outstanding-retained"],
    ]


def test_results_that_do_not_meet_are_not_joined():
    gap = [
        numeric_outcome("first", 120, 2019, 150, 2020),
        numeric_outcome("second", 160, 2020, 170, 2021),  # starts from another value
        numeric_outcome("third", 150, 2021, 170, 2022),  # starts in another year
    ]

    assert series(gap) == [[each] for each in gap]


APPRENTICES = Indicator(pk=10_001, name="Apprentices taken on", slug="apprentices", kind="count")
RANK = Indicator(pk=10_002, name="Productivity rank", slug="rank", kind="rank")


def numeric_outcome(slug, before, before_year, after, after_year, indicator=APPRENTICES):
    return Outcome(
        slug=slug,
        indicator=indicator,
        baseline_value=Decimal(before),
        baseline_year=before_year,
        result_value=Decimal(after),
        result_year=after_year,
        direction=Outcome.Direction.IMPROVED,
    )


def test_a_numeric_series_is_joined_in_year_order_and_said_step_by_step():
    later = numeric_outcome("later", 345, 2022, 300, 2023)
    earlier = numeric_outcome("earlier", 120, 2019, "345.00", 2022)

    (joined,) = series([later, earlier])
    chart = series_chart(joined)

    assert joined == [earlier, later]
    root = assert_accessible(chart)
    assert chart.title == "Apprentices taken on, 2019 to 2023"
    assert chart.description == (
        "Apprentices taken on was 120 in 2019, then rose by 225 to 345 in 2022, "
        "then fell by 45 to 300 in 2023."
    )
    assert len(root.findall(f"{SVG}rect")) == 3
    assert {"2019", "2022", "2023", "120", "345", "300"} <= set(texts(root))


def test_a_rank_series_says_one_is_best():
    ranks = [
        numeric_outcome("a", 9, 2018, 6, 2019, indicator=RANK),
        numeric_outcome("b", 6, 2019, 6, 2020, indicator=RANK),
    ]

    chart = series_chart(series(ranks)[0])

    assert chart.description == (
        "Productivity rank was 9th in 2018, then moved up three places to 6th in 2019, "
        "then stayed at 6th in 2020 (1 is best)."
    )
