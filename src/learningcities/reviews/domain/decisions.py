"""Staging the decisions: the jury's work finished, each submission accepted or rejected.

Staged decisions stay the secretariat's until the release (``calls.domain.release``):
the city and its National Commission see a reviewed or decided submission as
still in review (``Submission.state_for_city``), no mail reaches them, and the
activity entries are logged without the city's organisation.

When the call has a panel, the phase in force must allow moving submissions on
(``ReviewPhase.may_change_state``); an award call accepts at most one
nomination per country.

These rules are guards of the submission state machine, registered at
start-up (``register_decision_rules``, from ``ReviewsConfig.ready``):
``transition()`` enforces them whoever asks (these commands, the calls
API), and ``finish_review`` and ``stage_decision`` are thin commands over it.
"""

import datetime as dt

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from learningcities.accounts.rules import is_secretariat
from learningcities.calls.domain.errors import SubmissionError, TransitionNotPermitted
from learningcities.calls.domain.release import accepted_elsewhere_in_country
from learningcities.calls.domain.transitions import SubmissionMove, lock_submission, transition
from learningcities.calls.enums import CallKind, Decision, SubmissionState
from learningcities.calls.machine import register_effect, register_guard, submission_machine
from learningcities.calls.models import Release, Submission
from learningcities.common.domain.activity import record_activity

from ..enums import ReviewState
from ..models import Panel
from .queries.reviews import phase_in_force

S = SubmissionState


def submitted_review_count(submission: Submission) -> int:
    """Return how many submitted reviews ``submission`` has."""
    return Submission.objects.filter(pk=submission.pk).aggregate(
        n=Count(
            "assignments__review",
            filter=Q(assignments__review__state=ReviewState.SUBMITTED),
        )
    )["n"]


def phase_refusal(call_id: int, *, now: dt.datetime | None = None) -> str | None:
    """Return why the call's submissions cannot be moved on now, or None when they can.

    A call without a panel: always allowed. Otherwise the phase in force must
    allow it (``ReviewPhase.may_change_state``).
    """
    panel = Panel.objects.filter(call_id=call_id).first()
    if panel is None:
        return None  # a call without a jury: the secretariat decides on its own
    phase = phase_in_force(panel, now=now)
    if phase is None:
        return _("No review phase is in force; decisions are staged in a phase that allows it.")
    if not phase.may_change_state:
        return _("The phase “%(phase)s” does not allow finishing reviews or staging decisions.") % {
            "phase": phase.name
        }
    return None


def _check_secretariat(actor) -> None:
    # Wording only: the actors of the state machine let the secretariat alone
    # into reviewed and decided; this names what it is refusing.
    if not is_secretariat(actor):
        raise TransitionNotPermitted(_("Only the secretariat may stage decisions."))


# --- the rules of reviewed and decided, registered on the submission machine -----------


def _guard_phase(move: SubmissionMove) -> None:
    """Refuse unless the phase in force lets the secretariat move the call's submissions on."""
    refusal = phase_refusal(move.submission.call_id, now=move.now)
    if refusal is not None:
        raise SubmissionError(refusal, code="phase")


def _guard_enough_reviews(move: SubmissionMove) -> None:
    """Refuse finishing the review with fewer submitted reviews than the call asks, unless
    a reason is given."""
    submission = move.submission
    count, wanted = submitted_review_count(submission), submission.call.min_reviews
    if count < wanted and not move.reason:
        raise SubmissionError(
            _(
                "%(city)s has %(count)s submitted reviews of the %(wanted)s the call asks for; "
                "give a reason to finish the review anyway."
            )
            % {"city": submission.city.name, "count": count, "wanted": wanted},
            code="too_few_reviews",
        )


def _guard_not_released(move: SubmissionMove) -> None:
    submission = move.submission
    if Release.objects.filter(call_id=submission.call_id).exists():
        raise SubmissionError(
            _("The decisions of “%(call)s” have been released; they can no longer change.")
            % {"call": submission.call.title},
            code="released",
        )


def _few_reviews(move: SubmissionMove) -> tuple[int, int] | None:
    """Return (submitted reviews, reviews asked) when ``move`` accepts with too few, else None."""
    if move.decision != Decision.ACCEPTED:
        return None
    count, wanted = submitted_review_count(move.submission), move.submission.call.min_reviews
    return (count, wanted) if count < wanted else None


def _guard_reason_for_few_reviews(move: SubmissionMove) -> None:
    few = _few_reviews(move)
    if few is not None and not move.reason:
        count, wanted = few
        raise SubmissionError(
            _(
                "%(city)s has %(count)s submitted reviews of the %(wanted)s the "
                "call asks for: give a reason to accept it anyway."
            )
            % {"city": move.submission.city.name, "count": count, "wanted": wanted},
            code="reason_required",
        )


def _guard_one_per_country(move: SubmissionMove) -> None:
    submission = move.submission
    if submission.call.kind != CallKind.AWARD or move.decision != Decision.ACCEPTED:
        return
    other = accepted_elsewhere_in_country(submission)
    if other is not None:
        raise SubmissionError(
            _(
                "%(country)s may have one winner only, and %(other)s is accepted "
                "already; reject it first to accept %(city)s."
            )
            % {
                "country": submission.country,
                "other": other.city.name,
                "city": submission.city.name,
            },
            code="one_per_country",
        )


