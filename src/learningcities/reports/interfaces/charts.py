"""Server-drawn SVG charts of reports: bars and lines, no JavaScript, the same on pages and PDFs.

Each chart is an ``<svg role="img">`` named by its ``<title>`` and described
by a ``<desc>`` (one sentence); the page and the PDF give its figures as a
table too. Colours and sizes are presentation attributes (the pages' CSP
allows no inline style, and the PDF has no site stylesheet), so WeasyPrint
draws the chart as the browser does.

As the network's charts (``network_charts``), the geometry does not mirror in
a right-to-left language: the drawing is ``direction="ltr"`` so that
``text-anchor="end"`` keeps labels beside the axis; each label keeps its own
script's direction.
"""

import math
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.formats import date_format, number_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _

from ..domain.cycles import local_date

# Distinct at a glance, each at least 4.5:1 on white.
PALETTE = ("#0b5cad", "#b35c00", "#1f6f43", "#6a3fa0", "#b0203d", "#4a5560")
INK, MUTED, LINE = "#1b1f24", "#4a5560", "#d3d9df"
FONT = "Noto Sans, Noto Sans Arabic, Noto Sans CJK SC, DejaVu Sans, sans-serif"
WIDTH = 640
LABEL_WIDTH = 230  # the label column of a bar chart
VALUE_ROOM = 84  # room after the longest bar for its value ("100% (1,234)")
LEGEND_ROW = 22
LABEL_ROOM = 0.15  # the share of a line chart's width two x labels keep apart
MARKED_POINTS = 24  # a line of more points marks its last only
NONE = "\u2013"  # an en dash: no value


def _n(value: float) -> str:
    """A coordinate as SVG reads it (never localised)."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _width_of(text: str) -> int:
    """Return how many half-width cells ``text`` takes (CJK characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def fit(text: str, cells: int) -> str:
    """Return ``text`` cut to ``cells`` half-width cells, with an ellipsis when cut."""
    if _width_of(text) <= cells:
        return text
    out, used = "", 0
    for ch in text:
        used += 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        if used > cells - 1:
            break
        out += ch
    return out.rstrip() + "…"


def nice_ticks(maximum: float, target: int = 5) -> list[float]:
    """Return round tick values from 0 to at least ``maximum`` (about ``target`` steps)."""
    if maximum <= 0:
        return [0, 1]
    raw = maximum / target
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    top = math.ceil(maximum / step - 1e-9) * step
    count = round(top / step)
    return [round(step * i, 10) for i in range(count + 1)]


def _open(chart_id: str, title: str, desc: str, height: float) -> SafeString:
    return format_html(
        '<svg class="chart report-chart" viewBox="0 0 {w} {h}" width="{w}" height="{h}" '
        'direction="ltr" role="img" aria-labelledby="{id}-title {id}-desc" id="{id}" '
        'font-family="{font}" font-size="13" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>',
        w=WIDTH,
        h=_n(height),
        id=chart_id,
        font=FONT,
        title=title,
        desc=desc,
    )


def _legend(series: Sequence[str], top: float) -> tuple[SafeString, float]:
    """Return the legend (a swatch and a name per series, wrapped) and the height it takes."""
    if len(series) < 2:
        return mark_safe(""), 0
    parts, x, y = [], 8.0, top
    for index, name in enumerate(series):
        label = fit(name, 34)
        room = 24 + _width_of(label) * 7.2 + 16
        if x + room > WIDTH and x > 8:
            x, y = 8.0, y + LEGEND_ROW
        parts.append(
            format_html(
                '<rect x="{}" y="{}" width="14" height="14" fill="{}"/>'
                '<text x="{}" y="{}" fill="{}" dominant-baseline="middle">{}</text>',
                _n(x),
                _n(y),
                PALETTE[index % len(PALETTE)],
                _n(x + 20),
                _n(y + 7),
                INK,
                label,
            )
        )
        x += room
    return mark_safe("".join(parts)), y - top + LEGEND_ROW + 6  # noqa: S308 (built by format_html)


@dataclass(frozen=True)
class BarGroup:
    """A row of a bar chart: its label, and a value (None: none) with its text per series."""

    label: str
    values: Sequence[float | None]
    texts: Sequence[str]
    full_label: str = ""


def bar_chart(
    chart_id: str,
    *,
    title: str,
    desc: str,
    groups: Sequence[BarGroup],
    series: Sequence[str],
    maximum: float,
    tick_text: Callable[[float], str] = lambda value: f"{value:g}",
) -> SafeString:
    """Draw horizontal bars: a row per group, a bar per series (coloured as in the legend).

    ``maximum`` is the end of the scale (5 for a rating from 1 to 5, 100 for
    a percentage). A missing value draws no bar and an en dash.
    """
    legend, legend_height = _legend(series, 8)
    count = max(len(series), 1)
    bar = 14 if count > 1 else 20
    group_height = bar * count + 2 * (count - 1) + 14
    top = 8 + legend_height + 4
    plot_height = group_height * max(len(groups), 1)
    height = top + plot_height + 30
    left, right = LABEL_WIDTH + 8, WIDTH - VALUE_ROOM
    ticks = nice_ticks(maximum)
    scale = (right - left) / (ticks[-1] or 1)
    parts = [_open(chart_id, title, desc, height), legend]
    for tick in ticks:
        x = left + tick * scale
        parts.append(
            format_html(
                '<line x1="{x}" x2="{x}" y1="{t}" y2="{b}" stroke="{c}" stroke-width="1"/>'
                '<text x="{x}" y="{ty}" fill="{m}" text-anchor="middle">{text}</text>',
                x=_n(x),
                t=_n(top),
                b=_n(top + plot_height),
                c=LINE,
                ty=_n(top + plot_height + 18),
                m=MUTED,
                text=tick_text(tick),
            )
        )
    for row, group in enumerate(groups):
        y0 = top + row * group_height + 7
        middle = y0 + (group_height - 14) / 2
        parts.append(
            format_html(
                '<text x="{}" y="{}" fill="{}" text-anchor="end" dominant-baseline="middle">'
                "<title>{}</title>{}</text>",
                _n(LABEL_WIDTH),
                _n(middle),
                INK,
                group.full_label or group.label,
                fit(group.label, 34),
            )
        )
        for index, (value, text) in enumerate(zip(group.values, group.texts, strict=True)):
            y = y0 + index * (bar + 2)
            name = series[index] if series else ""
            if value is None:
                parts.append(
                    format_html(
                        '<text x="{}" y="{}" fill="{}" dominant-baseline="middle">{}</text>',
                        _n(left + 4),
                        _n(y + bar / 2),
                        MUTED,
                        NONE,
                    )
                )
                continue
            length = max(value, 0) * scale
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}</title></rect>'
                    '<text x="{}" y="{}" fill="{}" dominant-baseline="middle">{}</text>',
                    _n(left),
                    _n(y),
                    _n(length),
                    bar,
                    PALETTE[index % len(PALETTE)],
                    f"{group.full_label or group.label} · {name}: {text}" if name else text,
                    _n(left + length + 4),
                    _n(y + bar / 2),
                    INK,
                    text,
                )
            )
    parts.append(
        format_html(
            '<line x1="{x}" x2="{x}" y1="{t}" y2="{b}" stroke="{c}" stroke-width="1"/></svg>',
            x=_n(left),
            t=_n(top),
            b=_n(top + plot_height),
            c=MUTED,
        )
    )
    return mark_safe("".join(parts))  # noqa: S308 (every part built by format_html)


