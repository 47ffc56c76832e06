"""The release survives its worker being killed half-way (PostgreSQL, real worker processes).

The release is started as the confirmation page starts it and its job goes to
the database queue (``LC_TASKS=database``). A ``learningcities db_worker``
process, as production runs it, takes the job; a test-only variable
(``LC_TEST_RELEASE_PAUSE_AFTER``) makes it stop after two cities, and the test
kills it (SIGKILL: no clean-up at all). The release is then continued as the
"Continue the release" button does, by two workers at once: every admitted
city ends with exactly one membership, one certificate and one decision mail
per audience, and every decision is released.
"""

import datetime as dt
import os
import secrets
import signal
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.db import connection

from learningcities.calls.domain.release import PAUSE_AFTER_ENV, start_release
from learningcities.calls.enums import Decision, SubmissionState
from learningcities.calls.models import Certificate, Release, ReleaseState, Submission
from learningcities.calls.tasks import run_release_task
from learningcities.common.models import Document, OutboxMessage
from learningcities.network.models import Membership
from tests.calls.test_release_steps import stage_as
from tests.deploy.processes import wait_for
from tests.reviews.decision_helpers import casts_in_review, membership_call, rename_city

ROOT = Path(__file__).resolve().parents[2]
LC = str(Path(sys.executable).parent / "learningcities")
DATABASE_URL = os.environ.get("LC_DATABASE_URL", "")

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not DATABASE_URL.startswith("postgres") or connection.vendor != "postgresql",
        reason="needs PostgreSQL (LC_DATABASE_URL=postgres://...): "
        "worker processes share the test database",
    ),
]
CITIES = [
    ("AT", "Graz", Decision.ACCEPTED),
    ("BE", "Ghent", Decision.ACCEPTED),
    ("DE", "Hamburg", Decision.ACCEPTED),
    ("IE", "Cork", Decision.ACCEPTED),
    ("FR", "Lyon", Decision.REJECTED),
    ("KE", "Nairobi", Decision.ACCEPTED),
]


def _worker_env(tmp_path: Path, **extra: str) -> dict:
    parts = urlsplit(DATABASE_URL)
    test_database = urlunsplit(parts._replace(path="/" + connection.settings_dict["NAME"]))
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("LC_")}
    return {
        **inherited,
        "DJANGO_SETTINGS_MODULE": "learningcities.settings",
        "PYTHONPATH": str(ROOT),
        "LC_DATABASE_URL": test_database,
        "LC_TASKS": "database",
        "LC_DATA_DIR": str(tmp_path / "data"),
        "LC_PRIVATE_ROOT": str(tmp_path / "private"),
        "LC_SECRET_KEY": secrets.token_urlsafe(50),
        "LC_DEBUG": "0",
        **extra,
    }


def _start_worker(env: dict, name: str, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [
            LC,
            "db_worker",
            "--no-reload",
            "--no-startup-delay",
            "--interval",
            "0.2",
            *("--worker-id", name),
        ],
        env=env,
        cwd=ROOT,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _stop(process: subprocess.Popen, sig=signal.SIGTERM) -> None:
    if process.poll() is None:
        os.killpg(process.pid, sig)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def _failed_workers(workers) -> bool:
    return any(worker.poll() not in (None, 0) for worker in workers[1:])


def _processed() -> int:
    return Release.objects.get().processed


def test_release_killed_mid_way_continues_with_nothing_doubled_or_missed(tmp_path, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    call = membership_call(title="Membership call 2026")
    casts = {}
    for (cast, submission), (_code, name, decision) in zip(
        casts_in_review(call, [code for code, _n, _d in CITIES]), CITIES, strict=True
    ):
        rename_city(cast, name)
        stage_as(cast, submission, decision)
        casts[name] = cast
    secretary = casts["Cork"].secretary
    release = start_release(
        call, actor=secretary, name="2026 cohort", joined_on=dt.date(2026, 12, 4)
    )
    run_release_task.enqueue(release.pk)
    workers = []
    try:
        first = _start_worker(
            _worker_env(tmp_path, **{PAUSE_AFTER_ENV: "2"}), "crash-1", tmp_path / "w1.log"
        )
        workers.append(first)
        wait_for("two cities released by the first worker", lambda: _processed() >= 2, 120)
        _stop(first, signal.SIGKILL)  # killed mid-release: no clean-up

        stopped = Release.objects.get()
        assert (stopped.state, stopped.processed, stopped.total) == (ReleaseState.RUNNING, 2, 6)
        assert Submission.objects.filter(call=call, state=SubmissionState.RELEASED).count() == 2

        # "Continue the release", clicked twice: two jobs, two workers at once.
        run_release_task.enqueue(release.pk)
        run_release_task.enqueue(release.pk)
        env = _worker_env(tmp_path)
        for name in ("crash-2", "crash-3"):
            workers.append(_start_worker(env, name, tmp_path / f"{name}.log"))
        wait_for(
            "the release finished by the next workers",
            lambda: Release.objects.get().state == ReleaseState.DONE or _failed_workers(workers),
            180,
        )
    finally:
        for worker in workers:
            _stop(worker)

    logs = "\n".join(p.read_text()[-3000:] for p in tmp_path.glob("*.log"))
    assert Release.objects.get().state == ReleaseState.DONE, logs
    assert Release.objects.get().processed == 6
    submissions = Submission.objects.filter(call=call).select_related("city")
    assert {s.state for s in submissions} == {SubmissionState.RELEASED}
    for submission in submissions:
        admitted = submission.decision == Decision.ACCEPTED
        cast = casts[submission.city.name]
        outcome = (
            Membership.objects.filter(city=submission.city).count(),
            Certificate.objects.filter(submission=submission).count(),
            OutboxMessage.objects.filter(
                template_code="calls.submission.released", recipients=[cast.coordinator.email]
            ).count(),
            OutboxMessage.objects.filter(
                template_code="calls.submission.released", recipients=[cast.endorser.email]
            ).count(),
        )
        assert outcome == ((1, 1, 1, 1) if admitted else (0, 0, 1, 1)), submission.city.name
    assert Document.objects.filter(kind="calls.certificate").count() == 5
