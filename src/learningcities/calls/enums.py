"""States and choices of calls and submissions, with the submission state machine.

The table ``ALLOWED_TRANSITIONS`` is the state machine DESIGN.md draws; the
one function that moves a submission (``domain.transitions.transition``)
refuses anything outside it, and anything outside the route of the call's
kind (``kind_allows``: a call for presentations has no endorsement step).
``ACTORS_FOR_STATE`` says who may move a submission *into* each state;
``calls/rules.py`` turns that into predicates.
"""

from typing import NamedTuple

from django.db import models
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CallKind(models.TextChoices):
    MEMBERSHIP = "membership", _("Membership")
    AWARD = "award", _("Award")
    PRESENTATIONS = "presentations", _("Presentations at an event")


# Kinds of call whose submissions go from the city straight to the secretariat's
# screening: no National Commission endorses them, and no quota counts them.
WITHOUT_ENDORSEMENT = frozenset({CallKind.PRESENTATIONS})


class DeadlineAction(models.TextChoices):
    """What happens to a submission its National Commission has not acted on in time."""

    DECLINE = "decline", _("Decline it")
    ESCALATE = "escalate", _("Escalate it to the secretariat")


class SubmissionState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("submission state", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("submission state", "Submitted")
    RETURNED = "returned", pgettext_lazy("submission state", "Returned to the city")
    ENDORSED = "endorsed", pgettext_lazy("submission state", "Endorsed")
    DECLINED = "declined", pgettext_lazy("submission state", "Declined")
    ELIGIBLE = "eligible", pgettext_lazy("submission state", "Eligible")
    INELIGIBLE = "ineligible", pgettext_lazy("submission state", "Ineligible")
    NEEDS_CHANGES = "needs_changes", pgettext_lazy("submission state", "Needs changes")
    IN_REVIEW = "in_review", pgettext_lazy("submission state", "In review")
    REVIEWED = "reviewed", pgettext_lazy("submission state", "Reviewed")
    DECIDED = "decided", pgettext_lazy("submission state", "Decided")
    RELEASED = "released", pgettext_lazy("submission state", "Released")
    WITHDRAWN = "withdrawn", pgettext_lazy("submission state", "Withdrawn")


def submission_state_choices() -> list[tuple[str, str]]:
    """Return the states of a submission as model choices.

    A model field takes this function, not the list: its migration names the
    function, so adding a value to the enum needs no migration.
    """
    return SubmissionState.choices


class Decision(models.TextChoices):
    """The outcome of a decided submission.

    The stored value is ``accepted`` or ``rejected`` from the moment the
    secretariat decides; until the cohort is released, the city is shown
    ``pending`` (``Submission.decision_for_city``). Blank before a decision.
    """

    PENDING = "pending", pgettext_lazy("decision", "Pending")
    ACCEPTED = "accepted", pgettext_lazy("decision", "Accepted")
    REJECTED = "rejected", pgettext_lazy("decision", "Rejected")


class DocumentKind(models.TextChoices):
    COMMITMENT_LETTER = "commitment_letter", _("Mayor's commitment letter")
    EVIDENCE = "evidence", _("Evidence")


class CheckOutcome(models.TextChoices):
    """The outcome of one eligibility check; a submission is eligible only if all passed."""

    PASSED = "passed", pgettext_lazy("eligibility check", "Passed")
    FAILED = "failed", pgettext_lazy("eligibility check", "Failed")
    UNKNOWN = "unknown", pgettext_lazy("eligibility check", "Unknown")
    MANUAL_PENDING = "manual_pending", pgettext_lazy("eligibility check", "To be checked")


class Challenge(models.TextChoices):
    """The challenges a city rates from 1 (minor) to 5 (major) in its profile."""

    FUNDING = "funding", _("Funding lifelong learning")
    COORDINATION = "coordination", _("Coordination between stakeholders")
    PARTICIPATION = "participation", _("Participation of disadvantaged groups")
    DATA = "data", _("Data and monitoring")
    CAPACITY = "capacity", _("Staff capacity")
    DIGITAL = "digital", _("Digital access")


CHALLENGE_MIN = 1
CHALLENGE_MAX = 5


class TransitionActor(models.TextChoices):
    """Who performs a transition: a role acting for the submission, or the system."""

    COORDINATOR = "coordinator", _("City coordinator of the submitting city")
    ENDORSER = "endorser", _("Endorser of the city's National Commission")
    SECRETARIAT = "secretariat", _("Secretariat")
    SYSTEM = "system", _("The system (deadline actions)")


S = SubmissionState

# States in which a submission is still under way; it may be withdrawn from any
# of them. ``decided`` is one of them: the city is told nothing of a staged
# decision until the cohort is released, so it must be able to do then
# whatever it could do while the jury was at work. Once released, the decision
# stands (a city that no longer wants to belong leaves through the end of its
# membership).
open_states = frozenset(
    {
        S.DRAFT,
        S.SUBMITTED,
        S.RETURNED,
        S.ENDORSED,
        S.ELIGIBLE,
        S.NEEDS_CHANGES,
        S.IN_REVIEW,
        S.REVIEWED,
        S.DECIDED,
    }
)
# States a submission never leaves.
final_states = frozenset({S.DECLINED, S.INELIGIBLE, S.RELEASED, S.WITHDRAWN})
# States in which the city may change its answers (drafts save as typed).
editable_states = frozenset({S.DRAFT, S.RETURNED, S.NEEDS_CHANGES})
# States the National Commission of the city sees (it was submitted at least once).
submitted_states = frozenset(set(S) - {S.DRAFT})
# States in which an endorsement stands and holds a slot of the country's quota:
# from the endorsement on, until the secretariat asks for changes or the city
# withdraws (``transition`` takes the slot on entering and gives it back on leaving).
# A call without endorsement reaches them from submitted, and holds no slot.
endorsed_states = frozenset(
    {S.ENDORSED, S.ELIGIBLE, S.INELIGIBLE, S.IN_REVIEW, S.REVIEWED, S.DECIDED, S.RELEASED}
)

# States the city and its National Commission see as "in review": the jury has
# finished or a decision is staged, which nobody outside the secretariat may know
# until the release (``Submission.state_for_city``).
staged_states = frozenset({S.REVIEWED, S.DECIDED})

# States in which a jury may be assigned to a submission (screened eligible, or
# already in review): a juror's work ("My work") lists their submissions in them.
assignable_states = frozenset({S.ELIGIBLE, S.IN_REVIEW})
# States in which a submission is, or has been, before the jury: the ranking
# and the decisions page list them.
jury_states = frozenset({S.IN_REVIEW, S.REVIEWED, S.DECIDED, S.RELEASED})
# States of a screened submission still waiting for the jury or the secretariat
# (the release refuses while any is left; the decisions page counts them pending).
undecided_states = frozenset({S.ELIGIBLE, S.IN_REVIEW, S.REVIEWED})
# States in which the secretariat's decision is stored (staged, then released).
decided_states = frozenset({S.DECIDED, S.RELEASED})
# States in which the jury's record of a submission (assignments, reviews,
# recusals) no longer changes: its work is over, or the submission is final.
jury_frozen_states = staged_states | final_states


def state_for_city(state: str) -> str:
    """Return ``state`` as the city and its National Commission may know it (see above)."""
    return S.IN_REVIEW if state in staged_states else state


ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.SUBMITTED, S.WITHDRAWN}),
    # Endorsed, returned or declined by the National Commission; screened
    # directly by the secretariat in a call without endorsement (``kind_allows``).
    S.SUBMITTED: frozenset(
        {
            S.ENDORSED,
            S.RETURNED,
            S.DECLINED,
            S.ELIGIBLE,
            S.INELIGIBLE,
            S.NEEDS_CHANGES,
            S.WITHDRAWN,
        }
    ),
    S.RETURNED: frozenset({S.SUBMITTED, S.WITHDRAWN}),
    S.ENDORSED: frozenset({S.ELIGIBLE, S.INELIGIBLE, S.NEEDS_CHANGES, S.WITHDRAWN}),
    S.DECLINED: frozenset(),
    S.ELIGIBLE: frozenset({S.IN_REVIEW, S.WITHDRAWN}),
    S.INELIGIBLE: frozenset(),
    S.NEEDS_CHANGES: frozenset({S.SUBMITTED, S.WITHDRAWN}),
    S.IN_REVIEW: frozenset({S.REVIEWED, S.WITHDRAWN}),
    S.REVIEWED: frozenset({S.DECIDED, S.WITHDRAWN}),
    S.DECIDED: frozenset({S.RELEASED, S.WITHDRAWN}),
    S.RELEASED: frozenset(),
    S.WITHDRAWN: frozenset(),
}

