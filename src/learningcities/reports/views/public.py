"""The network's reporting rates, public: every cycle that has opened, one cycle, its CSV.

Only aggregate figures (``domain.queries.rates``), never a city's report.
The pages are cached for visitors like the register's (``network.views.caching``):
under the register's revision, which every event that changes a figure moves
(``domain.city_section``), the day, the language, and the cycles shown
(their ids and last change, read first: one small query). A cycle counts
from its opening; synthetic cycles are shown like the synthetic cities of
the register (they exist only in demonstration and benchmark installations).
"""

import datetime as dt
from dataclasses import dataclass

from django.contrib.humanize.templatetags.humanize import intcomma
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language, get_language_bidi
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from learningcities.network.domain.queries.revision import cached_for_revision
from learningcities.network.templatetags.network_charts import nice_ticks
from learningcities.network.views.caching import Page, cached_page

from ..domain.cycles import local_date
from ..domain.queries import rates as queries
from ..domain.queries.rates import Rates, due_day
from ..interfaces.pdfs import by_month
from ..interfaces.rates_csv import rates_csv as rates_csv_text
from ..models import ReportingCycle


def opened_cycles(now: dt.datetime | None = None):
    """Return the cycles a visitor sees: those that have opened, latest due first."""
    return ReportingCycle.objects.filter(opens_at__lte=now or timezone.now()).order_by(
        "-due_at", "pk"
    )


def _stamp(cycles) -> str:
    return ",".join(f"{cycle.pk}:{cycle.updated_at.timestamp()}" for cycle in cycles)


@dataclass(frozen=True)
class Count:
    """A count and its share of what was expected, as a whole percentage (None: no share)."""

    value: int
    percent: int | None


def percent(count: int, expected: int) -> int | None:
    """Return ``count`` of ``expected`` in whole percent: 0 and 100 only when exact."""
    if not expected:
        return None
    value = round(100 * count / expected)
    if count and value == 0:
        return 1
    if count < expected and value == 100:
        return 99
    return value


def figures(rates: Rates) -> dict:
    """Return the four figures of ``rates`` with their shares, for the templates."""
    return {
        "expected": rates.expected,
        "received": Count(rates.received, percent(rates.received, rates.expected)),
        "on_time": Count(rates.on_time, percent(rates.on_time, rates.expected)),
        "accepted": Count(rates.accepted, percent(rates.accepted, rates.expected)),
    }


# --- the list of cycles ----------------------------------------------------------------------


def build_rates(cycles: list[ReportingCycle]) -> Page:
    found = queries.rates_for_cycles(cycles)
    return (
        "reports/public/rates.html",
        {
            "rows": [
                {
                    "cycle": cycle,
                    "due": due_day(cycle),
                    "figures": figures(found[cycle.pk]),
                }
                for cycle in cycles
            ]
        },
    )


@require_safe
def rates(request: HttpRequest) -> HttpResponse:
    """Show every cycle that has opened: reports expected, received, on time and accepted."""
    cycles = list(opened_cycles())
    return cached_page(request, f"reports-rates|{_stamp(cycles)}", lambda: build_rates(cycles))


# --- one cycle -------------------------------------------------------------------------------

# Each table: the dimension, its id, the section's heading, the table's caption, the first column.
DIMENSION_TABLES = (
    (
        "region",
        "rates-region",
        lambda: _("By UNESCO region"),
        lambda: _("Reporting rates by UNESCO region"),
        lambda: _("Region"),
    ),
    (
        "country",
        "rates-country",
        lambda: _("By country"),
        lambda: _("Reporting rates by country"),
        lambda: _("Country"),
    ),
    (
        "cohort",
        "rates-cohort",
        lambda: _("By cohort"),
        lambda: _("Reporting rates by cohort"),
        lambda: _("Cohort"),
    ),
)


def visible_cycle(code: str) -> ReportingCycle:
    """Return the cycle ``code`` if it has opened; Http404 otherwise."""
    return get_object_or_404(opened_cycles(), code=code)


def build_cycle(cycle: ReportingCycle) -> Page:
    rates = queries.cycle_rates(cycle)
    timeline = queries.submission_timeline(cycle)
    tables = [
        {
            "id": table_id,
            "heading": heading(),
            "caption": caption(),
            "first_column": column(),
            "rows": [
                {"label": row.label, "figures": figures(row.rates)}
                for row in queries.rates_by(cycle, dimension)
            ],
        }
        for dimension, table_id, heading, caption, column in DIMENSION_TABLES
    ]
    return (
        "reports/public/cycle.html",
        {
            "cycle": cycle,
            "opens": local_date(cycle.opens_at, cycle),
            "due": due_day(cycle),
            "figures": figures(rates),
            "tables": tables,
            "timeline": timeline,
            "months": by_month(timeline),
            "chart": timeline_chart(cycle, timeline, rates),
        },
    )


