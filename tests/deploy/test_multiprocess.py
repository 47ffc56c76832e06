"""Two web processes and one background worker on one PostgreSQL database, over HTTP.

The installation is started as a deployment runs it: ``learningcities migrate``,
two ``learningcities serve`` processes (granian) on two loopback ports and one
``learningcities db_worker`` with ``LC_TASKS=database``, all on a database made
for this test and one data folder (the shared mount). Each person's browser
sends every request to the other web process than the one before, so a log-in,
a CSRF token, a message or a half-finished second-factor log-in made by one
process must work in the other: web processes keep no state another needs.
The processes share the default cache (files in the data folder, no
LC_CACHE_URL), as the processes of one machine do: a second-factor code used
in one process is refused in the other.

Mail goes to a real SMTP server in this test (LC_EMAIL_URL): the web process
stores each notice in the outbox and queues its sending; only the worker sends,
which the job records (their worker id) and the server's inbox show.

It needs PostgreSQL (several processes on one database) and skips on SQLite.
"""

import contextlib
import html
import itertools
import json
import os
import re
import secrets
import signal
import subprocess
import sys
from collections.abc import Iterator
from email import message_from_bytes
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
import requests
from aiosmtpd.controller import Controller

from tests.accounts.factories import PASSWORD, TOTP_SECRET, totp_code
from tests.common.files import PDF
from tests.deploy.processes import free_port, wait_for

DATABASE_URL = os.environ.get("LC_DATABASE_URL", "")
ROOT = Path(__file__).resolve().parents[2]
LC = str(Path(sys.executable).parent / "learningcities")
WORKER_ID = "multiprocess-worker"
SEND_TASK = "learningcities.common.tasks.send_outbox_message"

pytestmark = pytest.mark.skipif(
    not DATABASE_URL.startswith("postgres"),
    reason="needs PostgreSQL (LC_DATABASE_URL=postgres://...): processes share one database",
)


# --- the database -------------------------------------------------------------


def url_with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


@pytest.fixture
def database_url() -> Iterator[str]:
    """A new, empty database on the suite's PostgreSQL server; dropped after the test."""
    name = f"lc_h3_mp_{secrets.token_hex(4)}"
    server = url_with_database(DATABASE_URL, "postgres")
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url_with_database(DATABASE_URL, name)
    finally:
        with psycopg.connect(server, autocommit=True) as connection:
            # FORCE: a process that failed to stop must not keep the database alive.
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def query(url: str, sql: str, params: tuple = ()) -> list[tuple]:
    with psycopg.connect(url) as connection:
        return connection.execute(sql, params).fetchall()


# --- the mail server -------------------------------------------------------------


class Inbox:
    """An SMTP server's handler that keeps every message it accepts."""

    def __init__(self, port: int):
        self.port = port
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.original_content))
        return "250 OK"


@pytest.fixture
def inbox() -> Iterator[Inbox]:
    handler = Inbox(free_port())
    controller = Controller(handler, hostname="127.0.0.1", port=handler.port)
    controller.start()
    yield handler
    controller.stop()


# --- the installation ----------------------------------------------------------


class Installation:
    """The processes of one installation and what they share."""

    def __init__(self, database_url: str, data_dir: Path, mail_port: int):
        self.database_url = database_url
        self.data_dir = data_dir
        self.logs = data_dir.parent / "logs"
        self.logs.mkdir()
        self.processes: dict[str, subprocess.Popen] = {}
        self.bases: list[str] = []  # the web processes' addresses
        self.cast: dict = {}  # what tests/deploy/cast.py made
        inherited = {k: v for k, v in os.environ.items() if not k.startswith("LC_")}
        self.env = {
            **inherited,
            "DJANGO_SETTINGS_MODULE": "learningcities.settings",
            "PYTHONPATH": str(ROOT),  # the set-up imports tests.* factories
            "LC_DATABASE_URL": database_url,
            "LC_TASKS": "database",
            "LC_DATA_DIR": str(data_dir),
            "LC_PRIVATE_ROOT": str(data_dir / "private"),
            "LC_SECRET_KEY": secrets.token_urlsafe(50),
            "LC_EMAIL_URL": f"smtp://127.0.0.1:{mail_port}?timeout=5",
            "LC_DEBUG": "0",
        }

    def run(self, *args: str) -> str:
        """Run ``learningcities *args`` to the end; return its output, fail with its errors."""
        done = subprocess.run(
            [LC, *args], env=self.env, cwd=ROOT, capture_output=True, text=True, timeout=120
        )
        if done.returncode != 0:
            pytest.fail(f"learningcities {' '.join(args[:1])} failed:\n{done.stderr[-4000:]}")
        return done.stdout

    def start(self, name: str, *args: str) -> None:
        """Start ``learningcities *args`` in a process group of its own, logging to a file."""
        self.processes[name] = subprocess.Popen(
            [LC, *args],
            env=self.env,
            cwd=ROOT,
            stdout=(self.logs / f"{name}.log").open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def serve(self, name: str) -> str:
        port = free_port()
        self.start(name, "serve", "--port", str(port), "--workers", "1", "--threads", "2")
        return f"http://127.0.0.1:{port}"

    def wait_until_up(self, name: str, base: str) -> None:
        def answers() -> bool:
            process = self.processes[name]
            if process.poll() is not None:
                pytest.fail(f"{name} exited with {process.returncode}:\n{self.tail(name)}")
            with contextlib.suppress(requests.RequestException):  # not listening, or slow
                return requests.get(f"{base}/-/health", timeout=5).text == "ok"
            return False

        wait_for(f"{name} answering {base}/-/health", answers, timeout=60)

    def stop(self) -> None:
        """Stop every process: SIGTERM to its group, SIGKILL to what is left after 10 s."""
        for process in self.processes.values():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)

    def tail(self, name: str, lines: int = 30) -> str:
        return "\n".join((self.logs / f"{name}.log").read_text().splitlines()[-lines:])


