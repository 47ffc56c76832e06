"""Places and quotas hold when people register at the same moment (concurrent on PostgreSQL)."""

import threading

import pytest
from django.db import connection, connections

from learningcities.events.domain.errors import EventError
from learningcities.events.enums import RegistrationStatus as R
from learningcities.events.models import ParticipantCategory, Quota, Registration
from tests.events.factories_events import CategoryFactory, EventFactory
from tests.events.factories_registration import register
from tests.factories import CityFactory, country

# SQLite's in-memory test database cannot run two writers at once (see
# tests/calls/test_concurrency.py); PostgreSQL (CI) runs these tests.
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor == "sqlite", reason="SQLite cannot run two writers concurrently"
    ),
]


def _all_at_once(count: int, act) -> list[str]:
    barrier = threading.Barrier(count)
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(index: int) -> None:
        try:
            barrier.wait()
            outcome = act(index)
        except EventError as error:
            outcome = error.code
        finally:
            connections.close_all()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_fifty_registrations_for_the_last_ten_places_confirm_exactly_ten():
    category = CategoryFactory(capacity=12)
    register(category)
    register(category)  # 10 places left

    outcomes = _all_at_once(50, lambda i: register(category, email=f"p{i}@example.org").status)

    assert sorted(outcomes) == sorted([R.CONFIRMED] * 10 + [R.WAITING] * 40)
    assert ParticipantCategory.objects.get(pk=category.pk).places_taken == 12
    assert Registration.objects.filter(status=R.CONFIRMED).count() == 12


def test_twenty_registrations_from_one_city_never_exceed_its_quota():
    event = EventFactory(places_per_city=3)
    category = CategoryFactory(event=event)
    city = CityFactory(country=country("VN"), name="Sa Dec")

    outcomes = _all_at_once(20, lambda i: register(category, city=city).status)

    assert sorted(outcomes) == sorted([R.CONFIRMED] * 3 + ["city_quota_full"] * 17)
    assert Quota.objects.get(event=event, city=city).taken == 3
