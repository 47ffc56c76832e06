"""The secretariat's pages of events (events/views/manage.py)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from learningcities.accounts.enums import Role
from learningcities.events.enums import Approval, CategoryKind, EventKind, EventStatus
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
TODAY = timezone.localdate()


@pytest.fixture
def staff(client):
    user = person_with_role(Role.SECRETARIAT, totp=True)
    client.force_login(user)
    return user


def _urls(event: Event, venue: Venue, room: Room, category: ParticipantCategory) -> dict:
    slug = event.slug
    return {
        "events:manage-list": {},
        "events:manage-create": {},
        "events:manage-edit": {"slug": slug},
        "events:manage-status": {"slug": slug},
        "events:manage-venues": {"slug": slug},
        "events:manage-venue-edit": {"slug": slug, "venue_pk": venue.pk},
        "events:manage-venue-delete": {"slug": slug, "venue_pk": venue.pk},
        "events:manage-room-edit": {"slug": slug, "room_pk": room.pk},
        "events:manage-room-delete": {"slug": slug, "room_pk": room.pk},
        "events:manage-categories": {"slug": slug},
        "events:manage-category-create": {"slug": slug},
        "events:manage-category-edit": {"slug": slug, "category_pk": category.pk},
        "events:manage-category-delete": {"slug": slug, "category_pk": category.pk},
    }


GET_ONLY = ("events:manage-list", "events:manage-categories")


def _request(client, name: str, kwargs: dict):
    """A GET to a page that only shows, a POST to any other."""
    url = reverse(name, kwargs=kwargs)
    return client.get(url) if name in GET_ONLY else client.post(url)


def _world():
    room = RoomFactory()
    event = room.venue.event
    category = CategoryFactory(event=event)
    return event, _urls(event, room.venue, room, category)


# Who may open them


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.ENDORSER, Role.JUROR])
def test_manage_pages_refuse_other_roles(client, role):
    event, urls = _world()
    client.force_login(person_with_role(role, totp=role == Role.JUROR))

    outcomes = {name: _request(client, name, kw).status_code for name, kw in urls.items()}
    shown = {name: client.get(reverse(name, kwargs=kw)).status_code for name, kw in urls.items()}

    assert set(outcomes.values()) == {403}
    assert {shown[name] for name in shown if not name.endswith(("delete", "status"))} == {403}
    event.refresh_from_db()
    assert (event.status, Venue.objects.count(), ParticipantCategory.objects.count()) == (
        EventStatus.REGISTRATION_OPEN,
        1,
        1,
    )


def test_manage_pages_send_visitors_to_log_in(client):
    _event, urls = _world()

    outcomes = {name: _request(client, name, kw) for name, kw in urls.items()}

    assert {response.status_code for response in outcomes.values()} == {302}
    assert all("/accounts/login/" in r.url or "login" in r.url for r in outcomes.values())
    assert Event.objects.count() == 1


def test_manage_post_only_pages_refuse_get(client, staff):
    _event, urls = _world()
    post_only = [name for name in urls if name.endswith(("delete", "status"))]

    outcomes = {
        name: client.get(reverse(name, kwargs=urls[name])).status_code for name in post_only
    }

    assert set(outcomes.values()) == {405}


def test_manage_pages_open_to_the_secretariat(client, staff):
    _event, urls = _world()

    outcomes = {
        name: client.get(reverse(name, kwargs=kw)).status_code
        for name, kw in urls.items()
        if not name.endswith(("delete", "status"))
    }

    assert set(outcomes.values()) == {200}


def test_manage_pages_of_a_missing_event_are_404(client, staff):
    _event, urls = _world()
    missing = {name: {**kw, "slug": "no-such-event"} for name, kw in urls.items() if "slug" in kw}

    outcomes = {name: _request(client, name, kw).status_code for name, kw in missing.items()}

    assert set(outcomes.values()) == {404}


def test_venue_room_category_of_another_event_are_404(client, staff):
    _event, urls = _world()
    other = EventFactory()

    outcomes = {
        name: client.get(reverse(name, kwargs={**kw, "slug": other.slug})).status_code
        for name, kw in urls.items()
        if name.endswith("-edit") and len(kw) == 2
    }

    assert outcomes == {
        "events:manage-venue-edit": 404,
        "events:manage-room-edit": 404,
        "events:manage-category-edit": 404,
    }


# The list


def test_list_shows_every_event_with_filters(client, staff):
    webinar = EventFactory(kind=EventKind.WEBINAR, title="A webinar")
    EventFactory(kind=EventKind.CONFERENCE, status=EventStatus.PLANNED)

    everything = client.get(reverse("events:manage-list"))
    filtered = client.get(
        reverse("events:manage-list"),
        {"kind": EventKind.WEBINAR, "status": EventStatus.REGISTRATION_OPEN},
    )
    ignored = client.get(reverse("events:manage-list"), {"kind": "party", "status": "x"})

    assert (len(everything.context["events"]), filtered.context["events"]) == (2, [webinar])
    assert len(ignored.context["events"]) == 2


def _list_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("events:manage-list")).status_code == 200
    return len(queries)


def test_list_query_count_does_not_grow_with_events(client, staff, django_assert_num_queries):
    CategoryFactory(event=EventFactory(host_city=CityFactory()))
    one = _list_queries(client)
    CategoryFactory(event=EventFactory(host_city=CityFactory()))
    EventFactory(host_country=country("IE"))

    with django_assert_num_queries(one):
        client.get(reverse("events:manage-list"))


def test_my_work_links_the_secretariat_to_the_events(client, staff):
    event = EventFactory(title="Coming soon")

    response = client.get(reverse("accounts:my-work"))

    content = response.content.decode()
    assert f'href="{reverse("events:manage-list")}"' in content
    assert f'href="{reverse("events:manage-edit", kwargs={"slug": event.slug})}"' in content


# Creating and editing an event


def _event_post(**overrides) -> dict:
    data = {
        "kind": EventKind.MEMBERS_MEETING,
        "title": "Members' meeting 2027",
        "slug": "members-2027",
        "language": "en",
        "starts_on": "2027-05-04",
        "ends_on": "2027-05-06",
        "time_zone": "Europe/Dublin",
        "attendance": "hybrid",
        "languages": ["en", "fr"],
        "offer_hours": "72",
        "registration_closes_at": "2027-04-20T18:00",
    }
    return {**data, **overrides}


def test_create_event(client, staff):
    organisation = staff.affiliations.get().organisation

    response = client.post(
        reverse("events:manage-create"), _event_post(organisers=[organisation.pk])
    )

    event = Event.objects.get()
    assert response.url == reverse("events:manage-edit", kwargs={"slug": "members-2027"})
    assert (
        event.status,
        event.languages,
        event.registration_closes_at,
        list(event.organisers.all()),
    ) == (
        EventStatus.PLANNED,
        ["en", "fr"],
        dt.datetime(2027, 4, 20, 17, 0, tzinfo=dt.UTC),  # 18:00 in Dublin's summer time
        [organisation],
    )


def test_create_event_refuses_dates_out_of_order(client, staff):
    response = client.post(reverse("events:manage-create"), _event_post(ends_on="2027-05-01"))

    assert (response.status_code, Event.objects.count()) == (400, 0)
    assert "The last day comes before the first day." in response.content.decode()


def test_create_event_refuses_an_address_name_taken(client, staff):
    EventFactory(slug="members-2027")

    response = client.post(reverse("events:manage-create"), _event_post())

    assert (response.status_code, Event.objects.count()) == (409, 1)
    assert "Another event has this address name." in response.content.decode()


def test_edit_event(client, staff):
    event = EventFactory(title="Old title", starts_on=dt.date(2027, 5, 4))
    host = CityFactory(country=country("IE"))

    response = client.post(
        reverse("events:manage-edit", kwargs={"slug": event.slug}),
        _event_post(slug=event.slug, title="New title", host_city=host.pk),
    )

    event.refresh_from_db()
    assert response.status_code == 302
    assert (event.title, event.host_city, event.host_country_id, event.status) == (
        "New title",
        host,
        "IE",
        EventStatus.REGISTRATION_OPEN,
    )


def test_edit_event_shows_the_closing_time_in_the_event_zone(client, staff):
    event = EventFactory(
        time_zone="Asia/Seoul",
        registration_closes_at=dt.datetime(2027, 4, 20, 9, 0, tzinfo=dt.UTC),
    )

    response = client.get(reverse("events:manage-edit", kwargs={"slug": event.slug}))

    assert 'value="2027-04-20T18:00"' in response.content.decode()


# The status


def _move(client, event, to_status, **extra):
    return client.post(
        reverse("events:manage-status", kwargs={"slug": event.slug}),
        {"to_status": to_status, **extra},
    )


def test_status_buttons_are_the_allowed_moves(client, staff):
    event = EventFactory(status=EventStatus.REGISTRATION_CLOSED)

    response = client.get(reverse("events:manage-edit", kwargs={"slug": event.slug}))

    assert [move["status"] for move in response.context["moves"]] == [
        EventStatus.REGISTRATION_OPEN,
        EventStatus.HELD,
        EventStatus.CANCELLED,
    ]


def test_status_opens_registration(client, staff):
    event = EventFactory(status=EventStatus.PLANNED)
    CategoryFactory(event=event)

    response = _move(client, event, EventStatus.REGISTRATION_OPEN)

    event.refresh_from_db()
    assert (response.status_code, event.status) == (302, EventStatus.REGISTRATION_OPEN)


def test_status_cancel_needs_the_box(client, staff):
    event = EventFactory()

    _move(client, event, EventStatus.CANCELLED)
    event.refresh_from_db()
    before = event.status
    _move(client, event, EventStatus.CANCELLED, confirm="yes")
    event.refresh_from_db()

    assert (before, event.status) == (EventStatus.REGISTRATION_OPEN, EventStatus.CANCELLED)


def test_status_refuses_a_forbidden_move_with_a_message(client, staff):
    event = EventFactory(status=EventStatus.PLANNED)

    response = _move(client, event, EventStatus.HELD, confirm="yes")
    page = client.get(response.url)

    event.refresh_from_db()
    assert event.status == EventStatus.PLANNED
    assert "An event cannot move from" in page.content.decode()


def test_status_refuses_opening_without_a_category(client, staff):
    event = EventFactory(status=EventStatus.PLANNED)

    response = _move(client, event, EventStatus.REGISTRATION_OPEN)
    page = client.get(response.url)

    event.refresh_from_db()
    assert event.status == EventStatus.PLANNED
    assert "Add a participant category before opening registration." in page.content.decode()


# Venues and rooms


def test_add_venue(client, staff):
    event = EventFactory()

    response = client.post(
        reverse("events:manage-venues", kwargs={"slug": event.slug}),
        {"name": "Convention centre", "address": "Quay 1"},
    )

    assert response.status_code == 302
    assert list(event.venues.values_list("name", "address")) == [("Convention centre", "Quay 1")]


def test_add_venue_needs_a_name(client, staff):
    event = EventFactory()

    response = client.post(reverse("events:manage-venues", kwargs={"slug": event.slug}), {})

    assert (response.status_code, event.venues.count()) == (400, 0)


def test_edit_venue_and_add_room(client, staff):
    venue = VenueFactory(name="Old hall")
    url = reverse(
        "events:manage-venue-edit", kwargs={"slug": venue.event.slug, "venue_pk": venue.pk}
    )

    client.post(url, {"action": "venue", "name": "City hall", "address": ""})
    client.post(url, {"action": "room", "room-name": "Room A", "room-capacity": "40"})

    venue.refresh_from_db()
    assert (venue.name, list(venue.rooms.values_list("name", "capacity"))) == (
        "City hall",
        [("Room A", 40)],
    )


def test_edit_room(client, staff):
    room = RoomFactory(capacity=10)
    url = reverse(
        "events:manage-room-edit", kwargs={"slug": room.venue.event.slug, "room_pk": room.pk}
    )

    response = client.post(url, {"name": "Salon", "capacity": "30"})

    room.refresh_from_db()
    assert (response.status_code, room.name, room.capacity) == (302, "Salon", 30)


def test_delete_room_and_venue_need_the_box(client, staff):
    room = RoomFactory()
    slug, venue = room.venue.event.slug, room.venue
    room_url = reverse("events:manage-room-delete", kwargs={"slug": slug, "room_pk": room.pk})
    venue_url = reverse("events:manage-venue-delete", kwargs={"slug": slug, "venue_pk": venue.pk})

    client.post(room_url)
    client.post(venue_url)
    kept = (Room.objects.count(), Venue.objects.count())
    client.post(room_url, {"confirm": "yes"})
    client.post(venue_url, {"confirm": "yes"})

    assert (kept, Room.objects.count(), Venue.objects.count()) == ((1, 1), 0, 0)


# Categories


def _category_post(**overrides) -> dict:
    data = {
        "kind": CategoryKind.MAYOR,
        "name": "Mayors",
        "language": "en",
        "approval": Approval.SECRETARIAT,
        "capacity": "20",
        "closes_at": "2027-04-01T12:00",
        "counts_in_quotas": "on",
        "order": "1",
    }
    return {**data, **overrides}


def test_create_category(client, staff):
    event = EventFactory(status=EventStatus.PLANNED, time_zone="Asia/Seoul")

    response = client.post(
        reverse("events:manage-category-create", kwargs={"slug": event.slug}),
        _category_post(list_is_public="on"),
    )

    category = event.categories.get()
    assert response.status_code == 302
    assert (category.kind, category.capacity, category.list_is_public, category.closes_at) == (
        CategoryKind.MAYOR,
        20,
        True,
        dt.datetime(2027, 4, 1, 3, 0, tzinfo=dt.UTC),
    )


def test_create_category_refuses_a_kind_the_event_has(client, staff):
    category = CategoryFactory(kind=CategoryKind.MAYOR)

    response = client.post(
        reverse("events:manage-category-create", kwargs={"slug": category.event.slug}),
        _category_post(),
    )

    assert (response.status_code, ParticipantCategory.objects.count()) == (409, 1)


def test_category_public_list_is_fixed_once_registration_opened(client, staff):
    category = CategoryFactory(event=EventFactory(status=EventStatus.REGISTRATION_OPEN))
    url = reverse(
        "events:manage-category-edit",
        kwargs={"slug": category.event.slug, "category_pk": category.pk},
    )

    page = client.get(url)
    response = client.post(url, _category_post(kind=category.kind, list_is_public="on"))

    category.refresh_from_db()
    assert page.context["form"].fields["list_is_public"].disabled is True
    assert (response.status_code, category.list_is_public, category.name) == (
        302,
        False,
        "Mayors",
    )


def test_category_places_below_those_taken_refused(client, staff):
    category = CategoryFactory(capacity=10)
    ParticipantCategory.objects.filter(pk=category.pk).update(places_taken=8)
    url = reverse(
        "events:manage-category-edit",
        kwargs={"slug": category.event.slug, "category_pk": category.pk},
    )

    response = client.post(url, _category_post(kind=category.kind, capacity="5"))

    category.refresh_from_db()
    assert (response.status_code, category.capacity) == (409, 10)


def test_category_list_counts_registrations(client, staff):
    category = CategoryFactory()
    Registration.objects.create(
        event=category.event,
        category=category,
        name="Ada",
        email="ada@example.org",
        country=country("IE"),
        status="confirmed",
        registered_at=timezone.now(),
        badge_code="MANAGE1",
    )

    response = client.get(reverse("events:manage-categories", kwargs={"slug": category.event.slug}))

    assert [c.registration_count for c in response.context["categories"]] == [1]


def test_delete_category(client, staff):
    category = CategoryFactory()
    url = reverse(
        "events:manage-category-delete",
        kwargs={"slug": category.event.slug, "category_pk": category.pk},
    )

    client.post(url)
    kept = ParticipantCategory.objects.count()
    response = client.post(url, {"confirm": "yes"})

    assert (kept, ParticipantCategory.objects.count(), response.status_code) == (1, 0, 302)


def test_delete_category_with_registrations_refused(client, staff):
    category = CategoryFactory()
    Registration.objects.create(
        event=category.event,
        category=category,
        name="Ada",
        email="ada@example.org",
        country=country("IE"),
        status="cancelled",
        registered_at=timezone.now(),
        badge_code="MANAGE2",
    )
    url = reverse(
        "events:manage-category-delete",
        kwargs={"slug": category.event.slug, "category_pk": category.pk},
    )

    response = client.post(url, {"confirm": "yes"})
    page = client.get(response.url)

    assert ParticipantCategory.objects.count() == 1
    assert "cannot be deleted" in page.content.decode()
