"""Background tasks of calls: thin, they take no objects and call the domain.

``learningcities run-scheduled`` enqueues the scheduled ones; with the
embedded ``ImmediateBackend`` they run at once, in the command's process.
"""

from django.tasks import task

from .domain import deadlines


@task
def send_endorsement_reminders() -> int:
    """Remind the National Commissions of the endorsement deadlines near; return how many."""
    return deadlines.send_endorsement_reminders()


@task
def apply_endorsement_deadlines() -> int:
    """Decline or escalate the submissions past their endorsement deadline; return how many."""
    return deadlines.apply_endorsement_deadlines()
