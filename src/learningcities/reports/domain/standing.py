"""Standing that follows reporting: overdue, on hold, restored, lapsed; and the one extension.

- A report is **overdue** once its due date (the cycle's, or the city's one
  extension) has passed and it has not been submitted.
- ``apply_holds`` (daily) puts the membership of a city whose report is still
  not in ``hold_after_days`` after the due date **on hold**: its public page
  says so and it leaves the list of active members (``network``'s hold).
- An accepted report lifts the hold (**restored**), and withdraws a lapse
  staged for it.
- After ``grace_days`` on hold the secretariat may **stage a lapse**; the
  staged lapses of a cycle are **released** together, like decisions: every
  membership ends with the status "lapsed", all or nothing, with notices.
"""

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from learningcities.common.domain.activity import record_activity
from learningcities.network.domain.memberships import end_membership, hold_membership, lift_hold
from learningcities.network.enums import MembershipStatus

from ..enums import Audience, Standing
from ..enums import ReportState as S
from ..models import LapseRelease, ProgressReport, ReportingCycle
from . import notices
from .cycles import local_date
from .errors import ReportError
from .revision import reports_changed
from .transitions import report_machine


def lapse_from(report: ProgressReport) -> dt.date | None:
    """Return the day from which the secretariat may stage a lapse (None: not on hold)."""
    if report.on_hold_since is None:
        return None
    return report.on_hold_since + dt.timedelta(days=report.cycle.grace_days)


def report_standing(report: ProgressReport, now: dt.datetime | None = None) -> str:
    """Return what ``report`` says of its city's membership now (a ``Standing``)."""
    now = now or timezone.now()
    if report.lapsed_at is not None:
        return Standing.LAPSED
    if report.membership.status != MembershipStatus.ACTIVE:
        return Standing.ENDED
    if report.on_hold_since is not None:
        return Standing.ON_HOLD
    if report.first_submitted_at is not None:
        return Standing.RECEIVED
    return Standing.DUE if now <= report.due_at else Standing.OVERDUE


def not_received(reports):
    """Narrow ``reports`` to those never submitted, of members, not lapsed."""
    return reports.filter(
        first_submitted_at__isnull=True,
        lapsed_at__isnull=True,
        membership__status=MembershipStatus.ACTIVE,
    )


def with_due(reports):
    """Annotate ``due`` (the extension's due date, else the cycle's)."""
    return reports.annotate(due=Coalesce(F("extended_until"), F("cycle__due_at")))


# --- holds ---------------------------------------------------------------------------------


def apply_holds(now: dt.datetime | None = None) -> int:
    """Put on hold every member whose report is ``hold_after_days`` overdue; return how many.

    May run any number of times: a report is held once. Each hold is its own
    transaction (one failure does not undo the others).
    """
    now = now or timezone.now()
    held = 0
    for cycle in ReportingCycle.objects.filter(due_at__lt=now):
        limit = now - dt.timedelta(days=cycle.hold_after_days)
        reports = with_due(not_received(cycle.reports.filter(on_hold_since__isnull=True)))
        for report in reports.filter(due__lt=limit).select_related("cycle", "city", "membership"):
            held += hold_report(report, now=now)
    return held


@transaction.atomic
def hold_report(report: ProgressReport, *, now: dt.datetime, actor=None) -> int:
    """Put ``report``'s city on hold from today (in the cycle's zone); return 1, or 0 if it was."""
    report = (
        ProgressReport.objects.select_for_update(of=("self",))
        .select_related("cycle", "city__country", "membership")
        .get(pk=report.pk)
    )
    if report.on_hold_since is not None or report.first_submitted_at is not None:
        return 0
    since = local_date(now, report.cycle)
    report.on_hold_since = since
    report.save(update_fields=["on_hold_since", "updated_at"])
    reports_changed()
    hold_membership(report.membership, since=since, actor=actor, reason=report.cycle.code)
    record_activity(
        "reports.report.on_hold",
        actor=actor,
        subject=report,
        changes={"on_hold_since": [None, since.isoformat()]},
    )
    lapse_after = lapse_from(report)
    notices.send(
        "reports.membership.on_hold",
        report,
        [Audience.COORDINATORS, Audience.COMMISSION],
        lambda: {"lapse_after": _date(lapse_after)},
    )
    return 1


