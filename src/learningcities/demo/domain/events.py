"""Demo events: the six International Conferences on Learning Cities, and one event to come.

The conferences are the network's history as published (FACTS.md): dates,
hosts, themes, participants as reported; they are recorded as held. A host
city missing from the register is added to it as a city that is not a member.
The event to come is a sample, marked "Demo" in its title, with registration
open, hosted by the demo city (the one of the demo accounts) with its
organisation among the organisers, and its call for presentations open
until a month before it (cities propose on the calls engine; the accepted
proposals join its programme). Never in production: the sample is
skipped there, the history kept.

Running ``ensure_demo_events`` again changes nothing: every object is looked
up first (events by address name, categories by kind, venues and rooms by
name) and only what is missing is made.
"""

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field

from babel.core import get_global
from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from learningcities.accounts.domain.organisations import create_organisation
from learningcities.accounts.enums import OrganisationKind
from learningcities.accounts.models import Organisation
from learningcities.calls.domain.calls import create_call
from learningcities.calls.enums import CallKind
from learningcities.events.domain.events import (
    add_room,
    add_venue,
    create_category,
    create_event,
    move_event,
    update_event,
)
from learningcities.events.enums import (
    Approval,
    Attendance,
    CategoryKind,
    EventKind,
    EventStatus,
)
from learningcities.events.models import Event
from learningcities.network.domain.cities import find_city, save_city
from learningcities.network.domain.queries.directory import current_member_filter
from learningcities.network.gazetteer import locate
from learningcities.network.models import City, Country

from .accounts import PREFERRED_CITY
from .event_outcomes import ensure_outcome_history
from .event_programme import ensure_demo_programme
from .event_registration import ensure_proposal_form, ensure_registration_form

HISTORY_SOURCE = "UNESCO Institute for Lifelong Learning and press, as published"
SAMPLE_SLUG = "demo-members-meeting"


@dataclass(frozen=True)
class Conference:
    edition: int
    starts_on: dt.date
    ends_on: dt.date
    city: str
    country: str
    time_zone: str
    theme: str
    participants: str
    countries: int | None
    description: str
    attendance: str = Attendance.IN_PERSON


CONFERENCES = (
    Conference(
        1,
        dt.date(2013, 10, 21),
        dt.date(2013, 10, 23),
        "Beijing",
        "CN",
        "Asia/Shanghai",
        "Lifelong learning for all: inclusion, prosperity and sustainability in cities",
        "550+",
        102,
        "The network was launched at this conference. It adopted the Beijing Declaration on "
        "Building Learning Cities and the Key Features of Learning Cities.",
    ),
    Conference(
        2,
        dt.date(2015, 9, 28),
        dt.date(2015, 9, 30),
        "Mexico City",
        "MX",
        "America/Mexico_City",
        "Building sustainable learning cities",
        "650+",
        95,
        "The network opened to membership at this conference, which adopted the Mexico City "
        "Statement. The first UNESCO Learning City Award was conferred (12 cities).",
    ),
    Conference(
        3,
        dt.date(2017, 9, 18),
        dt.date(2017, 9, 20),
        "Cork",
        "IE",
        "Europe/Dublin",
        "Global goals, local actions",
        "650+",
        92,
        "The conference adopted the Cork Call to Action. The UNESCO Learning City Award 2017 "
        "was conferred (16 cities).",
    ),
    Conference(
        4,
        dt.date(2019, 10, 1),
        dt.date(2019, 10, 3),
        "Medellín",
        "CO",
        "America/Bogota",
        "Inclusion, a principle for lifelong learning and sustainable cities",
        "about 650",
        None,
        "The conference adopted the Medellin Manifesto. The UNESCO Learning City Award 2019 "
        "was conferred (10 cities).",
    ),
    Conference(
        5,
        dt.date(2021, 10, 27),
        dt.date(2021, 10, 30),
        "Yeonsu",
        "KR",
        "Asia/Seoul",
        "From emergency to resilience",
        "700 to 2,000 (sources differ)",
        None,
        "Held in person and online. The conference adopted the Yeonsu Declaration. The UNESCO "
        "Learning City Award 2021 was conferred (10 cities).",
        Attendance.HYBRID,
    ),
    Conference(
        6,
        dt.date(2024, 12, 3),
        dt.date(2024, 12, 5),
        "Jubail",
        "SA",
        "Asia/Riyadh",
        "Learning cities at the forefront of climate action",
        "700 to 1,200 (sources differ)",
        None,
        "Jubail, a winner of the award in 2021, hosted the conference. The UNESCO Learning "
        "City Award 2024 was conferred (10 cities).",
    ),
)

