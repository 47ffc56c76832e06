"""``learningcities load-demo-events``: the conferences as history and the demo event to come."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from learningcities.accounts.enums import OrganisationKind
from learningcities.accounts.models import Organisation
from learningcities.common.models import ActivityLogEntry
from learningcities.demo.domain.events import SAMPLE_SLUG, ensure_demo_events
from learningcities.events.enums import Approval, CategoryKind, EventKind, EventStatus
from learningcities.events.models import Event, ParticipantCategory, Room, Venue
from learningcities.network.models import City, Membership
from tests.factories import CityFactory, country, make_member

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2027, 1, 10, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def cork():
    city = CityFactory(name="Cork", country=country("IE"))
    make_member(city, joined="2016")
    return city


def _snapshot() -> tuple:
    return (
        sorted(Event.objects.values_list("slug", "status", "title", "starts_on")),
        ParticipantCategory.objects.count(),
        Venue.objects.count(),
        Room.objects.count(),
        City.objects.count(),
        Organisation.objects.count(),
        ActivityLogEntry.objects.count(),
    )


def test_demo_events_record_the_six_conferences_as_held(cork):
    ensure_demo_events(now=NOW)

    conferences = list(
        Event.objects.filter(kind=EventKind.CONFERENCE)
        .order_by("starts_on")
        .values_list("edition", "starts_on", "ends_on", "host_city__name", "status")
    )
    assert conferences == [
        (1, dt.date(2013, 10, 21), dt.date(2013, 10, 23), "Beijing", EventStatus.HELD),
        (2, dt.date(2015, 9, 28), dt.date(2015, 9, 30), "Mexico City", EventStatus.HELD),
        (3, dt.date(2017, 9, 18), dt.date(2017, 9, 20), "Cork", EventStatus.HELD),
        (4, dt.date(2019, 10, 1), dt.date(2019, 10, 3), "Medellín", EventStatus.HELD),
        (5, dt.date(2021, 10, 27), dt.date(2021, 10, 30), "Yeonsu", EventStatus.HELD),
        (6, dt.date(2024, 12, 3), dt.date(2024, 12, 5), "Jubail", EventStatus.HELD),
    ]


def test_demo_conferences_carry_their_reported_figures(cork):
    ensure_demo_events(now=NOW)

    first = Event.objects.get(edition=1, kind=EventKind.CONFERENCE)
    jubail = Event.objects.get(edition=6, kind=EventKind.CONFERENCE)
    assert (
        first.theme,
        first.reported_participants,
        first.reported_countries,
        first.host_country_id,
        jubail.reported_participants,
        jubail.award_call,
    ) == (
        "Lifelong learning for all: inclusion, prosperity and sustainability in cities",
        "550+",
        102,
        "CN",
        "700 to 1,200 (sources differ)",
        None,  # the demo has no 2024 award call
    )


def test_demo_adds_missing_host_cities_as_non_members(cork):
    ensure_demo_events(now=NOW)

    hosts = City.objects.filter(hosted_events__kind=EventKind.CONFERENCE).exclude(pk=cork.pk)
    assert (hosts.count(), Membership.objects.filter(city__in=hosts).count()) == (5, 0)
    assert hosts.filter(latitude__isnull=True).count() == 0


def test_demo_event_to_come_is_open_and_marked_demo(cork):
    ensure_demo_events(now=NOW)

    event = Event.objects.get(slug=SAMPLE_SLUG)
    organisation = Organisation.objects.get(kind=OrganisationKind.CITY, city=cork)
    assert (
        event.title,
        event.status,
        event.host_city,
        list(event.organisers.all()),
        event.places_per_city,
        event.starts_on,
        event.time_zone,
    ) == (
        "Demo members' meeting in Cork",
        EventStatus.REGISTRATION_OPEN,
        cork,
        [organisation],
        3,
        dt.date(2027, 4, 10),
        "Europe/Dublin",
    )


def test_demo_event_categories(cork):
    ensure_demo_events(now=NOW)

    categories = list(
        ParticipantCategory.objects.filter(event__slug=SAMPLE_SLUG).values_list(
            "kind", "approval", "capacity", "is_open_to_public"
        )
    )
    assert categories == [
        (CategoryKind.CITY_DELEGATE, Approval.NATIONAL_COMMISSION, 40, False),
        (CategoryKind.MAYOR, Approval.AUTOMATIC, None, False),
        (CategoryKind.NATIONAL_COMMISSION, Approval.AUTOMATIC, None, False),
        (CategoryKind.SPEAKER, Approval.SECRETARIAT, None, False),
        (CategoryKind.OBSERVER, Approval.SECRETARIAT, None, True),
        (CategoryKind.PRESS, Approval.SECRETARIAT, None, False),
        (CategoryKind.STAFF, Approval.AUTOMATIC, None, False),
    ]


def test_demo_event_venue_and_rooms(cork):
    ensure_demo_events(now=NOW)

    rooms = list(
        Room.objects.filter(venue__event__slug=SAMPLE_SLUG)
        .order_by("name")
        .values_list("venue__name", "name", "capacity")
    )
    assert rooms == [
        ("Demo conference centre", "Plenary hall", 600),
        ("Demo conference centre", "Room A", 80),
        ("Demo conference centre", "Room B", 80),
    ]


def test_demo_events_twice_changes_nothing(cork):
    ensure_demo_events(now=NOW)
    before = _snapshot()

    again = ensure_demo_events(now=NOW + dt.timedelta(days=30))

    assert (again.changed, again.created, _snapshot()) == (False, [], before)


def test_demo_events_complete_a_partial_sample(cork):
    ensure_demo_events(now=NOW)
    ParticipantCategory.objects.filter(kind=CategoryKind.PRESS).delete()
    Room.objects.filter(name="Room B").delete()

    again = ensure_demo_events(now=NOW)

    assert sorted(again.created) == [f"{SAMPLE_SLUG}:Room B", f"{SAMPLE_SLUG}:press"]


def test_demo_events_without_a_member_city_keep_the_history_only():
    result = ensure_demo_events(now=NOW)

    assert (len(result.events), Event.objects.filter(slug=SAMPLE_SLUG).exists()) == (6, False)


@override_settings(PRODUCTION=True)
def test_demo_events_in_production_keep_the_history_only(cork):
    ensure_demo_events(now=NOW)

    assert sorted(Event.objects.values_list("edition", flat=True)) == [1, 2, 3, 4, 5, 6]


def test_load_demo_events_command_twice(cork):
    first, second = io.StringIO(), io.StringIO()

    call_command("load-demo-events", stdout=first)
    call_command("load-demo-events", stdout=second)

    assert (
        "Demo events:" in first.getvalue(),
        second.getvalue().splitlines()[0],
        Event.objects.count(),
    ) == (True, "Demo events already in place; nothing changed.", 7)


def test_demo_event_opens_in_the_future(cork):
    ensure_demo_events()

    event = Event.objects.get(slug=SAMPLE_SLUG)
    assert event.starts_on > timezone.localdate()
