"""Events themselves (events/domain/events.py): create, edit, status, venues, rooms, categories."""

import datetime as dt
import itertools

import pytest
from django.utils import timezone

from learningcities.accounts.enums import Role
from learningcities.common.models import ActivityLogEntry
from learningcities.events.domain.errors import EventError
from learningcities.events.domain.events import (
    add_room,
    add_venue,
    create_category,
    create_event,
    delete_category,
    delete_room,
    delete_venue,
    move_event,
    update_category,
    update_event,
    update_room,
    update_venue,
)
from learningcities.events.enums import (
    EVENT_TRANSITIONS,
    Approval,
    CategoryKind,
    EventKind,
    EventStatus,
    RegistrationStatus,
)
from learningcities.events.models import Event, ParticipantCategory, Registration, Room, Venue
from tests.accounts.factories import person_with_role
from tests.events.factories_events import (
    CategoryFactory,
    EventFactory,
    RoomFactory,
    VenueFactory,
)
from tests.factories import CityFactory, country

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]
ES = EventStatus


@pytest.fixture
def staff():
    return person_with_role(Role.SECRETARIAT)


def _fields(**overrides) -> dict:
    fields = {
        "kind": EventKind.MEMBERS_MEETING,
        "slug": "members-2027",
        "title": "Members' meeting 2027",
        "starts_on": dt.date(2027, 5, 4),
        "ends_on": dt.date(2027, 5, 6),
        "time_zone": "Europe/Dublin",
    }
    return {**fields, **overrides}


def _actions(subject) -> list[str]:
    return list(
        ActivityLogEntry.objects.filter(object_id=str(subject.pk), action__startswith="events.")
        .order_by("pk")
        .values_list("action", flat=True)
    )


# Creating and editing


def test_create_event_is_planned_and_recorded(staff):
    event = create_event(actor=staff, **_fields())

    assert (event.status, event.slug, _actions(event)) == (
        ES.PLANNED,
        "members-2027",
        ["events.event.create"],
    )


def test_create_event_takes_the_host_country_from_the_host_city(staff):
    city = CityFactory(country=country("IE"))

    event = create_event(actor=staff, host_city=city, **_fields())

    assert event.host_country_id == "IE"


def test_create_event_sets_its_organisers(staff):
    organisation = staff.affiliations.get().organisation

    event = create_event(actor=staff, organisers=[organisation], **_fields())

    assert list(event.organisers.all()) == [organisation]


def test_create_event_may_record_a_past_event_as_held(staff):
    event = create_event(actor=staff, status=ES.HELD, **_fields(starts_on=dt.date(2013, 10, 21)))

    assert event.status == ES.HELD


def test_create_event_refuses_to_start_with_registration_open(staff):
    with pytest.raises(EventError) as refused:
        create_event(actor=staff, status=ES.REGISTRATION_OPEN, **_fields())

    assert (refused.value.code, Event.objects.count()) == ("status", 0)


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"ends_on": dt.date(2027, 5, 3)}, "dates"),
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"languages": ["en", "xx"]}, "language"),
        ({"interpretation": ["tlh"]}, "language"),
        ({"slug": "new"}, "slug"),
    ],
)
def test_create_event_refuses_inconsistent_fields(staff, overrides, code):
    with pytest.raises(EventError) as refused:
        create_event(actor=staff, **_fields(**overrides))

    assert (refused.value.code, Event.objects.count()) == (code, 0)


def test_create_event_refuses_an_address_name_taken(staff):
    EventFactory(slug="members-2027")

    with pytest.raises(EventError) as refused:
        create_event(actor=staff, **_fields())

    assert refused.value.code == "slug"


def test_create_event_refuses_unknown_fields(staff):
    with pytest.raises(TypeError):
        create_event(actor=staff, colour="blue", **_fields())


def test_update_event_saves_and_records_what_changed(staff):
    event = EventFactory(title="Old title")

    changed = update_event(event, actor=staff, title="New title", theme=event.theme)

    event.refresh_from_db()
    entry = ActivityLogEntry.objects.get(action="events.event.update")
    assert (changed, event.title, entry.changes) == (
        ["title"],
        "New title",
        {"title": ["Old title", "New title"]},
    )


def test_update_event_without_change_records_nothing(staff):
    event = EventFactory()

    changed = update_event(event, actor=staff, title=event.title, organisers=[])

    assert (changed, _actions(event)) == ([], [])


def test_update_event_changes_the_organisers(staff):
    event = EventFactory()
    organisation = staff.affiliations.get().organisation

    changed = update_event(event, actor=staff, organisers=[organisation])

    assert (changed, list(event.organisers.all())) == (["organisers"], [organisation])


