"""``learningcities serve`` outlives its workers: one killed (out of memory, say) is started again.

The server is started as a deployment runs it, on loopback with two workers
and a data folder of its own (SQLite: the health page reads no table), and
one worker is killed with SIGKILL, as the kernel's OOM killer does.
"""

import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.deploy.processes import free_port, wait_for

ROOT = Path(__file__).resolve().parents[2]
LC = str(Path(sys.executable).parent / "learningcities")
# Starting granian and its workers on a busy machine.
SLOW = 90


def children(pid: int) -> set[int]:
    """Return the ids of ``pid``'s child processes (granian's workers)."""
    found = set()
    for thread in Path(f"/proc/{pid}/task").iterdir():
        with contextlib.suppress(FileNotFoundError):  # a thread that just ended
            found |= {int(child) for child in (thread / "children").read_text().split()}
    return found


class Server:
    def __init__(self, process: subprocess.Popen, base: str, log: Path):
        self.process = process
        self.base = base
        self.log = log

    def running(self) -> bool:
        if self.process.poll() is not None:
            pytest.fail(f"serve exited with {self.process.returncode}:\n{self.log.read_text()}")
        return True

    def healthy(self) -> bool:
        self.running()
        with contextlib.suppress(requests.RequestException):  # not listening yet, or loading
            return requests.get(f"{self.base}/-/health", timeout=5).text == "ok"
        return False

    def workers(self) -> set[int]:
        self.running()
        return children(self.process.pid)


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[Server]:
    """``learningcities serve`` with two workers and a 512 MiB limit a worker, answering.

    One for the module: starting it takes seconds, and no test needs a fresh one.
    """
    tmp_path = tmp_path_factory.mktemp("serve")
    port = free_port()
    log = tmp_path / "serve.log"
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("LC_")}
    process = subprocess.Popen(
        [LC, "serve", "--port", str(port), "--workers", "2", "--threads", "1"],
        env={**inherited, "LC_DATA_DIR": str(tmp_path / "data"), "LC_WORKERS_MAX_RSS_MB": "512"},
        cwd=ROOT,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    running = Server(process, f"http://127.0.0.1:{port}", log)
    try:
        wait_for("serve answering /-/health", running.healthy, timeout=SLOW)
        wait_for("two workers", lambda: len(running.workers()) == 2, timeout=SLOW)
        yield running
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            # granian waits without end for a worker that got SIGTERM while
            # still loading the application (systemd's stop timeout ends it).
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def test_serve_starts_a_worker_again_after_one_is_killed(server):
    before = server.workers()
    killed = min(before)

    os.kill(killed, signal.SIGKILL)
    after = wait_for(
        "a worker started in place of the killed one",
        lambda: len(workers := server.workers()) == 2 and killed not in workers and workers,
        timeout=SLOW,
    )
    # granian logs "Started worker-N" once a worker has loaded the application.
    wait_for(
        "the new worker started",
        lambda: server.log.read_text().count("Started worker") == 3,
        timeout=SLOW,
    )
    answers = [server.healthy() for _ in range(6)]

    assert answers == [True] * 6
    assert len(after - before) == 1
    assert "Respawning worker-" in server.log.read_text()


def test_serve_limits_each_worker_memory_from_the_environment(server):
    command = Path(f"/proc/{server.process.pid}/cmdline").read_bytes().split(b"\x00")

    assert b"--respawn-failed-workers" in command
    assert command[command.index(b"--workers-max-rss") + 1] == b"512"
