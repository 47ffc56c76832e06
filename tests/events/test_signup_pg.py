"""Sign-ups never oversell a session, also under concurrent requests (PostgreSQL)."""

import threading

import pytest
from django.db import connection, connections

from learningcities.events.domain.errors import EventError
from learningcities.events.domain.programme import sign_up
from learningcities.events.enums import SessionKind, SignupStatus
from learningcities.events.models import ProgrammeSession, SessionSignup
from tests.events.factories_programme import EventFactory, make_participant, make_session

# SQLite's in-memory test database cannot run two writers at once (see
# tests/calls/test_concurrency.py); PostgreSQL runs this test.
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor == "sqlite", reason="SQLite cannot run two writers concurrently"
    ),
]


def run_together(targets) -> None:
    threads = [threading.Thread(target=target) for target in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def test_fifty_sign_ups_for_the_last_ten_places():
    event = EventFactory()
    visit = make_session(event, kind=SessionKind.SITE_VISIT, capacity=12, title="Site visit")
    for _ in range(2):
        sign_up(visit, make_participant(event), actor=None)
    people = [make_participant(event, with_user=False) for _ in range(50)]
    barrier = threading.Barrier(len(people))
    outcomes: list[str] = []

    def attempt(registration):
        def run():
            try:
                barrier.wait()
                outcomes.append(sign_up(visit, registration, actor=None).status)
            except EventError as error:
                outcomes.append(str(error))
            finally:
                connections.close_all()

        return run

    run_together([attempt(person) for person in people])

    assert sorted(outcomes) == sorted([SignupStatus.SIGNED_UP] * 10 + [SignupStatus.WAITING] * 40)
    assert ProgrammeSession.objects.get(pk=visit.pk).places_taken == 12
    assert SessionSignup.objects.filter(session=visit, status=SignupStatus.SIGNED_UP).count() == 12


def test_one_person_signing_up_twice_at_once_gets_one_place():
    event = EventFactory()
    visit = make_session(event, kind=SessionKind.SITE_VISIT, capacity=5)
    registration = make_participant(event)
    barrier = threading.Barrier(5)
    outcomes: list[str] = []

    def run():
        try:
            barrier.wait()
            outcomes.append(sign_up(visit, registration, actor=None).status)
        except EventError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    run_together([run] * 5)

    assert sorted(outcomes) == ["refused"] * 4 + [SignupStatus.SIGNED_UP]
    assert ProgrammeSession.objects.get(pk=visit.pk).places_taken == 1
