"""Reads of the secretariat's pages of reporting cycles: the list, a cycle, its lapses, a review.

Every function reads a fixed number of queries whatever the number of
reports. The standings a page filters by are the ones ``standing.report_standing``
gives a single report, written as conditions on the whole table
(``standing_condition``) so a page of a thousand reports stays one query.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Case, Count, Exists, F, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone

from learningcities.frameworks.models import Framework
from learningcities.network.enums import MembershipStatus
from learningcities.network.models import Country

from ...enums import SECRETARIAT, Audience, ReportState, Standing
from ...models import LapseRelease, ProgressReport, ReminderSent, ReportingCycle
from ..cycles import due_memberships, local_date
from ..standing import lapse_from, report_standing, with_due
from ..transitions import report_machine

# The questionnaire a new cycle starts with: the newest version of this framework.
REPORT_FRAMEWORK_CODE = "progress-report"


def default_report_framework() -> Framework | None:
    """Return the newest progress-report framework loaded (None if none is)."""
    return (
        Framework.objects.filter(code=REPORT_FRAMEWORK_CODE).order_by("-loaded_at", "-pk").first()
    )


def report_frameworks() -> QuerySet[Framework]:
    """Return the frameworks a cycle may use, progress-report versions first, newest first."""
    report_first = Case(When(code=REPORT_FRAMEWORK_CODE, then=Value(0)), default=Value(1))
    return Framework.objects.order_by(report_first, "code", "-loaded_at", "pk")


# --- the list of cycles ----------------------------------------------------------------------


def _live() -> Q:
    return Q(reports__lapsed_at__isnull=True, reports__membership__status=MembershipStatus.ACTIVE)


def cycles_for_secretariat() -> list[ReportingCycle]:
    """Return every cycle, latest due first, with its counts of reports (one query).

    Each carries ``expected``, ``received`` (submitted at least once),
    ``accepted`` and ``on_hold`` (members on hold, not lapsed).
    """
    return list(
        ReportingCycle.objects.select_related("framework").annotate(
            expected=Count("reports"),
            received=Count("reports", filter=Q(reports__first_submitted_at__isnull=False)),
            accepted=Count("reports", filter=Q(reports__state=ReportState.ACCEPTED)),
            on_hold=Count("reports", filter=_live() & Q(reports__on_hold_since__isnull=False)),
        )
    )


def cycle_for_secretariat(code: str) -> ReportingCycle | None:
    """Return the cycle with ``code`` and its questionnaire, or None."""
    return ReportingCycle.objects.select_related("framework").filter(code=code).first()


# --- a cycle's page --------------------------------------------------------------------------


def standing_condition(standing: str, now: dt.datetime) -> Q:
    """Return the condition on reports annotated ``due`` (``with_due``) of one ``Standing``.

    The same reading as ``report_standing``: lapsed, else ended, else on
    hold, else received, else due or overdue by the report's due date.
    """
    live = Q(lapsed_at__isnull=True, membership__status=MembershipStatus.ACTIVE)
    waiting = live & Q(on_hold_since__isnull=True, first_submitted_at__isnull=True)
    conditions = {
        Standing.LAPSED: Q(lapsed_at__isnull=False),
        Standing.ENDED: Q(lapsed_at__isnull=True) & ~Q(membership__status=MembershipStatus.ACTIVE),
        Standing.ON_HOLD: live & Q(on_hold_since__isnull=False),
        Standing.RECEIVED: live & Q(on_hold_since__isnull=True, first_submitted_at__isnull=False),
        Standing.DUE: waiting & Q(due__gte=now),
        Standing.OVERDUE: waiting & Q(due__lt=now),
    }
    return conditions[standing]


@dataclass
class CycleCounts:
    """How a cycle's reports stand (``cycle_counts``)."""

    expected: int = 0
    received: int = 0
    on_time: int = 0
    awaiting_review: int = 0
    accepted: int = 0
    returned: int = 0
    overdue: int = 0
    on_hold: int = 0
    lapse_staged: int = 0
    lapsed: int = 0


