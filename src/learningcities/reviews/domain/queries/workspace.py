"""Reads of the juror's workspace: progress per submission, phases in force, identity."""

import datetime as dt
import re

from django.db.models import (
    CharField,
    Count,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from learningcities.calls.models import Call, Submission
from learningcities.frameworks.models import Criterion

from ...enums import ReviewState
from ...models import Review, ReviewPhase, Score
from .reviews import submissions_for_juror

NOT_STARTED = "not_started"
# "17", "#17", "Application 17" (in any language): the number shown in place of a hidden name.
APPLICATION_NUMBER = re.compile(r"(?:\w+\s+)?#?(\d{1,18})")


def annotate_progress(submissions: QuerySet[Submission], user) -> QuerySet[Submission]:
    """Add the juror's ``review_state`` (not_started, draft, submitted), ``scored`` and
    ``criteria`` (the number of criteria of the call's framework) to each submission."""
    # ``order_by()``: a review's default order joins the assignment, submission, call and city.
    own_review = Review.objects.filter(
        assignment__submission=OuterRef("pk"), assignment__juror_id=user.pk
    ).order_by()
    scored = (
        Score.objects.filter(
            review__assignment__submission=OuterRef("pk"),
            review__assignment__juror_id=user.pk,
            value__isnull=False,
        )
        .order_by()
        .values("review")
        .annotate(n=Count("pk"))
        .values("n")
    )
    criteria = (
        Criterion.objects.filter(framework=OuterRef("call__framework"))
        .order_by()
        .values("framework")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return submissions.annotate(
        review_state=Coalesce(
            Subquery(own_review.values("state")[:1], output_field=CharField()),
            Value(NOT_STARTED),
        ),
        scored=Coalesce(Subquery(scored[:1], output_field=IntegerField()), 0),
        criteria=Coalesce(Subquery(criteria[:1], output_field=IntegerField()), 0),
    )


def phases_for_juror(user, *, now: dt.datetime | None = None) -> dict[int, ReviewPhase]:
    """Return the phase in force of each panel that assigned ``user`` something (one query)."""
    now = now or timezone.now()
    phases: dict[int, ReviewPhase] = {}
    for phase in (
        ReviewPhase.objects.filter(
            panel__assignments__juror_id=user.pk, starts_at__lte=now, ends_at__gt=now
        )
        .distinct()
        .order_by("panel_id", "order", "starts_at", "pk")
    ):
        phases.setdefault(phase.panel_id, phase)
    return phases


def calls_for_juror(user) -> QuerySet[Call]:
    """Return the calls in which ``user`` has something to review, by title."""
    return (
        Call.objects.filter(panel__assignments__juror_id=user.pk).distinct().order_by("title", "pk")
    )


def workspace_for_juror(
    user,
    *,
    search: str = "",
    call: Call | None = None,
    state: str = "",
    identity_panels: frozenset[int] = frozenset(),
) -> QuerySet[Submission]:
    """Return the juror's submissions with their progress, filtered, in a stable order.

    ``search`` matches the application number, or the city's name only in
    panels listed in ``identity_panels`` (those whose phase in force shows
    the city's identity), so a search never reveals a hidden name. ``state``
    is one of not_started, draft, submitted.
    """
    submissions = annotate_progress(submissions_for_juror(user).select_related("call__panel"), user)
    if call is not None:
        submissions = submissions.filter(call=call)
    if state:
        submissions = submissions.filter(review_state=state)
    search = search.strip()
    if search:
        submissions = submissions.filter(_search_matches(search, identity_panels))
    return submissions.order_by("call__closes_at", "call_id", "pk")


def _search_matches(search: str, identity_panels: frozenset[int]) -> Q:
    """The application numbered ``search``, or cities named so in panels that show identities."""
    matches = Q(pk__in=[])
    number = APPLICATION_NUMBER.fullmatch(search)
    if number:
        matches |= Q(pk=int(number.group(1)))
    if identity_panels:
        matches |= Q(city__name__icontains=search, call__panel__in=list(identity_panels))
    return matches


REVIEW_STATES = (NOT_STARTED, ReviewState.DRAFT, ReviewState.SUBMITTED)