# The sample's categories: kind, approval, places, open to anyone, counted in the quotas.
SAMPLE_CATEGORIES = (
    (CategoryKind.CITY_DELEGATE, Approval.NATIONAL_COMMISSION, 40, False, True),
    (CategoryKind.MAYOR, Approval.AUTOMATIC, None, False, True),
    (CategoryKind.NATIONAL_COMMISSION, Approval.AUTOMATIC, None, False, True),
    (CategoryKind.SPEAKER, Approval.SECRETARIAT, None, False, False),
    (CategoryKind.OBSERVER, Approval.SECRETARIAT, None, True, False),
    (CategoryKind.PRESS, Approval.SECRETARIAT, None, False, False),
    (CategoryKind.STAFF, Approval.AUTOMATIC, None, False, False),
)
SAMPLE_VENUE = "Demo conference centre"
SAMPLE_ROOMS = (("Plenary hall", 600), ("Room A", 80), ("Room B", 80))


@dataclass
class DemoEvents:
    """What ``ensure_demo_events`` made (empty lists when everything was in place)."""

    events: list[Event] = field(default_factory=list)
    created: list[str] = field(default_factory=list)
    cities_created: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.cities_created)


def conference_slug(conference: Conference) -> str:
    return f"iclc-{conference.edition}-{conference.starts_on.year}"


def _ordinal(number: int) -> str:
    return {1: "1st", 2: "2nd", 3: "3rd"}.get(number, f"{number}th")


def _host_city(conference: Conference, result: DemoEvents) -> City:
    country = Country.objects.get(code=conference.country)
    city = find_city(country, conference.city)
    if city is None:
        city, _changed = save_city(country=country, name=conference.city, **_place(conference))
        result.cities_created.append(conference.city)
    return city


def _place(conference: Conference) -> dict:
    """The coordinates of a host city from the offline gazetteer, where it knows them."""
    match = locate(conference.city, conference.country)
    if match is None or not match.has_location:
        return {}
    return {"latitude": match.latitude, "longitude": match.longitude}


def _ensure_conference(conference: Conference, result: DemoEvents) -> Event:
    event = Event.objects.filter(slug=conference_slug(conference)).first()
    if event is not None:
        return event
    event = create_event(
        actor=None,
        status=EventStatus.HELD,
        kind=EventKind.CONFERENCE,
        slug=conference_slug(conference),
        title=f"{_ordinal(conference.edition)} International Conference on Learning Cities",
        edition=conference.edition,
        theme=conference.theme,
        description=conference.description,
        language="en",
        host_city=_host_city(conference, result),
        starts_on=conference.starts_on,
        ends_on=conference.ends_on,
        time_zone=conference.time_zone,
        attendance=conference.attendance,
        reported_participants=conference.participants,
        reported_countries=conference.countries,
        source=HISTORY_SOURCE,
    )
    result.created.append(event.slug)
    return event


def _demo_city(today: dt.date) -> City | None:
    members = City.objects.filter(current_member_filter(today), is_synthetic=False)
    return members.filter(name=PREFERRED_CITY).first() or members.order_by("name", "pk").first()


def _city_organisation(city: City) -> Organisation:
    found = Organisation.objects.filter(kind=OrganisationKind.CITY, city=city).first()
    return found or create_organisation(kind=OrganisationKind.CITY, city=city, actor=None)


def _time_zone_of(country_code: str) -> str:
    zones = get_global("territory_zones").get(country_code, [])
    return zones[0] if zones else "UTC"


def _ensure_sample(now: dt.datetime, result: DemoEvents) -> Event | None:
    """The demo event to come, its categories, venue and rooms; None without a demo city."""
    today = timezone.localdate(now)
    event = Event.objects.filter(slug=SAMPLE_SLUG).first()
    if event is None:
        city = _demo_city(today)
        if city is None:
            return None
        event = _create_sample(city, today)
        result.created.append(event.slug)
    _ensure_categories(event, result)
    _ensure_venue(event, result)
    ensure_demo_programme(event, now=now)
    _ensure_presentation_call(event, now, result)
    if event.status == EventStatus.PLANNED:
        move_event(event, EventStatus.REGISTRATION_OPEN, actor=None, now=now)
    return event


