"""Two desks check the same badge in at the same moment: exactly one succeeds (PostgreSQL)."""

import threading

import pytest
from django.db import connection, connections

from learningcities.common.models import ActivityLogEntry
from learningcities.events.domain.checkin import check_in
from learningcities.events.domain.errors import EventError
from learningcities.events.models import Registration
from tests.accounts.factories import make_user
from tests.events.factories_desk import RegistrationFactory

# SQLite's in-memory test database cannot run two writers at once (see
# tests/calls/test_concurrency.py); PostgreSQL runs this test.
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor == "sqlite", reason="SQLite cannot run two writers concurrently"
    ),
]


@pytest.mark.parametrize("desks", [2, 4])
def test_concurrent_desks_check_a_badge_in_once(desks):
    registration = RegistrationFactory()
    people = [make_user(name=f"Desk person {n}") for n in range(desks)]
    barrier = threading.Barrier(desks)
    outcomes: list[str] = []

    def scan(n):
        try:
            found = Registration.objects.get(badge_code=registration.badge_code)
            barrier.wait()
            check_in(found, actor=people[n], desk=f"Desk {n}")
            outcomes.append("checked_in")
        except EventError as error:
            outcomes.append(error.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=scan, args=(n,)) for n in range(desks)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["already_checked_in"] * (desks - 1) + ["checked_in"]
    saved = Registration.objects.get(pk=registration.pk)
    winner = int(saved.check_in_desk.removeprefix("Desk "))
    assert saved.checked_in_by == people[winner]
    assert ActivityLogEntry.objects.filter(action="events.registration.check_in").count() == 1
