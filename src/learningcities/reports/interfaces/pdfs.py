"""The reports' PDFs: one report, a city's progress, and the network's synthesis of a cycle.

Rendered by WeasyPrint, as the calls' dossier: a report and a city's
progress on each request (they show what is there now); the synthesis of a
cycle, which takes WeasyPrint seconds for a 425-city cycle, once per
language until a report, an answer, the cycle or the register changes
(``synthesis_pdf``). In the language of whoever asks for it (the active language), right to left
in Arabic, with the Noto fonts the CSS names for every script. Charts are the
pages' inline SVG (``charts``), which WeasyPrint draws.
"""

import hashlib
import logging
import time

from django.core.cache import cache
from django.db.models import Count, Max
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from learningcities.common.translated import shown
from learningcities.network.domain.queries.revision import current_revision

from ..domain.completeness import report_tree
from ..domain.cycles import local_date
from ..domain.queries.progress import (
    CityProgress,
    is_indicator,
    network_assessment,
)
from ..domain.queries.rates import cycle_rates, rates_by, submission_timeline
from ..enums import ReportState
from ..models import ProgressReport, ReportAnswer, ReportingCycle
from .charts import (
    area_means_chart,
    figure_text,
    indicator_chart,
    percent,
    rates_chart,
    self_assessment_charts,
    timeline_chart,
)

logger = logging.getLogger(__name__)

SYNTHESIS_KEPT = 24 * 3600  # seconds a rendered synthesis stays in the cache


def _write_pdf(template: str, context: dict, what: str) -> bytes:
    """Render ``template`` with ``context`` to PDF bytes; log how long it took."""
    from weasyprint import HTML  # heavy import, only when a PDF is asked for

    started = time.perf_counter()
    pdf = HTML(string=render_to_string(template, context)).write_pdf()
    logger.info(
        "%s rendered in %.0f ms (%d bytes)", what, (time.perf_counter() - started) * 1000, len(pdf)
    )
    return pdf


def cycle_dates(cycle: ReportingCycle) -> dict:
    """The cycle's opening and due days in its own time zone."""
    return {
        "opens_on": local_date(cycle.opens_at, cycle),
        "due_on": local_date(cycle.due_at, cycle),
    }


# --- one report -------------------------------------------------------------------------


def report_context(report: ProgressReport) -> dict:
    """What the report's PDF shows: its cover, every section's answers, the assessment.

    Three queries (criteria, answers, documents); ``report`` comes with its
    cycle, city and country. A figure shows its year and source beside it;
    the assessment is shown once the report is accepted.
    """
    sections = report_tree(report)
    for section in sections:
        for item in section.items:
            for link in item.documents:
                link.shown_name = link.document.original_name
            item.is_figure = is_indicator(item.criterion)
    return {
        "report": report,
        "cycle": report.cycle,
        "cycle_name": shown(report.cycle, "name"),
        "city": report.city,
        "country": report.city.country,
        "sections": sections,
        "accepted": report.state == ReportState.ACCEPTED,
        "generated_at": timezone.now(),
        **cycle_dates(report.cycle),
    }


def render_report_pdf(report: ProgressReport) -> bytes:
    """Return ``report`` as PDF bytes (``report_context``); no side effects but a log line."""
    return _write_pdf(
        "reports/pdf/report.html", report_context(report), f"progress report {report.pk}"
    )


# --- a city's progress ------------------------------------------------------------------


def progress_charts(progress: CityProgress) -> dict:
    """The charts of a city's progress: self-assessment per section, a line per indicator."""
    return {
        "assessment_charts": self_assessment_charts(progress),
        "indicators": [
            {
                "series": series,
                "chart": indicator_chart(series, f"indicator-{number}"),
                "rows": [(point, figure_text(point.value, point.unit)) for point in series.points],
            }
            for number, series in enumerate(progress.indicators, start=1)
            if series.given
        ],
    }


def progress_context(progress: CityProgress) -> dict:
    """What the city's progress page and PDF show (no queries: ``progress`` holds it all)."""
    return {
        "progress": progress,
        "city": progress.city,
        "entries": progress.entries,
        "counted": progress.counted,
        "generated_at": timezone.now(),
        **progress_charts(progress),
    }


def render_progress_pdf(progress: CityProgress) -> bytes:
    """Return the city's progress as PDF bytes; no side effects but a log line."""
    return _write_pdf(
        "reports/pdf/progress.html",
        progress_context(progress),
        f"progress of city {progress.city.pk}",
    )


