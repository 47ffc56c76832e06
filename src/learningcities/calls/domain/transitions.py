"""The one function that moves a submission through the state machine, and its notices.

``transition`` is the gate: every change of a submission's state goes
through it, and it alone enforces the rules, those of this app and those
other apps register on ``calls.machine.submission_machine``. Its steps:
lock and describe the move (``_start``), the table and the actor
(``_check_table``), the registered guards, the save (``_save``), the record
(``_record``), the notices (``_notify``), the registered effects, the signal.
"""

import datetime as dt
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from learningcities.accounts.enums import OrganisationKind, Role
from learningcities.accounts.rules import is_secretariat
from learningcities.common.domain.activity import field_changes, record_activity
from learningcities.common.domain.outbox import queue_message_by_language, template_for
from learningcities.common.models import MessageTemplate

from ..enums import (  # AUDIENCES and the audiences' names: imported from here too
    AUDIENCES,
    COMMENT_REQUIRED,
    COORDINATORS,
    ENDORSER_STATES,
    ENDORSERS,
    SECRETARIAT,
    DeadlineAction,
    Decision,
    SubmissionState,
    endorsed_states,
    kind_allows,
    staged_states,
    state_for_city,
)
from ..machine import register_guard, submission_machine
from ..models import Submission, Transition
from ..rules import is_escalated, may_transition
from ..signals import submission_transitioned
from .completeness import completeness
from .eligibility import check_day, unmet_checks
from .errors import SubmissionError, TransitionError, TransitionNotPermitted
from .quotas import give_back_endorsement_slot, take_endorsement_slot
from .revision import bump_call_revision
from .timing import in_call_zone, submission_deadline

S = SubmissionState

SYSTEM_DECLINE_REASON = "The National Commission did not act before the endorsement deadline."


# The notice of a move to a state that has no template of its own.
GENERIC_TEMPLATE = "calls.submission.changed"


def template_code(to_state: str) -> str:
    """Return the mail template code of the notice of a move to ``to_state``.

    A state's own template (``calls.submission.<state>``) when one exists,
    else the generic notice that names the new and the former state: a new
    state needs no template to be told (its own wording is an option).
    """
    own = f"calls.submission.{to_state}"
    if MessageTemplate.objects.filter(code=own).exists():
        return own
    return GENERIC_TEMPLATE


def _state_label(state: str) -> str:
    return str(SubmissionState(state).label)


def _withheld(audience: str, transition_row: Transition) -> dict:
    """Return the notice's variables that ``audience`` may not read, blanked.

    A staged step and decision are the secretariat's until the release (a city
    may withdraw a submission whose decision is staged); the jury's comments
    in the released decision are for the city alone. The default templates
    do not print them, but the secretariat edits templates, and each
    template's sample offers every variable.
    """
    if audience == SECRETARIAT:
        return {}
    withheld = {}
    if transition_row.to_state != S.RELEASED:
        withheld["from_state"] = _state_label(state_for_city(transition_row.from_state))
        withheld["decision"] = ""
    if audience != COORDINATORS:
        withheld["jury_comments"] = []
    return withheld


def recipients_with_language(submission: Submission, audience: str) -> list[tuple[str, str]]:
    """Return ``(address, language)`` of the active people of ``audience`` for ``submission``."""
    return sorted(set(_people_of(submission, audience).values_list("email", "language")))


def _people_of(submission: Submission, audience: str):
    people = get_user_model().objects.filter(is_active=True)
    if audience == COORDINATORS:
        people = people.filter(
            affiliations__organisation_id=submission.organisation_id,
            affiliations__role=Role.COORDINATOR,
        )
    elif audience == ENDORSERS:
        people = people.filter(
            affiliations__organisation__kind=OrganisationKind.NATIONAL_COMMISSION,
            affiliations__organisation__country_id=submission.country_id,
            affiliations__role=Role.ENDORSER,
        )
    else:
        people = people.filter(affiliations__role=Role.SECRETARIAT)
    return people


def _notify(
    submission: Submission, transition_row: Transition, *, audiences, extra: dict | None = None
) -> None:
    """Queue the notice of the move to each audience, one message per recipients' language."""
    call = submission.call
    code = template_code(transition_row.to_state)
    # A missing template fails the transition even when nobody is to be told.
    template_for(code, call.language)
    for audience in audiences:
        queue_message_by_language(
            code,
            recipients=recipients_with_language(submission, audience),
            context=partial(_notice_context, submission, transition_row, audience, extra or {}),
            language=call.language,
            related_object=submission,
        )


