"""Schemas of the events REST API v1: events, programme sessions, outcome documents, registrations.

Texts of events, sessions and outcome documents come in the request's language
(Accept-Language) when translated, else in their original language; labels of
codes (``kind_label``, ``status_label``) are always in the request's language.
A registration never carries a passport number.
"""

import datetime as dt
from typing import Literal

from ninja import Field, Schema

from learningcities.api.pagination import PageOut


class CityRefOut(Schema):
    id: int
    name: str


class EventRefOut(Schema):
    slug: str
    title: str


class EventOut(Schema):
    id: int
    slug: str
    kind: str
    kind_label: str
    title: str
    edition: int | None
    theme: str
    status: str
    status_label: str
    starts_on: dt.date
    ends_on: dt.date
    time_zone: str = Field(examples=["Asia/Riyadh"])
    attendance: str
    host_city: CityRefOut | None
    host_country: str | None
    host_country_name: str | None
    languages: list[str]
    interpretation: list[str] = Field(description="Interpretation into (language codes).")
    url: str = Field(description="The event's public page.")


class EventPage(PageOut):
    results: list[EventOut]


class OutcomeRefOut(Schema):
    id: int
    title: str
    status: str
    adopted_on: dt.date | None


class EventDetailOut(EventOut):
    description: str
    co_organisers: list[str]
    reported_participants: str = Field(
        description="Participants as reported for an event held before the platform."
    )
    reported_countries: int | None
    outcomes: list[OutcomeRefOut] = Field(description="Its adopted outcome documents.")


class RoomOut(Schema):
    name: str
    venue: str


class PresentationOut(Schema):
    id: int
    title: str
    city: CityRefOut | None = Field(description="The city it presents, from the register.")
    city_id: int | None


class SessionOut(Schema):
    id: int
    kind: str = Field(description="opening, plenary, parallel, site_visit, ...")
    kind_label: str
    title: str
    description: str
    starts_at: dt.datetime = Field(
        description="ISO 8601 with the offset of the event's time zone on that day."
    )
    ends_at: dt.datetime = Field(description="As starts_at.")
    room: RoomOut | None
    place: str = Field(description="For a site visit: where it goes.")
    capacity: int | None = Field(description="Places, for a session with sign-up; else null.")
    places_left: int | None
    presentations: list[PresentationOut]


class SessionListOut(Schema):
    event: EventRefOut
    time_zone: str
    sessions: list[SessionOut]


class OutcomeOut(Schema):
    id: int
    title: str
    summary: str
    event: EventRefOut
    adopted_on: dt.date | None
    languages: list[str]
    endorsements: int
    source: str


class OutcomePage(PageOut):
    results: list[OutcomeOut]


class CategoryRefOut(Schema):
    kind: str
    name: str


class RegistrationOut(Schema):
    id: int
    name: str
    email: str
    job_title: str
    organisation: str
    city: CityRefOut | None = Field(description="The participant's city, from the register.")
    city_name: str = Field(description="The city typed in, when it is not in the register.")
    country: str = Field(description="ISO 3166-1 alpha-2 code.")
    country_name: str = Field(description="In the request's language.")
    category: CategoryRefOut
    delegation_id: int | None
    status: str = Field(
        description="pending, confirmed, waiting, offered, declined, cancelled or expired."
    )
    status_label: str
    registered_at: dt.datetime
    checked_in_at: dt.datetime | None


class RegistrationPage(PageOut):
    results: list[RegistrationOut]


class DelegationIn(Schema):
    kind: Literal["city", "country"] = Field(
        description="city: the delegation of your city; country: your country's (a National "
        "Commission's, or a city's coordinator's for the country).",
        examples=["city"],
    )
    city: int | None = Field(
        None,
        ge=1,
        le=2_147_483_647,
        description="For a person who coordinates several cities: which one (its id). "
        "Empty: the only one.",
    )


class DelegationOut(Schema):
    id: int
    kind: str = Field(description="city or country.")
    event: EventRefOut
    city: CityRefOut | None
    country: str = Field(description="ISO 3166-1 alpha-2 code.")
    organisation: str = Field(description="The organisation that manages it.")
    url: str = Field(description="Its page, where its people add the delegates.")
