"""Background jobs in the database queue (``LC_TASKS=database``): retries and clean-up.

django-tasks-db keeps one row per job (``DBTaskResult``): its task, arguments,
status, the workers that tried it and, when it failed, the traceback. A failed
job is tried again by putting the same row back in the queue, so its id, its
arguments and its count of attempts (one per worker that picked it up) carry on.
"""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.tasks import TaskResultStatus, task_backends
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks_db import DatabaseBackend
from django_tasks_db.models import DBTaskResult, get_date_max

from ..errors import RuleError
from .activity import record_activity

# Finished jobs are kept this long for the jobs page, then deleted.
KEEP_SUCCESSFUL = dt.timedelta(days=30)
KEEP_FAILED = dt.timedelta(days=90)


class JobError(RuleError):
    """A job cannot be tried again; the message says why."""


def database_queue_in_use() -> bool:
    """Return whether jobs go to the database queue (else they run at once)."""
    return isinstance(task_backends["default"], DatabaseBackend)


def attempts(job: DBTaskResult) -> int:
    """Return how many times a worker picked up ``job``."""
    return len(job.worker_ids or [])


def last_error_line(job: DBTaskResult) -> str:
    """Return the last line of the job's traceback ("ValueError: ..."), or ""."""
    lines = [line for line in (job.traceback or "").splitlines() if line.strip()]
    return lines[-1].strip() if lines else ""


def _requeue(job: DBTaskResult) -> None:
    job.status = TaskResultStatus.READY
    job.run_after = get_date_max()  # as soon as a worker is free
    job.finished_at = None
    job.save(update_fields=["status", "run_after", "finished_at"])


def retry_job(job: DBTaskResult, *, actor) -> DBTaskResult:
    """Put the failed ``job`` back in the queue, to run as soon as a worker is free.

    Keeps its id, its arguments and the error of its last attempt (until it runs
    again); records ``common.job.retry``. Raises JobError when the job has not
    failed (it is waiting, running or done) or when jobs run at once here.
    """
    if not database_queue_in_use():
        raise JobError(_("Jobs run at once on this installation; there is no queue to retry in."))
    with transaction.atomic():
        job = DBTaskResult.objects.select_for_update().get(pk=job.pk)
        if job.status != TaskResultStatus.FAILED:
            raise JobError(_("Only a failed job can be tried again."))
        _requeue(job)
        record_activity(
            "common.job.retry",
            actor=actor,
            subject=job,
            changes={
                "status": [TaskResultStatus.FAILED, TaskResultStatus.READY],
                "task": [job.task_path, job.task_path],
            },
        )
    return job


def retry_failed_jobs(*, max_attempts: int | None = None) -> list[DBTaskResult]:
    """Put back in the queue every failed job tried fewer than ``max_attempts`` times.

    ``max_attempts`` defaults to ``LC_JOB_MAX_ATTEMPTS``. Returns the jobs put
    back; records ``common.job.retry`` (no actor) for each. A job that reached the
    limit stays failed, shown to the secretariat, who may retry it by hand.
    """
    if not database_queue_in_use():
        return []
    limit = max_attempts or settings.LC_JOB_MAX_ATTEMPTS
    retried = []
    failed = DBTaskResult.objects.failed().filter(backend_name="default").order_by("finished_at")
    for job in failed.only("pk", "worker_ids"):
        if attempts(job) < limit:
            try:
                retried.append(retry_job(job, actor=None))
            except JobError:  # picked up by another run meanwhile
                continue
    return retried


def waiting_task_paths() -> set[str]:
    """Return the task paths of the jobs waiting or running in the queue."""
    if not database_queue_in_use():
        return set()
    return set(
        DBTaskResult.objects.filter(
            status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]
        ).values_list("task_path", flat=True)
    )


def prune_finished_jobs(*, now: dt.datetime | None = None) -> int:
    """Delete the successful jobs older than 30 days and the failed ones older than 90.

    Returns how many were deleted. Waiting and running jobs are never deleted.
    """
    now = now or timezone.now()
    deleted, _counts = (
        DBTaskResult.objects.filter(
            status=TaskResultStatus.SUCCESSFUL, finished_at__lt=now - KEEP_SUCCESSFUL
        )
        | DBTaskResult.objects.filter(
            status=TaskResultStatus.FAILED, finished_at__lt=now - KEEP_FAILED
        )
    ).delete()
    return deleted