@pytest.fixture
def installation(database_url, inbox, tmp_path) -> Iterator[Installation]:
    """A migrated installation with its cast, two web processes and a worker, running.

    Stops the processes whatever happens; their error output is printed, which
    pytest shows when the test fails.
    """
    lc = Installation(database_url, tmp_path / "data", inbox.port)
    try:
        # The web processes start while the database is migrated (they need
        # it only when asked for a page); the worker needs its queue table.
        lc.bases = [lc.serve("web-a"), lc.serve("web-b")]
        lc.run("migrate", "--verbosity", "0")
        lc.start(
            "worker",
            *("db_worker", "--no-reload", "--no-startup-delay"),
            *("--interval", "0.2", "--worker-id", WORKER_ID),
        )
        # The cast is written while the processes start.
        lc.cast = json.loads(
            lc.run(
                "shell",
                "--verbosity",
                "0",
                "--command",
                "import json; from tests.deploy.cast import prepare; print(json.dumps(prepare()))",
            )
        )
        for name, base in zip(("web-a", "web-b"), lc.bases, strict=True):
            lc.wait_until_up(name, base)
        if lc.processes["worker"].poll() is not None:
            pytest.fail(f"the worker exited:\n{lc.tail('worker')}")
        yield lc
    finally:
        lc.stop()
        for name in lc.processes:
            print(f"--- {name} (output, last lines)\n{lc.tail(name)}")


# --- a person's browser ----------------------------------------------------------

CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Browser:
    """One person's browser: one cookie jar, each request to the next web process in turn.

    Redirects are followed by hand, so the page after a POST comes from the
    other process too.
    """

    def __init__(self, bases: list[str]):
        self.session = requests.Session()
        self.bases = itertools.cycle(bases)
        self.token = ""

    def fetch(self, path: str) -> requests.Response:
        response = self.session.get(next(self.bases) + path, allow_redirects=False, timeout=30)
        assert response.status_code == 200, (path, response.status_code, response.text[:3000])
        return response

    def get(self, path: str, *, shows: str) -> str:
        """GET the page ``path``; check that it shows ``shows``; keep its CSRF token."""
        response = self.fetch(path)
        text = html.unescape(response.text)
        assert shows in text, (path, shows, text[:3000])
        if found := CSRF_FIELD.search(response.text):
            self.token = found.group(1)
        return text

    def post(self, path: str, data: dict, *, files: dict | None = None, to: str = "") -> str:
        """POST a form of the last page to ``path``; expect a redirect (to ``to`` if given)."""
        response = self.session.post(
            next(self.bases) + path,
            data={"csrfmiddlewaretoken": self.token, **data},
            files=files,
            allow_redirects=False,
            timeout=30,
        )
        assert response.status_code == 302, (path, response.status_code, response.text[:3000])
        location = response.headers["Location"]
        assert location == to or not to, (path, location, to)
        return location

    def log_in(self, email: str) -> str:
        self.get("/account/login/", shows='name="login"')
        return self.post("/account/login/", {"login": email, "password": PASSWORD})


# --- the journey ------------------------------------------------------------------


def outbox(url: str) -> list[tuple]:
    return query(
        url,
        "SELECT id, template_code, recipients, status FROM common_outboxmessage"
        " WHERE template_code LIKE 'calls.submission.%%' ORDER BY id",
    )


