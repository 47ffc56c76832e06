"""What the secretariat learns from an event's participants (domain/queries/statistics.py)."""

import datetime as dt

import pytest

from learningcities.events.domain.queries.statistics import (
    event_statistics,
    prospects_for_event,
)
from learningcities.events.enums import CategoryKind, EventStatus, RegistrationStatus
from tests.events.factories_events import EventFactory
from tests.events.factories_stats import register
from tests.factories import CityFactory, country, make_member

pytestmark = pytest.mark.django_db

FIRST_DAY = dt.date(2024, 12, 10)


@pytest.fixture
def conference():
    """A held conference: Germany has a member city, France had one, Viet Nam's joined later.

    Participants: two German city delegates (one came), one from a French
    former member city, the mayor of Vinh (came), two observers from Nairobi
    (a city not in the register, typed twice differently); a pending, a
    cancelled (checked in nonetheless) and a waiting registration, which are
    not participants.
    """
    event = EventFactory(
        status=EventStatus.HELD, starts_on=FIRST_DAY, ends_on=FIRST_DAY + dt.timedelta(days=2)
    )
    leipzig = make_member(name="Leipzig", country=country("DE"), joined="2020-09-22").city
    lyon = make_member(
        name="Lyon", country=country("FR"), joined="2016", ended=dt.date(2023, 5, 1)
    ).city
    vinh = make_member(name="Vinh", country=country("VN"), joined="2025-03-01").city
    register(event, name="Anna", city=leipzig, checked_in=True)
    register(event, name="Bernd", city=leipzig)
    register(event, name="Chloé", city=lyon)
    register(event, name="Dung", city=vinh, kind=CategoryKind.MAYOR, checked_in=True)
    register(event, name="Esther", city_name="Nairobi", country_code="KE", kind="observer")
    register(event, name="Faith", city_name=" nairobi", country_code="KE", kind="observer")
    register(event, name="Gert", city=leipzig, status=RegistrationStatus.PENDING)
    register(event, name="Hugo", city=lyon, status=RegistrationStatus.CANCELLED, checked_in=True)
    register(event, name="Ines", city=vinh, status=RegistrationStatus.WAITING)
    return event


def _counts(tallies) -> list[tuple[str, int, int]]:
    return [(t.key, t.participants, t.came) for t in tallies]


def test_event_statistics_count_confirmed_participants_and_those_who_came(conference):
    stats = event_statistics(conference)

    assert (stats.participants, stats.came, stats.countries) == (6, 2, 4)
    assert stats.shows_came is True


def test_event_statistics_by_country_most_participants_first(conference):
    stats = event_statistics(conference)

    assert _counts(stats.by_country) == [("DE", 2, 1), ("KE", 2, 0), ("FR", 1, 0), ("VN", 1, 1)]
    assert [t.label for t in stats.by_country] == ["Germany", "Kenya", "France", "Vietnam"]


def test_event_statistics_by_region_lists_every_region_in_order(conference):
    stats = event_statistics(conference)

    assert _counts(stats.by_region) == [
        ("africa", 2, 0),
        ("arab_states", 0, 0),
        ("asia_pacific", 1, 1),
        ("europe_north_america", 3, 1),
        ("latin_america_caribbean", 0, 0),
    ]


def test_event_statistics_by_category_in_the_events_order(conference):
    stats = event_statistics(conference)

    assert _counts(stats.by_category) == [
        ("city_delegate", 3, 1),
        ("mayor", 1, 1),
        ("observer", 2, 0),
    ]


def test_event_statistics_by_city_groups_a_typed_city_by_its_folded_name(conference):
    stats = event_statistics(conference)

    assert [(t.label, t.participants, t.came, t.note) for t in stats.by_city] == [
        ("Leipzig", 2, 1, ""),
        ("Nairobi", 2, 0, "unregistered"),
        ("Lyon", 1, 0, ""),
        ("Vinh", 1, 1, ""),
    ]


def test_event_statistics_countries_without_a_member_city_on_the_first_day(conference):
    stats = event_statistics(conference)

    # France's only member city left before the event; Vinh joined after it.
    assert (stats.without_member.participants, stats.without_member.came) == (4, 1)
    assert [t.key for t in stats.countries_without_member] == ["KE", "FR", "VN"]


def test_event_statistics_a_city_admitted_on_the_first_day_counts_as_member():
    event = EventFactory(starts_on=FIRST_DAY, ends_on=FIRST_DAY)
    city = make_member(country=country("EG"), joined=FIRST_DAY.isoformat()).city
    register(event, city=city)

    stats = event_statistics(event)

    assert stats.without_member.participants == 0
    assert stats.countries_without_member == []


def test_event_statistics_a_city_admitted_after_the_event_leaves_its_country_without():
    event = EventFactory(starts_on=FIRST_DAY, ends_on=FIRST_DAY)
    city = make_member(country=country("EG"), joined=(FIRST_DAY + dt.timedelta(days=1)).isoformat())
    register(event, city=city.city)

    stats = event_statistics(event)

    assert stats.without_member.participants == 1
    assert [t.key for t in stats.countries_without_member] == ["EG"]


def test_event_statistics_another_events_participants_do_not_count(conference):
    other = EventFactory()
    register(other, city_name="Nairobi", country_code="KE", checked_in=True)

    stats = event_statistics(conference)

    assert (stats.participants, stats.came) == (6, 2)


def test_event_statistics_before_anyone_came_hides_the_came_counts():
    event = EventFactory(status=EventStatus.REGISTRATION_OPEN)
    register(event, city=CityFactory())

    stats = event_statistics(event)

    assert (stats.participants, stats.came, stats.shows_came) == (1, 0, False)


def test_event_statistics_of_an_event_without_participants():
    event = EventFactory()

    stats = event_statistics(event)

    assert (stats.participants, stats.countries, stats.by_country, stats.by_city) == (0, 0, [], [])
    assert [t.participants for t in stats.by_region] == [0, 0, 0, 0, 0]


def test_event_statistics_take_two_queries(conference, django_assert_num_queries):
    with django_assert_num_queries(2):
        event_statistics(conference)


def test_prospects_are_the_participants_from_countries_without_a_member_city(conference):
    prospects = list(prospects_for_event(conference))

    assert [(p.name, p.country_id) for p in prospects] == [
        ("Chloé", "FR"),
        ("Esther", "KE"),
        ("Faith", "KE"),
        ("Dung", "VN"),
    ]


def test_prospects_take_one_query(conference, django_assert_num_queries):
    with django_assert_num_queries(1):
        prospects = list(prospects_for_event(conference))
        [(p.country.code, p.category.name, p.city and p.city.name) for p in prospects]


def test_event_statistics_a_country_without_a_unesco_region_gets_a_line_of_its_own():
    event = EventFactory()
    register(event, city_name="Research station", country_code="AQ")

    stats = event_statistics(event)

    assert _counts(stats.by_region)[-1] == ("", 1, 0)
    assert stats.by_region[-1].label == "No region"
    assert len(stats.by_region) == 6
