"""Helpers for the tests of what processes keep until PostgreSQL notifies a change.

The fixture ``watching`` (tests/conftest.py) turns the watch on (common.changes).
"""

import time

from learningcities.common.changes import ChangeWatch


def wait_until(condition, what: str, seconds: float = 20.0):
    """Wait on a state (with a deadline), never for a fixed time."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {seconds} s: {what}")
        time.sleep(0.01)


def other_process(sql: str, *args) -> None:
    """Run ``sql`` and commit on a connection of its own (another process's write)."""
    with ChangeWatch()._connect() as other:  # the watch's own way of connecting
        other.execute(sql, args)
