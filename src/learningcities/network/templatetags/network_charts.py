"""Server-drawn SVG charts of the network's growth: no JavaScript, readable at a glance.

Each chart is an ``<svg role="img">`` with a ``<title>`` and a ``<desc>`` that
says what it shows in one sentence; the page gives the figures as a table too.

Right to left: the geometry does not mirror. Time runs from left to right and the
count axis stands on the left in every language, as in the statistical charts that
UNESCO, ESCWA and the Arab press publish in Arabic (a timeline that ran the other way
in Arabic only would mislead a reader comparing two editions). The drawing is set
``direction="ltr"`` so that ``text-anchor="end"`` keeps the tick figures to the left
of the axis (an inherited right-to-left direction would turn "end" into the left edge
and draw them over the bars); the texts made of words (the axis titles) carry the
language's own direction, so an Arabic sentence with a date in it reads in order.
"""

import math
from dataclasses import dataclass

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.formats import date_format
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _

from ..domain.queries.stats import GrowthPoint
from ..enums import Region

register = template.Library()

WIDTH = 760
HEIGHT = 340
MARGIN_LEFT = 72
MARGIN_RIGHT = 16
MARGIN_TOP = 30
MARGIN_BOTTOM = 64


def nice_ticks(maximum: int, target: int = 5) -> list[int]:
    """Return round tick values from 0 covering ``maximum`` (about ``target`` steps)."""
    if maximum <= 0:
        return [0, 1]
    raw = maximum / target
    magnitude = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    step = max(int(step), 1)
    top = math.ceil(maximum / step) * step
    return list(range(0, top + step, step))


def point_label(point: GrowthPoint) -> str:
    """Return the x-axis label of a point: its year (a year's end, or the as-of day)."""
    return str(point.date.year)


@dataclass
class Segment:
    css: str
    y: float
    height: float
    value: int
    label: str
    text_y: float = 0
    show_value: bool = False


@dataclass
class Bar:
    x: float
    width: float
    y: float
    height: float
    value: int
    value_text: str
    label: str
    label_x: float
    value_y: float
    show_label: bool
    show_value: bool
    segments: list[Segment]


def _frame(points: list[GrowthPoint], values: list[int]) -> dict:
    ticks = nice_ticks(max(values, default=0))
    top = ticks[-1]
    plot_width = WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    plot_height = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    n = max(len(points), 1)
    slot = plot_width / n
    bar_width = min(slot * 0.7, 64)
    # Label every year when there is room, else every k-th (the last always).
    every = max(1, math.ceil(42 / slot))
    show_values_everywhere = slot >= 38
    baseline = MARGIN_TOP + plot_height

    def y_of(value: float) -> float:
        return baseline - (value / top) * plot_height

    return {
        "ticks": [{"y": round(y_of(t), 1), "text": intcomma(t), "value": t} for t in ticks],
        "top": top,
        "slot": slot,
        "bar_width": bar_width,
        "every": every,
        "show_values_everywhere": show_values_everywhere,
        "baseline": baseline,
        "y_of": y_of,
        "n": n,
    }


def _bars(points: list[GrowthPoint], values: list[int], frame: dict) -> list[Bar]:
    bars = []
    last = len(points) - 1
    for i, (point, value) in enumerate(zip(points, values, strict=True)):
        x = MARGIN_LEFT + frame["slot"] * i + (frame["slot"] - frame["bar_width"]) / 2
        y = frame["y_of"](value)
        bars.append(
            Bar(
                x=round(x, 1),
                width=round(frame["bar_width"], 1),
                y=round(y, 1),
                height=round(frame["baseline"] - y, 1),
                value=value,
                value_text=intcomma(value),
                label=point_label(point),
                label_x=round(x + frame["bar_width"] / 2, 1),
                value_y=round(y - 7, 1),
                show_label=(last - i) % frame["every"] == 0,
                show_value=frame["show_values_everywhere"] or i == last,
                segments=[],
            )
        )
    return bars