def _anchor(position: float) -> str:
    """Where a text at ``position`` (0 to 1 across) hangs, so that it stays inside the chart."""
    if position <= 0.02:
        return "start"
    return "end" if position >= 0.98 else "middle"


@dataclass(frozen=True)
class LinePoint:
    """A point of a line chart: where it stands (0 to 1 across), its value and its texts."""

    position: float
    value: float
    text: str
    label: str = ""


def line_chart(
    chart_id: str,
    *,
    title: str,
    desc: str,
    points: Sequence[LinePoint],
    x_ticks: Sequence[tuple[float, str]],
    tick_text: Callable[[float], str] = lambda value: f"{value:g}",
    label_points: bool = True,
    height: float = 220,
) -> SafeString:
    """Draw a line through ``points`` over a scale from 0, with the x labels ``x_ticks``.

    ``position`` runs from 0 (left) to 1 (right). ``label_points``: write each
    point's value above it (for a few points; a long timeline labels its last).
    """
    left, right, top, bottom = 64, WIDTH - 24, 16, height - 34
    ticks = nice_ticks(max((point.value for point in points), default=0))
    scale = (bottom - top) / (ticks[-1] or 1)

    def x_of(position: float) -> float:
        return left + position * (right - left)

    def y_of(value: float) -> float:
        return bottom - max(value, 0) * scale

    parts = [_open(chart_id, title, desc, height)]
    for tick in ticks:
        parts.append(
            format_html(
                '<line x1="{l}" x2="{r}" y1="{y}" y2="{y}" stroke="{c}" stroke-width="1"/>'
                '<text x="{tx}" y="{y}" fill="{m}" text-anchor="end" dominant-baseline="middle">'
                "{text}</text>",
                l=_n(left),
                r=_n(right),
                y=_n(y_of(tick)),
                c=LINE,
                tx=_n(left - 6),
                m=MUTED,
                text=tick_text(tick),
            )
        )
    for position, label in x_ticks:
        anchor = _anchor(position)
        parts.append(
            format_html(
                '<text x="{}" y="{}" fill="{}" text-anchor="{}">{}</text>',
                _n(x_of(position)),
                _n(bottom + 20),
                MUTED,
                anchor,
                fit(label, 22),
            )
        )
    if len(points) > 1:
        parts.append(
            format_html(
                '<polyline points="{}" fill="none" stroke="{}" stroke-width="2.5"/>',
                " ".join(f"{_n(x_of(p.position))},{_n(y_of(p.value))}" for p in points),
                PALETTE[0],
            )
        )
    last = len(points) - 1
    for index, point in enumerate(points):
        x, y = x_of(point.position), y_of(point.value)
        if len(points) > MARKED_POINTS and index != last:
            continue  # a long line: its last point only is marked
        parts.append(
            format_html(
                '<circle cx="{}" cy="{}" r="4" fill="{}"><title>{}</title></circle>',
                _n(x),
                _n(y),
                PALETTE[0],
                f"{point.label}: {point.text}" if point.label else point.text,
            )
        )
        if label_points or index == last:
            anchor = (
                "start" if point.position <= 0.02 else "end" if point.position >= 0.98 else "middle"
            )
            parts.append(
                format_html(
                    '<text x="{}" y="{}" fill="{}" text-anchor="{}" font-weight="700">{}</text>',
                    _n(x),
                    _n(max(y - 8, top + 10)),
                    INK,
                    anchor,
                    point.text,
                )
            )
    parts.append(
        format_html(
            '<line x1="{l}" x2="{r}" y1="{b}" y2="{b}" stroke="{c}" stroke-width="1"/></svg>',
            l=_n(left),
            r=_n(right),
            b=_n(bottom),
            c=MUTED,
        )
    )
    return mark_safe("".join(parts))  # noqa: S308 (every part built by format_html)


