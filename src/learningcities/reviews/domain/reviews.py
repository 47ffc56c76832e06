"""Writes of a juror's review: open the draft, save scores as typed, submit and lock.

Every function here refuses (``ReviewError``) unless the person may review
the submission (rule ``reviews.review_submission``: assigned and not
conflicted), the submission is in review and the phase in force allows
reviewing (``phase_in_force(panel).may_review``): ``domain.record`` holds
that rule, and freezes the reviews once the jury's work on the submission
is over (reviewed, decided, released, withdrawn). Drafts save as typed,
without checking completeness; submitting checks that every criterion of
the call's framework has a score on the panel's scale and that a
recommendation is given.

``save_juror_review`` is the one command that saves what a juror typed, for
the review page and the API alike: every value checked before anything is
written, in one transaction.

Several writes of one request (an autosave carries a score, its comment and
the recommendation) share one check: inside ``reviewing(assignment, actor)``,
one transaction, the check made on entering is trusted by the writes to that
assignment by that person instead of being repeated for each.

``ReviewError.code`` here: ``phase`` (the phase in force does not allow
reviewing), ``not_permitted`` (not assigned, or conflicted), ``frozen``
(the jury's work on the submission is over), ``not_in_review`` (the
submission is not in review yet), ``locked`` (already submitted),
``invalid`` (a value off the scale, an unknown criterion), ``incomplete``
(submitting with a score or the recommendation missing).
"""

import datetime as dt
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, nullcontext
from contextvars import ContextVar
from dataclasses import dataclass, field

import rules
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from learningcities.common.domain.activity import record_activity
from learningcities.common.models import ActivityLogEntry
from learningcities.frameworks.models import Criterion

from ..enums import Recommendation, ReviewState
from ..models import Assignment, Panel, Review, Score
from .errors import ReviewError
from .record import check_jury_record_open
from .revision import bump_scores_revision

__all__ = [
    "KEEP",
    "ReviewEntries",
    "ReviewError",
    "open_review",
    "reviewing",
    "save_juror_review",
    "save_review",
    "save_score",
    "submit_review",
]


class _Keep:
    """Marks an argument left out: the stored value stays."""

    def __repr__(self) -> str:
        return "KEEP"


KEEP = _Keep()


# (assignment id, person id) checked on entering ``reviewing``, inside it only.
_CHECKED: ContextVar[tuple[int, int] | None] = ContextVar("lc_review_checked", default=None)


@contextmanager
def reviewing(assignment: Assignment, actor) -> Iterator[None]:
    """Check that ``actor`` may review ``assignment`` now, then trust it for the writes inside.

    One transaction: the writes inside it (open_review, save_score,
    save_review, submit_review on this assignment by this person, with no
    ``now`` of their own) skip the check made on entering, which raises
    ReviewError like theirs would. The check locks the submission's row
    until the transaction ends, so the submission cannot leave review while
    the writes are made (``domain.record.lock_jury_record``); an exception
    that leaves the block rolls back every write made inside it.
    """
    with transaction.atomic():
        _check_may_review(assignment, actor)
        token = _CHECKED.set((assignment.pk, actor.pk))
        try:
            yield
        finally:
            _CHECKED.reset(token)


def _check_may_review(assignment: Assignment, actor, now: dt.datetime | None = None) -> None:
    if now is None and _CHECKED.get() == (assignment.pk, getattr(actor, "pk", None)):
        return  # checked on entering ``reviewing``, in this transaction
    if assignment.juror_id != getattr(actor, "pk", None) or not rules.has_perm(
        "reviews.review_submission", actor, assignment.submission
    ):
        raise ReviewError(_("You may not review this application."), code="not_permitted")
    # The submission stays locked until the write commits: the secretariat
    # cannot finish its review in between (``domain.record``).
    check_jury_record_open(
        assignment.submission, panel=assignment.panel, writes_review=True, now=now
    )


def _log(action: str, *, actor, review: Review, changes: dict | None = None) -> None:
    """Record ``action`` on ``review`` under a neutral name.

    A review's own name holds the city's; the juror's activity page lists
    the entries they made, so the entry is named "Review 12 of application
    34" instead, which reveals nothing in a phase that hides identities.
    """
    entry = record_activity(action, actor=actor, subject=review, changes=changes)
    neutral = f"Review {review.pk} of application {review.assignment.submission_id}"
    ActivityLogEntry.objects.filter(pk=entry.pk).update(object_repr=neutral)


def _check_draft(review: Review) -> None:
    if review.state != ReviewState.DRAFT:
        raise ReviewError(
            _("This review has been submitted and can no longer be changed."), code="locked"
        )


