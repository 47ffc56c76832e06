"""The programme's domain: sessions, presentations, sign-ups, waiting lists and offers."""

import datetime as dt

import pytest
from django.utils import timezone

from learningcities.common.models import ActivityLogEntry, OutboxMessage
from learningcities.events.domain.errors import EventError
from learningcities.events.domain.programme import (
    accept_offer,
    cancel_signup,
    create_presentation,
    create_session,
    decline_offer,
    delete_session,
    expire_signup_offers,
    sign_up,
    update_presentation,
    update_session,
)
from learningcities.events.domain.queries.programme import (
    agenda_sessions,
    places_left,
    programme_for_event,
    registration_for_person,
)
from learningcities.events.enums import RegistrationStatus, SessionKind, SignupStatus
from learningcities.events.models import ProgrammeSession, SessionSignup
from tests.accounts.factories import make_user
from tests.events.factories_programme import (
    EventFactory,
    RoomFactory,
    VenueFactory,
    at,
    make_participant,
    make_session,
)
from tests.factories import CityFactory

pytestmark = pytest.mark.django_db

S = SignupStatus


def site_visit(event, capacity=2):
    return make_session(event, kind=SessionKind.SITE_VISIT, capacity=capacity, day=1, hour=14)


def statuses(session):
    return list(
        SessionSignup.objects.filter(session=session)
        .order_by("created_at", "pk")
        .values_list("status", flat=True)
    )


def taken(session):
    session.refresh_from_db()
    return session.places_taken


# Sessions ---------------------------------------------------------------------


def test_create_session_records_activity():
    event = EventFactory()
    room = RoomFactory(venue=VenueFactory(event=event))

    session = create_session(
        event,
        actor=None,
        kind=SessionKind.PLENARY,
        title="Opening plenary",
        starts_at=at(event, 0, 9),
        ends_at=at(event, 0, 10),
        room=room,
    )

    assert ProgrammeSession.objects.get().room == room
    assert ActivityLogEntry.objects.filter(action="events.session.create").count() == 1
    assert session.capacity is None


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ((0, 10), (0, 9), "end after it starts"),
        ((0, 10), (0, 10), "end after it starts"),
    ],
)
def test_create_session_refuses_an_end_before_the_start(start, end, message):
    event = EventFactory()

    with pytest.raises(EventError, match=message):
        create_session(
            event,
            actor=None,
            kind=SessionKind.PLENARY,
            title="Backwards",
            starts_at=at(event, *start),
            ends_at=at(event, *end),
        )

    assert ProgrammeSession.objects.count() == 0


def test_create_session_refuses_naive_times():
    event = EventFactory()

    with pytest.raises(EventError, match="time zone"):
        create_session(
            event,
            actor=None,
            kind=SessionKind.PLENARY,
            title="Naive",
            starts_at=dt.datetime(2030, 1, 1, 9),
            ends_at=dt.datetime(2030, 1, 1, 10),
        )


def test_create_session_refuses_a_room_of_another_event():
    event = EventFactory()
    other_room = RoomFactory(venue=VenueFactory(event=EventFactory()))

    with pytest.raises(EventError, match="venue of this event"):
        create_session(
            event,
            actor=None,
            kind=SessionKind.PLENARY,
            title="Elsewhere",
            starts_at=at(event, 0, 9),
            ends_at=at(event, 0, 10),
            room=other_room,
        )


def test_update_session_refuses_capacity_below_places_taken():
    event = EventFactory()
    session = site_visit(event, capacity=3)
    for _ in range(2):
        sign_up(session, make_participant(event), actor=None)

    with pytest.raises(EventError, match="2 places are taken"):
        update_session(session, actor=None, capacity=1)

    assert ProgrammeSession.objects.get().capacity == 3


def test_update_session_refuses_removing_capacity_with_signups():
    event = EventFactory()
    session = site_visit(event, capacity=3)
    sign_up(session, make_participant(event), actor=None)

    with pytest.raises(EventError, match="keep a number of places"):
        update_session(session, actor=None, capacity=None)