def spread(count: int) -> list[float]:
    """Return ``count`` positions evenly across (one point: the middle)."""
    if count <= 1:
        return [0.5] * count
    return [index / (count - 1) for index in range(count)]


# --- the charts of the reports' pages and PDFs -------------------------------------------


def percent(rate: float | None) -> str:
    """Return a rate (0 to 1) as a whole percentage in the active language; NONE for none."""
    if rate is None:
        return NONE
    return _("%(percent)s%%") % {"percent": number_format(round(rate * 100))}


def rating_text(mean: Decimal | None) -> str:
    """Return a mean rating with one decimal in the active language; NONE for none."""
    return NONE if mean is None else number_format(mean, decimal_pos=1)


def figure_text(value: Decimal | None, unit: str = "") -> str:
    """Return a figure as the active language writes it, with its unit."""
    if value is None:
        return NONE
    return f"{number_format(value.normalize(), force_grouping=True)} {unit}".strip()


def _rating_tick(value: float) -> str:
    return number_format(value, decimal_pos=0 if value == int(value) else 1)


def _percent_tick(value: float) -> str:
    return percent(value / 100)


def area_label(area) -> str:
    """An area's label in a chart: its code and title; its code only in a right-to-left language.

    WeasyPrint lays out an SVG text without the bidirectional algorithm's
    reordering of a mixed line nor Arabic marks over their letters; the table
    beside the chart names each area in full.
    """
    return area.code if get_language_bidi() else f"{area.code} {area.title}"


def self_assessment_charts(progress) -> list[tuple[object, SafeString]]:
    """Return ``(section, chart)``: per section, its areas' self-assessment in each cycle."""
    counted = progress.counted
    series = [entry.cycle.code for entry in counted]  # as the table's columns
    charts = []
    for number, section in enumerate(progress.sections, start=1):
        if not any(area.has_ratings for area in section.areas):
            continue
        groups = [
            BarGroup(
                label=area_label(area),
                full_label=f"{area.code} {area.title}",
                values=[None if mean is None else float(mean) for mean in area.means],
                texts=[rating_text(mean) for mean in area.means],
            )
            for area in section.areas
        ]
        charts.append(
            (
                section,
                bar_chart(
                    f"self-assessment-{number}",
                    title=_("Self-assessment: %(section)s") % {"section": section.title},
                    desc=_(
                        "The mean rating of each area's features, from 1 to %(top)s, in each "
                        "cycle the city reported on (oldest first)."
                    )
                    % {"top": progress.scale_max},
                    groups=groups,
                    series=series,
                    maximum=progress.scale_max,
                    tick_text=_rating_tick,
                ),
            )
        )
    return charts