def _date(day: dt.date) -> str:
    from django.utils.formats import date_format

    return date_format(day, "DATE_FORMAT")


def _restore_on_acceptance(move) -> None:
    """An accepted report lifts its city's hold and withdraws a staged lapse (an effect)."""
    report = move.report
    if report.on_hold_since is None and report.lapse_staged_at is None:
        return
    since = report.on_hold_since
    report.on_hold_since = None
    report.lapse_staged_at = None
    report.lapse_reason = ""
    report.save(update_fields=["on_hold_since", "lapse_staged_at", "lapse_reason", "updated_at"])
    reports_changed()
    lift_hold(report.membership, actor=move.actor, reason=report.cycle.code)
    record_activity(
        "reports.report.restored",
        actor=move.actor,
        subject=report,
        changes={"on_hold_since": [since.isoformat() if since else None, None]},
    )
    notices.send(
        "reports.membership.restored", report, [Audience.COORDINATORS, Audience.COMMISSION]
    )


report_machine.register_effect(S.ACCEPTED, _restore_on_acceptance)


# --- lapses --------------------------------------------------------------------------------


@transaction.atomic
def stage_lapse(report: ProgressReport, *, reason: str, actor, now: dt.datetime | None = None):
    """Stage the lapse of ``report``'s city, to be released with the cycle's others.

    Refused unless the city has been on hold for the whole grace period, or
    when already staged. Effects: the report's staging, an activity entry.
    """
    now = now or timezone.now()
    report = _locked(report)
    if report.lapse_staged_at is not None:
        raise ReportError(_("A lapse is already staged for %(city)s.") % {"city": report.city.name})
    if report.lapsed_at is not None or report.membership.status != MembershipStatus.ACTIVE:
        raise ReportError(
            _("The membership of %(city)s has already ended.") % {"city": report.city.name},
            code="membership_ended",
        )
    after = lapse_from(report)
    if after is None:
        raise ReportError(
            _("%(city)s is not on hold; only a member on hold may lapse.")
            % {"city": report.city.name},
            code="not_on_hold",
        )
    if local_date(now, report.cycle) < after:
        raise ReportError(
            _("%(city)s may lapse from %(date)s, when its grace period ends.")
            % {"city": report.city.name, "date": _date(after)},
            code="grace_period",
        )
    report.lapse_staged_at = now
    report.lapse_reason = reason.strip()
    report.save(update_fields=["lapse_staged_at", "lapse_reason", "updated_at"])
    reports_changed()
    record_activity(
        "reports.lapse.staged",
        actor=actor,
        subject=report,
        changes={"lapse_reason": ["", report.lapse_reason]},
    )
    return report


@transaction.atomic
def unstage_lapse(report: ProgressReport, *, actor) -> ProgressReport:
    """Withdraw a staged lapse before it is released."""
    report = _locked(report)
    if report.lapse_staged_at is None or report.lapsed_at is not None:
        raise ReportError(
            _("No lapse is staged for %(city)s.") % {"city": report.city.name}, code="not_staged"
        )
    report.lapse_staged_at = None
    report.lapse_reason = ""
    report.save(update_fields=["lapse_staged_at", "lapse_reason", "updated_at"])
    reports_changed()
    record_activity("reports.lapse.unstaged", actor=actor, subject=report, changes={})
    return report


def _locked(report: ProgressReport) -> ProgressReport:
    return (
        ProgressReport.objects.select_for_update(of=("self",))
        .select_related("cycle", "city__country", "membership")
        .get(pk=report.pk)
    )


