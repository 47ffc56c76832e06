"""Reads of the decisions page: the submissions to decide in ranking order, counts, comments."""

from dataclasses import dataclass

from django.db.models import Count, Q

from learningcities.calls.enums import (
    Decision,
    SubmissionState,
    decided_states,
    jury_states,
    undecided_states,
)
from learningcities.calls.models import Call, Submission

from ...enums import ReviewState
from ...models import Panel, Review, ReviewAggregate
from ..aggregation import ensure_aggregates
from .ranking import ranking_for_panel

S = SubmissionState
# The states the decisions page lists: in the jury's hands, staged, released.


@dataclass
class DecisionRow:
    """One submission on the decisions page, with its jury figures (None: none yet)."""

    submission: Submission
    submitted_reviews: int
    aggregate: ReviewAggregate | None
    rank: int | None


def decision_rows(call: Call, *, panel: Panel | None = None) -> list[DecisionRow]:
    """Return the call's submissions in review, reviewed, decided or released, best first.

    With a panel the order is the jury's ranking (``ranking_for_panel``, after
    ``ensure_aggregates`` brings the stored figures up to date); submissions
    the ranking does not hold follow, as do all of them without a panel, in
    the order of submission. A fixed number of queries whatever the count.
    """
    submissions = list(
        Submission.objects.filter(call=call, state__in=jury_states)
        .select_related("city", "country")
        .annotate(
            submitted_reviews=Count(
                "assignments__review",
                filter=Q(assignments__review__state=ReviewState.SUBMITTED),
            )
        )
        .order_by("submitted_at", "pk")
    )
    aggregates = _ranked_aggregates(panel, submissions)
    return [
        _decision_row(submission, aggregates.get(submission.pk), position)
        for position, submission in enumerate(_in_order(submissions, aggregates), start=1)
    ]


def _in_order(
    submissions: list[Submission], aggregates: dict[int, ReviewAggregate]
) -> list[Submission]:
    """The ranked submissions in the order of ``aggregates``, then the others in theirs."""
    by_pk = {submission.pk: submission for submission in submissions}
    ranked = [by_pk[submission_id] for submission_id in aggregates]
    return ranked + [s for s in submissions if s.pk not in aggregates]


def _ranked_aggregates(
    panel: Panel | None, submissions: list[Submission]
) -> dict[int, ReviewAggregate]:
    """The panel's up-to-date aggregates of ``submissions`` by submission pk, in rank order.

    Effects: the panel's aggregates recomputed when stale (``ensure_aggregates``).
    """
    if panel is None or not submissions:
        return {}
    ensure_aggregates(panel)
    rows = ranking_for_panel(panel).filter(submission_id__in=[s.pk for s in submissions])
    return {aggregate.submission_id: aggregate for aggregate in rows}


def _decision_row(
    submission: Submission, aggregate: ReviewAggregate | None, position: int
) -> DecisionRow:
    """The row of ``submission``: ranked as the jury did, an unranked one by its position."""
    rank = None
    if aggregate is not None:
        rank = aggregate.rank or position
    return DecisionRow(
        submission=submission,
        submitted_reviews=submission.submitted_reviews,
        aggregate=aggregate,
        rank=rank,
    )


def staged_counts(call: Call) -> dict[str, int]:
    """Return how many of the call's submissions are accepted, rejected and still pending.

    Accepted and rejected count staged and released decisions; pending counts
    submissions eligible, in review or reviewed (one query).
    """
    return Submission.objects.filter(call=call).aggregate(
        accepted=Count("pk", filter=Q(state__in=decided_states, decision=Decision.ACCEPTED)),
        rejected=Count("pk", filter=Q(state__in=decided_states, decision=Decision.REJECTED)),
        pending=Count("pk", filter=Q(state__in=undecided_states)),
    )


def jury_comments_for_call(call: Call) -> dict[int, list[str]]:
    """Return ``{submission id: [overall comments]}`` of the call's submitted reviews.

    Anonymised for the decision mails: the comments alone, without the
    jurors, in alphabetical order (so their order says nothing of who wrote
    which). Empty comments are left out. One query.
    """
    comments: dict[int, list[str]] = {}
    for submission_id, comment in Review.objects.filter(
        assignment__submission__call=call, state=ReviewState.SUBMITTED
    ).values_list("assignment__submission_id", "comment"):
        if comment and comment.strip():
            comments.setdefault(submission_id, []).append(comment.strip())
    return {key: sorted(values) for key, values in comments.items()}