def cycle_counts(cycle: ReportingCycle, *, now: dt.datetime | None = None) -> CycleCounts:
    """Count the cycle's reports: expected, received, on time, by state and standing (one query).

    On time: first submitted by its due date (the extension's, else the
    cycle's). Overdue: not submitted, past its due date, not yet on hold.
    """
    now = now or timezone.now()
    found = (
        with_due(cycle.reports.all())
        .order_by()
        .aggregate(
            expected=Count("pk"),
            received=Count("pk", filter=Q(first_submitted_at__isnull=False)),
            on_time=Count("pk", filter=Q(first_submitted_at__lte=F("due"))),
            awaiting_review=Count("pk", filter=Q(state=ReportState.SUBMITTED)),
            accepted=Count("pk", filter=Q(state=ReportState.ACCEPTED)),
            returned=Count("pk", filter=Q(state=ReportState.RETURNED)),
            overdue=Count("pk", filter=standing_condition(Standing.OVERDUE, now)),
            on_hold=Count("pk", filter=standing_condition(Standing.ON_HOLD, now)),
            lapse_staged=Count(
                "pk", filter=Q(lapse_staged_at__isnull=False, lapsed_at__isnull=True)
            ),
            lapsed=Count("pk", filter=Q(lapsed_at__isnull=False)),
        )
    )
    return CycleCounts(**found)


def cycle_reports(
    cycle: ReportingCycle,
    *,
    state: str = "",
    standing: str = "",
    region: str = "",
    country: str = "",
    now: dt.datetime | None = None,
) -> QuerySet[ProgressReport]:
    """Return the cycle's reports, by country and city, narrowed by the filters given.

    Each report comes with its city, country, membership and cycle, and ``due``.
    """
    now = now or timezone.now()
    reports = with_due(cycle.reports.all()).select_related("city__country", "membership", "cycle")
    if state:
        reports = reports.filter(state=state)
    if standing:
        reports = reports.filter(standing_condition(standing, now))
    if region:
        reports = reports.filter(city__country__region=region)
    if country:
        reports = reports.filter(city__country_id=country)
    return reports.order_by("city__country__name", "city__name", "pk")


def with_standing(reports, *, now: dt.datetime | None = None) -> list[ProgressReport]:
    """Give each report (with its membership and cycle) its ``standing`` and label.

    ``to_review``: the secretariat may return or accept it now.
    """
    now = now or timezone.now()
    labels = dict(Standing.choices)
    reports = list(reports)
    for report in reports:
        report.standing = report_standing(report, now)
        report.standing_label = labels[report.standing]
        report.to_review = bool(secretariat_moves(report))
    return reports


def cycle_countries(cycle: ReportingCycle) -> list[Country]:
    """Return the countries of the cities with a report in the cycle (one query)."""
    return list(Country.objects.filter(cities__reports__cycle=cycle).distinct().order_by("name"))


@dataclass
class ReminderLine:
    """One reminder of a cycle: when (in the cycle's zone), to whom, how many sent."""

    days: int
    audience: str
    audience_label: str
    day: dt.date
    sent: int

    @property
    def distance(self) -> int:
        """The number of days from the due date, before or after it."""
        return abs(self.days)


def reminder_schedule(cycle: ReportingCycle) -> list[ReminderLine]:
    """Return the cycle's reminders by day, each with its date and how many were sent (two queries).

    The date is the cycle's due date moved by the rule's days; a city with
    an extension is reminded from its own due date.
    """
    sent = dict(
        ReminderSent.objects.filter(rule__cycle=cycle, skipped=False)
        .order_by()
        .values_list("rule_id")
        .annotate(n=Count("pk"))
    )
    labels = dict(Audience.choices)
    return [
        ReminderLine(
            days=rule.days,
            audience=rule.audience,
            audience_label=labels.get(rule.audience, rule.audience),
            day=local_date(cycle.due_at + dt.timedelta(days=rule.days), cycle),
            sent=sent.get(rule.pk, 0),
        )
        for rule in cycle.reminder_rules.order_by("days", "audience")
    ]