def test_update_session_more_places_are_offered_to_those_waiting():
    event = EventFactory()
    session = site_visit(event, capacity=1)
    sign_up(session, make_participant(event), actor=None)
    waiting = sign_up(session, make_participant(event, language="fr"), actor=None)

    update_session(session, actor=None, capacity=2)

    waiting.refresh_from_db()
    assert waiting.status == S.OFFERED
    assert taken(session) == 2
    assert OutboxMessage.objects.get().language == "fr"


def test_delete_session_removes_its_signups():
    event = EventFactory()
    session = site_visit(event)
    sign_up(session, make_participant(event), actor=None)

    delete_session(session, actor=None)

    assert SessionSignup.objects.count() == 0
    assert ActivityLogEntry.objects.filter(action="events.session.delete").count() == 1


# Presentations ----------------------------------------------------------------


def test_create_presentation_with_city_and_speakers():
    event = EventFactory()
    session = make_session(event)
    city = CityFactory(name="Cork")
    speakers = [make_user(name="Aoife"), make_user(name="Brian")]

    presentation = create_presentation(
        session, actor=None, title="Learning neighbourhoods", city=city, speakers=speakers
    )

    assert presentation.city == city
    assert sorted(p.name for p in presentation.speakers.all()) == ["Aoife", "Brian"]


def test_create_presentation_refuses_a_blank_title():
    session = make_session(EventFactory())

    with pytest.raises(EventError, match="title"):
        create_presentation(session, actor=None, title="  ")


def test_update_presentation_replaces_speakers():
    session = make_session(EventFactory())
    first, second = make_user(), make_user()
    presentation = create_presentation(session, actor=None, title="T", speakers=[first])

    update_presentation(presentation, actor=None, title="T2", speakers=[second])

    presentation.refresh_from_db()
    assert (presentation.title, list(presentation.speakers.all())) == ("T2", [second])


# Sign-up ----------------------------------------------------------------------


def test_sign_up_takes_places_then_waits():
    event = EventFactory()
    session = site_visit(event, capacity=2)

    outcomes = [sign_up(session, make_participant(event), actor=None).status for _ in range(4)]

    assert outcomes == [S.SIGNED_UP, S.SIGNED_UP, S.WAITING, S.WAITING]
    assert taken(session) == 2
    assert places_left(session) == 0


def test_sign_up_twice_is_refused():
    event = EventFactory()
    session = site_visit(event)
    registration = make_participant(event)
    sign_up(session, registration, actor=None)

    with pytest.raises(EventError, match="already"):
        sign_up(session, registration, actor=None)

    assert taken(session) == 1


@pytest.mark.parametrize(
    "status",
    [
        RegistrationStatus.PENDING,
        RegistrationStatus.WAITING,
        RegistrationStatus.OFFERED,
        RegistrationStatus.CANCELLED,
        RegistrationStatus.DECLINED,
    ],
)
def test_sign_up_refused_unless_registration_confirmed(status):
    event = EventFactory()
    session = site_visit(event)

    with pytest.raises(EventError, match="confirmed"):
        sign_up(session, make_participant(event, status=status), actor=None)

    assert taken(session) == 0


def test_sign_up_refused_for_a_registration_of_another_event():
    event = EventFactory()
    session = site_visit(event)

    with pytest.raises(EventError, match="another event"):
        sign_up(session, make_participant(EventFactory()), actor=None)


def test_sign_up_refused_for_a_session_without_capacity():
    event = EventFactory()
    session = make_session(event, kind=SessionKind.PLENARY)

    with pytest.raises(EventError, match="no sign-up"):
        sign_up(session, make_participant(event), actor=None)


def test_sign_up_again_after_cancelling_joins_the_end_of_the_list():
    event = EventFactory()
    session = site_visit(event, capacity=1)
    first = make_participant(event)
    signup = sign_up(session, first, actor=None)
    second = sign_up(session, make_participant(event), actor=None)  # waiting -> offered
    cancel_signup(signup, actor=None)

    again = sign_up(session, first, actor=None)

    assert (again.pk, again.status) == (signup.pk, S.WAITING)
    second.refresh_from_db()
    assert second.status == S.OFFERED