def _log_few_reviews(move: SubmissionMove) -> None:
    """Record the reason for accepting with fewer reviews than asked (secretariat only).

    Not again when the submission was accepted already: on a change of a
    staged decision this runs before the new decision is stored.
    """
    few = _few_reviews(move)
    if few is None:
        return
    submission = move.submission
    if move.from_state == S.DECIDED and submission.decision == Decision.ACCEPTED:
        return
    count, wanted = few
    record_activity(
        "reviews.decision.few_reviews",
        actor=move.actor,
        organisation=None,  # the city's people must not read it
        subject=submission,
        changes={"reviews": [wanted, count], "reason": [None, move.reason]},
    )


def register_decision_rules() -> None:
    """Register the guards and effects of reviewed and decided (``ReviewsConfig.ready``).

    Reviewed: the phase allows it; enough submitted reviews, or a reason.
    Decided (after the calls app's own check that the decision is accepted
    or rejected): the phase allows it; the call is not released; a reason
    to accept with too few reviews; one winner per country in an award
    call. Effect of decided: the few-reviews activity entry.
    """
    register_guard(S.REVIEWED, _guard_phase)
    register_guard(S.REVIEWED, _guard_enough_reviews)
    register_guard(S.DECIDED, _guard_phase)
    register_guard(S.DECIDED, _guard_not_released)
    register_guard(S.DECIDED, _guard_reason_for_few_reviews)
    register_guard(S.DECIDED, _guard_one_per_country)
    register_effect(S.DECIDED, _log_few_reviews)


# --- the secretariat's commands -----------------------------------------------------------


def finish_review(
    submission: Submission, *, actor, reason: str = "", now: dt.datetime | None = None
) -> Submission:
    """Close the jury's work on ``submission``: in review -> reviewed (``transition``).

    Allowed when the submission has at least ``call.min_reviews`` submitted
    reviews, or with fewer when the secretariat gives a reason (recorded as
    the transition's comment). Refused outside a phase that allows moving
    submissions on (when the call has a panel). The rules are the guards
    registered for reviewed (``register_decision_rules``). Effects: those of
    ``transition`` (the reviewed notice goes to the secretariat only).
    """
    _check_secretariat(actor)
    if submission.state != S.IN_REVIEW:
        # Wording only (the table refuses it too): name the city and its state.
        raise SubmissionError(
            _("%(city)s's submission is not in review (it is “%(state)s”).")
            % {"city": submission.city.name, "state": submission.get_state_display()},
            code="not_in_review",
        )
    return transition(submission, S.REVIEWED, actor=actor, comment=reason, now=now)


def _change_decision(
    locked: Submission, *, actor, decision: str, note: str, reason: str, now: dt.datetime | None
) -> None:
    """Change the stored decision of a decided submission: no state change, the same rules."""
    move = SubmissionMove(
        locked,
        S.DECIDED,
        S.DECIDED,
        actor=actor,
        now=now or timezone.now(),
        comment=note,
        decision=decision,
        reason=reason,
    )
    submission_machine.check(move)
    before = locked.decision
    if before == decision:
        return
    _log_few_reviews(move)
    locked.decision = decision
    # Not ``updated_at``: the city would see its application change.
    locked.save(update_fields=["decision"])
    record_activity(
        "calls.submission.decision_change",
        actor=actor,
        organisation=None,  # the city's people must not read it
        subject=locked,
        changes={"decision": [before, decision], **({"note": [None, note]} if note else {})},
    )


def stage_decision(
    submission: Submission,
    *,
    actor,
    decision: str,
    note: str = "",
    reason: str = "",
    now: dt.datetime | None = None,
) -> Submission:
    """Stage ``decision`` (accepted or rejected) on ``submission``, or change the staged one.

    Accepting a submission with fewer submitted reviews than the call asks
    for (``call.min_reviews``) needs ``reason`` (else ``reason_required``);
    the reason is recorded in the activity entry
    ``reviews.decision.few_reviews`` (secretariat only).

    Reviewed -> decided with the decision (``transition``); a decided
    submission stays decided and its stored decision changes (activity
    ``calls.submission.decision_change``, logged for the secretariat only),
    under the same guards (those registered for decided).
    Refused: by anyone but the secretariat; outside a phase that allows moving
    submissions on (when the call has a panel); after the call's release; a
    second accepted nomination of one country in an award call (naming the
    country and the city accepted already). Nothing reaches the city until the
    release.
    """
    _check_secretariat(actor)
    note, reason = (note or "").strip(), (reason or "").strip()
    with transaction.atomic():
        locked = lock_submission(submission)
        if locked.state == S.DECIDED:
            _change_decision(
                locked, actor=actor, decision=decision, note=note, reason=reason, now=now
            )
        elif locked.state == S.REVIEWED:
            transition(
                locked,
                S.DECIDED,
                actor=actor,
                decision=decision,
                comment=note,
                reason=reason,
                now=now,
            )
        else:
            raise SubmissionError(
                _("%(city)s's submission is “%(state)s”: finish its review before deciding.")
                % {"city": locked.city.name, "state": locked.get_state_display()},
                code="not_reviewed",
            )
    submission.state, submission.decision = locked.state, locked.decision
    return submission
