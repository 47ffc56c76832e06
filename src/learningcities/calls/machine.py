"""The submission state machine: the table of ``enums`` and the rules registered on it.

``domain.transitions.transition`` is the one function that moves a
submission; it asks this machine whether the table allows the move, then
runs the guards registered for the target state, saves, and runs the
effects registered for it. The calls app registers its own guards (the
deadline, completeness, eligibility, a reason where one is needed...) when
``domain.transitions`` is imported, which ``CallsConfig.ready`` does; an app
that owns later states registers its guards in its own ``ready`` (the reviews
app: reviewed and decided, ``reviews.domain.decisions.register_decision_rules``).

Guards and effects receive a ``domain.transitions.SubmissionMove``.
"""

from learningcities.common.domain.statemachine import StateMachine

from .enums import ACTORS_FOR_STATE, ALLOWED_TRANSITIONS

submission_machine = StateMachine(
    "calls.submission", transitions=ALLOWED_TRANSITIONS, actors=ACTORS_FOR_STATE
)
register_guard = submission_machine.register_guard
register_effect = submission_machine.register_effect
