"""Reads of the decisions page: the submissions to decide in ranking order, counts, comments."""

from dataclasses import dataclass

from django.db.models import Count, Q

from learningcities.calls.enums import Decision, SubmissionState
from learningcities.calls.models import Call, Submission

from ...enums import ReviewState
from ...models import Panel, Review, ReviewAggregate
from ..aggregation import ensure_aggregates
from .ranking import ranking_for_panel

S = SubmissionState
# The states the decisions page lists: in the jury's hands, staged, released.
DECISION_STATES = (S.IN_REVIEW, S.REVIEWED, S.DECIDED, S.RELEASED)


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
        Submission.objects.filter(call=call, state__in=DECISION_STATES)
        .select_related("city", "country")
        .annotate(
            submitted_reviews=Count(
                "assignments__review",
                filter=Q(assignments__review__state=ReviewState.SUBMITTED),
            )
        )
        .order_by("submitted_at", "pk")
    )
    aggregates: dict[int, ReviewAggregate] = {}
    if panel is not None and submissions:
        ensure_aggregates(panel)
        aggregates = {
            aggregate.submission_id: aggregate
            for aggregate in ranking_for_panel(panel).filter(
                submission_id__in=[s.pk for s in submissions]
            )
        }
    order = {submission_id: index for index, submission_id in enumerate(aggregates)}
    ranked = sorted((s for s in submissions if s.pk in order), key=lambda s: order[s.pk])
    rest = [s for s in submissions if s.pk not in aggregates]
    rows = []
    for position, submission in enumerate(ranked + rest, start=1):
        aggregate = aggregates.get(submission.pk)
        rows.append(
            DecisionRow(
                submission=submission,
                submitted_reviews=submission.submitted_reviews,
                aggregate=aggregate,
                rank=(aggregate.rank or position) if aggregate is not None else None,
            )
        )
    return rows


def staged_counts(call: Call) -> dict[str, int]:
    """Return how many of the call's submissions are accepted, rejected and still pending.

    Accepted and rejected count staged and released decisions; pending counts
    submissions eligible, in review or reviewed (one query).
    """
    return Submission.objects.filter(call=call).aggregate(
        accepted=Count(
            "pk", filter=Q(state__in=(S.DECIDED, S.RELEASED), decision=Decision.ACCEPTED)
        ),
        rejected=Count(
            "pk", filter=Q(state__in=(S.DECIDED, S.RELEASED), decision=Decision.REJECTED)
        ),
        pending=Count("pk", filter=Q(state__in=(S.ELIGIBLE, S.IN_REVIEW, S.REVIEWED))),
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