def scale_error(panel: Panel, value) -> str | None:
    """Return why ``value`` is not a score on the panel's scale (None: it is, or it is empty)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        return _("The score must be a whole number from %(min)s to %(max)s.") % {
            "min": panel.score_min,
            "max": panel.score_max,
        }
    if not panel.score_min <= value <= panel.score_max:
        return _("The score %(value)s is off the scale: choose from %(min)s to %(max)s.") % {
            "value": value,
            "min": panel.score_min,
            "max": panel.score_max,
        }
    return None


@transaction.atomic
def open_review(assignment: Assignment, *, actor, now: dt.datetime | None = None) -> Review:
    """Return the juror's review of ``assignment``, creating the empty draft the first time.

    Effects: a draft review (activity ``reviews.review.open``) when there was
    none. Raises ReviewError when the phase or the rules refuse.
    """
    _check_may_review(assignment, actor, now)
    review, created = Review.objects.get_or_create(assignment=assignment)
    if created:
        _log("reviews.review.open", actor=actor, review=review)
    return review


@transaction.atomic
def save_score(
    review: Review,
    criterion: Criterion,
    *,
    actor,
    value: int | _Keep | None = KEEP,
    comment: str | _Keep = KEEP,
    now: dt.datetime | None = None,
) -> Score:
    """Save the score and comment on ``criterion`` as typed (``KEEP`` leaves one as it is).

    An empty value (None) is allowed in a draft; a value off the panel's
    scale is refused. Effects: the score row (created or updated). No
    activity entry: drafts change at every keystroke and stay private until
    submitted (``submit_review`` records the outcome).
    """
    assignment = review.assignment
    _check_may_review(assignment, actor, now)
    _check_draft(review)
    if criterion.framework_id != assignment.submission.call.framework_id:
        raise ReviewError(_("This criterion is not one of the call's framework."))
    if value is not KEEP:
        problem = scale_error(assignment.panel, value)
        if problem:
            raise ReviewError(problem)
    score, _created = Score.objects.get_or_create(review=review, criterion=criterion)
    changed = []
    if value is not KEEP and score.value != value:
        score.value = value
        changed.append("value")
    if comment is not KEEP and score.comment != comment:
        score.comment = comment
        changed.append("comment")
    if changed:
        score.save(update_fields=changed)
        review.save(update_fields=["updated_at"])
    return score


@transaction.atomic
def save_review(
    review: Review,
    *,
    actor,
    recommendation: str | None = None,
    comment: str | None = None,
    now: dt.datetime | None = None,
) -> Review:
    """Save the recommendation and the overall comment as typed (None leaves one as it is).

    An empty recommendation ("") is allowed in a draft. Effects: the review row.
    """
    _check_may_review(review.assignment, actor, now)
    _check_draft(review)
    changed = []
    if recommendation is not None:
        problem = _recommendation_error(recommendation)
        if problem:
            raise ReviewError(problem)
        if review.recommendation != recommendation:
            review.recommendation = recommendation
            changed.append("recommendation")
    if comment is not None and review.comment != comment:
        review.comment = comment
        changed.append("comment")
    if changed:
        review.save(update_fields=[*changed, "updated_at"])
    return review


@dataclass
class ReviewEntries:
    """What a juror typed into their review; an absent or None field stays as it is.

    ``scores`` and ``comments`` are keyed by criterion id; a score None empties it.
    """

    scores: dict[int, int | None] = field(default_factory=dict)
    comments: dict[int, str] = field(default_factory=dict)
    recommendation: str | None = None
    comment: str | None = None


def _recommendation_error(value: str | None) -> str | None:
    if value and value not in Recommendation.values:
        return _("“%(value)s” is not a recommendation; choose admit, do not admit or abstain.") % {
            "value": value[:50]
        }
    return None


def _entry_problems(
    panel: Panel, criteria: dict[int, Criterion], entries: ReviewEntries
) -> dict[int | str, str]:
    """Return what is wrong with ``entries``, by criterion id or ``"recommendation"``."""
    problems: dict[int | str, str] = {}
    for pk in [*entries.scores, *entries.comments]:
        if pk not in criteria:
            problems[pk] = _("Criterion %(id)s is not one of the call's framework.") % {"id": pk}
        elif pk in entries.scores:
            problem = scale_error(panel, entries.scores[pk])
            if problem:
                problems[pk] = problem
    recommendation = _recommendation_error(entries.recommendation)
    if recommendation:
        problems["recommendation"] = recommendation
    return problems


def _criteria_for(
    assignment: Assignment, entries: ReviewEntries, criteria: Iterable[Criterion] | None
) -> dict[int, Criterion]:
    """Return the criteria of the call's framework that ``entries`` name, by id.

    ``criteria``: the framework's, when the caller has read them; else one query.
    """
    named = {*entries.scores, *entries.comments}
    framework_id = assignment.submission.call.framework_id
    if criteria is None and named:
        criteria = Criterion.objects.filter(framework_id=framework_id, pk__in=named)
    return {
        criterion.pk: criterion
        for criterion in criteria or ()
        if criterion.pk in named and criterion.framework_id == framework_id
    }


def _reviewing_once(assignment: Assignment, actor):
    """``reviewing``, or nothing when already inside it for this assignment and person."""
    if _CHECKED.get() == (assignment.pk, getattr(actor, "pk", None)):
        return nullcontext()  # its transaction and its check hold
    return reviewing(assignment, actor)


def _save_entries(
    review: Review, criteria: dict[int, Criterion], entries: ReviewEntries, problems: dict, actor
) -> None:
    for pk in sorted({*entries.scores, *entries.comments} - set(problems)):
        values = {}
        if pk in entries.scores:
            values["value"] = entries.scores[pk]
        if pk in entries.comments:
            values["comment"] = entries.comments[pk]
        save_score(review, criteria[pk], actor=actor, **values)
    recommendation = None if "recommendation" in problems else entries.recommendation
    save_review(review, actor=actor, recommendation=recommendation, comment=entries.comment)


def save_juror_review(
    assignment: Assignment,
    *,
    actor,
    entries: ReviewEntries,
    keep_valid: bool = False,
    criteria: Iterable[Criterion] | None = None,
) -> tuple[Review, dict[int | str, str]]:
    """Save ``actor``'s draft review of ``assignment`` as typed, in one transaction.

    One check that the person may review now (``reviewing``), then every
    value is checked before anything is written: a criterion outside the
    call's framework, a score off the panel's scale, an unknown
    recommendation. All or nothing by default (the API): the first problem
    raises ReviewError (code ``invalid``) and nothing is saved, not even the
    draft. With ``keep_valid`` (the review page, whose autosave posts each
    changed field and shows each one's error), the valid values are saved
    and the problems returned, by criterion id or ``"recommendation"``.
    A submitted review is refused (``locked``) whatever the values.
    ``criteria`` spares a query when the caller has read the framework's.

    Effects: the draft review when there was none (``open_review``), the
    score rows (``save_score``) and the review row (``save_review``).
    Returns the review and the problems (empty unless ``keep_valid``).
    """
    with _reviewing_once(assignment, actor):
        review = open_review(assignment, actor=actor)
        review.assignment = assignment  # with its panel, submission and call, read already
        _check_draft(review)
        named = _criteria_for(assignment, entries, criteria)
        problems = _entry_problems(assignment.panel, named, entries)
        if problems and not keep_valid:
            raise ReviewError(next(iter(problems.values())))
        _save_entries(review, named, entries, problems, actor)
    return review, problems


def missing_for_submission(review: Review) -> list[str]:
    """Return what keeps ``review`` from being submitted, one message each (empty: ready)."""
    assignment = review.assignment
    panel = assignment.panel
    criteria = list(
        Criterion.objects.filter(framework_id=assignment.submission.call.framework_id).order_by(
            "order"
        )
    )
    values = dict(Score.objects.filter(review=review).values_list("criterion_id", "value"))
    missing = []
    for criterion in criteria:
        value = values.get(criterion.pk)
        if value is None:
            missing.append(
                _("Give a score to %(code)s %(title)s.")
                % {"code": criterion.code, "title": criterion.title}
            )
        elif scale_error(panel, value):
            missing.append(
                _("The score of %(code)s is off the scale (%(min)s to %(max)s).")
                % {"code": criterion.code, "min": panel.score_min, "max": panel.score_max}
            )
    if not review.recommendation:
        missing.append(_("Choose a recommendation."))
    return missing


@transaction.atomic
def submit_review(review: Review, *, actor, now: dt.datetime | None = None) -> Review:
    """Submit the review: checked complete, then locked for good.

    Requires a score on the panel's scale for every criterion of the call's
    framework and a recommendation. Effects: state ``submitted`` and
    ``submitted_at``; the panel's ``scores_revision`` grows by one (so stored
    aggregates are recomputed); activity ``reviews.review.submit``.
    Raises ReviewError (``incomplete``) listing everything missing.
    """
    given = review
    # The check locks the submission before the review is locked: a recusal
    # takes them in that order too, so the two never wait for each other.
    _check_may_review(given.assignment, actor, now)
    review = (
        Review.objects.select_for_update()
        .select_related("assignment__panel", "assignment__submission__call")
        .get(pk=given.pk)
    )
    _check_draft(review)
    missing = missing_for_submission(review)
    if missing:
        raise ReviewError(" ".join(str(message) for message in missing), code="incomplete")
    review.state = ReviewState.SUBMITTED
    review.submitted_at = now or timezone.now()
    review.save(update_fields=["state", "submitted_at", "updated_at"])
    bump_scores_revision([review.assignment.panel_id])
    _log(
        "reviews.review.submit",
        actor=actor,
        review=review,
        changes={
            "state": [ReviewState.DRAFT, ReviewState.SUBMITTED],
            "recommendation": [None, review.recommendation],
        },
    )
    given.state, given.submitted_at = review.state, review.submitted_at
    return review