def _notice_context(
    submission: Submission, transition_row: Transition, audience: str, extra: dict
) -> dict:
    """Return the variables of the notice of the move to ``audience``, in the active language."""
    call = submission.call
    return {
        "city": str(submission.city),
        "country": str(submission.country),
        "call": call.title,
        "from_state": _state_label(transition_row.from_state),
        "state": _state_label(transition_row.to_state),
        "comment": transition_row.comment,
        "actor": (
            getattr(transition_row.actor, "name", "") or str(transition_row.actor)
            if transition_row.actor
            else ""
        ),
        "deadline": in_call_zone(submission_deadline(submission), call),
        "endorsement_due": (
            in_call_zone(submission.endorsement_due_at, call)
            if submission.endorsement_due_at
            else ""
        ),
        "decision": (str(Decision(submission.decision).label) if submission.decision else ""),
        **extra,
        **_withheld(audience, transition_row),
        "audience": audience,
    }


def _escalation_context(submission: Submission, audience: str) -> dict:
    """Return the variables of the notice of an overdue endorsement, in the active language."""
    return {
        "city": str(submission.city),
        "country": str(submission.country),
        "call": submission.call.title,
        "endorsement_due": in_call_zone(submission.endorsement_due_at, submission.call),
        "audience": audience,
    }


@dataclass
class SubmissionMove:
    """One move of a submission, as the guards and effects of ``submission_machine`` see it.

    ``submission`` is the row locked for the move, with its call, city,
    country and organisation; ``actor`` None is the system; ``reason`` is
    the reason given for an exception to a rule (accepting with fewer
    reviews than the call asks for), the comment unless the caller gives
    one apart.
    """

    submission: Submission
    from_state: str
    to_state: str
    actor: Any
    now: dt.datetime
    comment: str = ""
    decision: str = ""
    reason: str = ""
    release: bool = False


# --- the calls app's own guards --------------------------------------------------------


def _check_submit(move: SubmissionMove) -> None:
    submission, now = move.submission, move.now
    # The deadline holds for the first submission; a submission the
    # Commission returned or the secretariat sent back may be resubmitted
    # after the call closed, or the return would be a rejection in disguise.
    if move.from_state == S.DRAFT:
        _check_submission_window(submission, now)
    missing = completeness(submission)
    if missing:
        raise SubmissionError(
            _("The submission is not complete: %(missing)s")
            % {"missing": " ".join(str(item) for item in missing)},
            code="incomplete",
        )


def _check_submission_window(submission: Submission, now: dt.datetime) -> None:
    call = submission.call
    if now < call.opens_at:
        raise SubmissionError(
            _("The call opens on %(opens)s.") % {"opens": in_call_zone(call.opens_at, call)},
            code="not_open",
        )
    deadline = submission_deadline(submission)
    if now > deadline:
        raise SubmissionError(
            _("The deadline for submissions was %(deadline)s; it has passed.")
            % {"deadline": in_call_zone(deadline, call)},
            code="deadline_passed",
        )


def _check_endorsement_window(move: SubmissionMove) -> None:
    submission, now = move.submission, move.now
    if move.actor is None or is_escalated(submission, now):
        return  # the deadline action, or the secretariat acting in the Commission's place
    if move.to_state == S.DECLINED:
        return  # a Commission may always say no
    due = submission.endorsement_due_at
    if due is not None and now > due:
        raise SubmissionError(
            _("The endorsement deadline was %(due)s; it has passed.")
            % {"due": in_call_zone(due, submission.call)},
            code="endorsement_deadline_passed",
        )


def _check_system_decline(move: SubmissionMove) -> None:
    """The system declines only past the endorsement deadline of a call that declines then."""
    if move.actor is not None:
        return
    submission = move.submission
    due = submission.endorsement_due_at
    if not (
        submission.call.deadline_action == DeadlineAction.DECLINE
        and due is not None
        and move.now > due
    ):
        raise TransitionNotPermitted(_("The system declines only past the endorsement deadline."))


def _require_comment(move: SubmissionMove) -> None:
    if not move.comment:
        raise SubmissionError(
            _("Moving a submission to “%(to)s” needs a reason.")
            % {"to": _state_label(move.to_state)},
            code="comment_required",
        )


