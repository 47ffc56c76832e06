"""The submission state machine's groups of states and its guard and effect registry."""

import re
from pathlib import Path

import pytest

from learningcities.calls import enums
from learningcities.calls.domain.errors import SubmissionError
from learningcities.calls.domain.transitions import AUDIENCES, SECRETARIAT
from learningcities.calls.enums import (
    ACTORS_FOR_STATE,
    ALLOWED_TRANSITIONS,
    COMMENT_REQUIRED,
    ENDORSER_STATES,
    MOVE_SECTIONS,
    REASON_HEADINGS,
    SECRETARIAT_MOVES,
    SYSTEM_REASON_HEADINGS,
    CallKind,
    SubmissionState,
    TransitionActor,
    assignable_states,
    decided_states,
    editable_states,
    endorsed_states,
    final_states,
    jury_frozen_states,
    jury_states,
    open_states,
    staged_states,
    state_for_city,
    submitted_states,
    undecided_states,
)
from learningcities.calls.machine import submission_machine
from learningcities.calls.models import Submission, Transition
from learningcities.common.domain.statemachine import StateMachine
from learningcities.common.models import ActivityLogEntry, OutboxMessage

from .factories import PATHS, Cast, submission_in, transitions_for_kind

S = SubmissionState
EVERY_STATE = frozenset(S.values)


def reachable(start: str, *, avoiding: frozenset[str] = frozenset()) -> frozenset[str]:
    """The states a submission in ``start`` may reach, never passing through ``avoiding``."""
    seen, todo = {start}, [start]
    while todo:
        for target in ALLOWED_TRANSITIONS[todo.pop()]:
            if target not in seen and target not in avoiding:
                seen.add(target)
                todo.append(target)
    return frozenset(seen)


# The groups, read against the table


def test_open_and_final_states_split_every_state():
    assert open_states | final_states == EVERY_STATE
    assert not open_states & final_states


def test_editable_states_are_those_the_city_submits_from():
    assert editable_states == {
        state for state, targets in ALLOWED_TRANSITIONS.items() if S.SUBMITTED in targets
    }


def test_submitted_states_are_every_state_but_the_draft():
    assert submitted_states == EVERY_STATE - {S.DRAFT}
    assert S.DRAFT not in reachable(S.SUBMITTED)


def test_endorsed_states_are_those_reached_after_the_endorsement_while_it_stands():
    stops = frozenset({S.NEEDS_CHANGES, S.WITHDRAWN})  # where an endorsement stops standing

    assert endorsed_states == reachable(S.ENDORSED, avoiding=stops)


# The moves of a call its National Commission endorses (a call without
# endorsement holds no slot: tests/calls/test_presentation_calls.py).
MOVES = [
    (source, target)
    for source, targets in transitions_for_kind(CallKind.MEMBERSHIP).items()
    for target in targets
]


def test_quota_slot_is_taken_by_the_endorsement_alone_and_given_back_on_leaving():
    held = endorsed_states
    entering = {
        (source, target) for source, target in MOVES if target in held and source not in held
    }
    leaving = {target for source, target in MOVES if source in held and target not in held}

    assert entering == {(S.SUBMITTED, S.ENDORSED)}
    assert leaving == {S.NEEDS_CHANGES, S.WITHDRAWN}


def test_staged_states_are_the_jury_steps_the_city_sees_as_in_review():
    # The steps after review began that nobody but the secretariat hears of.
    secret = {state for state in reachable(S.IN_REVIEW) if AUDIENCES[state] == (SECRETARIAT,)}

    assert staged_states == secret
    assert {state_for_city(state) for state in staged_states} == {S.IN_REVIEW}
    assert all(state_for_city(state) == state for state in EVERY_STATE - staged_states)


def test_assignable_states_are_the_screened_eligible_and_those_in_review():
    assert assignable_states == {S.ELIGIBLE} | (ALLOWED_TRANSITIONS[S.ELIGIBLE] - {S.WITHDRAWN})


def test_jury_states_are_review_and_every_later_step_but_withdrawal():
    assert jury_states == reachable(S.IN_REVIEW) - {S.WITHDRAWN}


def test_jury_record_is_frozen_once_its_work_is_over_and_in_every_final_state():
    assert jury_frozen_states >= staged_states | final_states
    assert not jury_frozen_states & assignable_states


def test_undecided_and_decided_states_split_the_path_from_eligible_to_released():
    path = reachable(S.ELIGIBLE) - {S.WITHDRAWN}

    assert decided_states == reachable(S.DECIDED) - {S.WITHDRAWN}
    assert undecided_states == path - decided_states
    assert all(S.DECIDED in reachable(state) for state in undecided_states)


def test_no_module_lists_states_of_its_own():
    # A group of states is named beside the table (calls/enums.py) and
    # imported; a set of states written out anywhere else would drift.
    listing = re.compile(
        r"(frozenset\(|[({[,]\s*)(S|SubmissionState)\.[A-Z_]+\s*,\s*(S|SubmissionState)\."
    )
    src = Path(enums.__file__).resolve().parent.parent
    found = [
        f"{path.relative_to(src)}:{number}"
        for path in sorted(src.rglob("*.py"))
        # The demo generators write out paths through the machine, not groups.
        if path.name != "enums.py" and not {"migrations", "demo"} & set(path.parts)
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if listing.search(line)
    ]

    assert found == []


