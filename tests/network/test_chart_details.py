"""The charts' sentences and stacked segments, read from the tags' context."""

import datetime as dt

from learningcities.network.domain.queries.stats import GrowthPoint
from learningcities.network.templatetags.network_charts import (
    growth_bar_chart,
    region_growth_chart,
)


def point(year: int, total: int, by_region: dict | None = None) -> GrowthPoint:
    return GrowthPoint(
        date=dt.date(year, 12, 31),
        member_cities=total,
        countries=1,
        population=0,
        by_region=by_region or {},
    )


def test_description_starts_at_the_first_year_with_members():
    context = growth_bar_chart([point(2014, 0), point(2015, 12), point(2016, 30)])

    assert context["desc"] == (
        "Member cities at the end of each year: from 12 at the end of 2015 to 30 on 31 Dec 2016."
    )


def test_description_of_members_on_the_last_date_only():
    context = growth_bar_chart([point(2014, 0), point(2015, 7)])

    assert context["desc"] == "Member cities on 31 Dec 2015: 7."


def test_description_of_no_points_says_there_were_no_members():
    context = growth_bar_chart([])

    assert context["desc"] == "No city was a member yet on these dates."
    assert context["x_axis_title"] == ""


def test_region_chart_stacks_in_region_order_and_names_tall_parts_of_the_last_bar():
    points = [
        point(2016, 10, {"asia_pacific": 6, "africa": 4}),
        point(2017, 100, {"africa": 2, "europe_north_america": 98}),
    ]

    context = region_growth_chart(points)

    assert context["desc"] == (
        "Member cities at the end of each year, stacked by UNESCO region: "
        "from 10 at the end of 2016 to 100 on 31 Dec 2017."
    )
    segments = [
        [(s.css, s.value, s.label, s.show_value) for s in bar.segments] for bar in context["bars"]
    ]
    assert segments == [
        [
            ("fill-africa", 4, "Africa", False),
            ("fill-asia_pacific", 6, "Asia and the Pacific", False),
        ],
        [
            ("fill-africa", 2, "Africa", False),
            ("fill-europe_north_america", 98, "Europe and North America", True),
        ],
    ]
    last = context["bars"][-1]
    assert [(s.y, s.height, s.text_y) for s in last.segments] == [
        (round(s.y, 1), round(s.height, 1), round(s.text_y, 1)) for s in last.segments
    ]
    assert last.segments[0].y + last.segments[0].height == context["baseline"]
    assert last.segments[1].y + last.segments[1].height == last.segments[0].y