def _check_eligible(move: SubmissionMove) -> None:
    submission = move.submission
    unmet = unmet_checks(submission, today=check_day(submission.call, move.now))
    if unmet:
        raise TransitionError(
            _("The submission is not eligible until every check passes: %(checks)s")
            % {
                "checks": "; ".join(
                    _("%(check)s (%(outcome)s)")
                    % {"check": check.label, "outcome": check.outcome_label}
                    for check in unmet
                )
            },
            code="eligibility",
        )


def check_decision(move: SubmissionMove) -> None:
    """Refuse a decision other than accepted or rejected (also when a staged one changes)."""
    if move.decision not in (Decision.ACCEPTED, Decision.REJECTED):
        raise SubmissionError(
            _("A decision is either accepted or rejected."), code="decision_required"
        )


def _check_release_only(move: SubmissionMove) -> None:
    if not move.release:
        raise SubmissionError(
            _("Decisions are released together, with the release of the cohort."),
            code="release_only",
        )


def register_calls_rules() -> None:
    """Register the calls app's guards on ``submission_machine``, in the order they refuse.

    Called on import (``CallsConfig.ready`` imports this module), before any
    other app registers guards of its own for the same states.
    """
    register_guard(S.DECLINED, _check_system_decline)
    for state in sorted(COMMENT_REQUIRED):
        register_guard(state, _require_comment)
    register_guard(S.SUBMITTED, _check_submit)
    for state in sorted(ENDORSER_STATES):
        register_guard(state, _check_endorsement_window)
    register_guard(S.ELIGIBLE, _check_eligible)
    register_guard(S.DECIDED, check_decision)
    register_guard(S.RELEASED, _check_release_only)


register_calls_rules()


# --- the steps of a move -----------------------------------------------------------------


def _known_state(actor, state: str) -> str:
    """Return ``state`` as ``actor`` knows it (the city's people: staged steps as in review)."""
    return state if actor is None or is_secretariat(actor) else state_for_city(state)


def _check_route(move: SubmissionMove, labels: dict) -> None:
    """Refuse a move the call's kind does not take (``kind_allows``), saying why.

    Checked with the table, before the actor's role (``may_transition``
    refuses these moves too, so that no page offers them): a call without
    endorsement is never endorsed, returned or declined by a Commission;
    any other call is screened only once endorsed. ``labels``: the states'
    names as the actor knows them.
    """
    call = move.submission.call
    if kind_allows(call.kind, move.from_state, move.to_state):
        return
    if move.to_state in ENDORSER_STATES:
        raise TransitionError(
            _(
                "A submission cannot go from “%(from)s” to “%(to)s”: proposals to this call "
                "are not endorsed by a National Commission."
            )
            % labels,
            code="no_endorsement",
        )
    raise TransitionError(
        _(
            "A submission cannot go from “%(from)s” to “%(to)s”: its National Commission "
            "endorses it before the secretariat screens it."
        )
        % labels,
        code="endorsement_first",
    )


def _check_table(move: SubmissionMove) -> None:
    """Refuse a move the table or the actor's role does not allow.

    The city and its Commission know a staged submission as in review: a
    refusal (its message, and whether the table or the role refuses) must
    answer them as it would a submission in review.
    """
    known = _known_state(move.actor, move.from_state)
    labels = {"from": _state_label(known), "to": _state_label(move.to_state)}
    if not submission_machine.allows(known, move.to_state):
        raise TransitionError(
            _("A submission cannot go from “%(from)s” to “%(to)s”.") % labels, code="not_allowed"
        )
    _check_route(move, labels)
    if not submission_machine.allows(move.from_state, move.to_state) or not may_transition(
        move.actor, move.submission, move.to_state, now=move.now
    ):
        raise TransitionNotPermitted(
            _("You may not move this submission from “%(from)s” to “%(to)s”.") % labels
        )


def _stamp(move: SubmissionMove) -> list[str]:
    """Set the fields a move into its state records; return their names."""
    submission, now = move.submission, move.now
    if move.to_state == S.SUBMITTED:
        submission.submitted_at = now
        # A call without endorsement has no endorsement deadline: no reminder,
        # no deadline action, nothing overdue.
        submission.endorsement_due_at = (
            now + dt.timedelta(days=submission.call.endorsement_days)
            if submission.call.needs_endorsement
            else None
        )
        submission.escalated_at = None
        return ["submitted_at", "endorsement_due_at", "escalated_at"]
    if move.to_state == S.DECIDED:
        submission.decision = move.decision
        return ["decision"]
    return []


