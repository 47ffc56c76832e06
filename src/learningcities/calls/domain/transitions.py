"""The one function that moves a submission through the state machine, and its notices."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from learningcities.accounts.enums import OrganisationKind, Role
from learningcities.accounts.rules import is_secretariat
from learningcities.common.domain.activity import field_changes, record_activity
from learningcities.common.domain.outbox import queue_message, template_for

from ..enums import (
    ALLOWED_TRANSITIONS,
    COMMENT_REQUIRED,
    DeadlineAction,
    Decision,
    SubmissionState,
    endorsed_states,
    staged_states,
    state_for_city,
)
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

COORDINATORS, ENDORSERS, SECRETARIAT = "coordinators", "endorsers", "secretariat"
# Who hears of each transition. Each audience gets its own message, so no one
# sees another organisation's addresses. The city learns a decision only when
# it is released.
AUDIENCES: dict[str, tuple[str, ...]] = {
    S.SUBMITTED: (COORDINATORS, ENDORSERS),
    S.RETURNED: (COORDINATORS,),
    S.ENDORSED: (COORDINATORS, SECRETARIAT),
    S.DECLINED: (COORDINATORS, SECRETARIAT),
    S.ELIGIBLE: (COORDINATORS, ENDORSERS),
    S.INELIGIBLE: (COORDINATORS, ENDORSERS),
    S.NEEDS_CHANGES: (COORDINATORS, ENDORSERS),
    S.IN_REVIEW: (COORDINATORS,),
    S.REVIEWED: (SECRETARIAT,),
    S.DECIDED: (SECRETARIAT,),
    S.RELEASED: (COORDINATORS, ENDORSERS),
    S.WITHDRAWN: (COORDINATORS, ENDORSERS, SECRETARIAT),
}

SYSTEM_DECLINE_REASON = "The National Commission did not act before the endorsement deadline."


def template_code(to_state: str) -> str:
    """Return the mail template code of the notice of a move to ``to_state``."""
    return f"calls.submission.{to_state}"


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


def recipients_for(submission: Submission, audience: str) -> list[str]:
    """Return the e-mail addresses of the active people of ``audience`` for ``submission``."""
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
    return sorted(set(people.values_list("email", flat=True)))


def _notify(
    submission: Submission, transition_row: Transition, *, audiences, extra: dict | None = None
) -> None:
    call = submission.call
    code = template_code(transition_row.to_state)
    # A missing template fails the transition even when nobody is to be told.
    template_for(code, call.language)
    with translation.override(call.language):
        context = {
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
            **(extra or {}),
        }
        withheld = {audience: _withheld(audience, transition_row) for audience in audiences}
    for audience in audiences:
        recipients = recipients_for(submission, audience)
        if recipients:
            queue_message(
                code,
                recipients=recipients,
                context={**context, **withheld[audience], "audience": audience},
                related_object=submission,
                language=call.language,
            )


def _check_submit(submission: Submission, from_state: str, now: dt.datetime) -> None:
    call = submission.call
    # The deadline holds for the first submission; a submission the
    # Commission returned or the secretariat sent back may be resubmitted
    # after the call closed, or the return would be a rejection in disguise.
    if from_state == S.DRAFT:
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
    missing = completeness(submission)
    if missing:
        raise SubmissionError(
            _("The submission is not complete: %(missing)s")
            % {"missing": " ".join(str(item) for item in missing)},
            code="incomplete",
        )


def _check_endorsement_window(
    submission: Submission, actor, to_state: str, now: dt.datetime
) -> None:
    if actor is None or is_escalated(submission, now):
        return  # the deadline action, or the secretariat acting in the Commission's place
    if to_state == S.DECLINED:
        return  # a Commission may always say no
    due = submission.endorsement_due_at
    if due is not None and now > due:
        raise SubmissionError(
            _("The endorsement deadline was %(due)s; it has passed.")
            % {"due": in_call_zone(due, submission.call)},
            code="endorsement_deadline_passed",
        )


def _check_eligible(submission: Submission, now: dt.datetime) -> None:
    unmet = unmet_checks(submission, today=check_day(submission.call, now))
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


def transition(
    submission: Submission,
    to_state: str,
    *,
    actor,
    comment: str = "",
    now: dt.datetime | None = None,
    decision: str = "",
    release: bool = False,
    notice_context: dict | None = None,
) -> Submission:
    """Move ``submission`` to ``to_state`` on behalf of ``actor`` (None: the system).

    Checks, in order: the transition table (TransitionError naming both
    states); the actor's permission (TransitionNotPermitted); anyone but the
    secretariat is refused as if a staged submission (reviewed, decided) were
    in review, and told so; the guards
    (SubmissionError with a ``code``):

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
    - released: only with ``release=True`` (the cohort release does that).

    ``notice_context`` adds to (or overrides) the context of the notices, such
    as the jury's comments in the released decision.

    Effects, all in one transaction (any failure leaves nothing): the state
    and its timestamps saved with ``update_fields`` (submitted: ``submitted_at``
    and ``endorsement_due_at``; decided: ``decision``; a staged step leaves
    ``updated_at``, the last change the city sees); the quota slot taken or
    given back (an endorsement stops standing on needs_changes and on
    withdrawal); the call's ``revision`` bumped; a ``Transition`` row;
    activity ``calls.submission.<to_state>`` (a withdrawal from a staged step
    logged as from in review); notices from the template
    ``calls.submission.<to_state>`` in the call's language to the audiences of
    ``AUDIENCES``, with what an audience may not read blanked (``_withheld``);
    the ``submission_transitioned`` signal. ``submission`` is
    updated in place and returned.
    """
    now = now or timezone.now()
    comment = (comment or "").strip()
    if to_state not in SubmissionState.values:
        raise TransitionError(_("Unknown state: %(state)s.") % {"state": to_state}, code="unknown")
    with transaction.atomic():
        locked = (
            Submission.objects.select_for_update(of=("self",))
            .select_related("call", "city", "country", "organisation")
            .get(pk=submission.pk)
        )
        from_state = locked.state
        # The city and its Commission know a staged submission as in review: a
        # refusal (its message, and whether the table or the role refuses) must
        # answer them as it would a submission in review.
        known = from_state if actor is None or is_secretariat(actor) else state_for_city(from_state)
        if to_state not in ALLOWED_TRANSITIONS[known]:
            raise TransitionError(
                _("A submission cannot go from “%(from)s” to “%(to)s”.")
                % {"from": _state_label(known), "to": _state_label(to_state)},
                code="not_allowed",
            )
        if to_state not in ALLOWED_TRANSITIONS[from_state] or not may_transition(
            actor, locked, to_state, now=now
        ):
            raise TransitionNotPermitted(
                _("You may not move this submission from “%(from)s” to “%(to)s”.")
                % {"from": _state_label(known), "to": _state_label(to_state)}
            )
        if actor is None and to_state == S.DECLINED:
            if not (
                locked.call.deadline_action == DeadlineAction.DECLINE
                and locked.endorsement_due_at is not None
                and now > locked.endorsement_due_at
            ):
                raise TransitionNotPermitted(
                    _("The system declines only past the endorsement deadline.")
                )
            comment = comment or SYSTEM_DECLINE_REASON
        if to_state in COMMENT_REQUIRED and not comment:
            raise SubmissionError(
                _("Moving a submission to “%(to)s” needs a reason.")
                % {"to": _state_label(to_state)},
                code="comment_required",
            )
        changed = ["state"]
        before = {"state": from_state, "decision": locked.decision}
        if to_state == S.SUBMITTED:
            _check_submit(locked, from_state, now)
            locked.submitted_at = now
            locked.endorsement_due_at = now + dt.timedelta(days=locked.call.endorsement_days)
            locked.escalated_at = None
            changed += ["submitted_at", "endorsement_due_at", "escalated_at"]
        elif to_state in (S.ENDORSED, S.RETURNED, S.DECLINED):
            _check_endorsement_window(locked, actor, to_state, now)
            if to_state == S.ENDORSED:
                take_endorsement_slot(locked.call, locked.country)
        elif to_state == S.ELIGIBLE:
            _check_eligible(locked, now)
        elif to_state == S.DECIDED:
            if decision not in (Decision.ACCEPTED, Decision.REJECTED):
                raise SubmissionError(
                    _("A decision is either accepted or rejected."), code="decision_required"
                )
            locked.decision = decision
            changed.append("decision")
        elif to_state == S.RELEASED and not release:
            raise SubmissionError(
                _("Decisions are released together, with the release of the cohort."),
                code="release_only",
            )
        if from_state in endorsed_states and to_state in (S.NEEDS_CHANGES, S.WITHDRAWN):
            give_back_endorsement_slot(locked.call, locked.country)

        locked.state = to_state
        # ``updated_at`` is the last change the city and its Commission see
        # (their lists, the API): a staged step leaves it as it was.
        touched = [] if to_state in staged_states else ["updated_at"]
        locked.save(update_fields=[*changed, *touched])
        bump_call_revision(locked.call_id)
        row = Transition.objects.create(
            submission=locked,
            from_state=from_state,
            to_state=to_state,
            actor=actor if getattr(actor, "pk", None) else None,
            comment=comment,
        )
        changes = field_changes(locked, [f for f in changed if f != "escalated_at"], before)
        if to_state not in staged_states and to_state != S.RELEASED:
            # Logged under the city's organisation: a withdrawal from a staged
            # step reads as from in review (the Transition row keeps the truth).
            changes["state"] = [state_for_city(from_state), to_state]
        record_activity(
            f"calls.submission.{to_state}",
            actor=actor,
            # The city's people read their organisation's log: a staged step
            # (reviewed, decided) is logged for the secretariat alone.
            organisation=None if to_state in staged_states else locked.organisation,
            subject=locked,
            changes={**changes, **({"comment": [None, comment]} if comment else {})},
        )
        audiences = AUDIENCES[to_state]
        if to_state == S.WITHDRAWN and from_state == S.DRAFT:
            audiences = (COORDINATORS,)  # nobody else knew of a draft
        _notify(locked, row, audiences=audiences, extra=notice_context)
        submission_transitioned.send(
            sender=Submission,
            submission=locked,
            from_state=from_state,
            to_state=to_state,
            actor=actor,
        )
    for field in (*changed, "updated_at"):
        setattr(submission, field, getattr(locked, field))
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
        locked = (
            Submission.objects.select_for_update(of=("self",))
            .select_related("call", "city", "country", "organisation")
            .get(pk=submission.pk)
        )
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
        with translation.override(call.language):
            context = {
                "city": str(locked.city),
                "country": str(locked.country),
                "call": call.title,
                "endorsement_due": in_call_zone(due, call),
            }
        for audience in (SECRETARIAT, ENDORSERS):
            recipients = recipients_for(locked, audience)
            if recipients:
                queue_message(
                    code,
                    recipients=recipients,
                    context={**context, "audience": audience},
                    related_object=locked,
                    language=call.language,
                )
    submission.escalated_at = now
    return True