A = TransitionActor

# Who may move a submission into each state (from any state the table allows).
# The system declines a submission its National Commission left past the
# endorsement deadline when the call says so; when the call escalates instead,
# the secretariat may then endorse, return or decline in the Commission's place.
ACTORS_FOR_STATE: dict[str, frozenset[str]] = {
    S.SUBMITTED: frozenset({A.COORDINATOR}),
    S.WITHDRAWN: frozenset({A.COORDINATOR}),
    S.ENDORSED: frozenset({A.ENDORSER}),
    S.RETURNED: frozenset({A.ENDORSER}),
    S.DECLINED: frozenset({A.ENDORSER, A.SYSTEM}),
    S.ELIGIBLE: frozenset({A.SECRETARIAT}),
    S.INELIGIBLE: frozenset({A.SECRETARIAT}),
    S.NEEDS_CHANGES: frozenset({A.SECRETARIAT}),
    S.IN_REVIEW: frozenset({A.SECRETARIAT}),
    S.REVIEWED: frozenset({A.SECRETARIAT}),
    S.DECIDED: frozenset({A.SECRETARIAT}),
    S.RELEASED: frozenset({A.SECRETARIAT}),
}

# Who hears of each transition (``domain.transitions`` sends the notices). Each
# audience gets its own message, so no one sees another organisation's
# addresses. The city learns a decision only when it is released.
COORDINATORS, ENDORSERS, SECRETARIAT = "coordinators", "endorsers", "secretariat"
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