# Cancellation, offers ---------------------------------------------------------


def test_cancel_signup_offers_the_place_to_the_first_waiting():
    event = EventFactory(offer_hours=48)
    session = site_visit(event, capacity=1)
    holder = sign_up(session, make_participant(event), actor=None)
    first = sign_up(session, make_participant(event, language="vi"), actor=None)
    second = sign_up(session, make_participant(event), actor=None)
    now = timezone.now()

    cancel_signup(holder, actor=None, now=now)

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.offer_expires_at) == (S.OFFERED, now + dt.timedelta(hours=48))
    assert second.status == S.WAITING
    assert taken(session) == 1  # the offer holds the place


def test_cancel_signup_queues_the_offer_mail_in_the_persons_language():
    event = EventFactory()
    session = site_visit(event, capacity=1)
    holder = sign_up(session, make_participant(event), actor=None)
    waiting = make_participant(event, language="fr")
    sign_up(session, waiting, actor=None)

    cancel_signup(holder, actor=None)

    message = OutboxMessage.objects.get()
    assert (message.recipients, message.language) == ([waiting.email], "fr")
    assert message.template_code == "events.signup.offered"
    assert session.title in message.subject
    assert "/fr/" in message.body or "/events/" in message.body


def test_cancel_signup_without_waiting_list_frees_the_place():
    event = EventFactory()
    session = site_visit(event, capacity=1)
    holder = sign_up(session, make_participant(event), actor=None)

    cancel_signup(holder, actor=None)

    assert taken(session) == 0
    assert OutboxMessage.objects.count() == 0


def test_cancel_a_waiting_signup_keeps_the_places():
    event = EventFactory()
    session = site_visit(event, capacity=1)
    sign_up(session, make_participant(event), actor=None)
    waiting = sign_up(session, make_participant(event), actor=None)

    cancel_signup(waiting, actor=None)

    assert statuses(session) == [S.SIGNED_UP, S.CANCELLED]
    assert taken(session) == 1


def test_cancel_signup_twice_is_refused():
    event = EventFactory()
    holder = sign_up(site_visit(event), make_participant(event), actor=None)
    cancel_signup(holder, actor=None)

    with pytest.raises(EventError, match="not active"):
        cancel_signup(holder, actor=None)


def offered_signup(event, session):
    holder = sign_up(session, make_participant(event), actor=None)
    waiting = sign_up(session, make_participant(event), actor=None)
    cancel_signup(holder, actor=None, now=timezone.now())
    waiting.refresh_from_db()
    return waiting


def test_accept_offer_signs_up():
    event = EventFactory()
    session = site_visit(event, capacity=1)
    offer = offered_signup(event, session)

    accepted = accept_offer(offer, actor=None)

    assert (accepted.status, accepted.offer_expires_at) == (S.SIGNED_UP, None)
    assert taken(session) == 1


def test_accept_offer_refused_after_expiry():
    event = EventFactory(offer_hours=24)
    session = site_visit(event, capacity=1)
    offer = offered_signup(event, session)

    with pytest.raises(EventError, match="expired"):
        accept_offer(offer, actor=None, now=offer.offer_expires_at)

    offer.refresh_from_db()
    assert offer.status == S.OFFERED


def test_accept_offer_refused_when_nothing_is_offered():
    event = EventFactory()
    session = site_visit(event, capacity=1)
    signup = sign_up(session, make_participant(event), actor=None)

    with pytest.raises(EventError, match="No place is offered"):
        accept_offer(signup, actor=None)


def test_decline_offer_passes_the_place_on():
    event = EventFactory()
    session = site_visit(event, capacity=1)
    offer = offered_signup(event, session)
    next_one = sign_up(session, make_participant(event), actor=None)

    decline_offer(offer, actor=None)

    next_one.refresh_from_db()
    assert next_one.status == S.OFFERED
    assert taken(session) == 1


