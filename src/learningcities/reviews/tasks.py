"""Background tasks of the jury: thin, they take no objects and call the domain.

The periodic ones are enqueued by ``learningcities run-scheduled`` (see
``common/scheduling.py``).
"""

from django.tasks import task

from learningcities.common.scheduling import periodic

from .domain import reminders


@periodic(label="Phase-end reminders to jurors", counted="jurors reminded", order=30)
@task
def send_phase_reminders() -> int:
    """Remind the jurors with unfinished reviews that their phase ends soon; return how many."""
    return reminders.send_phase_reminders()