def indicator_chart(series, chart_id: str) -> SafeString:
    """Draw one indicator's figures across the city's cycles (a cycle without one: a gap)."""
    positions = spread(len(series.points))
    points = [
        LinePoint(position, float(point.value), figure_text(point.value), point.cycle.code)
        for position, point in zip(positions, series.points, strict=True)
        if point.value is not None
    ]
    ticks = [
        (position, point.cycle.code)
        for position, point in zip(positions, series.points, strict=True)
    ]
    if series.unit:
        desc = _("%(indicator)s in each cycle the city reported on, in %(unit)s.") % {
            "indicator": series.title,
            "unit": series.unit,
        }
    else:
        desc = _("%(indicator)s in each cycle the city reported on.") % {"indicator": series.title}
    return line_chart(
        chart_id,
        title=str(series.title),
        desc=desc,
        points=points,
        x_ticks=ticks,
        tick_text=lambda value: number_format(value, force_grouping=True),
        height=200,
    )


def rates_chart(rates, label: str, chart_id: str) -> SafeString:
    """Draw the received, on-time and accepted rates of ``rates`` (bars of 0 to 100 %)."""
    counts = (rates.received, rates.on_time, rates.accepted)
    rated = (rates.received_rate, rates.on_time_rate, rates.accepted_rate)
    names = (_("Received"), _("On time"), _("Accepted"))
    groups = [
        BarGroup(
            label=str(name),
            values=[None if rate is None else rate * 100],
            texts=[f"{percent(rate)} ({number_format(count, force_grouping=True)})"],
        )
        for name, rate, count in zip(names, rated, counts, strict=True)
    ]
    return bar_chart(
        chart_id,
        title=_("Reports in %(group)s") % {"group": label},
        desc=_(
            "Of %(expected)s reports expected: the share received, received on time and accepted."
        )
        % {"expected": number_format(rates.expected, force_grouping=True)},
        groups=groups,
        series=[],
        maximum=100,
        tick_text=_percent_tick,
    )


def timeline_chart(cycle, timeline, chart_id: str = "timeline") -> SafeString:
    """Draw the reports received so far, day by day, from the cycle's opening."""
    opens = local_date(cycle.opens_at, cycle)
    due = local_date(cycle.due_at, cycle)
    last = max([due, *(day for day, _count, _total in timeline)])
    span = max((last - opens).days, 1)

    def at(day) -> float:
        return min(max((day - opens).days / span, 0), 1)

    points = [LinePoint(at(opens), 0, "0", date_format(opens, "SHORT_DATE_FORMAT"))]
    points += [
        LinePoint(
            at(day),
            total,
            number_format(total, force_grouping=True),
            date_format(day, "SHORT_DATE_FORMAT"),
        )
        for day, _count, total in timeline
    ]
    ticks = [(0, date_format(opens, "SHORT_DATE_FORMAT")), (at(due), _("due"))]
    if last != due and 1 - at(due) >= LABEL_ROOM:
        ticks.append((1, date_format(last, "SHORT_DATE_FORMAT")))
    return line_chart(
        chart_id,
        title=_("Reports received over time"),
        desc=_(
            "The number of reports received, counted from the opening of the cycle on "
            "%(opens)s; due on %(due)s."
        )
        % {"opens": date_format(opens, "DATE_FORMAT"), "due": date_format(due, "DATE_FORMAT")},
        points=points,
        x_ticks=ticks,
        tick_text=lambda value: number_format(value, force_grouping=True),
        label_points=False,
    )


def area_means_chart(assessment, region: str | None, label: str, chart_id: str) -> SafeString:
    """Draw the mean self-assessment of every area, network-wide (``region`` None) or a region's."""
    groups = []
    for area in assessment.areas:
        if not area.rateable:
            continue
        mean = area.mean if region is None else area.by_region.get(region)
        groups.append(
            BarGroup(
                label=area_label(area),
                full_label=f"{area.code} {area.title}",
                values=[None if mean is None else float(mean)],
                texts=[rating_text(mean)],
            )
        )
    return bar_chart(
        chart_id,
        title=_("Self-assessment per area: %(group)s") % {"group": label},
        desc=_("The mean rating of each area's features, from 1 to %(top)s.")
        % {"top": assessment.scale_max},
        groups=groups,
        series=[],
        maximum=assessment.scale_max,
        tick_text=_rating_tick,
    )
