from django.core.management.base import BaseCommand, CommandError
from django.tasks import TaskResultStatus

from learningcities.calls import tasks as call_tasks

# What runs on a schedule: (label, what its count means, task), in this order. Reminders first, so a
# submission that falls due between two runs is not reminded after its deadline.
SCHEDULED = (
    (
        "Endorsement reminders",
        "submissions reminded",
        call_tasks.send_endorsement_reminders,
    ),
    (
        "Endorsement deadlines",
        "submissions declined or escalated",
        call_tasks.apply_endorsement_deadlines,
    ),
)


class Command(BaseCommand):
    help = (
        "Enqueue the scheduled work that is due: reminders of endorsement deadlines, "
        "then the deadline actions (decline or escalate). Run it from cron or a systemd "
        "timer, every few minutes; running it twice does no work twice."
    )

    def handle(self, *args, **options):
        failed = []
        for label, counted, scheduled in SCHEDULED:
            result = scheduled.enqueue()
            if result.status == TaskResultStatus.SUCCESSFUL:
                self.stdout.write(f"{label}: {result.return_value} {counted}.")
            elif result.status == TaskResultStatus.FAILED:
                failed.append(label)
                error = result.errors[-1].exception_class_path if result.errors else "unknown"
                self.stderr.write(f"{label}: failed ({error}).")
            else:
                self.stdout.write(f"{label}: queued as task {result.id}.")
        if failed:
            raise CommandError(f"Failed: {', '.join(failed)}; see the log.")
