"""Reads of a panel's raw jury work for the audit exports: assignments, recusals, scores."""

from django.db.models import QuerySet

from ...enums import ReviewState
from ...models import Assignment, Panel, Recusal, Score


def assignments_for_export(panel: Panel) -> QuerySet[Assignment]:
    """Return the panel's assignments with juror, submission, city and review, by submission."""
    return (
        Assignment.objects.filter(panel=panel)
        .select_related("juror", "submission__city", "submission__country", "review")
        .order_by("submission_id", "juror_id", "pk")
    )


def recusals_for_export(panel: Panel) -> QuerySet[Recusal]:
    """Return the recusals from the submissions of the panel's call (their assignment is gone)."""
    return (
        Recusal.objects.filter(submission__call_id=panel.call_id)
        .select_related("juror", "submission__city", "submission__country")
        .order_by("submission_id", "juror_id", "pk")
    )


def scores_for_export(panel: Panel) -> QuerySet[Score]:
    """Return every score of the panel's submitted reviews, by submission, juror and criterion."""
    return (
        Score.objects.filter(review__assignment__panel=panel, review__state=ReviewState.SUBMITTED)
        .select_related(
            "criterion",
            "review__assignment__juror",
            "review__assignment__submission__city",
            "review__assignment__submission__country",
        )
        .order_by(
            "review__assignment__submission_id",
            "review__assignment__juror_id",
            "criterion__order",
            "criterion_id",
        )
    )
