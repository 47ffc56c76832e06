"""Reads of the jury's work: the phase in force, a juror's submissions."""

import datetime as dt

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from learningcities.accounts.rules import is_juror
from learningcities.calls.models import Submission

from ...models import Assignment, Panel, ReviewPhase
from .conflicts import conflict_filter


def phase_in_force(panel: Panel, *, now: dt.datetime | None = None) -> ReviewPhase | None:
    """Return the panel's phase whose window holds ``now`` (the first by order), or None."""
    now = now or timezone.now()
    return (
        ReviewPhase.objects.filter(panel=panel, starts_at__lte=now, ends_at__gt=now)
        .order_by("order", "starts_at", "pk")
        .first()
    )


def shows_identity(submission: Submission) -> bool:
    """Whether the phase in force on the submission's jury shows jurors the city."""
    panel = Panel.objects.filter(call_id=submission.call_id).first()
    phase = phase_in_force(panel) if panel is not None else None
    return bool(phase and phase.sees_identity)


def submissions_for_juror(user, *, panel: Panel | None = None) -> QuerySet[Submission]:
    """Return the submissions ``user`` is assigned to and not conflicted with.

    The same two conditions as the rule ``reviews.review_submission``; a
    person who is not a juror gets none.
    """
    if not is_juror(user):
        return Submission.objects.none()
    assignments = Assignment.objects.filter(submission=OuterRef("pk"), juror_id=user.pk)
    if panel is not None:
        assignments = assignments.filter(panel=panel)
    return (
        Submission.objects.filter(Exists(assignments))
        .exclude(conflict_filter(user))
        .select_related("call", "city", "country", "organisation")
    )