def _move_quota_slot(move: SubmissionMove) -> None:
    """Take a slot of the country's quota when an endorsement starts to stand, give it back
    when it stops (needs changes, withdrawn)."""
    submission = move.submission
    if not submission.call.needs_endorsement:
        return  # screened straight from submitted: no endorsement, no quota
    held_before = move.from_state in endorsed_states
    held_after = move.to_state in endorsed_states
    if held_after and not held_before:
        take_endorsement_slot(submission.call, submission.country)
    elif held_before and not held_after:
        give_back_endorsement_slot(submission.call, submission.country)


def _save(move: SubmissionMove) -> list[str]:
    """Save the new state and what it records; return the fields changed besides the state."""
    stamped = _stamp(move)
    _move_quota_slot(move)
    move.submission.state = move.to_state
    # ``updated_at`` is the last change the city and its Commission see
    # (their lists, the API): a staged step leaves it as it was.
    touched = [] if move.to_state in staged_states else ["updated_at"]
    move.submission.save(update_fields=["state", *stamped, *touched])
    bump_call_revision(move.submission.call_id)
    return stamped


def _record(move: SubmissionMove, stamped: list[str], before: dict) -> Transition:
    """Record the move: its ``Transition`` row and its activity entry."""
    submission, to_state = move.submission, move.to_state
    row = Transition.objects.create(
        submission=submission,
        from_state=move.from_state,
        to_state=to_state,
        actor=move.actor if getattr(move.actor, "pk", None) else None,
        comment=move.comment,
    )
    changes = field_changes(
        submission, ["state", *(f for f in stamped if f != "escalated_at")], before
    )
    if to_state not in staged_states and to_state != S.RELEASED:
        # Logged under the city's organisation: a withdrawal from a staged
        # step reads as from in review (the Transition row keeps the truth).
        changes["state"] = [state_for_city(move.from_state), to_state]
    if move.comment:
        changes["comment"] = [None, move.comment]
    record_activity(
        f"calls.submission.{to_state}",
        actor=move.actor,
        # The city's people read their organisation's log: a staged step
        # (reviewed, decided) is logged for the secretariat alone.
        organisation=None if to_state in staged_states else submission.organisation,
        subject=submission,
        changes=changes,
    )
    return row


def _audiences(move: SubmissionMove) -> tuple[str, ...]:
    if move.to_state == S.WITHDRAWN and move.from_state == S.DRAFT:
        return (COORDINATORS,)  # nobody else knew of a draft
    if not move.submission.call.needs_endorsement:
        # The National Commission has no part in a call without endorsement.
        return tuple(audience for audience in AUDIENCES[move.to_state] if audience != ENDORSERS)
    return AUDIENCES[move.to_state]


def lock_submission(submission: Submission) -> Submission:
    """Return ``submission`` locked for a change, with its call, city, country and organisation."""
    return (
        Submission.objects.select_for_update(of=("self",))
        .select_related("call", "city", "country", "organisation")
        .get(pk=submission.pk)
    )


def _start(submission: Submission, to_state: str, *, actor, comment: str, reason, **options):
    """Lock ``submission`` and describe its move to ``to_state`` (a ``SubmissionMove``).

    The system declines with its own reason; ``reason`` None is the comment.
    """
    locked = lock_submission(submission)
    comment = (comment or "").strip()
    if actor is None and to_state == S.DECLINED:
        comment = comment or SYSTEM_DECLINE_REASON
    reason = comment if reason is None else reason.strip()
    return SubmissionMove(
        locked, locked.state, to_state, actor=actor, comment=comment, reason=reason, **options
    )


