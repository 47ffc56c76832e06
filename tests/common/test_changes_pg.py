"""Revisions kept in each process until PostgreSQL notifies a change (common.changes).

The writes come from a connection of their own, as another process's would,
so only the notification can tell the watch; each test waits on the state it
expects (with a deadline), never for a fixed time.
"""

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from learningcities.common.changes import ChangeWatch
from learningcities.events.models import Event
from learningcities.network.domain.queries.revision import current_revision
from learningcities.network.domain.revision import bump_network_revision
from tests.events.factories_events import EventFactory
from tests.watching import other_process, wait_until

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="LISTEN/NOTIFY is PostgreSQL's"),
]


def counting(value):
    calls = []

    def read():
        calls.append(1)
        return value() if callable(value) else value

    return read, calls


def test_a_value_is_read_once_until_another_process_commits_a_change(watching):
    before = current_revision()
    read, calls = counting(lambda: before)
    assert watching.watched("key", read) == before
    assert watching.watched("key", read) == before
    assert len(calls) == 1

    other_process("UPDATE network_networkrevision SET number = number + 1 WHERE id = 1")

    wait_until(lambda: current_revision() == before + 1, "the other process's revision is seen")
    watching.watched("key", read)
    assert len(calls) == 2


def test_a_rolled_back_write_changes_nothing_kept(watching):
    before = current_revision()

    def write_then_fail():
        with transaction.atomic():
            bump_network_revision()
            raise RuntimeError("rolled back")

    with pytest.raises(RuntimeError):
        write_then_fail()
    assert current_revision() == before


def test_a_commit_of_this_process_is_seen_by_its_next_read(watching):
    before = current_revision()
    with transaction.atomic():
        bump_network_revision()
    # No waiting: the writer's own process forgets at the commit.
    assert current_revision() == before + 1


def test_nothing_is_kept_while_the_connection_is_down_and_nothing_stale_after(watching):
    before = current_revision()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND query LIKE 'LISTEN %%'"
        )
    wait_until(lambda: not watching.listening, "the watch notices its connection is gone")
    other_process("UPDATE network_networkrevision SET number = number + 1 WHERE id = 1")
    # Down: every read goes to the database.
    assert current_revision() == before + 1
    wait_until(lambda: watching.listening, "the watch listens again")
    assert current_revision() == before + 1
    other_process("UPDATE network_networkrevision SET number = number + 1 WHERE id = 1")
    wait_until(lambda: current_revision() == before + 2, "a change after reconnecting is seen")


def test_a_value_read_while_a_change_arrives_is_not_kept(watching):
    def read_during_a_change():
        watching.forget()  # as the listening thread does when a notification arrives
        return "old"

    assert watching.watched("raced", read_during_a_change) == "old"
    read, calls = counting("new")
    assert watching.watched("raced", read) == "new"
    assert calls == [1]


def test_a_missing_value_is_not_kept_when_asked(watching):
    read, calls = counting(None)
    watching.watched("made-up", read, keep_missing=False)
    watching.watched("made-up", read, keep_missing=False)

    assert calls == [1, 1]
    assert "made-up" not in watching._values


def test_kept_values_are_bounded(settings):
    settings.LC_WATCH_CHANGES = True
    small = ChangeWatch(max_entries=3)
    try:
        small.watched("start", lambda: 0)
        wait_until(lambda: small.listening, "the small watch listens")
        for n in range(10):
            small.watched(n, lambda n=n: n)
        assert len(small._values) <= 3
    finally:
        small.stop()


def test_the_visitors_schedule_costs_no_query_and_shows_a_change_from_another_process(watching):
    event = EventFactory(title="Before the change")
    client = Client()
    url = f"/events/{event.slug}/programme/"
    assert "Before the change" in client.get(url).text

    def queries_of_a_visit() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    # The notification of the event's own creation may still be on its way: once it
    # is in, the page costs no query.
    wait_until(lambda: queries_of_a_visit() == 0, "the schedule is served without a query")

    other_process(
        "UPDATE events_event SET title = %s, updated_at = now() WHERE id = %s",
        "After the change",
        event.pk,
    )
    wait_until(lambda: "After the change" in client.get(url).text, "the changed title is shown")
    assert Event.objects.get(pk=event.pk).title == "After the change"
