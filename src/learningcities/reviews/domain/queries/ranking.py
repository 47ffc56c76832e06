"""The ranking of a panel's submissions, read from the stored aggregates."""

from django.db.models import Count, F, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from ...models import Assignment, Panel, ReviewAggregate


def ranking_for_panel(
    panel: Panel, *, region: str | None = None, country: str | None = None
) -> QuerySet[ReviewAggregate]:
    """Return the panel's aggregates in rank order, ranked first, then the unreviewed by id.

    The unreviewed include a submission in review (or past it) with no juror
    left, ``assigned`` 0 (``calls.enums.jury_states``). Each row comes
    with its submission's city and country (one query) and ``assigned``,
    the number of jurors assigned. Filters: ``region`` (a
    ``network.Region`` value) and ``country`` (ISO alpha-2 code). Reads the
    stored rows only: call ``domain.aggregation.ensure_aggregates(panel)``
    first for up-to-date figures.
    """
    # By submission alone (a submission is in one call, so in one panel): SQLite then
    # reads the (submission, juror) index instead of scanning the panel's assignments.
    assigned = (
        Assignment.objects.filter(submission=OuterRef("submission_id"))
        .order_by()
        .values("submission")
        .annotate(n=Count("pk"))
        .values("n")
    )
    rows = ReviewAggregate.objects.filter(panel=panel)
    if region:
        rows = rows.filter(submission__country__region=region)
    if country:
        rows = rows.filter(submission__country_id=country.upper())
    return (
        rows.select_related("submission__city", "submission__country")
        .annotate(assigned=Coalesce(Subquery(assigned, output_field=IntegerField()), 0))
        .order_by(F("rank").asc(nulls_last=True), "submission_id")
    )
