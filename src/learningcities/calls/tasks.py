"""Background tasks of calls: thin, they take no objects and call the domain.

The periodic ones are enqueued by ``learningcities run-scheduled`` (see
``common/scheduling.py``); with the embedded ``ImmediateBackend`` they run at
once, in the command's process.
"""

from django.tasks import task

from learningcities.common.scheduling import periodic

from .domain import deadlines


# Reminders first, so a submission that falls due between two runs is not
# reminded after its deadline.
@periodic(label="Endorsement reminders", counted="submissions reminded", order=10)
@task
def send_endorsement_reminders() -> int:
    """Remind the National Commissions of the endorsement deadlines near; return how many."""
    return deadlines.send_endorsement_reminders()


@periodic(label="Endorsement deadlines", counted="submissions declined or escalated", order=20)
@task
def apply_endorsement_deadlines() -> int:
    """Decline or escalate the submissions past their endorsement deadline; return how many."""
    return deadlines.apply_endorsement_deadlines()
