"""A file a killed upload left without its document is deleted once a day old; no other file is.

The proof that matters runs as production does: a process stores a document
and is killed with SIGKILL after writing the file and before committing the
row, then ``learningcities run-scheduled`` runs in the same installation.
"""

import datetime as dt
import os
import select
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.utils import timezone

from learningcities.common import tasks
from learningcities.common.domain.documents import remove_orphan_files, store_document
from learningcities.common.storage import private_storage

from . import files
from .conftest import stored_files

ROOT = Path(__file__).resolve().parents[2]
LATER = dt.timedelta(days=1, minutes=1)

# Run by ``learningcities shell`` in an installation of its own: migrates, keeps
# one document, then stores another inside a transaction and waits there.
STORE_AND_WAIT = f"""
import sys
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import transaction
from learningcities.common.domain.documents import store_document

def store(name):
    upload = ContentFile({files.PDF!r}, name=name)
    return store_document(upload, owner=None, uploaded_by=None, kind="evidence")

call_command("migrate", verbosity=0)
print(store("kept.pdf").file.name, flush=True)
with transaction.atomic():  # the request's transaction
    print(store("lost.pdf").file.name, flush=True)
    sys.stdin.readline()  # killed here: the file written, the row not committed
"""


def installation(folder: Path) -> dict:
    """The environment of an installation in ``folder`` (SQLite, private folder inside)."""
    inherited = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("LC_", "PYTEST_", "DJANGO_"))
    }
    return {**inherited, "LC_DATA_DIR": str(folder), "LC_SECRET_KEY": "orphan-tests-" + "x" * 50}


def read_line(process: subprocess.Popen, timeout: float = 120) -> str:
    """Return the next line ``process`` prints; fail if it exits or is silent ``timeout`` s."""
    deadline = time.monotonic() + timeout
    line = b""
    while not line.endswith(b"\n"):
        ready, _, _ = select.select([process.stdout], [], [], max(deadline - time.monotonic(), 0))
        if not ready:
            pytest.fail(f"no line within {timeout:.0f} s")
        byte = process.stdout.read(1)
        if not byte:
            pytest.fail(f"the process exited: {process.wait()}\n{process.stderr.read().decode()}")
        line += byte
    return line.decode().strip()


def age(path: Path, delta: dt.timedelta) -> None:
    """Make ``path`` look last written ``delta`` ago."""
    then = time.time() - delta.total_seconds()
    os.utime(path, (then, then))


def test_file_of_an_upload_killed_before_its_commit_is_removed_by_run_scheduled(tmp_path):
    env = installation(tmp_path)
    store = subprocess.Popen(
        [sys.executable, "-m", "learningcities", "shell", "-v", "0", "-c", STORE_AND_WAIT],
        env=env,
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        bufsize=0,
    )
    try:
        kept, lost = read_line(store), read_line(store)
    finally:
        store.send_signal(signal.SIGKILL)
        store.wait(timeout=30)
    private = tmp_path / "private"
    left_by_the_kill = stored_files(private)
    with sqlite3.connect(tmp_path / "db.sqlite3") as database:
        rows = database.execute("SELECT file FROM common_document").fetchall()
    for name in (kept, lost):
        age(private / name, LATER)

    scheduled = subprocess.run(
        [sys.executable, "-m", "learningcities", "run-scheduled"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )

    assert (store.returncode, left_by_the_kill, rows) == (
        -signal.SIGKILL,
        sorted([kept, lost]),
        [(kept,)],
    )
    assert "Orphan files: 1 orphan files removed." in scheduled.stdout.splitlines()
    assert stored_files(private) == [kept]
    assert (private / kept).read_bytes() == files.PDF


def orphan(name: str = "documents/ab/ab12-orphan.pdf") -> str:
    """Write a file no row holds, as a killed upload leaves it; return its name."""
    return private_storage().save(name, ContentFile(files.PDF))


@pytest.mark.django_db
def test_remove_orphan_files_keeps_an_orphan_younger_than_a_day(private_root):
    name = orphan()

    removed_now = remove_orphan_files()
    removed_later = remove_orphan_files(now=timezone.now() + LATER)

    assert (removed_now, removed_later) == (0, 1)
    assert stored_files(private_root) == []
    assert name.startswith("documents/")


@pytest.mark.django_db
def test_remove_orphan_files_keeps_a_day_old_file_whose_document_exists(private_root):
    document = store_document(
        ContentFile(files.PDF, name="letter.pdf"), owner=None, uploaded_by=None, kind="evidence"
    )
    name = orphan()

    removed = remove_orphan_files(now=timezone.now() + LATER)

    assert removed == 1
    assert stored_files(private_root) == [document.file.name]
    assert name not in stored_files(private_root)


@pytest.mark.django_db
def test_remove_orphan_files_leaves_files_outside_the_documents_folder(private_root):
    other = private_storage().save("exports/register.csv", ContentFile(b"city;country\n"))

    removed = remove_orphan_files(now=timezone.now() + LATER)

    assert removed == 0
    assert stored_files(private_root) == [other]


@pytest.mark.django_db
def test_remove_orphan_files_with_no_documents_folder_yet_removes_nothing(private_root):
    assert remove_orphan_files(now=timezone.now() + LATER) == 0


@pytest.mark.django_db
def test_remove_orphan_files_task_looks_at_most_once_an_hour(private_root):
    first = tasks.remove_orphan_files.enqueue()
    age(private_root / orphan(), LATER)

    second = tasks.remove_orphan_files.enqueue()
    cache.clear()  # an hour later
    third = tasks.remove_orphan_files.enqueue()

    assert (first.return_value, second.return_value, third.return_value) == (0, 0, 1)
    assert stored_files(private_root) == []
