"""Reads behind the jury's parts of "My work" (registered from ``ReviewsConfig.ready()``).

A juror sees the reviews that wait for them with the phase in force and its
deadline, read through the jury workspace's own queries (the same conflict
rule, the same hidden identities); the secretariat sees the reviews
outstanding per panel and phase, and the calls ready to release. Each part
runs a fixed number of queries whatever the number of assignments.
"""

import datetime as dt

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from learningcities.accounts.rules import is_juror, is_secretariat
from learningcities.calls.enums import SubmissionState, assignable_states, undecided_states
from learningcities.calls.models import Call

from ...enums import ReviewState
from ...models import Assignment, ReviewPhase
from .workspace import NOT_STARTED, phases_for_juror, workspace_for_juror

S = SubmissionState
# The submissions a juror works on: assigned, and not yet out of the jury's hands.
# Rows the juror's part lists before it links to the jury workspace.
WORK_ROWS = 10


def juror_work(user, *, now: dt.datetime | None = None) -> dict | None:
    """List the juror's open reviews with their state, phase and the phase's deadline.

    Three queries: the phases in force, the counts by review state and the
    first ``WORK_ROWS`` submissions. None for a person who is not a juror.
    """
    if not is_juror(user):
        return None
    now = now or timezone.now()
    phases = phases_for_juror(user, now=now)
    submissions = workspace_for_juror(user).filter(state__in=assignable_states)
    counts = dict(
        submissions.order_by().values_list("review_state").annotate(n=Count("pk")).order_by()
    )
    rows = [
        _juror_row(submission, phases.get(submission.call.panel.pk))
        for submission in submissions[:WORK_ROWS]
    ]
    total = sum(counts.values())
    return {
        "rows": rows,
        "total": total,
        "more": total > len(rows),
        "not_started": counts.get(NOT_STARTED, 0),
        "drafts": counts.get(ReviewState.DRAFT, 0),
        "submitted": counts.get(ReviewState.SUBMITTED, 0),
        "workspace_url": reverse("reviews:jury-workspace"),
    }


def _juror_row(submission, phase: ReviewPhase | None) -> dict:
    """One open review of the juror: the city, or the application's number if the phase hides it."""
    if phase is not None and phase.sees_identity:
        label = submission.city.name
    else:
        label = _("Application %(number)s") % {"number": submission.pk}
    return {
        "label": label,
        "url": reverse("reviews:jury-review", kwargs={"pk": submission.pk}),
        "call": submission.call.title,
        "review_state": submission.review_state,
        "phase": phase,
    }


def secretariat_jury_work(user, *, now: dt.datetime | None = None) -> dict | None:
    """Count the reviews outstanding per panel (with its phase in force) and the calls to release.

    Three queries: the outstanding assignments grouped by panel, the phases
    in force of those panels, and the calls whose every submission is decided
    and not yet released. None for anyone but the secretariat.
    """
    if not is_secretariat(user):
        return None
    now = now or timezone.now()
    outstanding = _outstanding_by_panel()
    phases = _phases_in_force([row[0] for row in outstanding], now=now)
    panels = [
        {
            "title": title,
            "phase": phases.get(panel_id),
            "not_started": not_started,
            "drafts": drafts,
            "url": reverse("reviews:panel", kwargs={"call_pk": call_id}),
        }
        for panel_id, call_id, title, not_started, drafts in outstanding
    ]
    return {
        "panels": panels,
        "ready": [
            {
                "title": call.title,
                "decided": call.decided,
                "url": reverse("reviews:decisions", kwargs={"pk": call.pk}),
            }
            for call in _ready_to_release()
        ],
    }


def _outstanding_by_panel() -> list[tuple]:
    """``(panel, call, call title, not started, drafts)`` of the reviews still to submit."""
    return list(
        Assignment.objects.filter(submission__state__in=assignable_states)
        .exclude(review__state=ReviewState.SUBMITTED)
        .order_by()
        .values_list("panel_id", "panel__call_id", "panel__call__title")
        .annotate(
            not_started=Count("pk", filter=Q(review__isnull=True)),
            drafts=Count("pk", filter=Q(review__state=ReviewState.DRAFT)),
        )
        .order_by("panel__call__title", "panel_id")
    )


def _phases_in_force(panel_ids: list[int], *, now: dt.datetime) -> dict[int, ReviewPhase]:
    """The phase in force at ``now`` of each of the panels (no query without panels)."""
    phases: dict[int, ReviewPhase] = {}
    if not panel_ids:
        return phases
    for phase in ReviewPhase.objects.filter(
        panel_id__in=panel_ids, starts_at__lte=now, ends_at__gt=now
    ).order_by("panel_id", "order", "starts_at", "pk"):
        phases.setdefault(phase.panel_id, phase)
    return phases


def _ready_to_release():
    """The calls not released whose every submission to decide is decided (``decided`` count)."""
    return (
        Call.objects.filter(release__isnull=True)
        .annotate(
            decided=Count("submissions", filter=Q(submissions__state=S.DECIDED)),
            undecided=Count("submissions", filter=Q(submissions__state__in=undecided_states)),
        )
        .filter(decided__gt=0, undecided=0)
        .order_by("title", "pk")
    )