def transition(
    submission: Submission,
    to_state: str,
    *,
    actor,
    comment: str = "",
    now: dt.datetime | None = None,
    decision: str = "",
    reason: str | None = None,
    release: bool = False,
    notice_context: dict | None = None,
) -> Submission:
    """Move ``submission`` to ``to_state`` on behalf of ``actor`` (None: the system).

    The one way a submission changes state. Checks, in order: the
    transition table (TransitionError naming both states); the route of the
    call's kind (TransitionError: a call without endorsement, such as a call
    for presentations, is screened from submitted and never endorsed; any
    other call is screened only once endorsed); the actor's
    permission (TransitionNotPermitted); anyone but the secretariat is
    refused as if a staged submission (reviewed, decided) were in review,
    and told so; then the guards registered on ``submission_machine`` for
    ``to_state``, the calls app's first (SubmissionError with a ``code``):

    - submitted: from a draft, the call is open and the city's deadline (its
      extension, else the call's close) has not passed, named in the call's time
      zone; always, ``completeness`` is empty;
    - endorsed / returned: within the endorsement window (unless escalated to
      the secretariat); endorsed also takes a slot of the country's quota,
      atomically;
    - declined by the system: only past the endorsement deadline of a call that
      declines then;
    - returned, declined, ineligible, needs_changes: a comment (the reason);
    - eligible: every check of ``eligibility_checklist`` passed (TransitionError,
      code ``eligibility``, naming each check failed, unknown or pending);
    - decided: ``decision`` accepted or rejected;
    - released: only with ``release=True`` (the cohort release does that);
    - reviewed and decided: the reviews app's guards (``reviews.domain.decisions``:
      the phase, enough reviews or a reason, not released, one winner per country).

    ``reason`` (default: the comment) is the reason given for an exception
    to a rule, such as accepting with fewer reviews than the call asks for.
    ``notice_context`` adds to (or overrides) the context of the notices, such
    as the jury's comments in the released decision.

    Effects, all in one transaction (any failure leaves nothing): the state
    and its timestamps saved with ``update_fields`` (submitted: ``submitted_at``
    and ``endorsement_due_at``, None in a call without endorsement; decided:
    ``decision``; a staged step leaves ``updated_at``, the last change the
    city sees); the quota slot taken or given back (an endorsement stands in
    ``endorsed_states``; never in a call without endorsement); the call's
    ``revision`` bumped; a ``Transition`` row; activity
    ``calls.submission.<to_state>`` (a withdrawal from a staged step logged as
    from in review); notices from the template ``calls.submission.<to_state>``
    in the call's language to the audiences of ``AUDIENCES`` (never the
    endorsers in a call without endorsement), with what an audience may not
    read blanked (``_withheld``); the effects registered for ``to_state`` (the
    reviews app logs an acceptance with few reviews); the
    ``submission_transitioned`` signal.
    ``submission`` is updated in place and returned.
    """
    if to_state not in SubmissionState.values:
        raise TransitionError(_("Unknown state: %(state)s.") % {"state": to_state}, code="unknown")
    with transaction.atomic():
        move = _start(
            submission,
            to_state,
            actor=actor,
            comment=comment,
            reason=reason,
            now=now or timezone.now(),
            decision=decision,
            release=release,
        )
        _check_table(move)
        submission_machine.check(move)
        before = {"state": move.from_state, "decision": move.submission.decision}
        stamped = _save(move)
        row = _record(move, stamped, before)
        _notify(move.submission, row, audiences=_audiences(move), extra=notice_context)
        submission_machine.run_effects(move)
        submission_transitioned.send(
            sender=Submission,
            submission=move.submission,
            from_state=move.from_state,
            to_state=to_state,
            actor=actor,
        )
    for field in ("state", *stamped, "updated_at"):
        setattr(submission, field, getattr(move.submission, field))
    return submission


def apply_endorsement_deadline(submission: Submission, *, now: dt.datetime | None = None) -> bool:
    """Apply the call's deadline action to a submission left past its endorsement deadline.

    ``decline``: the system declines it (see ``transition``). ``escalate``: it is
    marked ``escalated_at`` once, the secretariat and the endorsers are told
    (``calls.submission.escalated``), and the secretariat may then endorse,
    return or decline it. Returns whether anything was done.
    """
    now = now or timezone.now()
    call = submission.call
    due = submission.endorsement_due_at
    if submission.state != S.SUBMITTED or due is None or now <= due:
        return False
    if call.deadline_action == DeadlineAction.DECLINE:
        transition(submission, S.DECLINED, actor=None, now=now)
        return True
    with transaction.atomic():
        locked = lock_submission(submission)
        if locked.state != S.SUBMITTED or locked.escalated_at is not None:
            return False
        locked.escalated_at = now
        locked.save(update_fields=["escalated_at", "updated_at"])
        record_activity(
            "calls.submission.escalate",
            actor=None,
            organisation=locked.organisation,
            subject=locked,
            changes={"escalated_at": [None, now.isoformat()]},
        )
        code = "calls.submission.escalated"
        template_for(code, call.language)
        for audience in (SECRETARIAT, ENDORSERS):
            queue_message_by_language(
                code,
                recipients=recipients_with_language(locked, audience),
                context=partial(_escalation_context, locked, audience),
                language=call.language,
                related_object=locked,
            )
    submission.escalated_at = now
    return True
