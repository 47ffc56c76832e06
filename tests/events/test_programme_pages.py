"""The programme pages: public schedule, sign-up buttons, agenda, and the secretariat's editing."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from learningcities.accounts.enums import Role
from learningcities.events.domain.programme import cancel_signup, create_presentation, sign_up
from learningcities.events.enums import RegistrationStatus, SessionKind, SignupStatus
from learningcities.events.models import Presentation, ProgrammeSession, SessionSignup
from tests.accounts.factories import make_user, person_with_role
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


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def programme_url(event) -> str:
    return reverse("events:programme", kwargs={"slug": event.slug})


def action_url(name, session) -> str:
    return reverse(f"events:session-{name}", kwargs={"slug": session.event.slug, "pk": session.pk})


def manage_url(event) -> str:
    return reverse("events:programme-manage", kwargs={"slug": event.slug})


@pytest.fixture
def event():
    return EventFactory(title="Sixth conference", time_zone="Asia/Riyadh")


@pytest.fixture
def visit(event):
    return make_session(
        event, kind=SessionKind.SITE_VISIT, title="School visit", capacity=1, day=1, hour=14
    )


# Public schedule ----------------------------------------------------------------


def test_programme_shows_days_times_in_event_zone_and_presentations(event, visit):
    opening = make_session(event, kind=SessionKind.OPENING, title="Opening", hour=9)
    create_presentation(
        opening,
        actor=None,
        title="Learning in Jubail",
        city=CityFactory(name="Jubail"),
        speakers=[make_user(name="Speaker One")],
    )

    response = Client().get(programme_url(event))

    body = response.content.decode()
    assert response.status_code == 200
    assert "Opening" in body
    assert "School visit" in body
    assert "Learning in Jubail" in body
    assert "Jubail" in body
    assert "Speaker One" in body
    # 09:00 in Riyadh, written as such with the moment in ISO form for the script.
    assert f'datetime="{at(event, 0, 9).isoformat()}"' in body
    assert ">09:00</time>" in body
    assert "1 place left" in body
    assert "local-time.js" in body


def test_programme_anonymous_sees_no_sign_up_button(event, visit):
    body = Client().get(programme_url(event)).content.decode()

    assert action_url("sign-up", visit) not in body


def test_programme_confirmed_participant_sees_sign_up_button(event, visit):
    registration = make_participant(event)

    body = client_for(registration.user).get(programme_url(event)).content.decode()

    assert action_url("sign-up", visit) in body


@pytest.mark.parametrize("status", [RegistrationStatus.PENDING, RegistrationStatus.CANCELLED])
def test_programme_unconfirmed_participant_sees_no_sign_up_button(event, visit, status):
    registration = make_participant(event, status=status)

    body = client_for(registration.user).get(programme_url(event)).content.decode()

    assert action_url("sign-up", visit) not in body


def test_programme_missing_event_is_404():
    assert Client().get(reverse("events:programme", kwargs={"slug": "nope"})).status_code == 404


def test_programme_synthetic_event_is_404():
    event = EventFactory(is_synthetic=True)

    assert Client().get(programme_url(event)).status_code == 404


@pytest.mark.parametrize("count", [1, 3])
def test_programme_constant_queries(django_assert_num_queries, count):
    event = EventFactory()
    room = RoomFactory(venue=VenueFactory(event=event))
    for hour in (9, 11, 14)[:count]:
        session = make_session(event, hour=hour, room=room, capacity=10)
        create_presentation(
            session, actor=None, title="P", city=CityFactory(), speakers=[make_user()]
        )
    client = Client()

    # The cache's key (the event with its revision, the register's revision), then
    # the page: event, sessions, presentations, speakers. The next visitor's is cached.
    with django_assert_num_queries(5):
        response = client.get(programme_url(event))
    with django_assert_num_queries(1):
        again = Client().get(programme_url(event))
    assert response.content.decode().count('class="card session"') == count
    assert again.content.decode().count('class="card session"') == count


# Sign-up buttons ------------------------------------------------------------------


def test_sign_up_then_full_then_waiting_list(event, visit):
    first, second = make_participant(event), make_participant(event)

    response = client_for(first.user).post(action_url("sign-up", visit))
    client_for(second.user).post(action_url("sign-up", visit))

    assert response.status_code == 303
    assert list(
        SessionSignup.objects.order_by("created_at", "pk").values_list("status", flat=True)
    ) == [SignupStatus.SIGNED_UP, SignupStatus.WAITING]
    page = client_for(second.user).get(programme_url(event)).content.decode()
    assert "You are on the waiting list." in page


def test_sign_up_refused_shows_message_not_error(event):
    plenary = make_session(event, title="Plenary")
    registration = make_participant(event)

    response = client_for(registration.user).post(action_url("sign-up", plenary), follow=True)

    assert response.status_code == 200
    assert "needs no sign-up" in response.content.decode()
    assert SessionSignup.objects.count() == 0


def test_sign_up_without_registration_is_refused(event, visit):
    response = client_for(make_user()).post(action_url("sign-up", visit), follow=True)

    assert "Only confirmed participants" in response.content.decode()
    assert SessionSignup.objects.count() == 0


def test_sign_up_anonymous_is_sent_to_login(event, visit):
    response = Client().post(action_url("sign-up", visit))

    assert response.status_code == 302
    assert "login" in response["Location"]


def test_sign_up_get_is_refused(event, visit):
    registration = make_participant(event)

    assert client_for(registration.user).get(action_url("sign-up", visit)).status_code == 405


def test_sign_up_session_of_another_event_is_404(event):
    other = make_session(EventFactory(), kind=SessionKind.SITE_VISIT, capacity=5)
    registration = make_participant(event)

    response = client_for(registration.user).post(
        reverse("events:session-sign-up", kwargs={"slug": event.slug, "pk": other.pk})
    )

    assert response.status_code == 404


def test_offer_accepted_from_the_agenda(event, visit):
    holder, waiting = make_participant(event), make_participant(event)
    held = sign_up(visit, holder, actor=None)
    sign_up(visit, waiting, actor=None)
    cancel_signup(held, actor=None)
    client = client_for(waiting.user)
    agenda = client.get(reverse("events:agenda", kwargs={"slug": event.slug})).content.decode()
    assert "A place is offered to you." in agenda

    client.post(
        action_url("accept", visit),
        {"next": reverse("events:agenda", kwargs={"slug": event.slug})},
    )

    assert SessionSignup.objects.get(registration=waiting).status == SignupStatus.SIGNED_UP


def test_someone_elses_offer_cannot_be_accepted(event, visit):
    holder, waiting = make_participant(event), make_participant(event)
    held = sign_up(visit, holder, actor=None)
    sign_up(visit, waiting, actor=None)
    cancel_signup(held, actor=None)
    stranger = make_participant(event)

    response = client_for(stranger.user).post(action_url("accept", visit))

    assert response.status_code == 404
    assert SessionSignup.objects.get(registration=waiting).status == SignupStatus.OFFERED


def test_next_to_another_site_is_ignored(event, visit):
    registration = make_participant(event)

    response = client_for(registration.user).post(
        action_url("sign-up", visit), {"next": "https://evil.example.org/"}
    )

    assert response["Location"] == programme_url(event)


# Agenda ---------------------------------------------------------------------------


def test_agenda_requires_login(event):
    response = Client().get(reverse("events:agenda", kwargs={"slug": event.slug}))

    assert response.status_code == 302


def test_agenda_shows_own_sessions_and_feed_address(event, visit):
    make_session(event, kind=SessionKind.OPENING, title="Opening", hour=9)
    make_session(event, kind=SessionKind.SITE_VISIT, title="Other visit", capacity=4, hour=16)
    registration = make_participant(event)
    sign_up(visit, registration, actor=None)

    body = (
        client_for(registration.user)
        .get(reverse("events:agenda", kwargs={"slug": event.slug}))
        .content.decode()
    )

    assert "Opening" in body
    assert "School visit" in body
    assert "Other visit" not in body
    assert f"/events/{event.slug}/agenda/" in body
    assert ".ics" in body


# Secretariat ----------------------------------------------------------------------


def secretariat():
    return client_for(person_with_role(Role.SECRETARIAT, totp=True))


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.ENDORSER, Role.JUROR])
def test_manage_refused_to_other_roles(event, role):
    client = client_for(person_with_role(role, totp=True))

    assert client.get(manage_url(event)).status_code == 403
    assert (
        client.post(
            reverse("events:programme-session-create", kwargs={"slug": event.slug}), {}
        ).status_code
        == 403
    )


def test_manage_refused_to_participant(event):
    registration = make_participant(event)

    assert client_for(registration.user).get(manage_url(event)).status_code == 403


def test_manage_anonymous_sent_to_login(event):
    assert Client().get(manage_url(event)).status_code == 302


def test_manage_list_queries_do_not_grow_with_sessions(event):
    client = secretariat()

    def queries_with(count):
        for hour in range(count):
            session = make_session(event, hour=8 + hour)
            create_presentation(session, actor=None, title="P", city=CityFactory())
        client.get(manage_url(event))  # warm the session
        with CaptureQueriesContext(connection) as context:
            response = client.get(manage_url(event))
        assert response.status_code == 200
        return len(context)

    one = queries_with(1)
    three = queries_with(2)  # 3 sessions now

    assert one == three


def test_manage_create_session_in_event_zone(event):
    room = RoomFactory(venue=VenueFactory(event=event))
    day = event.starts_on.isoformat()

    response = secretariat().post(
        reverse("events:programme-session-create", kwargs={"slug": event.slug}),
        {
            "kind": SessionKind.SITE_VISIT,
            "title": "Visit to the learning centre",
            "language": "en",
            "starts_at": f"{day}T14:00",
            "ends_at": f"{day}T17:00",
            "room": room.pk,
            "capacity": "12",
        },
    )

    assert response.status_code == 303
    session = ProgrammeSession.objects.get()
    assert (session.starts_at, session.capacity) == (at(event, 0, 14), 12)


def test_manage_create_session_end_before_start_is_a_form_error(event):
    day = event.starts_on.isoformat()

    response = secretariat().post(
        reverse("events:programme-session-create", kwargs={"slug": event.slug}),
        {
            "kind": SessionKind.PLENARY,
            "title": "Backwards",
            "language": "en",
            "starts_at": f"{day}T14:00",
            "ends_at": f"{day}T13:00",
        },
    )

    assert response.status_code == 200
    assert "must end after it starts" in response.content.decode()
    assert ProgrammeSession.objects.count() == 0


def test_manage_capacity_below_places_taken_is_a_form_error(event, visit):
    sign_up(visit, make_participant(event), actor=None)
    visit.refresh_from_db()
    client = secretariat()
    url = reverse("events:programme-session-edit", kwargs={"slug": event.slug, "pk": visit.pk})
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data["starts_at"] = data["starts_at"].strftime("%Y-%m-%dT%H:%M")
    data["ends_at"] = data["ends_at"].strftime("%Y-%m-%dT%H:%M")
    data["room"] = ""
    data["capacity"] = ""

    response = client.post(url, data)

    assert response.status_code == 200
    assert "must keep a number of places" in response.content.decode()
    visit.refresh_from_db()
    assert visit.capacity == 1


def test_manage_presentation_with_speakers_by_email(event, visit):
    speaker = make_user("speaker@example.org", name="Speaker")
    city = CityFactory(name="Vinh")

    response = secretariat().post(
        reverse(
            "events:programme-presentation-create", kwargs={"slug": event.slug, "pk": visit.pk}
        ),
        {"title": "Vinh's libraries", "city": city.pk, "speakers": "speaker@example.org\n"},
    )

    assert response.status_code == 303
    presentation = Presentation.objects.get()
    assert (presentation.city, list(presentation.speakers.all())) == (city, [speaker])


def test_manage_presentation_unknown_speaker_is_a_form_error(event, visit):
    response = secretariat().post(
        reverse(
            "events:programme-presentation-create", kwargs={"slug": event.slug, "pk": visit.pk}
        ),
        {"title": "T", "speakers": "nobody@example.org"},
    )

    assert response.status_code == 200
    assert "nobody@example.org" in response.content.decode()
    assert Presentation.objects.count() == 0


def test_manage_delete_session(event, visit):
    client = secretariat()
    url = reverse("events:programme-session-delete", kwargs={"slug": event.slug, "pk": visit.pk})

    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 303
    assert ProgrammeSession.objects.count() == 0


def test_manage_session_of_another_event_is_404(event):
    other = make_session(EventFactory())

    response = secretariat().get(
        reverse("events:programme-session-edit", kwargs={"slug": event.slug, "pk": other.pk})
    )

    assert response.status_code == 404