# The permission of each move, by the state it reaches (``rules`` checks the
# table and the actor for it).
TRANSITION_PERMISSIONS: dict[str, str] = {
    S.SUBMITTED: "calls.submit_submission",
    S.WITHDRAWN: "calls.withdraw_submission",
    S.ENDORSED: "calls.endorse_submission",
    S.RETURNED: "calls.return_submission",
    S.DECLINED: "calls.decline_submission",
    S.ELIGIBLE: "calls.mark_eligible_submission",
    S.INELIGIBLE: "calls.mark_ineligible_submission",
    S.NEEDS_CHANGES: "calls.request_changes_submission",
    S.IN_REVIEW: "calls.start_review_submission",
    S.REVIEWED: "calls.finish_review_submission",
    S.DECIDED: "calls.decide_submission",
    S.RELEASED: "calls.release_submission",
}

# Transitions that need a comment or reason from the person making them.
COMMENT_REQUIRED = frozenset({S.RETURNED, S.DECLINED, S.INELIGIBLE, S.NEEDS_CHANGES})

# The endorser's decisions, open to the secretariat once an escalated
# endorsement deadline has passed.
ENDORSER_STATES = frozenset({S.ENDORSED, S.RETURNED, S.DECLINED})

# The secretariat's screening outcomes of an endorsed submission (of a submitted
# one, in a call without endorsement).
SCREENING_STATES = frozenset({S.ELIGIBLE, S.INELIGIBLE, S.NEEDS_CHANGES})


def screened_from(kind: str) -> str:
    """Return the state a submission to a call of ``kind`` waits for its screening in.

    Endorsed, where its National Commission endorses it; submitted, where no
    Commission does (``WITHOUT_ENDORSEMENT``): the city sends it straight to the
    secretariat.
    """
    return S.SUBMITTED if kind in WITHOUT_ENDORSEMENT else S.ENDORSED


