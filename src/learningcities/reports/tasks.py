"""The periodic work of reporting: reminders, then holds (``learningcities run-scheduled``)."""

from django.tasks import task

from learningcities.common.scheduling import periodic

from .domain.reminders import send_reminders
from .domain.standing import apply_holds


@periodic(label="Progress report reminders", counted="reports reminded", order=35)
@task
def send_report_reminders() -> int:
    return send_reminders()


@periodic(label="Memberships put on hold for overdue reports", counted="memberships held", order=36)
@task
def hold_overdue_members() -> int:
    return apply_holds()
