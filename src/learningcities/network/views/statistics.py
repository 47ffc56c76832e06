"""The statistics page: totals as of any date, growth by region, CSV download."""

import csv

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from ..domain.queries.revision import cached_for_revision
from ..domain.queries.stats import GrowthPoint, network_growth, network_stats
from ..enums import REGION_API_NAMES, Region
from ..interfaces.forms import StatisticsDateForm
from .caching import Page, cached_page
from .home import regions_with_counts


def region_rows(points: list[GrowthPoint]) -> list[dict]:
    """Return the growth table's rows: each point with its count per region, in order."""
    return [{"point": p, "regions": [p.by_region.get(r.value, 0) for r in Region]} for p in points]


def build_statistics(request: HttpRequest) -> Page:
    if request.GET.get("as_of"):
        form = StatisticsDateForm(request.GET)
    else:
        form = StatisticsDateForm(initial={"as_of": timezone.localdate()})
    as_of = form.chosen_date()
    stats = network_stats(as_of)
    growth = network_growth(as_of)
    return (
        "network/statistics.html",
        {
            "form": form,
            "as_of": as_of,
            "is_today": as_of == timezone.localdate(),
            "stats": stats,
            "growth": growth,
            "growth_rows": region_rows(growth),
            "region_list": [{"value": r.value, "label": r.label} for r in Region],
            "regions": regions_with_counts(stats.by_region),
            "empty": stats.member_cities == 0,
            "before_first": stats.member_cities == 0 and len(growth) <= 1,
            "csv_query": f"as_of={as_of.isoformat()}",
        },
    )


@require_safe
def statistics(request: HttpRequest) -> HttpResponse:
    """Show the network's totals on a chosen day and its growth by region."""
    return cached_page(request, "statistics", lambda: build_statistics(request))


def growth_csv(as_of) -> str:
    """Return the growth table as CSV text (one row per point, a column per region)."""
    rows = [
        [
            "date",
            "member_cities",
            "countries",
            "population",
            *(REGION_API_NAMES[r] for r in Region),
        ]
    ]
    for row in region_rows(network_growth(as_of)):
        point = row["point"]
        rows.append(
            [
                point.date.isoformat(),
                point.member_cities,
                point.countries,
                point.population,
                *row["regions"],
            ]
        )

    class Lines(list):
        def write(self, line: str) -> None:
            self.append(line)

    lines = Lines()
    csv.writer(lines, lineterminator="\n").writerows(rows)
    return "".join(lines)


@require_safe
def statistics_csv(request: HttpRequest) -> HttpResponse:
    """Download the growth table up to ``as_of`` (default today) as CSV.

    An invalid ``as_of`` is answered with 400 and the reason, as plain text.
    """
    form = StatisticsDateForm(request.GET)
    if not form.is_valid():
        message = "; ".join(str(e) for e in form.errors["as_of"])
        return HttpResponse(
            _("Parameter as_of: %(message)s") % {"message": message},
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    as_of = form.chosen_date()
    text = cached_for_revision(f"growth-csv:{as_of.isoformat()}", lambda: growth_csv(as_of))
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="network-growth-{as_of.isoformat()}.csv"'
    )
    return response
