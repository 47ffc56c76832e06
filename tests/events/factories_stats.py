"""Registrations for the statistics and API tests, made with the ORM (no domain function yet).

``register(event, ...)`` adds one participant (confirmed by default) in the
event's category of ``kind`` (made on first use).
"""

import datetime as dt
import itertools

from django.utils import timezone

from learningcities.events.enums import CategoryKind, RegistrationStatus
from learningcities.events.models import ParticipantCategory, Registration
from learningcities.network.models import City, Country
from tests.events.factories_events import CategoryFactory, EventFactory  # noqa: F401 (re-exported)
from tests.factories import country

_badges = itertools.count(1)


def category_of(event, kind: str = CategoryKind.CITY_DELEGATE) -> ParticipantCategory:
    """Return the event's category of ``kind``, made if it has none."""
    found = ParticipantCategory.objects.filter(event=event, kind=kind).first()
    return found or CategoryFactory(event=event, kind=kind)


def register(
    event,
    *,
    name: str = "",
    kind: str = CategoryKind.CITY_DELEGATE,
    city: City | None = None,
    city_name: str = "",
    country_code: str | None = None,
    status: str = RegistrationStatus.CONFIRMED,
    checked_in: bool = False,
    **fields,
) -> Registration:
    """Add a participant to ``event`` (from ``city``'s country unless ``country_code`` is given)."""
    number = next(_badges)
    the_country: Country = country(country_code) if country_code else city.country
    now = timezone.now()
    return Registration.objects.create(
        event=event,
        category=category_of(event, kind),
        name=name or f"Participant {number}",
        email=f"participant{number}@example.org",
        city=city,
        city_name=city_name,
        country=the_country,
        status=status,
        registered_at=now - dt.timedelta(days=1),
        badge_code=f"S{number:07d}",
        checked_in_at=now if checked_in else None,
        **fields,
    )
