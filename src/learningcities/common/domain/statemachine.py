"""A state machine as data: the allowed moves, who makes them, and the rules other apps add.

Each stateful model has one ``StateMachine`` (the submission's is
``calls.domain.transitions.submission_machine``) and one transition function
that alone changes the state. The function checks the table and the actor,
runs the guards registered for the target state, saves, then runs the
effects registered for it, all in one transaction.

An app that owns the rules of some states registers them at start-up
(``AppConfig.ready``) instead of being imported by the lower app::

    submission_machine.register_guard(SubmissionState.REVIEWED, enough_reviews)
    submission_machine.register_effect(SubmissionState.DECIDED, log_few_reviews)

A guard takes the move (an object of the machine's own move type: the
locked object, the states, the actor, the time, the comment...) and raises
the app's rule error to refuse it; an effect takes the same move after the
save and may write (a failure undoes the whole move). Both run in the order
registered; registering the same function twice for a state adds it once
(``ready`` may run more than once in tests).
"""

from collections.abc import Callable, Mapping
from typing import Any

Step = Callable[[Any], None]


class StateMachine:
    """The transition table of one model, who may move it where, and its registered rules."""

    def __init__(
        self,
        name: str,
        *,
        transitions: Mapping[str, frozenset[str]],
        actors: Mapping[str, frozenset[str]],
    ):
        self.name = name
        self.transitions = transitions
        self.actors = actors
        self._guards: dict[str, list[Step]] = {}
        self._effects: dict[str, list[Step]] = {}

    def __repr__(self) -> str:
        return f"<StateMachine {self.name}>"

    def allows(self, from_state: str, to_state: str) -> bool:
        """Whether the table allows moving from ``from_state`` to ``to_state``."""
        return to_state in self.transitions.get(from_state, frozenset())

    def actors_for(self, to_state: str) -> frozenset[str]:
        """Return the roles that may move an object into ``to_state``."""
        return self.actors.get(to_state, frozenset())

    def _register(self, registry: dict[str, list[Step]], state: str, step: Step) -> Step:
        if state not in self.transitions:
            raise ValueError(f"{self.name} has no state {state!r}")
        steps = registry.setdefault(state, [])
        if step not in steps:
            steps.append(step)
        return step

    def register_guard(self, state: str, guard: Step) -> Step:
        """Add ``guard`` to the checks of every move into ``state``; return it."""
        return self._register(self._guards, state, guard)

    def register_effect(self, state: str, effect: Step) -> Step:
        """Add ``effect`` to what follows every move into ``state``; return it."""
        return self._register(self._effects, state, effect)

    def guards_for(self, state: str) -> tuple[Step, ...]:
        """Return the guards of moves into ``state``, in the order registered."""
        return tuple(self._guards.get(state, ()))

    def effects_for(self, state: str) -> tuple[Step, ...]:
        """Return the effects of moves into ``state``, in the order registered."""
        return tuple(self._effects.get(state, ()))

    def check(self, move, *, state: str | None = None) -> None:
        """Run the guards of ``state`` (default: ``move.to_state``) on ``move``; the first refuses.

        Writes nothing, so a caller may ask whether a move would pass.
        """
        for guard in self.guards_for(state or move.to_state):
            guard(move)

    def run_effects(self, move) -> None:
        """Run the effects registered for ``move.to_state`` on ``move``."""
        for effect in self.effects_for(move.to_state):
            effect(move)
