"""Reporting rates: expected, received, on time and accepted, by cycle, region, country, cohort.

The definitions (DHIS2's; most mistakes are in counting what was expected):

- **expected**: the reports of the cycle whose membership had not ended
  before the cycle's due date (``membership.ended_on`` empty or after the due
  date, as a day in the cycle's time zone). A city that left the network
  before the report fell due is not counted; one that lapsed for not
  reporting is.
- **received**: expected reports submitted at least once (``first_submitted_at``).
- **on time**: received reports first submitted no later than their due
  instant (the city's one extension, else the cycle's due date).
- **accepted**: expected reports the secretariat accepted.

``now`` counts only what had happened by that instant (submissions and
acceptances); by default everything recorded. Every function reads a
constant number of queries whatever the number of reports.
"""

import datetime as dt
import operator
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import reduce
from zoneinfo import ZoneInfo

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Coalesce, TruncDate
from django.utils.translation import gettext as _

from learningcities.common.translated import shown
from learningcities.network.enums import Region
from learningcities.network.models import Cohort
from learningcities.network.models.countries import localised_country_name

from ...enums import ReportState
from ...models import ProgressReport, ReportingCycle
from ..cycles import local_date

DIMENSIONS = ("region", "country", "cohort")

# The field each dimension groups the reports by.
_DIMENSION_FIELDS = {
    "region": "city__country__region",
    "country": "city__country_id",
    "cohort": "membership__cohort_id",
}


@dataclass(frozen=True)
class Rates:
    """The four counts of a set of reports, and the rates they give (None when none expected)."""

    expected: int
    received: int
    on_time: int
    accepted: int

    def _rate(self, count: int) -> float | None:
        return count / self.expected if self.expected else None

    @property
    def received_rate(self) -> float | None:
        return self._rate(self.received)

    @property
    def on_time_rate(self) -> float | None:
        return self._rate(self.on_time)

    @property
    def accepted_rate(self) -> float | None:
        return self._rate(self.accepted)


EMPTY = Rates(expected=0, received=0, on_time=0, accepted=0)


@dataclass(frozen=True)
class RateRow:
    """The rates of one value of a dimension (``key`` as stored, ``label`` as shown)."""

    key: str
    label: str
    rates: Rates


def due_day(cycle: ReportingCycle) -> dt.date:
    """Return the cycle's due date as a day in its time zone."""
    return local_date(cycle.due_at, cycle)


def _expected_in(cycle: ReportingCycle) -> Q:
    return Q(cycle_id=cycle.pk) & (
        Q(membership__ended_on__isnull=True) | Q(membership__ended_on__gt=due_day(cycle))
    )


def expected_reports(cycles: Iterable[ReportingCycle]) -> QuerySet:
    """Return the reports expected in ``cycles`` (see the module's definition)."""
    conditions = [_expected_in(cycle) for cycle in cycles]
    if not conditions:
        return ProgressReport.objects.none()
    return ProgressReport.objects.filter(reduce(operator.or_, conditions))


def _counts(now: dt.datetime | None) -> dict:
    received = Q(first_submitted_at__isnull=False)
    accepted = Q(state=ReportState.ACCEPTED)
    if now is not None:
        received &= Q(first_submitted_at__lte=now)
        accepted &= Q(accepted_at__lte=now)
    due = Coalesce(F("extended_until"), F("cycle__due_at"))
    on_time = received & Q(first_submitted_at__lte=due)
    return {
        "expected": Count("pk"),
        "received": Count("pk", filter=received),
        "on_time": Count("pk", filter=on_time),
        "accepted": Count("pk", filter=accepted),
    }


def _rates(row: dict) -> Rates:
    return Rates(
        expected=row["expected"] or 0,
        received=row["received"] or 0,
        on_time=row["on_time"] or 0,
        accepted=row["accepted"] or 0,
    )


def cycle_rates(cycle: ReportingCycle, *, now: dt.datetime | None = None) -> Rates:
    """Return the rates of ``cycle`` (one query)."""
    return _rates(expected_reports([cycle]).aggregate(**_counts(now)))


def rates_for_cycles(
    cycles: Iterable[ReportingCycle], *, now: dt.datetime | None = None
) -> dict[int, Rates]:
    """Return ``{cycle id: Rates}`` for ``cycles`` (one query; a cycle without reports: zeros)."""
    cycles = list(cycles)
    if not cycles:
        return {}
    rows = (
        expected_reports(cycles)
        .order_by()
        .values("cycle_id")
        .annotate(**_counts(now))
        .values("cycle_id", *_counts(None))
    )
    found = {row["cycle_id"]: _rates(row) for row in rows}
    return {cycle.pk: found.get(cycle.pk, EMPTY) for cycle in cycles}


def _labels(dimension: str, keys: list) -> dict:
    if dimension == "region":
        names = dict(Region.choices)
        return {key: str(names.get(key, key)) if key else _("No region") for key in keys}
    if dimension == "country":
        return {key: localised_country_name(key) for key in keys}
    cohorts = Cohort.objects.in_bulk([key for key in keys if key is not None])
    return {
        key: str(shown(cohorts[key], "name")) if key in cohorts else _("No cohort") for key in keys
    }


def _sort_key(label: str) -> str:
    """Sort "Égypte" with the E's: letters without their accents, case folded."""
    decomposed = unicodedata.normalize("NFKD", label)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def rates_by(
    cycle: ReportingCycle, dimension: str, *, now: dt.datetime | None = None
) -> list[RateRow]:
    """Return the rates of ``cycle`` per region, country or cohort, sorted by label.

    Labels are in the active language; ``key`` is the region's code, the
    country's ISO code or the cohort's id ("" for no region or no cohort).
    One query (two for cohorts: their names).
    """
    if dimension not in _DIMENSION_FIELDS:
        raise ValueError(f"Unknown dimension {dimension!r}: one of {', '.join(DIMENSIONS)}.")
    field = _DIMENSION_FIELDS[dimension]
    rows = list(
        expected_reports([cycle])
        .order_by()
        .values(field)
        .annotate(**_counts(now))
        .values(field, *_counts(None))
    )
    labels = _labels(dimension, [row[field] for row in rows])
    result = [
        RateRow(
            key="" if row[field] is None else str(row[field]),
            label=labels[row[field]],
            rates=_rates(row),
        )
        for row in rows
    ]
    return sorted(result, key=lambda row: (_sort_key(row.label), row.key))


def submission_timeline(cycle: ReportingCycle) -> list[tuple[dt.date, int, int]]:
    """Return ``(day, reports first submitted that day, cumulative)`` for the expected reports.

    Days are in the cycle's time zone, in order, only the days with a
    submission (one query).
    """
    rows = (
        expected_reports([cycle])
        .filter(first_submitted_at__isnull=False)
        .annotate(day=TruncDate("first_submitted_at", tzinfo=ZoneInfo(cycle.time_zone)))
        .order_by()
        .values("day")
        .annotate(count=Count("pk"))
        .order_by("day")
    )
    timeline, total = [], 0
    for row in rows:
        total += row["count"]
        timeline.append((row["day"], row["count"], total))
    return timeline
