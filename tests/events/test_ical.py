"""The iCalendar feeds: the event's programme (public) and a person's agenda (by token)."""

import datetime as dt

import icalendar
import pytest
from django.test import Client
from django.urls import reverse

from learningcities.events.domain.programme import create_presentation, sign_up
from learningcities.events.enums import SessionKind
from learningcities.events.interfaces.calendar import agenda_token, session_uid, user_id_of_token
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


def feed(url) -> icalendar.Calendar:
    response = Client().get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def summaries(calendar) -> list[str]:
    return [str(item["summary"]) for item in calendar.walk("VEVENT")]


def programme_ics(event) -> str:
    return reverse("events:programme-ics", kwargs={"slug": event.slug})


def test_programme_feed_has_sessions_in_event_zone_with_vtimezone():
    event = EventFactory(time_zone="Asia/Riyadh")
    room = RoomFactory(venue=VenueFactory(event=event, name="Jubail centre"), name="Hall A")
    session = make_session(event, title="Opening", hour=9, hours=2, room=room)
    create_presentation(
        session,
        actor=None,
        title="Welcome",
        city=CityFactory(name="Jubail"),
        speakers=[make_user(name="Host Mayor")],
    )

    calendar = feed(programme_ics(event))

    (vtimezone,) = calendar.walk("VTIMEZONE")
    (vevent,) = calendar.walk("VEVENT")
    assert str(vtimezone["tzid"]) == "Asia/Riyadh"
    assert vevent.decoded("dtstart") == at(event, 0, 9)
    assert vevent["dtstart"].params["TZID"] == "Asia/Riyadh"
    assert vevent.decoded("dtend") == at(event, 0, 11)
    assert str(vevent["uid"]) == session_uid(session)
    assert str(vevent["location"]) == "Hall A, Jubail centre"
    assert "Welcome (Jubail) · Host Mayor" in str(vevent["description"])


def test_programme_feed_utc_event_writes_utc_times():
    event = EventFactory(time_zone="UTC")
    make_session(event, title="Webinar", hour=12)

    calendar = feed(programme_ics(event))

    (vevent,) = calendar.walk("VEVENT")
    assert calendar.walk("VTIMEZONE") == []
    assert vevent.decoded("dtstart") == at(event, 0, 12)
    assert vevent.decoded("dtstart").utcoffset() == dt.timedelta(0)


def test_programme_feed_uid_is_stable_and_unique():
    event = EventFactory()
    sessions = [make_session(event, hour=hour) for hour in (9, 11)]

    first = [str(e["uid"]) for e in feed(programme_ics(event)).walk("VEVENT")]
    second = [str(e["uid"]) for e in feed(programme_ics(event)).walk("VEVENT")]

    assert first == second == [session_uid(s) for s in sessions]


def test_programme_feed_of_a_missing_event_is_404():
    response = Client().get(reverse("events:programme-ics", kwargs={"slug": "missing"}))

    assert response.status_code == 404


def test_agenda_feed_by_token_has_the_persons_sessions():
    event = EventFactory()
    registration = make_participant(event)
    make_session(event, kind=SessionKind.OPENING, title="Opening", hour=9)
    visit = make_session(event, kind=SessionKind.SITE_VISIT, title="Visit", capacity=3, hour=14)
    make_session(event, kind=SessionKind.SITE_VISIT, title="Not mine", capacity=3, hour=16)
    sign_up(visit, registration, actor=None)
    url = reverse(
        "events:agenda-ics",
        kwargs={"slug": event.slug, "token": agenda_token(registration.user)},
    )

    calendar = feed(url)

    assert summaries(calendar) == ["Opening", "Visit"]
    assert "My agenda" in str(calendar["x-wr-calname"])


def test_agenda_feed_with_a_forged_token_is_404():
    event = EventFactory()
    person = make_user()
    token = agenda_token(person)
    forged = f"{person.pk + 1}:{token.split(':', 1)[1]}"

    response = Client().get(
        reverse("events:agenda-ics", kwargs={"slug": event.slug, "token": forged})
    )

    assert response.status_code == 404
    assert user_id_of_token(forged) is None
    assert user_id_of_token(token) == person.pk
