"""The progress reports' parts of "My work" for a city's coordinators and its National Commission.

- Coordinators ("Progress reports"): the open reports of their cities (not
  yet accepted, not lapsed), each with its due date, its standing and how
  many sections of feedback wait to be addressed; one query.
- The National Commission ("Reports of your country"): per country it
  endorses for, how many reports are overdue and how many cities are on
  hold, with the link to the country's reports; two queries.

``register_city_work_parts`` adds them to ``accounts.domain.work`` (called
from ``ReportsConfig.ready()``).
"""

import datetime as dt

from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from learningcities.accounts.domain.work import register_work_part
from learningcities.accounts.enums import Role
from learningcities.accounts.rules import endorsed_country_ids
from learningcities.network.enums import MembershipStatus
from learningcities.network.models import Country

from ...enums import ReportState
from ...models import ProgressReport
from ...rules import coordinated_city_ids
from ..standing import with_due
from .reports import due_text, standing_of

# Rows the coordinator's part lists before it links to the full list.
WORK_ROWS = 10


def coordinator_reports_work(user, *, now: dt.datetime | None = None) -> dict | None:
    """List the open reports of the person's cities (one query); None if they coordinate none."""
    cities = coordinated_city_ids(user)
    if not cities:
        return None
    now = now or timezone.now()
    found = list(
        ProgressReport.objects.filter(city_id__in=cities, lapsed_at__isnull=True)
        .exclude(state=ReportState.ACCEPTED)
        .select_related("cycle", "city", "membership")
        .annotate(
            to_address=Count(
                "feedback",
                filter=Q(state=ReportState.RETURNED, feedback__round=F("returned_count")),
            )
        )
        .order_by("-cycle__due_at", "city__name", "pk")[: WORK_ROWS + 1]
    )
    rows = []
    for report in found[:WORK_ROWS]:
        standing, label = standing_of(report, now)
        rows.append(
            {
                "report": report,
                "url": reverse("reports:report", kwargs={"pk": report.pk}),
                "due": due_text(report),
                "standing": standing,
                "standing_label": label,
                "to_address": report.to_address,
            }
        )
    return {"reports": rows, "more": len(found) > WORK_ROWS, "list_url": reverse("reports:mine")}


def commission_reports_work(user, *, now: dt.datetime | None = None) -> dict | None:
    """Count, per country of the Commission, the overdue reports and the cities on hold.

    Two queries; None for a person who endorses for no country. Overdue:
    not yet submitted, past its due date, the city not (yet) on hold.
    """
    codes = endorsed_country_ids(user)
    if not codes:
        return None
    now = now or timezone.now()
    pending = Q(
        first_submitted_at__isnull=True,
        lapsed_at__isnull=True,
        membership__status=MembershipStatus.ACTIVE,
    )
    counts = {
        row["city__country_id"]: row
        for row in with_due(ProgressReport.objects.filter(city__country_id__in=codes))
        .order_by()
        .values("city__country_id")
        .annotate(
            overdue=Count("pk", filter=pending & Q(due__lt=now, on_hold_since__isnull=True)),
            on_hold=Count("pk", filter=pending & Q(on_hold_since__isnull=False)),
        )
    }
    countries = []
    for country in Country.objects.filter(code__in=codes).order_by("name"):
        row = counts.get(country.code, {})
        countries.append(
            {
                "country": country,
                "url": reverse("reports:country", kwargs={"code": country.code}),
                "overdue": row.get("overdue", 0),
                "on_hold": row.get("on_hold", 0),
            }
        )
    return {"countries": countries}


def register_city_work_parts() -> None:
    """Add the coordinators' and the Commission's parts to "My work"."""
    register_work_part(
        "reports.city",
        role=Role.COORDINATOR,
        title=_("Progress reports"),
        template="reports/city/work_coordinator.html",
        build=coordinator_reports_work,
        order=105,
    )
    register_work_part(
        "reports.country",
        role=Role.ENDORSER,
        title=_("Reports of your country"),
        template="reports/city/work_commission.html",
        build=commission_reports_work,
        order=110,
    )