def reminder_days(cycle: ReportingCycle) -> dict[str, list[int]]:
    """Return the cycle's reminder days by audience, in order (one query)."""
    found: dict[str, list[int]] = {audience: [] for audience in Audience.values}
    for days, audience in cycle.reminder_rules.order_by("days").values_list("days", "audience"):
        found.setdefault(audience, []).append(days)
    return found


@dataclass(frozen=True)
class DuePreview:
    """What the cycle's due rule means today: members due, and those still without a report."""

    due: int
    missing: int


def due_preview(cycle: ReportingCycle) -> DuePreview:
    """Count the members the due rule names and those of them with no report yet (one query)."""
    has_report = Exists(ProgressReport.objects.filter(cycle=cycle, city_id=OuterRef("city_id")))
    found = (
        due_memberships(cycle)
        .annotate(has_report=has_report)
        .order_by()
        .aggregate(due=Count("pk"), missing=Count("pk", filter=Q(has_report=False)))
    )
    return DuePreview(due=found["due"], missing=found["missing"])


# --- lapses ----------------------------------------------------------------------------------


@dataclass
class LapseLine:
    """A member on hold in a cycle: since when, from when it may lapse, whether it is staged."""

    report: ProgressReport
    lapse_from: dt.date
    may_stage: bool


@dataclass
class LapsesPage:
    """The lapses page of a cycle: members on hold, the staged ones, earlier releases."""

    lines: list[LapseLine] = field(default_factory=list)
    staged: int = 0
    ends_on: dt.date | None = None
    lapsed: list[ProgressReport] = field(default_factory=list)
    releases: list[LapseRelease] = field(default_factory=list)


def lapses_page(cycle: ReportingCycle, *, now: dt.datetime | None = None) -> LapsesPage:
    """Return the cycle's members on hold, the staged lapses and the releases (three queries).

    A release today ends the staged memberships on ``ends_on``, today in the
    cycle's time zone.
    """
    now = now or timezone.now()
    today = local_date(now, cycle)
    reports = list(
        cycle.reports.filter(Q(on_hold_since__isnull=False) | Q(lapsed_at__isnull=False))
        .select_related("city__country", "membership", "cycle")
        .order_by("city__country__name", "city__name", "pk")
    )
    page = LapsesPage(ends_on=today)
    for report in reports:
        if report.lapsed_at is not None:
            page.lapsed.append(report)
        elif report.membership.status == MembershipStatus.ACTIVE:
            after = lapse_from(report)
            staged = report.lapse_staged_at is not None
            page.staged += staged
            page.lines.append(LapseLine(report, after, not staged and today >= after))
    page.releases = list(cycle.lapse_releases.select_related("released_by"))
    return page


def staged_reports(cycle: ReportingCycle) -> int:
    """Count the cycle's lapses staged and not yet released (one query)."""
    return cycle.reports.filter(lapse_staged_at__isnull=False, lapsed_at__isnull=True).count()


# --- the review of a report ------------------------------------------------------------------


def report_for_review(pk: int) -> ProgressReport | None:
    """Return the report ``pk`` with its cycle, questionnaire, city and membership, or None."""
    return (
        ProgressReport.objects.select_related("cycle__framework", "city__country", "membership")
        .filter(pk=pk)
        .first()
    )


def secretariat_moves(report: ProgressReport) -> frozenset[str]:
    """Return the states the secretariat may move ``report`` to now (the machine's table).

    Nothing once the city's membership ended through a lapse.
    """
    if report.lapsed_at is not None:
        return frozenset()
    return frozenset(
        state
        for state in ReportState.values
        if report_machine.allows(report.state, state)
        and SECRETARIAT in report_machine.actors_for(state)
    )


@dataclass
class FeedbackRound:
    """The secretariat's feedback of one return of a report: ``[(section, text)]``."""

    number: int
    entries: list = field(default_factory=list)


def feedback_rounds(report: ProgressReport) -> list[FeedbackRound]:
    """Return the feedback of every return of ``report``, the latest first (one query)."""
    rounds: list[FeedbackRound] = []
    for entry in report.feedback.select_related("section").order_by("-round", "section__order"):
        if not rounds or rounds[-1].number != entry.round:
            rounds.append(FeedbackRound(entry.round))
        rounds[-1].entries.append(entry)
    return rounds
