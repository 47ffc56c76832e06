"""Reads of the background jobs (the database queue)."""

from django.db.models import QuerySet
from django_tasks_db.models import DBTaskResult

from ...rules import is_secretariat


def jobs_for_user(user, *, status: str = "") -> QuerySet[DBTaskResult]:
    """Return the jobs ``user`` may see (the secretariat: all), newest first, by ``status``."""
    if not is_secretariat(user):
        return DBTaskResult.objects.none()
    jobs = DBTaskResult.objects.all()
    if status:
        jobs = jobs.filter(status=status)
    return jobs.order_by("-enqueued_at", "-pk")


def job_for_user(user, job_id) -> DBTaskResult | None:
    """Return the job ``job_id`` if ``user`` may see it, else None (answer 404)."""
    return jobs_for_user(user).filter(pk=job_id).first()