@require_safe
def cycle_rates(request: HttpRequest, code: str) -> HttpResponse:
    """Show one cycle's figures by region, country and cohort, and its submissions over time."""
    # Served from the cache without reading the cycle: the page's key moves on with
    # the register's revision, which every change of a cycle or its reports bumps
    # (``domain.city_section``); a cycle not open yet is a 404, never cached.
    return cached_page(request, f"reports-cycle|{code}", lambda: build_cycle(visible_cycle(code)))


@require_safe
def rates_csv(request: HttpRequest, code: str) -> HttpResponse:
    """Download one cycle's rates by region, country and cohort, and its total, as CSV."""
    cycle = visible_cycle(code)
    key = f"reports-rates-csv:{_stamp([cycle])}:{get_language()}"
    text = cached_for_revision(key, lambda: rates_csv_text(cycle))
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="reporting-rates-{cycle.code}.csv"'
    return response


# --- the timeline chart ----------------------------------------------------------------------

WIDTH, HEIGHT = 760, 320
LEFT, RIGHT, TOP, BOTTOM = 72, 16, 34, 64


def timeline_chart(
    cycle: ReportingCycle, timeline: list[tuple[dt.date, int, int]], rates: Rates
) -> dict:
    """Draw the reports received so far, day by day, from the opening, as a step line.

    An ``<svg role="img">`` with a title and a one-sentence description; the
    page gives the same figures as a table. As the register's charts, time
    runs left to right in every language.
    """
    start = local_date(cycle.opens_at, cycle)
    due = due_day(cycle)
    today = local_date(timezone.now(), cycle)
    last = timeline[-1][0] if timeline else start
    end = max(due, last, start + dt.timedelta(days=1))
    span = (end - start).days
    plot_width = WIDTH - LEFT - RIGHT
    baseline = HEIGHT - BOTTOM
    total = timeline[-1][2] if timeline else 0
    ticks = nice_ticks(max(rates.expected, total, 1))
    top_value = ticks[-1]

    def x_of(day: dt.date) -> float:
        days = min(max((day - start).days, 0), span)
        return round(LEFT + days / span * plot_width, 1)

    def y_of(value: int) -> float:
        return round(baseline - value / top_value * (baseline - TOP), 1)

    points = [(x_of(start), y_of(0))]
    for day, _count, cumulative in timeline:
        points += [(x_of(day), points[-1][1]), (x_of(day), y_of(cumulative))]
    line_end = max(min(end, today), last)
    points.append((x_of(line_end), points[-1][1]))
    due_x = x_of(due)
    # The due date's label stays inside the drawing at either end.
    due_anchor = "end" if due_x > WIDTH - RIGHT - 90 else "start" if due_x < LEFT + 90 else "middle"
    return {
        "chart_id": "submissions-chart",
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "top": TOP,
        "baseline": baseline,
        "tick_x": LEFT - 8,
        "text_direction": "rtl" if get_language_bidi() else "ltr",
        "ticks": [{"y": y_of(t), "text": intcomma(t)} for t in ticks],
        "points": " ".join(f"{x},{y}" for x, y in points),
        "due_x": due_x,
        "due_anchor": due_anchor,
        "due_label": _("Due: %(date)s") % {"date": date_format(due, "DATE_FORMAT")},
        "start_label": date_format(start, "DATE_FORMAT"),
        "end_label": date_format(end, "DATE_FORMAT") if end != due else "",
        "x_label_y": baseline + 20,
        "y_title_x": 16,
        "y_title_y": TOP + (baseline - TOP) / 2,
        "y_axis_title": _("Reports received"),
        "x_title_x": LEFT + plot_width / 2,
        "x_title_y": HEIGHT - 10,
        "x_axis_title": _("Days in the time zone %(zone)s") % {"zone": cycle.time_zone},
        "title": _("Reports received over time"),
        "desc": _timeline_description(start, due, rates, total),
    }


def _timeline_description(start: dt.date, due: dt.date, rates: Rates, total: int) -> str:
    if not total:
        return _("No report of this cycle has been submitted yet (%(expected)s expected).") % {
            "expected": rates.expected
        }
    return _(
        "Reports first submitted since the opening on %(opens)s: %(received)s of the "
        "%(expected)s expected, %(on_time)s of them by their due date (the cycle's: %(due)s)."
    ) % {
        "opens": date_format(start, "DATE_FORMAT"),
        "received": total,
        "expected": rates.expected,
        "on_time": rates.on_time,
        "due": date_format(due, "DATE_FORMAT"),
    }