# --- the network's synthesis of a cycle ---------------------------------------------------


def rate_line(label: str, rates) -> dict:
    """A row of a rates table: the counts and their rates as percentages."""
    return {
        "label": label,
        "rates": rates,
        "received": percent(rates.received_rate),
        "on_time": percent(rates.on_time_rate),
        "accepted": percent(rates.accepted_rate),
    }


def by_month(timeline) -> list[tuple]:
    """Return ``(first day of the month, submitted in it, received by its end)`` of a timeline."""
    months: list[list] = []
    for day, count, total in timeline:
        month = day.replace(day=1)
        if months and months[-1][0] == month:
            months[-1][1] += count
            months[-1][2] = total
        else:
            months.append([month, count, total])
    return [tuple(month) for month in months]


def synthesis_context(cycle: ReportingCycle) -> dict:
    """What the synthesis of ``cycle`` shows: aggregates only, never a city's own answers.

    The four rates, the rates by region (a chart each) and by country, the
    timeline of submissions, the mean self-assessment per area across the
    network and per region (a chart each), and how many cities reported on
    each area. A constant number of queries whatever the number of reports.
    """
    rates = cycle_rates(cycle)
    regions = rates_by(cycle, "region")
    assessment = network_assessment(cycle)
    timeline = submission_timeline(cycle)
    rateable = [area for area in assessment.areas if area.rateable]
    for area in rateable:
        area.region_means = [area.by_region.get(code) for code, _label in assessment.regions]
    return {
        "cycle": cycle,
        "cycle_name": shown(cycle, "name"),
        "rates": rates,
        "network_lines": [rate_line(_("The network"), rates)],
        "region_lines": [rate_line(row.label, row.rates) for row in regions],
        "country_lines": [rate_line(row.label, row.rates) for row in rates_by(cycle, "country")],
        "rates_chart": rates_chart(rates, shown(cycle, "name"), "rates-network"),
        "regions": [
            (row, rates_chart(row.rates, row.label, f"rates-region-{number}"))
            for number, row in enumerate(regions, start=1)
        ],
        "months": by_month(timeline),
        "timeline_chart": timeline_chart(cycle, timeline) if timeline else None,
        "assessment": assessment,
        "rateable": rateable,
        "network_chart": (
            area_means_chart(assessment, None, shown(cycle, "name"), "assessment-network")
            if assessment.received
            else None
        ),
        "region_charts": [
            (code, label, area_means_chart(assessment, code, label, f"assessment-region-{n}"))
            for n, (code, label) in enumerate(assessment.regions, start=1)
        ],
        "generated_at": timezone.now(),
        **cycle_dates(cycle),
    }


def render_synthesis_pdf(cycle: ReportingCycle) -> bytes:
    """Return the network's synthesis of ``cycle`` as PDF bytes; no side effects but a log."""
    return _write_pdf(
        "reports/pdf/synthesis.html", synthesis_context(cycle), f"synthesis of cycle {cycle.code}"
    )


def synthesis_version(cycle: ReportingCycle) -> str:
    """Return what the synthesis of ``cycle`` depends on, as a short text (two queries).

    The cycle (its dates), its reports (how many, the last change of one and
    of an answer: a submission, a return, an acceptance, an edited answer)
    and the register's revision (memberships, cities, countries and regions).
    """
    reports = cycle.reports.aggregate(count=Count("pk"), changed=Max("updated_at"))
    answered = ReportAnswer.objects.filter(report__cycle=cycle).aggregate(changed=Max("updated_at"))
    parts = (
        cycle.pk,
        cycle.updated_at.isoformat(),
        reports["count"],
        reports["changed"].isoformat() if reports["changed"] else "",
        answered["changed"].isoformat() if answered["changed"] else "",
        current_revision(),
    )
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def synthesis_pdf(cycle: ReportingCycle) -> bytes:
    """Return the synthesis of ``cycle`` in the active language, from the cache when current.

    Rendering a 425-city cycle takes WeasyPrint some seconds; the PDF is kept
    (a day at most) under ``synthesis_version``, so any change to what it
    shows renders it again. Reads only.
    """
    key = f"reports:synthesis:{get_language()}:{synthesis_version(cycle)}"
    pdf = cache.get(key)
    if pdf is None:
        pdf = render_synthesis_pdf(cycle)
        cache.set(key, pdf, SYNTHESIS_KEPT)
    return pdf