def kind_allows(kind: str, from_state: str, to_state: str) -> bool:
    """Whether a submission to a call of ``kind`` may go from ``from_state`` to ``to_state``.

    The table holds both routes to the screening: through the National
    Commission's endorsement, and straight from the city. A call takes one
    of them: a call without endorsement never reaches the endorser's states;
    any other call is screened only once endorsed.
    """
    if to_state not in ALLOWED_TRANSITIONS[from_state]:
        return False
    if kind in WITHOUT_ENDORSEMENT:
        return to_state not in ENDORSER_STATES
    return not (from_state == S.SUBMITTED and to_state in SCREENING_STATES)


# What the city's page calls the reason given with a move into each state of
# ``COMMENT_REQUIRED``; a decline the system made names the deadline instead.
REASON_HEADINGS = {
    S.RETURNED: _("Returned by your National Commission"),
    S.DECLINED: _("Declined by your National Commission"),
    S.INELIGIBLE: _("Found ineligible by the secretariat"),
    S.NEEDS_CHANGES: _("Changes asked for by the secretariat"),
}
SYSTEM_REASON_HEADINGS = {S.DECLINED: _("Declined: the endorsement deadline passed")}


class Move(NamedTuple):
    """A move a page offers as a button over a comment field.

    ``sources``: the states it is offered from (None: wherever the table and
    the person's role allow it). ``section``: the part of the page it is in
    (``MOVE_SECTIONS``). A comment is required where ``COMMENT_REQUIRED`` says.
    """

    action: str
    state: str
    button: str
    comment_label: str
    section: str
    danger: bool = False
    sources: frozenset | None = None


# The moves the secretariat's submission page offers, in this order, each only
# where ``rules.may_transition`` allows it now (the table, the call's kind and
# the role: a proposal to a call without endorsement is screened from
# submitted). The National Commission's decisions are the secretariat's once
# an escalated endorsement deadline has passed.
SECRETARIAT_MOVES = (
    Move("eligible", S.ELIGIBLE, _("Eligible"), _("Comment (optional)"), "screening"),
    Move(
        "ineligible",
        S.INELIGIBLE,
        _("Ineligible"),
        _("Reason it is ineligible"),
        "screening",
        danger=True,
    ),
    Move(
        "needs_changes",
        S.NEEDS_CHANGES,
        _("Needs changes"),
        _("What the city should change"),
        "screening",
    ),
    Move("endorse", S.ENDORSED, _("Endorse"), _("Comment for the city (optional)"), "escalated"),
    Move(
        "return", S.RETURNED, _("Return to the city"), _("What the city should change"), "escalated"
    ),
    Move("decline", S.DECLINED, _("Decline"), _("Reason for declining"), "escalated", danger=True),
)
# The headings of the parts of the secretariat's submission page, in page order.
MOVE_SECTIONS = {
    "screening": _("Screening decision"),
    "escalated": _("Escalated endorsement"),
}


# The activity log's label of each action code this app records (common.activity_labels).
ACTIVITY_LABELS = {
    "calls.call.create": _("Call created"),
    "calls.call.update": _("Call changed"),
    "calls.call.message": _("Message sent to the people of the call"),
    "calls.attachment.create": _("Attachment published with the call"),
    "calls.attachment.delete": _("Attachment withdrawn from the call"),
    "calls.call.release": _("Cohort released"),
    "calls.award_win.create": _("Award win recorded"),
    "calls.certificate.reissue": _("Certificate issued again"),
    "calls.submission.create": _("Application started"),
    "calls.submission.update": _("Application changed"),
    "calls.submission.decision_change": _("Staged decision changed"),
    "calls.submission.endorsement_reminder": _("Endorsement reminder sent"),
    "calls.submission.escalate": _("Endorsement overdue: passed to the secretariat"),
    "calls.submission.extend_deadline": _("Deadline extended for the city"),
    "calls.submission.manual_check": _("Eligibility check recorded"),
    "calls.answer.update": _("Answer changed"),
    "calls.document.create": _("Evidence attached"),
    "calls.synthetic.generate": _("Demo applications generated"),
}

# A transition of an application is logged as calls.submission.<the state it reaches>.
ACTIVITY_LABELS.update(
    {
        f"calls.submission.{state.value}": format_lazy(
            pgettext_lazy("activity", "Application: {state}"), state=state.label
        )
        for state in SubmissionState
    }
)