def test_expire_signup_offers_passes_the_place_on():
    event = EventFactory(offer_hours=24)
    session = site_visit(event, capacity=1)
    offer = offered_signup(event, session)
    next_one = sign_up(session, make_participant(event), actor=None)
    later = offer.offer_expires_at + dt.timedelta(minutes=1)

    expired = expire_signup_offers(now=later)

    offer.refresh_from_db()
    next_one.refresh_from_db()
    assert expired == 1
    assert (offer.status, next_one.status) == (S.EXPIRED, S.OFFERED)
    assert next_one.offer_expires_at == later + dt.timedelta(hours=24)
    assert taken(session) == 1


def test_expire_signup_offers_frees_the_place_when_nobody_waits():
    event = EventFactory()
    session = site_visit(event, capacity=1)
    offer = offered_signup(event, session)

    expired = expire_signup_offers(now=offer.offer_expires_at)

    assert expired == 1
    assert taken(session) == 0


def test_expire_signup_offers_leaves_current_offers():
    event = EventFactory()
    session = site_visit(event, capacity=1)
    offer = offered_signup(event, session)

    expired = expire_signup_offers(now=offer.offer_expires_at - dt.timedelta(seconds=1))

    offer.refresh_from_db()
    assert (expired, offer.status) == (0, S.OFFERED)


# Queries ----------------------------------------------------------------------


def test_programme_for_event_groups_by_day_in_the_event_zone():
    event = EventFactory(time_zone="Asia/Tokyo")
    late = make_session(event, day=0, hour=23, title="Late")
    early = make_session(event, day=1, hour=0, title="Early")  # 15:00 UTC the day before

    days = programme_for_event(event)

    assert [(d.day, [s.title for s in d.sessions]) for d in days] == [
        (event.starts_on, [late.title]),
        (event.starts_on + dt.timedelta(days=1), [early.title]),
    ]


@pytest.mark.parametrize("count", [1, 3])
def test_programme_for_event_constant_queries(django_assert_num_queries, count):
    event = EventFactory()
    for hour in (9, 11, 14)[:count]:
        session = make_session(event, hour=hour)
        create_presentation(
            session, actor=None, title="P", city=CityFactory(), speakers=[make_user()]
        )

    with django_assert_num_queries(3):
        days = programme_for_event(event)
        names = [
            (p.city.country.pk, [u.name for u in p.speakers.all()])
            for d in days
            for s in d.sessions
            for p in s.presentations.all()
        ]
    assert len(names) == count


def test_agenda_for_person_has_signed_up_spoken_and_open_sessions():
    event = EventFactory()
    registration = make_participant(event)
    person = registration.user
    opening = make_session(event, kind=SessionKind.OPENING, hour=9, title="Opening")
    visit = site_visit(event, capacity=5)
    other_visit = make_session(event, kind=SessionKind.SITE_VISIT, capacity=5, title="Other")
    talk = make_session(event, kind=SessionKind.PARALLEL, capacity=30, day=2, title="Talk")
    create_presentation(talk, actor=None, title="Mine", speakers=[person])
    sign_up(visit, registration, actor=None)
    sign_up(other_visit, make_participant(event), actor=None)

    sessions = agenda_sessions(event, person, registration_for_person(event, person))

    titles = [s.title for s in sessions]
    assert titles == [opening.title, visit.title, talk.title]


# Demo -------------------------------------------------------------------------


def test_ensure_demo_programme_is_idempotent():
    from learningcities.demo.domain.event_programme import ensure_demo_programme

    event = EventFactory(time_zone="Asia/Riyadh")

    first = ensure_demo_programme(event)
    second = ensure_demo_programme(event)

    assert len(first.created) == len(first.sessions) == ProgrammeSession.objects.count()
    assert second.created == []
    visit = ProgrammeSession.objects.get(kind=SessionKind.SITE_VISIT)
    assert visit.capacity == 12
    assert [d.day for d in programme_for_event(event)] == [
        event.starts_on + dt.timedelta(days=n) for n in range(3)
    ]