def test_application_and_endorsement_across_two_web_processes_and_a_worker(installation, inbox):
    lc, cast = installation, installation.cast
    a, b = lc.bases
    coordinator, endorser = Browser([a, b]), Browser([b, a])

    # The coordinator gets each form from one process and posts it to the
    # other: logs in, starts the application, saves the profile with the
    # mayor's letter (posted to A) and the sections, and submits.
    assert coordinator.log_in(cast["coordinator"]) == "/account/my-work/"
    coordinator.get("/applications/", shows=cast["call_title"])
    started = coordinator.post(
        "/applications/", {"call": cast["call"], "organisation": cast["organisation"]}
    )
    pk = int(re.fullmatch(r"/applications/(\d+)/", started).group(1))
    coordinator.get(started, shows=f"Your application to {cast['call_title']} has been started.")
    coordinator.get(f"{started}profile/", shows='name="commitment_letter"')
    letter = {"commitment_letter": ("letter.pdf", PDF, "application/pdf")}
    coordinator.post(f"{started}profile/", cast["profile"], files=letter, to=f"{started}profile/")
    coordinator.get(f"{started}profile/", shows="Your draft has been saved.")
    for code, answers in cast["sections"].items():
        section = f"{started}section/{code}/"
        coordinator.get(section, shows=f'name="{next(iter(answers))}"')
        coordinator.post(section, answers, to=section)
        coordinator.get(section, shows="Your draft has been saved.")
    coordinator.get(started, shows="Your application is complete.")
    coordinator.post(started, {"action": "submit"}, to=started)
    coordinator.get(started, shows="Your application has been submitted.")

    # The endorser's password goes to A, B asks for the code of A's
    # half-finished log-in, A takes the code; then the endorser endorses.
    second_step = endorser.log_in(cast["endorser"])
    assert second_step == "/account/2fa/authenticate/"
    endorser.get(second_step, shows='name="code"')
    code = totp_code(TOTP_SECRET)
    endorser.post(second_step, {"code": code}, to="/account/my-work/")
    # The same code again, on the other process, is refused: used codes are
    # marked in the cache, which the processes of one machine share (files
    # under LC_DATA_DIR by default).
    replay = Browser([a, b])
    assert replay.log_in(cast["endorser"]) == second_step
    replay.get(second_step, shows='name="code"')
    refused = replay.session.post(
        next(replay.bases) + second_step,
        data={"csrfmiddlewaretoken": replay.token, "code": code},
        allow_redirects=False,
        timeout=30,
    )
    assert (refused.status_code, "Incorrect code." in refused.text) == (200, True)
    endorser.get("/endorsements/", shows=cast["city"])
    application = endorser.get(f"/endorsements/{pk}/", shows='value="endorse"')
    # The letter was stored by A; B serves it from the shared folder.
    letter_url = re.search(r'<a href="(/documents/[0-9a-f-]+/)">[^<]*letter\.pdf<', application)
    assert endorser.fetch(letter_url.group(1)).content == PDF
    endorser.post(f"/endorsements/{pk}/", {"action": "endorse"}, to="/endorsements/")
    endorser.get("/endorsements/", shows=f"{cast['city']}'s application is now “Endorsed”.")

    url = lc.database_url
    states = query(url, "SELECT state FROM calls_submission WHERE id = %s", (pk,))
    moves = query(
        url,
        "SELECT t.from_state, t.to_state, u.email FROM calls_transition t"
        " JOIN accounts_user u ON u.id = t.actor_id WHERE t.submission_id = %s ORDER BY t.id",
        (pk,),
    )
    # The activity log records each move as its own action (beside the drafts' saves).
    logged = query(
        url,
        "SELECT a.action, u.email FROM common_activitylogentry a"
        " JOIN accounts_user u ON u.id = a.actor_id WHERE a.action = ANY(%s) ORDER BY a.id",
        (["calls.submission.submitted", "calls.submission.endorsed"],),
    )
    # The worker sends the four notices: submitted to the city and the
    # Commission, endorsed to the city and the secretariat.
    sent = wait_for(
        "the worker sending the four notices",
        lambda: (rows := outbox(url)) and all(row[3] == "sent" for row in rows) and rows,
    )
    wait_for("the SMTP server receiving them", lambda: len(inbox.messages) >= len(sent))
    jobs = query(
        url,
        "SELECT args_kwargs, status, worker_ids, return_value FROM"
        " django_tasks_database_dbtaskresult WHERE task_path = %s ORDER BY enqueued_at",
        (SEND_TASK,),
    )

    # The only document the processes wrote is the letter, in the shared
    # private folder; beside it is only the cache they share.
    written = [
        (path.relative_to(lc.data_dir).parts[0], path)
        for path in lc.data_dir.rglob("*")
        if path.is_file()
    ]
    assert [(top, path.read_bytes()) for top, path in written if top != "cache"] == [
        ("private", PDF)
    ]
    assert {top for top, _path in written} == {"private", "cache"}
    assert states == [("endorsed",)]
    assert moves == [
        ("draft", "submitted", cast["coordinator"]),
        ("submitted", "endorsed", cast["endorser"]),
    ]
    assert logged == [
        ("calls.submission.submitted", cast["coordinator"]),
        ("calls.submission.endorsed", cast["endorser"]),
    ]
    assert [(code, recipients) for _id, code, recipients, _status in sent] == [
        ("calls.submission.submitted", [cast["coordinator"]]),
        ("calls.submission.submitted", [cast["endorser"]]),
        ("calls.submission.endorsed", [cast["coordinator"]]),
        ("calls.submission.endorsed", [cast["secretary"]]),
    ]
    # One job per notice, run by the worker (its id), none by a web process.
    assert sorted(jobs, key=lambda job: job[0]["args"]) == [
        ({"args": [message_id], "kwargs": {}}, "SUCCESSFUL", [WORKER_ID], "sent")
        for message_id, *_rest in sent
    ]
    assert sorted(
        (int(message["X-LC-Outbox-Id"]), message["To"]) for message in inbox.messages
    ) == [(message_id, recipients[0]) for message_id, _code, recipients, _status in sent]
