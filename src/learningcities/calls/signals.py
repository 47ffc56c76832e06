"""Extension points: other apps (reviews, reports) may listen; core steps never rely on them."""

from django.dispatch import Signal

# Sent inside the transaction of every transition, after the change, the log,
# the notifications and the registered effects, with ``submission``,
# ``from_state``, ``to_state`` and ``actor`` (None: the system). A receiver that
# raises undoes the transition. A rule or a step of the workflow is no
# receiver: it registers on ``calls.machine.submission_machine`` instead.
submission_transitioned = Signal()
