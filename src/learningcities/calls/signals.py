"""Extension points: other apps (reviews, reports) may listen; core steps never rely on them."""

from django.dispatch import Signal

# Sent inside the transaction of every transition, after the change, the log
# and the notifications, with ``submission``, ``from_state``, ``to_state`` and
# ``actor`` (None: the system). A receiver that raises undoes the transition.
submission_transitioned = Signal()
