"""Background jobs through the database queue: run-scheduled, the worker, retries, the page."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.tasks import TaskResultStatus, task
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from learningcities.calls.enums import SubmissionState
from learningcities.calls.models import Submission
from learningcities.common.domain.jobs import (
    JobError,
    attempts,
    prune_finished_jobs,
    retry_failed_jobs,
    retry_job,
)
from learningcities.common.models import ActivityLogEntry, OutboxMessage
from learningcities.common.scheduling import periodic_jobs
from tests.calls.factories import Cast, submission_in

pytestmark = pytest.mark.django_db

REMINDER = "calls.submission.endorsement_reminder"
PERIODIC = [
    "learningcities.calls.tasks.send_endorsement_reminders",
    "learningcities.calls.tasks.apply_endorsement_deadlines",
    "learningcities.reviews.tasks.send_phase_reminders",
    "learningcities.reports.tasks.send_report_reminders",
    "learningcities.reports.tasks.hold_overdue_members",
    "learningcities.events.tasks.expire_registration_offers",
    "learningcities.events.tasks.expire_session_offers",
    "learningcities.events.tasks.erase_expired_personal_data",
    "learningcities.events.tasks.send_event_reminders",
    "learningcities.opendata.tasks.take_open_data_snapshots",
    "learningcities.opendata.tasks.deliver_webhooks",
    "learningcities.opendata.tasks.prune_integration_logs",
    "learningcities.common.tasks.send_due_outbox_messages",
    "learningcities.common.tasks.prune_job_results",
    "learningcities.common.tasks.remove_orphan_files",
]


@task
def failing_job() -> None:
    raise ValueError("the archive is not reachable")


@pytest.fixture
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def run_worker() -> None:
    """Run every queued job once, in queue order, as ``learningcities db_worker --batch`` does.

    Claims and runs each job through the package's own worker; only its polling
    loop is left out, because that closes the database connection between jobs,
    which would end the test's transaction.
    """
    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    while (job := DBTaskResult.objects.ready().filter(backend_name="default").first()) is not None:
        job.claim(worker.worker_id)
        worker.run_task(job)


def queued_paths() -> list[str]:
    return list(
        DBTaskResult.objects.filter(status=TaskResultStatus.READY)
        .order_by("enqueued_at")
        .values_list("task_path", flat=True)
    )


def failed_job() -> DBTaskResult:
    result = failing_job.enqueue()
    run_worker()
    return DBTaskResult.objects.get(pk=result.id)


def test_periodic_jobs_run_reminders_first_and_mail_after_the_deadline_actions():
    assert [job.path for job in periodic_jobs()] == PERIODIC


def test_run_scheduled_queues_the_periodic_jobs_and_the_worker_sends_the_reminders(
    database_queue, smtp_server
):
    cast = Cast()
    near = submission_in(cast, SubmissionState.SUBMITTED)
    Submission.objects.filter(pk=near.pk).update(
        endorsement_due_at=near.submitted_at + dt.timedelta(days=2)
    )
    # The notices of the submission itself wait in the outbox too, unsent so far.
    waiting_mail = OutboxMessage.objects.filter(status="queued").count()
    out = io.StringIO()

    call_command("run-scheduled", stdout=out)
    queued = queued_paths()
    run_worker()

    assert queued == PERIODIC
    assert [line.split(": ")[1][:13] for line in out.getvalue().splitlines()] == [
        "queued as job"
    ] * len(PERIODIC)
    jobs = DBTaskResult.objects.order_by("enqueued_at")
    assert [(job.status, job.return_value) for job in jobs] == [
        (TaskResultStatus.SUCCESSFUL, 1),
        (TaskResultStatus.SUCCESSFUL, 0),
        (TaskResultStatus.SUCCESSFUL, 0),
        # the two of progress reports: reminders, holds
        (TaskResultStatus.SUCCESSFUL, 0),
        (TaskResultStatus.SUCCESSFUL, 0),
        # the four of events: offers of places and sessions, erasure, reminders
        (TaskResultStatus.SUCCESSFUL, 0),
        (TaskResultStatus.SUCCESSFUL, 0),
        (TaskResultStatus.SUCCESSFUL, 0),
        (TaskResultStatus.SUCCESSFUL, 0),
        # open data: no snapshot due, no webhook delivery, no old log
        (TaskResultStatus.SUCCESSFUL, 0),
        (TaskResultStatus.SUCCESSFUL, 0),
        (TaskResultStatus.SUCCESSFUL, 0),
        (TaskResultStatus.SUCCESSFUL, waiting_mail + 1),
        (TaskResultStatus.SUCCESSFUL, 0),
        (TaskResultStatus.SUCCESSFUL, 0),
    ]
    [reminder] = OutboxMessage.objects.filter(template_code=REMINDER)
    assert (reminder.status, reminder.recipients) == ("sent", [cast.endorser.email])
    assert len(smtp_server.received) == waiting_mail + 1
    assert smtp_server.received[-1].rcpt_tos == [cast.endorser.email]
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {"sent"}


def test_run_scheduled_does_not_queue_a_job_still_waiting(database_queue):
    call_command("run-scheduled", stdout=io.StringIO())
    out = io.StringIO()

    call_command("run-scheduled", stdout=out)

    assert queued_paths() == PERIODIC
    assert out.getvalue().splitlines() == [
        "Endorsement reminders: still queued from an earlier run.",
        "Endorsement deadlines: still queued from an earlier run.",
        "Phase-end reminders to jurors: still queued from an earlier run.",
        "Progress report reminders: still queued from an earlier run.",
        "Memberships put on hold for overdue reports: still queued from an earlier run.",
        "Expired offers of event places: still queued from an earlier run.",
        "Expired offers of session places: still queued from an earlier run.",
        "Erase event participants' personal data: still queued from an earlier run.",
        "Reminders of coming events: still queued from an earlier run.",
        "Open data snapshots: still queued from an earlier run.",
        "Webhook deliveries: still queued from an earlier run.",
        "Integration logs: still queued from an earlier run.",
        "Outbox: still queued from an earlier run.",
        "Finished jobs: still queued from an earlier run.",
        "Orphan files: still queued from an earlier run.",
    ]


def test_failed_job_is_recorded_with_its_error(database_queue):
    job = failed_job()

    assert (job.status, attempts(job)) == (TaskResultStatus.FAILED, 1)
    assert job.traceback.strip().splitlines()[-1] == "ValueError: the archive is not reachable"


def test_run_scheduled_retries_a_failed_job_up_to_the_limit(database_queue, settings):
    settings.LC_JOB_MAX_ATTEMPTS = 2
    job = failed_job()

    first = io.StringIO()
    call_command("run-scheduled", stdout=first)
    run_worker()
    call_command("run-scheduled", stdout=io.StringIO())

    job.refresh_from_db()
    assert first.getvalue().splitlines()[0] == (
        f"Retried job {job.pk} (tests.common.test_jobs.failing_job)."
    )
    assert (job.status, attempts(job)) == (TaskResultStatus.FAILED, 2)
    assert retry_failed_jobs() == []


def test_retry_job_refuses_a_job_that_did_not_fail(database_queue, secretary):
    result = failing_job.enqueue()
    job = DBTaskResult.objects.get(pk=result.id)

    with pytest.raises(JobError) as excinfo:
        retry_job(job, actor=secretary)

    assert str(excinfo.value) == "Only a failed job can be tried again."


def test_jobs_page_lists_a_failed_job_with_its_error(client, secretary, database_queue):
    job = failed_job()
    client.force_login(secretary)

    response = client.get(reverse("common:jobs"))

    [row] = response.context["rows"]
    assert (row["job"].pk, row["label"], row["attempts"], row["failed"]) == (
        job.pk,
        "failing_job",
        1,
        True,
    )
    assert row["error"] == "ValueError: the archive is not reachable"
    page = response.content.decode()
    assert "ValueError: the archive is not reachable" in page
    assert reverse("common:job-retry", args=[job.pk]) in page


def test_jobs_page_retry_button_queues_the_job_again(client, secretary, database_queue):
    job = failed_job()
    client.force_login(secretary)

    response = client.post(reverse("common:job-retry", args=[job.pk]))
    job.refresh_from_db()
    status_after_retry = job.status
    run_worker()
    job.refresh_from_db()

    assert response.status_code == 302
    assert response["Location"] == reverse("common:jobs")
    assert status_after_retry == TaskResultStatus.READY
    assert (job.status, attempts(job)) == (TaskResultStatus.FAILED, 2)
    entry = ActivityLogEntry.objects.get(action="common.job.retry")
    assert (entry.actor, entry.object_id) == (secretary, str(job.pk))


def test_jobs_page_failed_filter_leaves_out_the_others(client, secretary, database_queue):
    job = failed_job()
    failing_job.enqueue()  # waiting, not failed
    client.force_login(secretary)

    response = client.get(reverse("common:jobs"), {"status": "failed"})

    assert [row["job"].pk for row in response.context["rows"]] == [job.pk]


@pytest.mark.parametrize("person", ["coordinator", "person_without_role"])
def test_jobs_page_refused_to_other_roles(client, person, coordinator, database_queue):
    from tests.common.conftest import make_user

    job = failed_job()
    user = coordinator if person == "coordinator" else make_user("plain@example.org")
    client.force_login(user)

    listing = client.get(reverse("common:jobs"))
    retry = client.post(reverse("common:job-retry", args=[job.pk]))

    job.refresh_from_db()
    assert (listing.status_code, retry.status_code) == (403, 403)
    assert job.status == TaskResultStatus.FAILED
    assert b"the archive is not reachable" not in listing.content


def test_jobs_page_asks_anonymous_visitors_to_log_in(client, database_queue):
    response = client.get(reverse("common:jobs"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_jobs_page_retry_of_an_unknown_job_answers_404(client, secretary, database_queue):
    client.force_login(secretary)

    response = client.post(
        reverse("common:job-retry", args=["00000000-0000-0000-0000-000000000000"])
    )

    assert response.status_code == 404


def test_jobs_page_explains_jobs_run_at_once_without_a_queue(client, secretary):
    client.force_login(secretary)

    response = client.get(reverse("common:jobs"))

    assert response.context["queue_in_use"] is False
    assert "background jobs run at once" in response.content.decode()


def _jobs_page_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("common:jobs"))
    assert response.status_code == 200
    return len(queries)


def test_jobs_page_query_count_does_not_grow(
    client, secretary, database_queue, django_assert_num_queries
):
    client.force_login(secretary)
    failed_job()
    with_one = _jobs_page_queries(client)

    failed_job()
    failed_job()
    with django_assert_num_queries(with_one):
        response = client.get(reverse("common:jobs"))

    assert len(response.context["rows"]) == 3


def test_prune_finished_jobs_keeps_recent_and_waiting_ones(database_queue):
    old_success, old_failure, recent_failure = (failed_job() for _ in range(3))
    waiting = DBTaskResult.objects.get(pk=failing_job.enqueue().id)
    now = timezone.now()
    DBTaskResult.objects.filter(pk=old_success.pk).update(
        status=TaskResultStatus.SUCCESSFUL, finished_at=now - dt.timedelta(days=31)
    )
    DBTaskResult.objects.filter(pk=old_failure.pk).update(finished_at=now - dt.timedelta(days=91))
    DBTaskResult.objects.filter(pk=recent_failure.pk).update(
        finished_at=now - dt.timedelta(days=89)
    )

    deleted = prune_finished_jobs(now=now)

    assert deleted == 2
    assert set(DBTaskResult.objects.values_list("pk", flat=True)) == {
        recent_failure.pk,
        waiting.pk,
    }


def test_workspace_menu_links_to_the_jobs_page(client, secretary):
    client.force_login(secretary)

    page = client.get(reverse("workspace:home")).content.decode()
    here = client.get(reverse("common:jobs")).content.decode()

    link = f'href="{reverse("common:jobs")}"'
    assert link in page
    assert f'{link} aria-current="page"' in here
