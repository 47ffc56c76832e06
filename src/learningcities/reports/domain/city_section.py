"""The "Reporting" section of a city's public page, and what keeps the public figures fresh.

The section says, in public terms, where the city stands in the latest cycle
that has opened (report received, due on a day, overdue, on hold since a
day) and lists the cycles whose reports were accepted, with the year of
acceptance. It never shows anything of a report's content.

Freshness. The city page, and the public reporting rates
(``views.public``), are cached for visitors under the register's revision
(``network.NetworkRevision``) and the day. A hold, a restoration and a lapse
move that revision already (``network.domain.memberships``); the other
events that change what these pages show are written to the activity log
(a cycle created or changed, reports added to it, a report submitted,
accepted or extended), and ``register_reporting_section`` connects a
receiver that moves the register's revision when one of them is recorded,
inside the same transaction. The section's own ``revision`` is therefore
constant: the register's revision keys the page already. Whether a report
not yet in is "due" or "overdue" is decided by the day (in the cycle's time
zone) and the page's key holds the day, so it turns overdue with the day
after its due date.
"""

import datetime as dt

from django.db.models.signals import post_save
from django.utils import timezone

from learningcities.network.enums import MembershipStatus

from ..enums import ReportState
from ..models import ProgressReport
from .cycles import local_date

# The activity entries after which the public reporting figures have changed.
FIGURE_ACTIONS = frozenset(
    {
        "reports.cycle.create",
        "reports.cycle.update",
        "reports.cycle.due",
        "reports.report.submitted",
        "reports.report.accepted",
        "reports.report.extended",
    }
)

RECEIVED, DUE, OVERDUE, ON_HOLD = "received", "due", "overdue", "on_hold"


def public_standing(report: ProgressReport, today: dt.date | None = None) -> dict | None:
    """Return ``{"status", "date"}`` of ``report`` in public terms, or None for a former member.

    ``status`` is received, due (``date``: its due day), overdue (``date``:
    the day it was due) or on_hold (``date``: since when); days are in the
    cycle's time zone.
    """
    membership = report.membership
    if membership.status != MembershipStatus.ACTIVE or report.lapsed_at is not None:
        return None
    if report.first_submitted_at is not None:
        return {"status": RECEIVED, "date": None}
    held = membership.on_hold_since or report.on_hold_since
    if held is not None:
        return {"status": ON_HOLD, "date": held}
    due = local_date(report.due_at, report.cycle)
    today = today or local_date(timezone.now(), report.cycle)
    return {"status": DUE if today <= due else OVERDUE, "date": due}


def reporting_section(city) -> dict | None:
    """Return the section's context for ``city`` (one query), None when it has nothing to show."""
    now = timezone.now()
    reports = list(
        ProgressReport.objects.filter(city=city, cycle__opens_at__lte=now)
        .select_related("cycle", "membership")
        .order_by("-cycle__due_at", "-pk")
    )
    if not reports:
        return None
    latest = reports[0]
    standing = public_standing(latest)
    accepted = [
        {"cycle": report.cycle, "year": str(local_date(report.accepted_at, report.cycle).year)}
        for report in reports
        if report.state == ReportState.ACCEPTED and report.accepted_at is not None
    ]
    if standing is None and not accepted:
        return None
    return {"latest": latest.cycle, "standing": standing, "accepted": accepted}


def _bump_on_activity(sender, instance, created, **kwargs) -> None:
    if created and instance.action in FIGURE_ACTIONS:
        from learningcities.network.domain.revision import bump_network_revision

        bump_network_revision()


def _constant_revision() -> str:
    return "register"


def register_reporting_section() -> None:
    """Add the "Reporting" section to the city page and keep the public figures fresh.

    Call from the app's ``ready``; may run more than once.
    """
    from learningcities.common.models import ActivityLogEntry
    from learningcities.network.domain.city_sections import CitySection, register_city_section

    register_city_section(
        CitySection(
            key="reporting",
            template="reports/public/_city_section.html",
            build=reporting_section,
            # The register's revision, which keys the page, moves with every change shown.
            revision=_constant_revision,
            order=30,
        )
    )
    post_save.connect(
        _bump_on_activity, sender=ActivityLogEntry, dispatch_uid="reports-public-figures"
    )
