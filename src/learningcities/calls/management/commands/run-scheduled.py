from django.core.management.base import BaseCommand, CommandError
from django.tasks import TaskResultStatus

from learningcities.common.domain.jobs import retry_failed_jobs, waiting_task_paths
from learningcities.common.scheduling import periodic_jobs


class Command(BaseCommand):
    help = (
        "Enqueue the scheduled work: reminders of endorsement deadlines, the deadline "
        "actions (decline or escalate), sending the due outbox mail, clearing old job "
        "records, and deleting private files an interrupted upload left without a document "
        "(once they are a day old); with the database queue, also put failed jobs back in "
        "the queue (up to LC_JOB_MAX_ATTEMPTS tries). Run it from cron or a systemd timer "
        "every few minutes; running it twice does no work twice."
    )

    def handle(self, *args, **options):
        for job in retry_failed_jobs():
            self.stdout.write(f"Retried job {job.pk} ({job.task_path}).")
        # With a queue, a periodic job still waiting from an earlier run is not
        # queued again: a stopped worker must not come back to a pile of copies.
        waiting = waiting_task_paths()
        failed = []
        for job in periodic_jobs():
            if job.path in waiting:
                self.stdout.write(f"{job.label}: still queued from an earlier run.")
                continue
            result = job.task.enqueue()
            if result.status == TaskResultStatus.SUCCESSFUL:
                self.stdout.write(f"{job.label}: {result.return_value} {job.counted}.")
            elif result.status == TaskResultStatus.FAILED:
                failed.append(job.label)
                error = result.errors[-1].exception_class_path if result.errors else "unknown"
                self.stderr.write(f"{job.label}: failed ({error}).")
            else:
                self.stdout.write(f"{job.label}: queued as job {result.id}.")
        if failed:
            raise CommandError(f"Failed: {', '.join(failed)}; see the log.")