def _create_sample(city: City, today: dt.date) -> Event:
    time_zone = _time_zone_of(city.country_id)
    starts_on = today + dt.timedelta(days=90)
    closes = dt.datetime.combine(
        starts_on - dt.timedelta(days=14), dt.time(23, 59), tzinfo=zoneinfo.ZoneInfo(time_zone)
    )
    return create_event(
        actor=None,
        organisers=[_city_organisation(city)],
        kind=EventKind.MEMBERS_MEETING,
        slug=SAMPLE_SLUG,
        title=f"Demo members' meeting in {city.name}",
        theme="Learning cities for all generations",
        description=(
            "A sample event of the demonstration: register a delegation, approve "
            "registrations and try the programme. It does not take place."
        ),
        language="en",
        host_city=city,
        co_organisers="UNESCO Institute for Lifelong Learning",
        starts_on=starts_on,
        ends_on=starts_on + dt.timedelta(days=2),
        time_zone=time_zone,
        attendance=Attendance.HYBRID,
        languages=["en", "fr"],
        interpretation=["es", "ar"],
        registration_closes_at=closes,
        places_per_city=3,
        retention_until=starts_on + dt.timedelta(days=180),
    )


def _ensure_presentation_call(event: Event, now: dt.datetime, result: DemoEvents) -> None:
    """The sample's call for presentations: open for a week already, until a month before."""
    if event.presentation_call_id:
        return
    zone = zoneinfo.ZoneInfo(event.time_zone)
    closes = dt.datetime.combine(event.starts_on - dt.timedelta(days=30), dt.time(23, 59), zone)
    call = create_call(
        actor=None,
        title=f"Call for presentations: {event.title}",
        kind=CallKind.PRESENTATIONS,
        framework=ensure_proposal_form(),
        opens_at=min(now - dt.timedelta(days=7), closes - dt.timedelta(days=1)),
        closes_at=closes,
        time_zone=event.time_zone,
        min_reviews=2,
        description=(
            "Member cities propose a presentation of their work for the parallel "
            "sessions of the meeting. A panel reviews the proposals; the accepted ones "
            "join the programme."
        ),
    )
    update_event(event, actor=None, presentation_call=call)
    result.created.append(f"{event.slug}:call-for-presentations")


def _ensure_categories(event: Event, result: DemoEvents) -> None:
    present = set(event.categories.values_list("kind", flat=True))
    for order, (kind, approval, capacity, public, counted) in enumerate(SAMPLE_CATEGORIES):
        if kind in present:
            continue
        with translation.override("en"):
            name = str(CategoryKind(kind).label)
        create_category(
            event,
            actor=None,
            kind=kind,
            name=name,
            language="en",
            approval=approval,
            capacity=capacity,
            is_open_to_public=public,
            counts_in_quotas=counted,
            order=order,
            questionnaire=ensure_registration_form(),
        )
        result.created.append(f"{event.slug}:{kind}")


def _ensure_venue(event: Event, result: DemoEvents) -> None:
    venue = event.venues.filter(name=SAMPLE_VENUE).first()
    if venue is None:
        venue = add_venue(event, actor=None, name=SAMPLE_VENUE, address="1 Harbour Street")
        result.created.append(f"{event.slug}:venue")
    present = set(venue.rooms.values_list("name", flat=True))
    for name, seats in SAMPLE_ROOMS:
        if name not in present:
            add_room(venue, actor=None, name=name, capacity=seats)
            result.created.append(f"{event.slug}:{name}")


@transaction.atomic
def ensure_demo_events(*, now: dt.datetime | None = None) -> DemoEvents:
    """Make the demo events that are missing; return what exists and what was made.

    Effects: the six conferences (held) with the titles of their outcome
    documents and, outside production, the demo event to come with its
    categories (asking the demo registration form), venue, rooms and a
    programme (registration open),
    each through ``events.domain.events``; host cities missing from the
    register added as cities that are not members.
    """
    now = now or timezone.now()
    result = DemoEvents()
    result.events = [_ensure_conference(conference, result) for conference in CONFERENCES]
    ensure_outcome_history()
    if not getattr(settings, "PRODUCTION", False):
        sample = _ensure_sample(now, result)
        if sample is not None:
            result.events.append(sample)
    return result
