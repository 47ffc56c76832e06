"""The one gate of a progress report's state: ``move_report``.

The table is ``enums.REPORT_TRANSITIONS``; who may make each move,
``enums.REPORT_ACTORS``. ``move_report`` locks the report, checks the table
and the actor's role, runs the guards registered for the target state, saves
what the state records, writes the activity entry, queues the notices and
runs the effects, all in one transaction. Nothing else changes a report's
state. Apps above this one add rules with
``report_machine.register_guard`` / ``register_effect``.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from learningcities.common.domain.activity import record_activity
from learningcities.common.domain.statemachine import StateMachine
from learningcities.network.enums import MembershipStatus

from ..enums import (
    CITY,
    REPORT_ACTORS,
    REPORT_TRANSITIONS,
    SECRETARIAT,
    Assessment,
)
from ..enums import ReportState as S
from ..models import ProgressReport, SectionFeedback
from . import notices
from .completeness import report_problems
from .errors import ReportError
from .revision import reports_changed

report_machine = StateMachine(
    "reports.report", transitions=REPORT_TRANSITIONS, actors=REPORT_ACTORS
)


@dataclass
class ReportMove:
    """One move of a report, as the guards and effects of ``report_machine`` see it."""

    report: ProgressReport
    from_state: str
    to_state: str
    actor: Any
    role: str
    now: dt.datetime
    comment: str = ""
    # The secretariat's feedback when it returns a report: {section id: text}.
    feedback: dict[int, str] = field(default_factory=dict)
    assessment: str = ""
    assessment_text: str = ""


@transaction.atomic
def move_report(
    report: ProgressReport,
    to_state: str,
    *,
    actor,
    role: str,
    comment: str = "",
    feedback: dict[int, str] | None = None,
    assessment: str = "",
    assessment_text: str = "",
    now: dt.datetime | None = None,
) -> ProgressReport:
    """Move ``report`` to ``to_state`` as ``role`` (``CITY`` or ``SECRETARIAT``).

    Refused (ReportError) by the table (``not_allowed``), the role
    (``not_permitted``) or a guard: the cycle not yet open, a membership that
    ended, an incomplete report (``incomplete``), a return without feedback,
    an acceptance without an assessment. Effects: the state and what it
    records (submission times, the feedback of the round, the assessment), an
    activity entry, the notices, then the registered effects (an accepted
    report lifts its city's hold).
    """
    move = _start(report, to_state, actor=actor, role=role, now=now or timezone.now())
    move.comment = comment.strip()
    move.feedback = {k: v.strip() for k, v in (feedback or {}).items() if v and v.strip()}
    move.assessment = assessment
    move.assessment_text = assessment_text.strip()
    _check_table(move)
    report_machine.check(move)
    _save(move)
    _record(move)
    notices.notify_move(move)
    report_machine.run_effects(move)
    return move.report


def _start(report, to_state, *, actor, role, now) -> ReportMove:
    locked = (
        ProgressReport.objects.select_for_update(of=("self",))
        .select_related("cycle", "city", "membership")
        .get(pk=report.pk)
    )
    return ReportMove(
        report=locked,
        from_state=locked.state,
        to_state=to_state,
        actor=actor,
        role=role,
        now=now,
    )


def _check_table(move: ReportMove) -> None:
    if not report_machine.allows(move.from_state, move.to_state):
        raise ReportError(
            _("A report that is %(current)s cannot be %(new)s.")
            % {
                "current": S(move.from_state).label.lower(),
                "new": S(move.to_state).label.lower() if move.to_state in S else move.to_state,
            },
            code="not_allowed",
        )
    if move.role not in report_machine.actors_for(move.to_state):
        raise ReportError(_("You may not make this change to the report."), code="not_permitted")


# --- guards -------------------------------------------------------------------------------


def _guard_open(move: ReportMove) -> None:
    if move.now < move.report.cycle.opens_at:
        raise ReportError(_("This reporting cycle has not opened yet."), code="not_open")


def _guard_member(move: ReportMove) -> None:
    if move.report.membership.status != MembershipStatus.ACTIVE or move.report.lapsed_at:
        raise ReportError(
            _("The membership of %(city)s has ended; its report can no longer be submitted.")
            % {"city": move.report.city.name},
            code="membership_ended",
        )


def _guard_complete(move: ReportMove) -> None:
    problems = report_problems(move.report)
    if problems:
        raise ReportError(
            _("The report is not complete: %(first)s (and %(count)d more).")
            % {"first": problems[0].message, "count": len(problems) - 1}
            if len(problems) > 1
            else _("The report is not complete: %(first)s") % {"first": problems[0].message},
            code="incomplete",
        )


def _guard_feedback(move: ReportMove) -> None:
    if not move.feedback and not move.comment:
        raise ReportError(
            _("Say what the city should change: give feedback on at least one section."),
            code="reason_required",
        )
    sections = set(move.report.cycle.framework.sections.values_list("pk", flat=True))
    unknown = set(move.feedback) - sections
    if unknown:
        raise ReportError(_("Feedback was given on a section this report does not have."))


def _guard_assessment(move: ReportMove) -> None:
    if move.assessment not in Assessment.values:
        raise ReportError(
            _("Choose an assessment of the city's achievements and efforts."),
            code="invalid",
        )


# --- saving -------------------------------------------------------------------------------


def _save(move: ReportMove) -> None:
    report = move.report
    report.state = move.to_state
    if move.to_state == S.SUBMITTED:
        report.first_submitted_at = report.first_submitted_at or move.now
        report.submitted_at = move.now
    elif move.to_state == S.RETURNED:
        report.returned_count += 1
        SectionFeedback.objects.bulk_create(
            [
                SectionFeedback(
                    report=report, section_id=pk, round=report.returned_count, text=text
                )
                for pk, text in sorted(move.feedback.items())
            ]
        )
    elif move.to_state == S.ACCEPTED:
        report.accepted_at = move.now
        report.assessment = move.assessment
        report.assessment_text = move.assessment_text
    report.save()
    reports_changed()


def _record(move: ReportMove) -> None:
    changes: dict = {"state": [move.from_state, move.to_state]}
    if move.comment:
        changes["comment"] = ["", move.comment]
    if move.feedback:
        changes["sections"] = [None, len(move.feedback)]
    if move.assessment:
        changes["assessment"] = ["", move.assessment]
    record_activity(
        f"reports.report.{move.to_state}", actor=move.actor, subject=move.report, changes=changes
    )


def register_report_rules() -> None:
    """Register the reports app's own guards (and, from ``standing``, its effects)."""
    report_machine.register_guard(S.SUBMITTED, _guard_open)
    report_machine.register_guard(S.SUBMITTED, _guard_member)
    report_machine.register_guard(S.SUBMITTED, _guard_complete)
    report_machine.register_guard(S.RETURNED, _guard_feedback)
    report_machine.register_guard(S.ACCEPTED, _guard_assessment)


register_report_rules()

__all__ = ["CITY", "SECRETARIAT", "ReportMove", "move_report", "report_machine"]
