"""When the jury record of a submission may change: one rule for every write.

The jury record of a submission is what the jury did with it: the
assignments, the reviews written for them and the recusals. The secretariat
decides on it and the decision mail quotes its comments, so it freezes:

- once the submission has left the jury's hands: reviewed or decided
  (``staged_states``), or in a final state (``final_states``: released,
  withdrawn, and declined or ineligible, which never reached a jury). No
  review is then written or submitted, no recusal recorded and no
  assignment removed, by anyone, on any route;
- while the phase in force does not allow reviewing (or no phase is in
  force), as far as the submitted reviews go: no recusal deletes one. A
  juror who has submitted nothing may still step back then: the record
  loses nothing, and a conflict found before reviewing opens must not keep
  its juror.

A review is moreover written only while the submission is in review and the
phase in force allows reviewing (an eligible submission is moved into review
by its first assignment).

``jury_record_refusal`` is the rule; the writes (``reviews``, ``conflicts``,
``assignments``) call ``check_jury_record_open`` or ``lock_jury_record`` with
it inside their transaction, and the pages call it to hide what would be
refused.
"""

import datetime as dt

from django.utils.translation import gettext as _

from learningcities.calls.enums import SubmissionState, jury_frozen_states
from learningcities.calls.models import Submission

from ..models import Panel, ReviewPhase
from .errors import ReviewError
from .queries.reviews import phase_in_force

S = SubmissionState
# States in which a submission's jury record stands: past the jury's work, or final.


def jury_record_refusal(
    state: str,
    *,
    phase: ReviewPhase | None = None,
    writes_review: bool = False,
    removes_submitted_review: bool = False,
) -> ReviewError | None:
    """Return why a change to the jury record of a submission in ``state`` is refused, or None.

    ``phase`` is the phase in force on its jury (None: none is);
    ``writes_review``: the change writes or submits a review;
    ``removes_submitted_review``: it deletes a submitted review (a recusal).
    Codes: ``frozen`` (the record stands: the jury's work is over, or the
    phase keeps the submitted reviews), ``not_in_review`` (a review written
    before the submission is in review), ``phase`` (the phase does not
    allow reviewing). Reads nothing.
    """
    if state in jury_frozen_states:
        # Not the state's name: a juror is not to learn that a decision is staged.
        return ReviewError(
            _(
                "The jury's work on this application is over: its reviews, assignments "
                "and recusals can no longer change."
            ),
            code="frozen",
        )
    may_review = phase is not None and phase.may_review
    if writes_review:
        if state != S.IN_REVIEW:
            return ReviewError(
                _("Reviews are written once the application is in review."),
                code="not_in_review",
            )
        if not may_review:
            return ReviewError(
                _("The jury's current phase does not allow writing or submitting reviews."),
                code="phase",
            )
    if removes_submitted_review and not may_review:
        return ReviewError(
            _(
                "The jury's current phase does not allow reviewing, so a submitted review "
                "stays: the recusal cannot be recorded now."
            ),
            code="frozen",
        )
    return None


def lock_jury_record(submission: Submission) -> str:
    """Lock ``submission``'s row for the rest of the transaction; return its state, read afresh.

    ``transition`` locks the row too (``FOR UPDATE``), so a move of the
    submission (such as finishing its review) happens wholly before or after
    the change to the record, never in between. ``FOR NO KEY UPDATE``: rows
    that merely point at the submission (a recusal) may still be inserted.
    A no-op on SQLite, whose transactions take the write lock on starting
    (``transaction_mode`` IMMEDIATE in the settings).
    """
    state = (
        Submission.objects.select_for_update(no_key=True)
        .filter(pk=submission.pk)
        .values_list("state", flat=True)
        .get()
    )
    submission.state = state
    return state


def check_jury_record_open(
    submission: Submission,
    *,
    panel: Panel | None = None,
    writes_review: bool = False,
    now: dt.datetime | None = None,
) -> None:
    """Refuse (ReviewError) a change to ``submission``'s jury record that the rule forbids now.

    Call it inside the change's transaction: it locks the submission
    (``lock_jury_record``) and, when the change writes a review, reads the
    phase in force on ``panel`` (the submission's jury). Effects: the lock,
    and ``submission.state`` refreshed.
    """
    state = lock_jury_record(submission)
    phase = phase_in_force(panel, now=now) if writes_review and panel is not None else None
    refusal = jury_record_refusal(state, phase=phase, writes_review=writes_review)
    if refusal is not None:
        raise refusal