def test_factory_paths_read_from_the_table_are_the_paths_of_today():
    today = {
        S.DRAFT: (),
        S.SUBMITTED: (S.SUBMITTED,),
        S.RETURNED: (S.SUBMITTED, S.RETURNED),
        S.ENDORSED: (S.SUBMITTED, S.ENDORSED),
        S.DECLINED: (S.SUBMITTED, S.DECLINED),
        S.ELIGIBLE: (S.SUBMITTED, S.ENDORSED, S.ELIGIBLE),
        S.INELIGIBLE: (S.SUBMITTED, S.ENDORSED, S.INELIGIBLE),
        S.NEEDS_CHANGES: (S.SUBMITTED, S.ENDORSED, S.NEEDS_CHANGES),
        S.IN_REVIEW: (S.SUBMITTED, S.ENDORSED, S.ELIGIBLE, S.IN_REVIEW),
        S.REVIEWED: (S.SUBMITTED, S.ENDORSED, S.ELIGIBLE, S.IN_REVIEW, S.REVIEWED),
        S.DECIDED: (S.SUBMITTED, S.ENDORSED, S.ELIGIBLE, S.IN_REVIEW, S.REVIEWED, S.DECIDED),
        S.RELEASED: (
            S.SUBMITTED,
            S.ENDORSED,
            S.ELIGIBLE,
            S.IN_REVIEW,
            S.REVIEWED,
            S.DECIDED,
            S.RELEASED,
        ),
        S.WITHDRAWN: (S.WITHDRAWN,),
    }

    assert {state: PATHS[state] for state in today} == today
    assert set(PATHS) == EVERY_STATE


# The registry


def test_state_machine_runs_guards_in_order_and_registers_each_once():
    machine = StateMachine("test", transitions={"a": frozenset({"b"}), "b": frozenset()}, actors={})
    heard = []

    def first(move):
        heard.append(("first", move))

    def second(move):
        heard.append(("second", move))

    machine.register_guard("b", first)
    machine.register_guard("b", second)
    machine.register_guard("b", first)
    machine.check(type("Move", (), {"to_state": "b"})())

    assert [name for name, _move in heard] == ["first", "second"]
    assert machine.allows("a", "b")
    assert not machine.allows("b", "a")


def test_state_machine_refuses_a_rule_for_an_unknown_state():
    machine = StateMachine("test", transitions={"a": frozenset()}, actors={})

    with pytest.raises(ValueError, match="no state 'on_hold'"):
        machine.register_guard("on_hold", print)


def test_reviews_app_registers_the_rules_of_reviewed_and_decided():
    reviewed = [guard.__name__ for guard in submission_machine.guards_for(S.REVIEWED)]
    decided = [guard.__name__ for guard in submission_machine.guards_for(S.DECIDED)]
    effects = [effect.__name__ for effect in submission_machine.effects_for(S.DECIDED)]

    assert reviewed == ["_guard_phase", "_guard_enough_reviews"]
    assert decided == [
        "check_decision",  # the calls app's own, first
        "_guard_phase",
        "_guard_not_released",
        "_guard_reason_for_few_reviews",
        "_guard_one_per_country",
    ]
    assert effects == ["_log_few_reviews"]


def _footprint(submission) -> tuple:
    return (
        Submission.objects.get(pk=submission.pk).state,
        Transition.objects.count(),
        ActivityLogEntry.objects.count(),
        OutboxMessage.objects.count(),
    )


@pytest.mark.django_db
def test_a_registered_guard_refuses_the_move_and_leaves_nothing(monkeypatch):
    cast = Cast()
    submission = cast.draft()
    before = _footprint(submission)

    def on_hold(move):
        raise SubmissionError("Held by a test.", code="held")

    guards = submission_machine._guards
    monkeypatch.setitem(guards, S.SUBMITTED, [*guards.get(S.SUBMITTED, []), on_hold])

    with pytest.raises(SubmissionError) as refused:
        cast.move(submission, S.SUBMITTED)

    assert refused.value.code == "held"
    assert _footprint(submission) == before


@pytest.mark.django_db
def test_a_registered_effect_runs_inside_the_move_and_a_failure_undoes_it(monkeypatch):
    cast = Cast()
    submission = submission_in(cast, S.SUBMITTED)
    before = _footprint(submission)
    seen = []

    def fails(move):
        seen.append((move.from_state, move.to_state, Transition.objects.count()))
        raise SubmissionError("Undone by a test.", code="undone")

    effects = submission_machine._effects
    monkeypatch.setitem(effects, S.ENDORSED, [*effects.get(S.ENDORSED, []), fails])

    with pytest.raises(SubmissionError):
        cast.move(submission, S.ENDORSED)

    assert seen == [(S.SUBMITTED, S.ENDORSED, before[1] + 1)]  # after the save and the record
    assert _footprint(submission) == before


def test_every_state_reached_with_a_reason_has_its_heading_on_the_city_page():
    assert set(REASON_HEADINGS) == COMMENT_REQUIRED
    assert all(
        TransitionActor.SYSTEM in ACTORS_FOR_STATE[state] for state in SYSTEM_REASON_HEADINGS
    )


def test_the_secretariat_page_offers_only_moves_the_secretariat_may_make():
    actions = [move.action for move in SECRETARIAT_MOVES]

    assert len(actions) == len(set(actions))
    assert {move.section for move in SECRETARIAT_MOVES} <= set(MOVE_SECTIONS)
    for move in SECRETARIAT_MOVES:
        assert any(move.state in targets for targets in ALLOWED_TRANSITIONS.values())
        assert (
            TransitionActor.SECRETARIAT in ACTORS_FOR_STATE[move.state]
            or move.state in ENDORSER_STATES
        )
