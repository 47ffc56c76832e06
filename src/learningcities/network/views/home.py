"""The home page: the network at a glance."""

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_safe

from ..domain.queries.directory import cohort_cities_by_region
from ..domain.queries.stats import latest_cohort, network_growth, network_stats
from ..enums import Region
from .caching import Page, cached_page

# How many cities of the latest cohort the home page names per region.
COHORT_NAMES_PER_REGION = 12


def regions_with_counts(by_region: dict[str, int]) -> list[dict]:
    """Return every region in order with its count and CSS class."""
    total = sum(by_region.values()) or 1
    return [
        {
            "value": region.value,
            "label": region.label,
            "count": by_region.get(region.value, 0),
            "percent": round(100 * by_region.get(region.value, 0) / total),
        }
        for region in Region
    ]


def build_home() -> Page:
    today = timezone.localdate()
    stats = network_stats(today)
    cohort = latest_cohort()
    cohort_groups = []
    if cohort is not None:
        for region, cities in cohort_cities_by_region(cohort):
            cohort_groups.append(
                {
                    "region": region,
                    "label": Region(region).label if region in Region.values else "",
                    "count": len(cities),
                    "cities": cities[:COHORT_NAMES_PER_REGION],
                    "more": max(0, len(cities) - COHORT_NAMES_PER_REGION),
                }
            )
    return (
        "network/home.html",
        {
            "today": today,
            "stats": stats,
            "growth": network_growth(today),
            "regions": regions_with_counts(stats.by_region),
            "cohort": cohort,
            "cohort_count": sum(g["count"] for g in cohort_groups),
            "cohort_groups": cohort_groups,
        },
    )


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """Show the headline figures, growth, regions and the latest cohort."""
    return cached_page(request, "home", build_home)
