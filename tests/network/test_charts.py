"""Server-drawn SVG charts: readable figures, valid numbers in every language."""

import datetime as dt
import re

import pytest
from django.template import Context, Template
from django.utils import translation

from learningcities.network.domain.queries.stats import GrowthPoint
from learningcities.network.templatetags.network_charts import nice_ticks


def point(year: int, total: int, by_region: dict | None = None, day=(12, 31)) -> GrowthPoint:
    return GrowthPoint(
        date=dt.date(year, *day),
        member_cities=total,
        countries=1,
        population=0,
        by_region=by_region or {},
    )


def render(tag: str, points: list[GrowthPoint]) -> str:
    template = Template("{% load network_charts %}{% " + tag + ' points "c" %}')
    return template.render(Context({"points": points}))


@pytest.mark.parametrize(
    ("maximum", "ticks"),
    [
        (0, [0, 1]),
        (1, [0, 1]),
        (4, [0, 1, 2, 3, 4]),
        (246, [0, 50, 100, 150, 200, 250]),
        (425, [0, 100, 200, 300, 400, 500]),
        (10_000, [0, 2000, 4000, 6000, 8000, 10_000]),
    ],
)
def test_nice_ticks_cover_the_maximum_with_round_steps(maximum, ticks):
    assert nice_ticks(maximum) == ticks


def test_growth_bar_chart_has_title_description_axis_and_value_labels():
    svg = render("growth_bar_chart", [point(2016, 115), point(2020, 230), point(2025, 425)])

    assert 'role="img"' in svg
    assert 'aria-labelledby="c-title c-desc"' in svg
    assert '<title id="c-title">Growth of the network: member cities</title>' in svg
    assert "from 115 at the end of 2016 to 425 on 31 Dec 2025." in svg
    assert ">425</text>" in svg
    assert ">2016</text>" in svg
    assert ">Member cities</text>" in svg


def test_region_growth_chart_stacks_regions_and_labels_the_last_bar():
    points = [
        point(2016, 10, {"africa": 4, "asia_pacific": 6}),
        point(2017, 60, {"africa": 20, "asia_pacific": 40}),
    ]

    svg = render("region_growth_chart", points)

    assert svg.count('class="fill-africa"') == 2
    assert svg.count('class="fill-asia_pacific"') == 2
    assert 'class="segment-label"' in svg
    assert ">40</text>" in svg
    assert ">60</text>" in svg


def test_chart_coordinates_stay_plain_numbers_in_french():
    with translation.override("fr"):
        svg = render("growth_bar_chart", [point(2016, 3), point(2017, 7), point(2018, 1234)])

    coordinates = re.findall(r' (?:x|y|width|height|x1|x2|y1|y2)="([^"]*)"', svg)
    assert coordinates
    assert all(re.fullmatch(r"-?\d+(\.\d+)?", value) for value in coordinates)
    assert ">1\xa0234</text>" in svg  # the figure itself is localised


def test_chart_of_a_network_without_members_says_so():
    svg = render("growth_bar_chart", [point(2010, 0, day=(6, 1))])

    assert "No city was a member yet on these dates." in svg