def test_update_event_refuses_dates_out_of_order(staff):
    event = EventFactory()

    with pytest.raises(EventError) as refused:
        update_event(event, actor=staff, ends_on=event.starts_on - dt.timedelta(days=1))

    assert refused.value.code == "dates"


# The status: every allowed and every forbidden move


def _ready_to_move(status: str) -> Event:
    """An event in ``status`` that every guard lets through (a category, its first day today)."""
    today = timezone.localdate()
    event = EventFactory(status=status, starts_on=today - dt.timedelta(days=1), ends_on=today)
    CategoryFactory(event=event)
    return event


ALLOWED = sorted((a, b) for a, targets in EVENT_TRANSITIONS.items() for b in targets)
FORBIDDEN = sorted(
    (a, b) for a, b in itertools.product(ES.values, ES.values) if (a, b) not in ALLOWED
)


@pytest.mark.parametrize(("from_status", "to_status"), ALLOWED)
def test_move_event_allowed(staff, from_status, to_status):
    event = _ready_to_move(from_status)

    move_event(event, to_status, actor=staff)

    event.refresh_from_db()
    entry = ActivityLogEntry.objects.get(action="events.event.status")
    assert (event.status, entry.changes) == (to_status, {"status": [from_status, to_status]})


@pytest.mark.parametrize(("from_status", "to_status"), FORBIDDEN)
def test_move_event_forbidden(staff, from_status, to_status):
    event = _ready_to_move(from_status)

    with pytest.raises(EventError) as refused:
        move_event(event, to_status, actor=staff)

    event.refresh_from_db()
    assert (refused.value.code, event.status) == ("transition", from_status)


def test_move_event_refuses_an_unknown_status(staff):
    event = _ready_to_move(ES.PLANNED)

    with pytest.raises(EventError) as refused:
        move_event(event, "postponed", actor=staff)

    assert refused.value.code == "transition"


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.ENDORSER, Role.JUROR])
def test_move_event_refused_to_anyone_but_the_secretariat(role):
    event = _ready_to_move(ES.PLANNED)

    with pytest.raises(EventError) as refused:
        move_event(event, ES.REGISTRATION_OPEN, actor=person_with_role(role))

    event.refresh_from_db()
    assert (refused.value.code, event.status) == ("forbidden", ES.PLANNED)


def test_move_event_by_a_command_acts_for_the_secretariat():
    event = _ready_to_move(ES.PLANNED)

    move_event(event, ES.REGISTRATION_OPEN, actor=None)

    assert event.status == ES.REGISTRATION_OPEN


def test_registration_opens_only_with_a_category(staff):
    event = EventFactory(status=ES.PLANNED)

    with pytest.raises(EventError) as refused:
        move_event(event, ES.REGISTRATION_OPEN, actor=staff)

    assert refused.value.code == "no_category"


def test_event_is_held_only_from_its_first_day(staff):
    event = EventFactory(status=ES.REGISTRATION_CLOSED)  # 60 days from today

    with pytest.raises(EventError) as refused:
        move_event(event, ES.HELD, actor=staff)

    assert refused.value.code == "too_early"


def test_held_counts_the_first_day_in_the_event_time_zone(staff):
    event = EventFactory(
        status=ES.REGISTRATION_CLOSED,
        starts_on=dt.date(2027, 5, 4),
        ends_on=dt.date(2027, 5, 4),
        time_zone="Pacific/Auckland",
    )
    # 11:00 UTC on 3 May is already 4 May in Auckland.
    move_event(event, ES.HELD, actor=staff, now=dt.datetime(2027, 5, 3, 13, 0, tzinfo=dt.UTC))

    assert event.status == ES.HELD


# Venues and rooms


def test_add_update_delete_venue_recorded_on_the_event(staff):
    event = EventFactory()

    venue = add_venue(event, actor=staff, name="Convention centre", address="Quay 1")
    changed = update_venue(venue, actor=staff, name="City hall")
    delete_venue(venue, actor=staff)

    entries = list(
        ActivityLogEntry.objects.filter(object_id=str(event.pk), action="events.event.update")
        .order_by("pk")
        .values_list("changes", flat=True)
    )
    assert (changed, Venue.objects.count(), entries) == (
        ["name"],
        0,
        [
            {"venue": [None, "Convention centre"]},
            {"venue.name": ["Convention centre", "City hall"]},
            {"venue": ["City hall", None]},
        ],
    )


