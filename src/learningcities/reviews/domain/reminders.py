"""Scheduled reminders to jurors before a review phase ends.

Run by the task of ``reviews/tasks.py`` (``learningcities run-scheduled``
enqueues it). A panel's ``reminder_days`` (0: none) says how many days before
the end of a phase that lets jurors review its jurors with unfinished reviews
hear of it: once per phase and juror (``PhaseReminder``), so a second run sends
nothing more. Each juror is handled in their own transaction; one that fails is
logged and stays due for the next run.
"""

import datetime as dt
import logging
import zoneinfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from learningcities.accounts.models import User
from learningcities.calls.enums import SubmissionState
from learningcities.common.domain.activity import record_activity
from learningcities.common.domain.outbox import queue_message, template_for

from ..enums import ReviewState
from ..models import Assignment, PhaseReminder, ReviewPhase
from .queries.reviews import phase_in_force, submissions_for_juror

logger = logging.getLogger(__name__)

REMINDER_TEMPLATE = "reviews.phase.reminder"


def _phases_ending(now: dt.datetime) -> list[ReviewPhase]:
    """The phases in force at ``now`` that let jurors review and end within the reminder window."""
    phases = (
        ReviewPhase.objects.filter(
            starts_at__lte=now,
            ends_at__gt=now,
            may_review=True,
            panel__reminder_days__gt=0,
        )
        .select_related("panel__call", "panel__organisation")
        .order_by("ends_at", "pk")
    )
    return [
        phase
        for phase in phases
        if phase.ends_at <= now + dt.timedelta(days=phase.panel.reminder_days)
        and phase_in_force(phase.panel, now=now) == phase
    ]


def _unfinished(juror, phase: ReviewPhase) -> list[int]:
    """Ids of the submissions in review the juror sees in the phase's panel and has not reviewed."""
    submitted = Assignment.objects.filter(
        submission=OuterRef("pk"), juror_id=juror.pk, review__state=ReviewState.SUBMITTED
    )
    return list(
        submissions_for_juror(juror, panel=phase.panel)
        .filter(state=SubmissionState.IN_REVIEW)
        .exclude(Exists(submitted))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def reminders_due(now: dt.datetime) -> list[tuple[int, int]]:
    """Return ``(phase id, juror id)`` of every reminder due at ``now``.

    A juror of a phase in force, ending within the panel's ``reminder_days``,
    who has an assignment in the panel with no submitted review and has not
    been reminded of that phase yet.
    """
    due: list[tuple[int, int]] = []
    for phase in _phases_ending(now):
        reminded = PhaseReminder.objects.filter(phase=phase, juror_id=OuterRef("juror_id"))
        jurors = (
            Assignment.objects.filter(
                ~Q(review__state=ReviewState.SUBMITTED),
                panel=phase.panel,
                submission__state=SubmissionState.IN_REVIEW,
            )
            .exclude(Exists(reminded))
            .order_by("juror_id")
            .values_list("juror_id", flat=True)
            .distinct()
        )
        due += [(phase.pk, juror_id) for juror_id in jurors]
    return due


def send_phase_reminder(phase_id: int, juror_id: int, *, now: dt.datetime | None = None) -> bool:
    """Remind one juror that the phase ends soon and which of their reviews are unfinished.

    Does nothing (returns False) unless the reminder is still due: the phase
    in force and within the window, the juror not reminded of it yet (the
    ``PhaseReminder`` row is the lock), with unfinished reviews they may see.
    Effects, in one transaction: the ``PhaseReminder``; the mail
    ``reviews.phase.reminder`` in the juror's language, naming applications
    by number; activity ``reviews.phase.reminder`` (for the secretariat).
    """
    now = now or timezone.now()
    phase = next((p for p in _phases_ending(now) if p.pk == phase_id), None)
    juror = User.objects.filter(pk=juror_id, is_active=True).first()
    if phase is None or juror is None:
        return False
    unfinished = _unfinished(juror, phase)
    if not unfinished:
        return False
    language = juror.language or settings.LANGUAGE_CODE
    template_for(REMINDER_TEMPLATE, language)  # missing: fail, do not mark it sent
    try:
        with transaction.atomic():
            PhaseReminder.objects.create(phase=phase, juror=juror, sent_at=now)
            _remind(phase, juror, unfinished, language=language)
    except IntegrityError:  # a concurrent run reminded them first
        return False
    return True


def _reminder_context(phase, unfinished: list[int]) -> dict:
    """Return the reminder's variables, in the active language."""
    call = phase.panel.call
    ends = phase.ends_at.astimezone(zoneinfo.ZoneInfo(call.time_zone or "UTC"))
    return {
        "call": call.title,
        "phase": phase.name,
        "ends": f"{formats.date_format(ends, 'DATETIME_FORMAT')} {call.time_zone}",
        "count": len(unfinished),
        "applications": ", ".join(
            _("Application %(number)s") % {"number": pk} for pk in unfinished
        ),
        "link": settings.LC_SITE_URL + reverse("reviews:jury-workspace"),
    }


def _remind(phase, juror, unfinished: list[int], *, language: str) -> None:
    """Queue the reminder to ``juror`` and log it for the secretariat."""
    with translation.override(language):
        context = _reminder_context(phase, unfinished)
    queue_message(
        REMINDER_TEMPLATE,
        recipients=[juror.email],
        context=context,
        related_object=phase.panel.call,
        language=language,
    )
    record_activity(
        "reviews.phase.reminder",
        actor=None,
        organisation=phase.panel.organisation,
        subject=phase,
        changes={"juror": [None, str(juror.pk)], "unfinished": [None, len(unfinished)]},
    )


def send_phase_reminders(*, now: dt.datetime | None = None) -> int:
    """Send every phase-end reminder due at ``now``; return how many jurors were reminded."""
    now = now or timezone.now()
    done = 0
    for phase_id, juror_id in reminders_due(now):
        try:
            done += int(send_phase_reminder(phase_id, juror_id, now=now))
        except Exception:  # one juror must not stop the others; they stay due
            logger.exception("phase reminder failed for phase %s, juror %s", phase_id, juror_id)
    return done