def _description(points: list[GrowthPoint], values: list[int], *, by_region: bool) -> str:
    """Say in one sentence what the chart shows, from its first members to its last bar."""
    if not points or not any(values):
        return _("No city was a member yet on these dates.")
    first_point, first_value = _first_with_members(points, values)
    figures = {
        "first": intcomma(first_value),
        "first_year": first_point.date.year,
        "last": intcomma(values[-1]),
        "last_date": date_format(points[-1].date, "DATE_FORMAT"),
    }
    if first_point is points[-1]:
        return _("Member cities on %(last_date)s: %(last)s.") % figures
    if by_region:
        return (
            _(
                "Member cities at the end of each year, stacked by UNESCO region: from "
                "%(first)s at the end of %(first_year)s to %(last)s on %(last_date)s."
            )
            % figures
        )
    return (
        _(
            "Member cities at the end of each year: from %(first)s at the end of "
            "%(first_year)s to %(last)s on %(last_date)s."
        )
        % figures
    )


def _first_with_members(points: list[GrowthPoint], values: list[int]) -> tuple[GrowthPoint, int]:
    """The first point with members and its value (there must be one)."""
    return next((p, v) for p, v in zip(points, values, strict=True) if v)


def _x_axis_title(points: list[GrowthPoint]) -> str:
    if not points:
        return ""
    return _("End of each year; the last bar: %(date)s") % {
        "date": date_format(points[-1].date, "DATE_FORMAT")
    }


def _base_context(chart_id: str, title: str, desc: str, frame: dict) -> dict:
    return {
        "chart_id": chart_id,
        "text_direction": "rtl" if get_language_bidi() else "ltr",
        "title": title,
        "desc": desc,
        "width": WIDTH,
        "height": HEIGHT,
        "left": MARGIN_LEFT,
        "tick_x": MARGIN_LEFT - 8,
        "right": WIDTH - MARGIN_RIGHT,
        "top": MARGIN_TOP,
        "baseline": frame["baseline"],
        "ticks": frame["ticks"],
        "y_axis_title": _("Member cities"),
        "x_axis_title": "",
        "y_title_x": 16,
        "y_title_y": MARGIN_TOP + (frame["baseline"] - MARGIN_TOP) / 2,
        "x_title_x": MARGIN_LEFT + (WIDTH - MARGIN_LEFT - MARGIN_RIGHT) / 2,
        "x_title_y": HEIGHT - 10,
        "x_label_y": frame["baseline"] + 20,
    }


@register.inclusion_tag("network/charts/bars.html")
def growth_bar_chart(points: list[GrowthPoint], chart_id: str = "growth-chart") -> dict:
    """Draw the number of member cities at each point as labelled bars."""
    values = [p.member_cities for p in points]
    frame = _frame(points, values)
    context = _base_context(
        chart_id,
        _("Growth of the network: member cities"),
        _description(points, values, by_region=False),
        frame,
    )
    context["bars"] = _bars(points, values, frame)
    context["stacked"] = False
    context["x_axis_title"] = _x_axis_title(points)
    return context


@register.inclusion_tag("network/charts/bars.html")
def region_growth_chart(points: list[GrowthPoint], chart_id: str = "region-chart") -> dict:
    """Draw member cities at each point as bars stacked by UNESCO region, total on top."""
    values = [p.member_cities for p in points]
    frame = _frame(points, values)
    bars = _bars(points, values, frame)
    for bar, point in zip(bars, points, strict=True):
        bar.segments = _segments(point, frame["y_of"], last=bar is bars[-1])
    context = _base_context(
        chart_id,
        _("Growth of the network by region"),
        _description(points, values, by_region=True),
        frame,
    )
    context["bars"] = bars
    context["stacked"] = True
    context["x_axis_title"] = _x_axis_title(points)
    return context


def _segments(point: GrowthPoint, y_of, *, last: bool) -> list[Segment]:
    """The parts of a bar, one per region with members, stacked from the baseline up."""
    segments = []
    running = 0
    for region in Region:
        count = point.by_region.get(region.value, 0)
        if count:
            segments.append(_segment(region, count, y_of(running + count), y_of(running), last))
            running += count
    return segments


def _segment(region: Region, count: int, y_top: float, y_bottom: float, last: bool) -> Segment:
    return Segment(
        css=f"fill-{region.value}",
        y=round(y_top, 1),
        height=round(y_bottom - y_top, 1),
        value=count,
        label=str(region.label),
        text_y=round((y_top + y_bottom) / 2, 1),
        # The last bar names its parts when they are tall enough to read.
        show_value=last and y_bottom - y_top >= 18,
    )


@register.filter
def region_css(region: str) -> str:
    """Return the CSS class suffix of a region (its value), or ``none``."""
    return region or "none"