@transaction.atomic
def release_lapses(cycle: ReportingCycle, *, actor, now: dt.datetime | None = None) -> LapseRelease:
    """End, all together, the memberships of the cycle's staged lapses (status "lapsed").

    Each ends today in the cycle's time zone, for the reason staged; the
    coordinators and the National Commission are told. All or nothing.
    Refused when nothing is staged. Effects: the memberships, the reports'
    ``lapsed_at``, a ``LapseRelease`` row and its activity entry, the notices.
    """
    now = now or timezone.now()
    staged = list(
        cycle.reports.select_for_update(of=("self",))
        .filter(lapse_staged_at__isnull=False, lapsed_at__isnull=True)
        .select_related("cycle", "city__country", "membership")
        .order_by("city__name", "pk")
    )
    if not staged:
        raise ReportError(_("No lapse is staged in this cycle."), code="not_staged")
    ended_on = local_date(now, cycle)
    for report in staged:
        end_membership(
            report.membership,
            status=MembershipStatus.LAPSED,
            ended_on=ended_on,
            actor=actor,
            reason=report.lapse_reason
            or _("No progress report for %(cycle)s.") % {"cycle": cycle.name},
        )
        report.lapsed_at = now
        report.save(update_fields=["lapsed_at", "updated_at"])
        reports_changed()
        report.membership.refresh_from_db()
        notices.send(
            "reports.membership.lapsed",
            report,
            [Audience.COORDINATORS, Audience.COMMISSION],
            lambda r=report: {"ended_on": _date(ended_on), "reason": r.lapse_reason},
        )
    release = LapseRelease.objects.create(
        cycle=cycle, released_at=now, released_by=actor, ended_on=ended_on, count=len(staged)
    )
    record_activity(
        "reports.lapse.released",
        actor=actor,
        subject=cycle,
        changes={"memberships": [None, len(staged)], "ended_on": [None, ended_on.isoformat()]},
    )
    return release


# --- the one extension ---------------------------------------------------------------------


@transaction.atomic
def extend_report(
    report: ProgressReport,
    *,
    until: dt.datetime,
    reason: str,
    actor,
    now: dt.datetime | None = None,
) -> ProgressReport:
    """Move ``report``'s due date to ``until``: once per city per cycle, with a reason.

    Refused for a second extension, a report already submitted or on hold,
    a date not after the current due date or past the cycle's longest
    extension, and without a reason. Effects: ``extended_until`` and its
    reason, a ``reports.report.extended`` entry (with the reason), the notice
    to the city's coordinators.
    """
    now = now or timezone.now()
    report = _locked(report)
    reason = reason.strip()
    _check_extension(report, until, reason)
    report.extended_until = until
    report.extension_reason = reason
    report.save(update_fields=["extended_until", "extension_reason", "updated_at"])
    reports_changed()
    record_activity(
        "reports.report.extended",
        actor=actor,
        subject=report,
        changes={"extended_until": [None, until.isoformat()], "reason": ["", reason]},
    )
    notices.send(
        "reports.report.extended", report, [Audience.COORDINATORS], lambda: {"reason": reason}
    )
    return report


def _check_extension(report: ProgressReport, until: dt.datetime, reason: str) -> None:
    if report.extended_until is not None:
        raise ReportError(
            _("The report of %(city)s was already extended once in this cycle.")
            % {"city": report.city.name},
            code="already_extended",
        )
    if report.first_submitted_at is not None or report.on_hold_since is not None:
        raise ReportError(
            _("Only a report not yet submitted, and not on hold, can be extended."),
            code="not_extendable",
        )
    if not reason:
        raise ReportError(_("Give the reason for the extension."), code="reason_required")
    latest = report.cycle.due_at + dt.timedelta(days=report.cycle.max_extension_days)
    if until <= report.cycle.due_at or until > latest:
        raise ReportError(
            _("The new due date must be after %(due)s and no later than %(latest)s.")
            % {
                "due": notices.in_zone(report.cycle.due_at, report.cycle.time_zone),
                "latest": notices.in_zone(latest, report.cycle.time_zone),
            },
            code="invalid",
        )


__all__ = [
    "apply_holds",
    "extend_report",
    "hold_report",
    "release_lapses",
    "report_standing",
    "stage_lapse",
    "unstage_lapse",
]
