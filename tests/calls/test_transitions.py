"""The state machine: every allowed and every forbidden move, and what a move leaves behind."""

import itertools

import pytest

from learningcities.accounts.rules import is_secretariat
from learningcities.calls.domain.errors import TransitionError
from learningcities.calls.domain.transitions import transition
from learningcities.calls.enums import (
    ALLOWED_TRANSITIONS,
    CallKind,
    SubmissionState,
    final_states,
    open_states,
    staged_states,
)
from learningcities.calls.models import Submission, Transition
from learningcities.common.models import ActivityLogEntry, OutboxMessage

from .factories import Cast, submission_in, transitions_for_kind

pytestmark = pytest.mark.django_db

S = SubmissionState
# The table as a membership call follows it (a call for presentations:
# tests/calls/test_presentation_calls.py).
MEMBERSHIP_TABLE = transitions_for_kind(CallKind.MEMBERSHIP)
ALLOWED = sorted(
    (from_state, to_state)
    for from_state, targets in MEMBERSHIP_TABLE.items()
    for to_state in targets
)
FORBIDDEN = sorted(
    (from_state, to_state)
    for from_state, to_state in itertools.product(S.values, S.values)
    if to_state not in MEMBERSHIP_TABLE[from_state]
)


def footprint(submission: Submission) -> tuple:
    return (
        Submission.objects.get(pk=submission.pk).state,
        Transition.objects.count(),
        ActivityLogEntry.objects.count(),
        OutboxMessage.objects.count(),
    )


def test_transition_table_covers_every_state():
    assert set(ALLOWED_TRANSITIONS) == set(S.values)
    assert open_states == {
        state for state, targets in ALLOWED_TRANSITIONS.items() if S.WITHDRAWN in targets
    }
    assert final_states == {state for state, targets in ALLOWED_TRANSITIONS.items() if not targets}


@pytest.mark.parametrize(("from_state", "to_state"), ALLOWED)
def test_transition_allowed(from_state, to_state):
    cast = Cast()
    submission = submission_in(cast, from_state)
    transitions_before = Transition.objects.count()

    cast.move(submission, to_state)

    stored = Submission.objects.get(pk=submission.pk)
    assert stored.state == to_state
    assert Transition.objects.count() == transitions_before + 1
    row = Transition.objects.latest("pk")
    assert (row.from_state, row.to_state, row.actor) == (
        from_state,
        to_state,
        cast.actor_for(to_state),
    )
    assert ActivityLogEntry.objects.filter(
        action=f"calls.submission.{to_state}", object_id=str(submission.pk)
    ).exists()


@pytest.mark.parametrize(("from_state", "to_state"), FORBIDDEN)
def test_transition_forbidden(from_state, to_state):
    cast = Cast()
    submission = submission_in(cast, from_state)
    before = footprint(submission)

    with pytest.raises(TransitionError) as excinfo:
        cast.move(submission, to_state)

    assert footprint(submission) == before
    assert submission.state == from_state
    told = from_state
    if from_state in staged_states and not is_secretariat(cast.actor_for(to_state)):
        told = S.IN_REVIEW  # a city or its Commission knows a staged submission as in review
    assert str(S(told).label) in str(excinfo.value)
    assert str(S(to_state).label) in str(excinfo.value)


def test_transition_unknown_state_refused():
    cast = Cast()
    submission = cast.draft()

    with pytest.raises(TransitionError, match="Unknown state: accepted"):
        transition(submission, "accepted", actor=cast.coordinator)

    assert Submission.objects.get(pk=submission.pk).state == S.DRAFT
