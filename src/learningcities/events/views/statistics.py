"""What the secretariat learns from an event: participants by country, region, category, city.

The statistics page gives each breakdown as a table and as a bar chart drawn
on the server (accessible SVG, as the network's statistics page draws its
own: ``role="img"`` with a title and a one-sentence description; the table
holds the figures). The prospects page lists the participants from countries
that had no member city on the event's first day, the leads of the next
membership call; its CSV download is safe to open in a spreadsheet
(``reviews.interfaces.exports.safe_cell``). All three are the secretariat's
(``events.view_statistics``); anyone else 403, anonymous people log in first.
"""

from dataclasses import dataclass

from django.contrib.humanize.templatetags.humanize import intcomma
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from learningcities.common.access import get_object_for_user_or_404, permission_required
from learningcities.network.templatetags.network_charts import nice_ticks
from learningcities.reviews.interfaces.exports import csv_lines

from ..domain.queries.statistics import (
    EventStatistics,
    Tally,
    event_statistics,
    events_for_statistics,
    prospects_for_event,
)
from ..models import Event, Registration

PERMISSION = "events.view_statistics"
CHART_WIDTH = 480  # narrow, so its texts stay readable once scaled to a phone
LABEL_HEIGHT = 18
BAR_HEIGHT = 16
ROW_HEIGHT = LABEL_HEIGHT + BAR_HEIGHT + 10
CHART_LEFT = 8
CHART_RIGHT = 40
CHART_TOP = 8
AXIS_HEIGHT = 24
MOST_COUNTRIES_CHARTED = 15
PROSPECT_COLUMNS = [
    "name",
    "job_title",
    "organisation",
    "city",
    "city_in_register",
    "country_code",
    "country",
    "category",
    "email",
    "checked_in",
]


@dataclass
class ChartBar:
    label: str
    value: int
    value_text: str
    width: float
    label_y: float
    bar_y: float
    value_x: float
    css: str


def _event(request: HttpRequest, slug: str) -> Event:
    return get_object_for_user_or_404(request.user, events_for_statistics, slug=slug)


def bar_chart(
    chart_id: str, title: str, desc: str, tallies: list[Tally], *, by_region: bool = False
) -> dict:
    """Return the context of a horizontal bar chart of ``tallies`` (participants).

    Each bar has its label above it, so long names (a category, a country in
    any script) never collide; the drawing is left to right in every language,
    as the network's charts are, and words carry the language's direction.
    """
    ticks = nice_ticks(max((t.participants for t in tallies), default=0))
    top = ticks[-1]
    plot = CHART_WIDTH - CHART_LEFT - CHART_RIGHT
    bars = []
    for i, tally in enumerate(tallies):
        y = CHART_TOP + i * ROW_HEIGHT
        width = round(plot * tally.participants / top, 1)
        bars.append(
            ChartBar(
                label=str(tally.label),
                value=tally.participants,
                value_text=intcomma(tally.participants),
                width=width,
                label_y=y + LABEL_HEIGHT - 4,
                bar_y=y + LABEL_HEIGHT,
                value_x=round(CHART_LEFT + width + 6, 1),
                css=f"fill-{tally.key}" if by_region and tally.key else "bar",
            )
        )
    baseline = CHART_TOP + len(tallies) * ROW_HEIGHT
    return {
        "chart_id": chart_id,
        "title": title,
        "desc": desc,
        "bars": bars,
        "width": CHART_WIDTH,
        "height": baseline + AXIS_HEIGHT,
        "left": CHART_LEFT,
        "baseline": baseline,
        "text_direction": "rtl" if get_language_bidi() else "ltr",
        # In a right-to-left text the left edge is its end: the label still starts at the axis.
        "label_anchor": "end" if get_language_bidi() else "start",
        "ticks": [{"x": round(CHART_LEFT + plot * t / top, 1), "text": intcomma(t)} for t in ticks],
        "tick_y": baseline + 16,
    }


def _leader(tallies: list[Tally]) -> dict:
    """The figures of the largest line of ``tallies`` (a chart is drawn only with participants)."""
    leader = max(tallies, key=lambda t: t.participants)
    return {"label": leader.label, "count": intcomma(leader.participants)}


def _charts(stats: EventStatistics) -> dict:
    countries = stats.by_country[:MOST_COUNTRIES_CHARTED]
    return {
        "region_chart": bar_chart(
            "region-chart",
            _("Participants by UNESCO region"),
            _("Confirmed participants in each UNESCO region. Largest: %(label)s, %(count)s.")
            % _leader(stats.by_region),
            stats.by_region,
            by_region=True,
        ),
        "category_chart": bar_chart(
            "category-chart",
            _("Participants by category"),
            _("Confirmed participants in each category. Largest: %(label)s, %(count)s.")
            % _leader(stats.by_category),
            stats.by_category,
        ),
        "country_chart": bar_chart(
            "country-chart",
            _("Participants by country"),
            _(
                "Confirmed participants from the %(shown)s countries with the most, of "
                "%(total)s. Largest: %(label)s, %(count)s."
            )
            % {"shown": len(countries), "total": len(stats.by_country), **_leader(countries)},
            countries,
        ),
    }


@require_safe
@permission_required(PERMISSION)
def event_statistics_page(request: HttpRequest, slug: str) -> HttpResponse:
    """Show the event's participants by country, region, category and city, with charts."""
    event = _event(request, slug)
    stats = event_statistics(event)
    context = {"event": event, "stats": stats, **(_charts(stats) if stats.participants else {})}
    return render(request, "events/statistics/statistics.html", context)


@require_safe
@permission_required(PERMISSION)
def prospects(request: HttpRequest, slug: str) -> HttpResponse:
    """List the participants from countries without a member city: leads for the next call."""
    event = _event(request, slug)
    return render(
        request,
        "events/statistics/prospects.html",
        {
            "event": event,
            "prospects": list(prospects_for_event(event)),
            "erased": event.personal_data_erased_at is not None,
        },
    )


def prospect_row(registration: Registration) -> dict:
    """One prospect as a row of ``PROSPECT_COLUMNS`` (texts as typed; made safe by csv_lines)."""
    city = registration.city
    return {
        "name": registration.name,
        "job_title": registration.job_title,
        "organisation": registration.organisation_name,
        "city": city.name if city else registration.city_name,
        "city_in_register": city is not None,
        "country_code": registration.country_id,
        "country": registration.country.name,
        "category": registration.category.name,
        "email": registration.email,
        "checked_in": registration.checked_in_at is not None,
    }


@require_safe
@permission_required(PERMISSION)
def prospects_csv(request: HttpRequest, slug: str) -> StreamingHttpResponse:
    """Download the prospects as CSV (UTF-8, one row per person, ``PROSPECT_COLUMNS``)."""
    event = _event(request, slug)
    rows = (prospect_row(r) for r in prospects_for_event(event).iterator(chunk_size=500))
    response = StreamingHttpResponse(
        csv_lines(PROSPECT_COLUMNS, rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{event.slug}-prospects.csv"'
    return response
