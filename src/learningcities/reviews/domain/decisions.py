"""Staging the decisions: the jury's work finished, each submission accepted or rejected.

Staged decisions stay the secretariat's until the release (``calls.domain.release``):
the city and its National Commission see a reviewed or decided submission as
still in review (``Submission.state_for_city``), no mail reaches them, and the
activity entries are logged without the city's organisation.

When the call has a panel, the phase in force must allow moving submissions on
(``ReviewPhase.may_change_state``); an award call accepts at most one
nomination per country.
"""

import datetime as dt

from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from learningcities.accounts.rules import is_secretariat
from learningcities.calls.domain.errors import SubmissionError, TransitionNotPermitted
from learningcities.calls.domain.release import accepted_elsewhere_in_country
from learningcities.calls.domain.transitions import transition
from learningcities.calls.enums import CallKind, Decision, SubmissionState
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


def _check_secretariat(actor) -> None:
    if not is_secretariat(actor):
        raise TransitionNotPermitted(_("Only the secretariat may stage decisions."))


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


def _check_phase(submission: Submission, now: dt.datetime | None) -> None:
    """Refuse unless the phase in force lets the secretariat move the call's submissions on."""
    refusal = phase_refusal(submission.call_id, now=now)
    if refusal is not None:
        raise SubmissionError(refusal, code="phase")


def _check_not_released(submission: Submission) -> None:
    if Release.objects.filter(call_id=submission.call_id).exists():
        raise SubmissionError(
            _("The decisions of “%(call)s” have been released; they can no longer change.")
            % {"call": submission.call.title},
            code="released",
        )


def finish_review(
    submission: Submission, *, actor, reason: str = "", now: dt.datetime | None = None
) -> Submission:
    """Close the jury's work on ``submission``: in review -> reviewed.

    Allowed when the submission has at least ``call.min_reviews`` submitted
    reviews, or with fewer when the secretariat gives a reason (recorded as
    the transition's comment). Refused outside a phase that allows moving
    submissions on (when the call has a panel). Effects: those of
    ``transition`` (the reviewed notice goes to the secretariat only).
    """
    _check_secretariat(actor)
    _check_phase(submission, now)
    reason = (reason or "").strip()
    if submission.state != S.IN_REVIEW:
        raise SubmissionError(
            _("%(city)s's submission is not in review (it is “%(state)s”).")
            % {"city": submission.city.name, "state": submission.get_state_display()},
            code="not_in_review",
        )
    count = submitted_review_count(submission)
    wanted = submission.call.min_reviews
    if count < wanted and not reason:
        raise SubmissionError(
            _(
                "%(city)s has %(count)s submitted reviews of the %(wanted)s the call asks for; "
                "give a reason to finish the review anyway."
            )
            % {"city": submission.city.name, "count": count, "wanted": wanted},
            code="too_few_reviews",
        )
    return transition(submission, S.REVIEWED, actor=actor, comment=reason, now=now)


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
    ``calls.submission.decision_change``, logged for the secretariat only).
    Refused: by anyone but the secretariat; outside a phase that allows moving
    submissions on (when the call has a panel); after the call's release; a
    second accepted nomination of one country in an award call (naming the
    country and the city accepted already). Nothing reaches the city until the
    release.
    """
    _check_secretariat(actor)
    if decision not in (Decision.ACCEPTED, Decision.REJECTED):
        raise SubmissionError(
            _("A decision is either accepted or rejected."), code="decision_required"
        )
    _check_phase(submission, now)
    note = (note or "").strip()
    with transaction.atomic():
        locked = (
            Submission.objects.select_for_update(of=("self",))
            .select_related("call", "city", "country", "organisation")
            .get(pk=submission.pk)
        )
        _check_not_released(locked)
        reason = (reason or "").strip()
        if decision == Decision.ACCEPTED and locked.state in (S.REVIEWED, S.DECIDED):
            count, wanted = submitted_review_count(locked), locked.call.min_reviews
            if count < wanted:
                if not reason:
                    raise SubmissionError(
                        _(
                            "%(city)s has %(count)s submitted reviews of the %(wanted)s the "
                            "call asks for: give a reason to accept it anyway."
                        )
                        % {"city": locked.city.name, "count": count, "wanted": wanted},
                        code="reason_required",
                    )
                if not (locked.state == S.DECIDED and locked.decision == Decision.ACCEPTED):
                    record_activity(
                        "reviews.decision.few_reviews",
                        actor=actor,
                        organisation=None,  # the city's people must not read it
                        subject=locked,
                        changes={"reviews": [wanted, count], "reason": [None, reason]},
                    )
        if locked.call.kind == CallKind.AWARD and decision == Decision.ACCEPTED:
            other = accepted_elsewhere_in_country(locked)
            if other is not None:
                raise SubmissionError(
                    _(
                        "%(country)s may have one winner only, and %(other)s is accepted "
                        "already; reject it first to accept %(city)s."
                    )
                    % {
                        "country": locked.country,
                        "other": other.city.name,
                        "city": locked.city.name,
                    },
                    code="one_per_country",
                )
        if locked.state == S.DECIDED:
            before = locked.decision
            if before != decision:
                locked.decision = decision
                # Not ``updated_at``: the city would see its application change.
                locked.save(update_fields=["decision"])
                record_activity(
                    "calls.submission.decision_change",
                    actor=actor,
                    organisation=None,  # the city's people must not read it
                    subject=locked,
                    changes={
                        "decision": [before, decision],
                        **({"note": [None, note]} if note else {}),
                    },
                )
        elif locked.state == S.REVIEWED:
            transition(locked, S.DECIDED, actor=actor, decision=decision, comment=note, now=now)
        else:
            raise SubmissionError(
                _("%(city)s's submission is “%(state)s”: finish its review before deciding.")
                % {"city": locked.city.name, "state": locked.get_state_display()},
                code="not_reviewed",
            )
    submission.state, submission.decision = locked.state, locked.decision
    return submission
