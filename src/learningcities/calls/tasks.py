"""Background tasks of calls: thin, they take no objects and call the domain.

The periodic ones are enqueued by ``learningcities run-scheduled`` (see
``common/scheduling.py``); with the embedded ``ImmediateBackend`` they run at
once, in the command's process.
"""

from django.db import transaction
from django.tasks import task

from learningcities.common.scheduling import periodic

from .domain import deadlines
from .domain import release as release_domain


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


@task
def run_release_task(release_id: int) -> int:
    """Run (or continue) the release ``release_id``; return how many submissions it released.

    Enqueued by ``enqueue_release`` once the release has started; safe to run
    again after a crash or at the same time as another run (see
    ``domain.release.run_release``).
    """
    from .models import Release

    release = Release.objects.filter(pk=release_id).first()
    if release is None:
        return 0
    return release_domain.run_release(release).processed


def enqueue_release(release) -> None:
    """Run ``release`` in the background once the current transaction commits.

    With the embedded ``ImmediateBackend`` it runs at once, in this process.
    """
    transaction.on_commit(lambda: run_release_task.enqueue(release.pk))
