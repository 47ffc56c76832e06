"""The secretariat's background jobs: what ran, what failed and why, a retry button."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.tasks import TaskResultStatus
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from ..domain.jobs import JobError, attempts, database_queue_in_use, last_error_line, retry_job
from ..domain.queries.jobs import job_for_user, jobs_for_user
from ..scheduling import periodic_job_labels
from .errors import show_error

PAGE_SIZE = 50


@require_safe
@login_required
@permission_required("common.view_jobs", raise_exception=True)
def jobs(request: HttpRequest) -> HttpResponse:
    """List the jobs, newest first (optionally failed ones only), with their last error."""
    failed_only = request.GET.get("status") == "failed"
    queryset = jobs_for_user(
        request.user, status=TaskResultStatus.FAILED if failed_only else ""
    ).only(
        "id",
        "status",
        "task_path",
        "enqueued_at",
        "started_at",
        "finished_at",
        "worker_ids",
        "traceback",
    )
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    labels = periodic_job_labels()
    rows = [
        {
            "job": job,
            "label": labels.get(job.task_path, job.task_path.rsplit(".", 1)[-1]),
            "status": TaskResultStatus[job.status].label,
            "failed": job.status == TaskResultStatus.FAILED,
            "attempts": attempts(job),
            "error": last_error_line(job),
        }
        for job in page.object_list
    ]
    return render(
        request,
        "common/jobs/list.html",
        {
            "page": page,
            "rows": rows,
            "failed_only": failed_only,
            "queue_in_use": database_queue_in_use(),
        },
    )


@require_POST
@login_required
@permission_required("common.retry_job", raise_exception=True)
def job_retry(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """Put a failed job back in the queue (CSRF-protected POST)."""
    job = job_for_user(request.user, pk)
    if job is None:
        raise Http404
    try:
        retry_job(job, actor=request.user)
    except JobError as error:
        show_error(request, error)  # shown after the redirect
    else:
        messages.success(request, _("The job is queued again; a worker will run it shortly."))
    return redirect("common:jobs")
