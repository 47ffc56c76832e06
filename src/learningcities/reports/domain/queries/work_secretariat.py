"""The secretariat's part of "My work" for progress reports.

What waits for the secretariat: reports submitted and not yet reviewed;
per cycle past its due date, the cities whose report is late enough to be
put on hold at the next daily run, the members on hold whose grace period
is over (a lapse may be staged) and the lapses staged and not yet released.
Four queries whatever the number of cycles and reports (three while no
cycle is past its due date: the counts per cycle are then not asked).
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from learningcities.accounts.rules import is_secretariat
from learningcities.network.enums import MembershipStatus

from ...enums import ReportState
from ...models import ProgressReport, ReportingCycle
from ..cycles import local_date
from ..standing import with_due

# How many reports awaiting review the part names (the rest are counted).
SUBMITTED_SHOWN = 5


@dataclass
class CycleWork:
    """What waits in one cycle: holds to come, lapses that may be staged, staged lapses."""

    cycle: ReportingCycle
    to_hold: int
    may_lapse: int
    staged: int


def _conditions(cycles: list[ReportingCycle], now: dt.datetime) -> tuple[Q, Q]:
    """Return the conditions "to be held" and "may lapse", one branch per cycle."""
    to_hold, may_lapse = Q(pk__in=[]), Q(pk__in=[])
    for cycle in cycles:
        to_hold |= Q(cycle=cycle, due__lt=now - dt.timedelta(days=cycle.hold_after_days))
        last_day = local_date(now, cycle) - dt.timedelta(days=cycle.grace_days)
        may_lapse |= Q(cycle=cycle, on_hold_since__lte=last_day)
    return to_hold, may_lapse


def _cycle_work(now: dt.datetime) -> list[CycleWork]:
    cycles = list(ReportingCycle.objects.filter(due_at__lt=now, is_synthetic=False))
    if not cycles:
        return []
    to_hold, may_lapse = _conditions(cycles, now)
    live = Q(lapsed_at__isnull=True, membership__status=MembershipStatus.ACTIVE)
    waiting = live & Q(on_hold_since__isnull=True, first_submitted_at__isnull=True)
    live_hold = live & Q(on_hold_since__isnull=False, lapse_staged_at__isnull=True)
    counts = {
        row["cycle_id"]: row
        for row in with_due(ProgressReport.objects.filter(cycle__in=[c.pk for c in cycles]))
        .order_by()
        .values("cycle_id")
        .annotate(
            to_hold=Count("pk", filter=waiting & to_hold),
            may_lapse=Count("pk", filter=live_hold & may_lapse),
            staged=Count("pk", filter=Q(lapse_staged_at__isnull=False, lapsed_at__isnull=True)),
        )
    }
    found = []
    for cycle in cycles:
        row = counts.get(cycle.pk)
        if row and (row["to_hold"] or row["may_lapse"] or row["staged"]):
            found.append(CycleWork(cycle, row["to_hold"], row["may_lapse"], row["staged"]))
    return found


def secretariat_reports_work(user, *, now: dt.datetime | None = None) -> dict | None:
    """Return what waits for the secretariat in progress reports (at most four queries), or None.

    None for anyone but the secretariat.
    """
    if not is_secretariat(user):
        return None
    now = now or timezone.now()
    submitted = ProgressReport.objects.filter(state=ReportState.SUBMITTED, lapsed_at__isnull=True)
    return {
        "submitted": list(
            submitted.select_related("city__country", "cycle").order_by("submitted_at", "pk")[
                :SUBMITTED_SHOWN
            ]
        ),
        "submitted_count": submitted.count(),
        "cycles": _cycle_work(now),
    }


def register_secretariat_work_parts() -> None:
    """Add the secretariat's "Progress reports" part to "My work" (from ``ReportsConfig.ready``)."""
    from learningcities.accounts.domain.work import register_work_part
    from learningcities.accounts.enums import Role

    register_work_part(
        "reports.secretariat",
        role=Role.SECRETARIAT,
        title=_("Progress reports"),
        template="reports/manage/work.html",
        build=secretariat_reports_work,
        order=250,
    )
