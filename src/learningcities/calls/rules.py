"""Permission rules of calls: who may act on a submission, and in which state.

Role predicates come from ``accounts.rules``; here they are tied to the
submission: a coordinator acts only for their own city's submission, an
endorser only for the National Commission of the submission's country.
``ACTORS_FOR_STATE`` (enums) says which of them may move a submission into
each state; ``may_transition`` combines it with the transition table.
"""

import rules
from django.utils import timezone

from learningcities.accounts.enums import Role
from learningcities.accounts.rules import (  # endorsed_country_ids: imported from here too
    affiliation_pairs,
    endorsed_country_ids,
    is_secretariat,
)
from learningcities.common.rules import register_document_viewer

from .enums import (  # TRANSITION_PERMISSIONS: imported from here too
    ENDORSER_STATES,
    SCREENING_STATES,
    TRANSITION_PERMISSIONS,
    DeadlineAction,
    SubmissionState,
    TransitionActor,
    editable_states,
    kind_allows,
    submitted_states,
)
from .machine import submission_machine


def organisation_ids_in_role(user, role: str) -> frozenset[int]:
    """Return the ids of the organisations the person acts for in ``role``."""
    return frozenset(org for org, held in affiliation_pairs(user) if held == role)


@rules.predicate
def is_coordinator_of_submission(user, submission) -> bool:
    """The person is a coordinator of the submitting city."""
    return submission is not None and submission.organisation_id in organisation_ids_in_role(
        user, Role.COORDINATOR
    )


@rules.predicate
def is_endorser_of_submission(user, submission) -> bool:
    """The person endorses for the National Commission of the submission's country.

    Only in a call its Commission endorses: a proposal to a call without
    endorsement goes from the city straight to the secretariat, and the
    Commission neither sees nor decides it.
    """
    return (
        submission is not None
        and submission.call.needs_endorsement
        and submission.country_id in endorsed_country_ids(user)
    )


def answers_editable_in(state: str) -> bool:
    """Whether the city may change its answers in ``state`` (and its deadline may be extended)."""
    return state in editable_states


@rules.predicate
def is_editable(user, submission) -> bool:
    """The city may change its answers now (a draft, or returned or sent back to it)."""
    return submission is not None and answers_editable_in(submission.state)


@rules.predicate
def was_submitted(user, submission) -> bool:
    """The city has submitted it at least once (a draft stays the city's own)."""
    return (
        submission is not None
        and submission.state in submitted_states
        and submission.submitted_at is not None
    )


def is_escalated(submission, now=None) -> bool:
    """Whether the endorsement deadline has passed and the call hands the decision over."""
    return (
        submission.state == SubmissionState.SUBMITTED
        and submission.call.deadline_action == DeadlineAction.ESCALATE
        and submission.endorsement_due_at is not None
        and (now or timezone.now()) > submission.endorsement_due_at
    )


def actor_roles(user, submission) -> frozenset[str]:
    """Return the ``TransitionActor`` roles ``user`` holds towards ``submission``.

    ``user`` None is the system (deadline actions).
    """
    if user is None:
        return frozenset({TransitionActor.SYSTEM})
    held = set()
    if is_coordinator_of_submission(user, submission):
        held.add(TransitionActor.COORDINATOR)
    if is_endorser_of_submission(user, submission):
        held.add(TransitionActor.ENDORSER)
    if is_secretariat(user):
        held.add(TransitionActor.SECRETARIAT)
    return frozenset(held)


def may_transition(user, submission, to_state: str, *, now=None) -> bool:
    """Whether ``user`` (None: the system) may move ``submission`` to ``to_state`` now.

    True only if the table allows the move from the current state, the call's
    kind takes that route (``kind_allows``: a call without endorsement is
    screened from submitted and never endorsed) and the person holds a role
    allowed to make it; the secretariat may take the endorser's decisions on
    a submission escalated to it. Guards that depend on dates, quotas and
    completeness are the transition function's.
    """
    if not submission_machine.allows(submission.state, to_state) or not kind_allows(
        submission.call.kind, submission.state, to_state
    ):
        return False
    held = actor_roles(user, submission)
    allowed = submission_machine.actors_for(to_state)
    if held & allowed:
        return True
    return (
        to_state in ENDORSER_STATES
        and TransitionActor.SECRETARIAT in held
        and is_escalated(submission, now)
    )


@rules.predicate
def may_decide_endorsement(user, submission) -> bool:
    """The person may endorse, return or decline the submission now (the table, their role)."""
    return submission is not None and any(
        may_transition(user, submission, state) for state in ENDORSER_STATES
    )


@rules.predicate
def may_screen(user, submission) -> bool:
    """The person may screen the submission now: eligible, ineligible or needs changes."""
    return submission is not None and any(
        may_transition(user, submission, state) for state in SCREENING_STATES
    )


def _transition_predicate(to_state: str) -> rules.Predicate:
    @rules.predicate(name=f"may_move_to_{to_state}")
    def predicate(user, submission) -> bool:
        return submission is not None and may_transition(user, submission, to_state)

    return predicate


can_view_submission = (
    is_secretariat | is_coordinator_of_submission | (is_endorser_of_submission & was_submitted)
)
can_change_submission = is_coordinator_of_submission & is_editable

rules.add_perm("calls.view_submission", can_view_submission)


@register_document_viewer
@rules.predicate
def is_viewer_of_submission_document(user, document) -> bool:
    """Whoever may see a submission may open its letter and evidence (its endorsers too).

    The city's own people open them as members of the owning organisation;
    this adds the National Commission of the city's country once submitted.
    """
    from .models import SubmissionDocument

    links = SubmissionDocument.objects.filter(document=document).select_related("submission")
    return any(can_view_submission.test(user, link.submission) for link in links)


rules.add_perm("calls.change_submission", can_change_submission)
rules.add_perm("calls.add_call", is_secretariat)
rules.add_perm("calls.change_call", is_secretariat)
rules.add_perm("calls.extend_deadline", is_secretariat)
# Screening: the secretariat ticks the call's manual eligibility checks.
can_screen_submission = is_secretariat
rules.add_perm("calls.screen_submission", can_screen_submission)
rules.add_perm("calls.record_award_win", is_secretariat)
# One permission per verb, each checking the table and the actor for the target state.
for _state, _perm in TRANSITION_PERMISSIONS.items():
    rules.add_perm(_perm, _transition_predicate(_state))

# --- Area: endorsement and secretariat views (calls/views/endorsement.py, secretariat.py) ---
from learningcities.accounts.rules import is_endorser  # noqa: E402

# The endorser's queue and application pages (each application is further
# limited to the person's countries by the view's query).
rules.add_perm("calls.view_endorsement_queue", is_endorser)
# The secretariat's call list, call dashboards and CSV exports.
rules.add_perm("calls.view_call", is_secretariat)

# --- city area (the coordinator's applications, calls/views/city.py) ---
from learningcities.accounts.rules import is_city_coordinator  # noqa: E402

rules.add_perm("calls.view_city_applications", is_city_coordinator)
