"""Network statistics as of any date."""

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from ...enums import REGION_API_NAMES, Region
from ...models import City, Cohort, Membership
from .revision import cached_for_revision


def memberships_active_on(as_of: dt.date) -> QuerySet[Membership]:
    """Return the memberships that count on ``as_of``.

    A membership counts from ``member_from`` (the last day of a partial date's
    period) up to the day before it ended.
    """
    return Membership.objects.filter(member_from__lte=as_of).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=as_of)
    )


def member_cities_on(as_of: dt.date) -> QuerySet[City]:
    """Return the cities that are members on ``as_of``."""
    return City.objects.filter(Exists(memberships_active_on(as_of).filter(city=OuterRef("pk"))))


@dataclass(frozen=True)
class NetworkStats:
    as_of: dt.date
    member_cities: int
    countries: int
    population: int
    by_region: dict[str, int] = field(default_factory=dict)

    def as_api(self) -> dict:
        return {
            "as_of": self.as_of.isoformat(),
            "member_cities": self.member_cities,
            "countries": self.countries,
            "population": self.population,
            "by_region": {REGION_API_NAMES[r]: self.by_region.get(r, 0) for r in Region},
        }


def compute_network_stats(as_of: dt.date) -> NetworkStats:
    cities = member_cities_on(as_of)
    totals = cities.aggregate(
        member_cities=Count("pk"),
        countries=Count("country", distinct=True),
        population=Sum("population"),
    )
    by_region = {
        row["country__region"]: row["n"]
        for row in cities.order_by().values("country__region").annotate(n=Count("pk"))
        if row["country__region"]
    }
    return NetworkStats(
        as_of=as_of,
        member_cities=totals["member_cities"],
        countries=totals["countries"],
        population=totals["population"] or 0,
        by_region=by_region,
    )


def network_stats(as_of: dt.date | None = None) -> NetworkStats:
    """Return the network's totals on ``as_of`` (default: today), cached per revision."""
    as_of = as_of or timezone.localdate()
    return cached_for_revision(f"stats:{as_of.isoformat()}", lambda: compute_network_stats(as_of))


@dataclass(frozen=True)
class GrowthPoint:
    date: dt.date
    member_cities: int
    countries: int
    population: int
    by_region: dict[str, int]


def compute_growth(points: list[dt.date]) -> list[GrowthPoint]:
    """Return the network's totals on each of ``points``, from one query of the memberships."""
    rows = list(
        Membership.objects.values_list(
            "city_id",
            "member_from",
            "ended_on",
            "city__country_id",
            "city__country__region",
            "city__population",
        )
    )
    return [_growth_point(point, rows) for point in points]


def _members_on(point: dt.date, rows: list[tuple]) -> list[tuple]:
    """Return (country, region, population) of each city that is a member on ``point``."""
    cities: dict[int, tuple] = {}
    for city_id, start, end, country, region, population in rows:
        if start <= point and (end is None or end > point):
            cities[city_id] = (country, region, population)
    return list(cities.values())


def _growth_point(point: dt.date, rows: list[tuple]) -> GrowthPoint:
    """Return the totals on ``point`` of the membership ``rows`` (one per period)."""
    cities = _members_on(point, rows)
    return GrowthPoint(
        date=point,
        member_cities=len(cities),
        countries=len({c for c, _r, _p in cities}),
        population=sum(p or 0 for _c, _r, p in cities),
        by_region=dict(Counter(region for _c, region, _p in cities if region)),
    )


def growth_points(until: dt.date) -> list[dt.date]:
    """Return the dates a growth chart shows: each year's end, and ``until`` itself."""
    first = Membership.objects.order_by("member_from").values_list("member_from", flat=True).first()
    if first is None:
        return [until]
    points = [dt.date(year, 12, 31) for year in range(first.year, until.year)]
    points.append(until)
    return points


def network_growth(until: dt.date | None = None) -> list[GrowthPoint]:
    """Return the network's totals at each year's end up to ``until`` (default: today)."""
    until = until or timezone.localdate()
    return cached_for_revision(
        f"growth:{until.isoformat()}", lambda: compute_growth(growth_points(until))
    )


def latest_cohort() -> Cohort | None:
    """Return the most recently announced cohort that has members."""
    return (
        Cohort.objects.filter(memberships__isnull=False)
        .order_by("-announced_on")
        .distinct()
        .first()
    )
