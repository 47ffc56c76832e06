"""Scheduled work on endorsement deadlines: reminders before them, the call's action after.

Both functions are run by the tasks of ``calls/tasks.py`` (``learningcities
run-scheduled`` enqueues them, from cron or a timer). Each is idempotent: a
second run at the same moment does nothing more. Each submission is handled in
its own transaction, so one that fails (logged with its id) neither undoes nor
stops the others.
"""

import datetime as dt
import logging
from collections.abc import Callable, Iterable

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from learningcities.common.domain.activity import field_changes, record_activity
from learningcities.common.domain.outbox import queue_message_by_language, template_for

from ..enums import DeadlineAction, SubmissionState
from ..models import Call, Submission
from .timing import in_call_zone
from .transitions import ENDORSERS, apply_endorsement_deadline, recipients_with_language

logger = logging.getLogger(__name__)

REMINDER_TEMPLATE = "calls.submission.endorsement_reminder"


def _not_reminded_since_submitted() -> Q:
    # A submission returned to the city and submitted again has a new
    # endorsement deadline, and earns a new reminder.
    return Q(endorsement_reminded_at__isnull=True) | Q(
        endorsement_reminded_at__lt=F("submitted_at")
    )


def reminders_due(now: dt.datetime) -> list[int]:
    """Return the ids of the submissions whose endorsers are to be reminded at ``now``.

    Those still ``submitted``, due within their call's reminder window (not
    yet past the deadline) and not reminded since they were last submitted.
    """
    ids: list[int] = []
    calls = Call.objects.filter(endorsement_reminder_days__isnull=False).values_list(
        "pk", "endorsement_reminder_days"
    )
    for call_id, days in calls:
        ids += (
            Submission.objects.filter(
                _not_reminded_since_submitted(),
                call_id=call_id,
                state=SubmissionState.SUBMITTED,
                endorsement_due_at__gt=now,
                endorsement_due_at__lte=now + dt.timedelta(days=days),
            )
            .order_by("endorsement_due_at", "pk")
            .values_list("pk", flat=True)
        )
    return ids


def send_endorsement_reminder(submission_id: int, *, now: dt.datetime | None = None) -> bool:
    """Remind the endorsers of one submission that its endorsement deadline is near.

    Does nothing (returns False) unless the submission is still due for a
    reminder (see ``reminders_due``), checked again under a row lock. Effects,
    in one transaction: ``endorsement_reminded_at``; activity
    ``calls.submission.endorsement_reminder``; the notice
    ``calls.submission.endorsement_reminder`` in the call's language to the
    active endorsers of the submission's country (none when it has none).
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = (
            Submission.objects.select_for_update(of=("self",))
            .select_related("call", "city", "country", "organisation")
            .filter(_not_reminded_since_submitted(), pk=submission_id)
            .first()
        )
        if locked is None or not _in_reminder_window(locked, now):
            return False
        before = {"endorsement_reminded_at": locked.endorsement_reminded_at}
        locked.endorsement_reminded_at = now
        locked.save(update_fields=["endorsement_reminded_at", "updated_at"])
        record_activity(
            "calls.submission.endorsement_reminder",
            actor=None,
            organisation=locked.organisation,
            subject=locked,
            changes=field_changes(locked, ["endorsement_reminded_at"], before),
        )
        _queue_reminder(locked)
    return True


def _in_reminder_window(submission: Submission, now: dt.datetime) -> bool:
    """Whether ``submission`` is still submitted and due within its call's reminder window."""
    call, due = submission.call, submission.endorsement_due_at
    if submission.state != SubmissionState.SUBMITTED:
        return False
    if call.endorsement_reminder_days is None or due is None:
        return False
    return now < due <= now + dt.timedelta(days=call.endorsement_reminder_days)


def _queue_reminder(submission: Submission) -> None:
    """Queue the reminder to the submission's active endorsers, each in their language.

    One message per language (the call's for an endorser without one). A
    missing template raises (so the submission is not marked reminded); no
    endorser, no mail.
    """
    call = submission.call
    template_for(REMINDER_TEMPLATE, call.language)
    queue_message_by_language(
        REMINDER_TEMPLATE,
        recipients=recipients_with_language(submission, ENDORSERS),
        context=lambda: {
            "city": str(submission.city),
            "country": str(submission.country),
            "call": call.title,
            "endorsement_due": in_call_zone(submission.endorsement_due_at, call),
            "deadline_action": call.deadline_action,
            "audience": ENDORSERS,
        },
        language=call.language,
        related_object=submission,
    )


def _each(ids: Iterable[int], action: Callable[[int], bool], what: str) -> int:
    done = 0
    for submission_id in ids:
        try:
            done += int(action(submission_id))
        except Exception:  # one bad submission must not stop the others; it stays due
            logger.exception("%s failed for submission %s", what, submission_id)
    return done


def send_endorsement_reminders(*, now: dt.datetime | None = None) -> int:
    """Send every endorsement reminder due at ``now``; return how many submissions were reminded.

    See ``send_endorsement_reminder`` for the effects of each. A submission
    that fails is logged and left due for the next run.
    """
    now = now or timezone.now()
    return _each(
        reminders_due(now),
        lambda pk: send_endorsement_reminder(pk, now=now),
        "endorsement reminder",
    )


def deadlines_due(now: dt.datetime) -> list[int]:
    """Return the ids of the submitted submissions past their endorsement deadline at ``now``.

    A submission a call escalates is left out once escalated (it stays
    ``submitted`` while the secretariat decides).
    """
    return list(
        Submission.objects.filter(
            Q(call__deadline_action=DeadlineAction.DECLINE) | Q(escalated_at__isnull=True),
            state=SubmissionState.SUBMITTED,
            endorsement_due_at__lt=now,
        )
        .order_by("endorsement_due_at", "pk")
        .values_list("pk", flat=True)
    )


def _apply_deadline(submission_id: int, now: dt.datetime) -> bool:
    submission = Submission.objects.select_related("call").filter(pk=submission_id).first()
    if submission is None:
        return False
    return apply_endorsement_deadline(submission, now=now)


def apply_endorsement_deadlines(*, now: dt.datetime | None = None) -> int:
    """Apply the call's deadline action to every submission past its endorsement deadline.

    Declines it or escalates it to the secretariat, as the call says (see
    ``apply_endorsement_deadline``, each in its own transaction); returns how
    many submissions were acted on. A submission that fails is logged and
    left due for the next run.
    """
    now = now or timezone.now()
    return _each(
        deadlines_due(now),
        lambda pk: _apply_deadline(pk, now),
        "endorsement deadline action",
    )