def test_add_update_delete_room(staff):
    venue = VenueFactory(name="Hall")

    room = add_room(venue, actor=staff, name="Room A", capacity=80)
    update_room(room, actor=staff, capacity=120)
    room.refresh_from_db()
    capacity = room.capacity
    delete_room(room, actor=staff)

    assert (capacity, Room.objects.count(), _actions(venue.event).count("events.event.update")) == (
        120,
        0,
        3,
    )


def test_delete_venue_deletes_its_rooms(staff):
    room = RoomFactory()

    delete_venue(room.venue, actor=staff)

    assert Room.objects.filter(pk=room.pk).exists() is False


# Participant categories


def _registration(category: ParticipantCategory, status=RegistrationStatus.CONFIRMED):
    return Registration.objects.create(
        event=category.event,
        category=category,
        name="Ada Participant",
        email="ada@example.org",
        country=country("IE"),
        status=status,
        registered_at=timezone.now(),
        badge_code=f"B{category.pk}{status}"[:16],
    )


def test_create_category(staff):
    event = EventFactory(status=ES.PLANNED)

    category = create_category(
        event,
        actor=staff,
        kind=CategoryKind.MAYOR,
        name="Mayors",
        approval=Approval.SECRETARIAT,
        capacity=20,
        list_is_public=True,
    )

    assert (category.event, category.kind, category.capacity, _actions(event)) == (
        event,
        CategoryKind.MAYOR,
        20,
        ["events.event.update"],
    )


def test_create_category_refuses_a_second_of_one_kind(staff):
    category = CategoryFactory()

    with pytest.raises(EventError) as refused:
        create_category(category.event, actor=staff, kind=category.kind, name="Again")

    assert (refused.value.code, ParticipantCategory.objects.count()) == ("kind", 1)


def test_create_category_refuses_a_public_list_once_registration_opened(staff):
    event = EventFactory(status=ES.REGISTRATION_OPEN)

    with pytest.raises(EventError) as refused:
        create_category(
            event, actor=staff, kind=CategoryKind.PRESS, name="Press", list_is_public=True
        )

    assert refused.value.code == "list_is_public"


def test_update_category_may_change_the_public_list_while_planned(staff):
    category = CategoryFactory(event=EventFactory(status=ES.PLANNED))

    changed = update_category(category, actor=staff, list_is_public=True)

    category.refresh_from_db()
    assert (changed, category.list_is_public) == (["list_is_public"], True)


@pytest.mark.parametrize("status", [ES.REGISTRATION_OPEN, ES.REGISTRATION_CLOSED, ES.HELD])
def test_update_category_refuses_changing_the_public_list_once_opened(staff, status):
    category = CategoryFactory(event=EventFactory(status=status))

    with pytest.raises(EventError) as refused:
        update_category(category, actor=staff, list_is_public=True)

    category.refresh_from_db()
    assert (refused.value.code, category.list_is_public) == ("list_is_public", False)


def test_update_category_keeps_the_public_list_as_it_was_once_opened(staff):
    category = CategoryFactory(event=EventFactory(status=ES.REGISTRATION_OPEN))

    changed = update_category(category, actor=staff, list_is_public=False, name="Delegates")

    assert changed == ["name"]


def test_update_category_refuses_places_below_those_taken(staff):
    category = CategoryFactory(capacity=10)
    ParticipantCategory.objects.filter(pk=category.pk).update(places_taken=6)

    with pytest.raises(EventError) as refused:
        update_category(category, actor=staff, capacity=5)

    category.refresh_from_db()
    assert (refused.value.code, category.capacity) == ("capacity", 10)


def test_update_category_accepts_places_equal_to_those_taken(staff):
    category = CategoryFactory(capacity=10)
    ParticipantCategory.objects.filter(pk=category.pk).update(places_taken=6)

    update_category(category, actor=staff, capacity=6)

    category.refresh_from_db()
    assert category.capacity == 6


def test_update_category_refuses_a_kind_the_event_has(staff):
    category = CategoryFactory()
    other = CategoryFactory(event=category.event, kind=CategoryKind.PRESS)

    with pytest.raises(EventError) as refused:
        update_category(other, actor=staff, kind=category.kind)

    assert refused.value.code == "kind"


def test_delete_category_without_registrations(staff):
    category = CategoryFactory()

    delete_category(category, actor=staff)

    assert ParticipantCategory.objects.count() == 0


@pytest.mark.parametrize("status", [RegistrationStatus.CONFIRMED, RegistrationStatus.CANCELLED])
def test_delete_category_refused_with_registrations(staff, status):
    category = CategoryFactory()
    _registration(category, status)

    with pytest.raises(EventError) as refused:
        delete_category(category, actor=staff)

    assert (refused.value.code, ParticipantCategory.objects.count()) == ("has_registrations", 1)
