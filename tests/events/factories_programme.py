"""Programme objects for tests: sessions, and confirmed participants who may sign up.

Events, venues, rooms and categories come from ``factories_events`` (H1's);
registrations are made with the ORM here (the registration domain is another
module's), in the state the test needs.
"""

import datetime as dt
import itertools
import zoneinfo

from django.utils import timezone

from learningcities.events.enums import RegistrationStatus, SessionKind
from learningcities.events.models import ProgrammeSession, Registration
from tests.accounts.factories import make_user
from tests.events.factories_events import CategoryFactory, EventFactory, RoomFactory, VenueFactory
from tests.factories import country

_badges = itertools.count(1)

__all__ = [
    "EventFactory",
    "RoomFactory",
    "VenueFactory",
    "at",
    "make_participant",
    "make_session",
]


def at(event, day: int, hour: int, minute: int = 0) -> dt.datetime:
    """The aware moment ``hour:minute`` on the ``day``-th day (0 = first) in the event's zone."""
    date = event.starts_on + dt.timedelta(days=day)
    return dt.datetime(
        date.year, date.month, date.day, hour, minute, tzinfo=zoneinfo.ZoneInfo(event.time_zone)
    )


def make_session(event, *, day=0, hour=9, hours=1, **fields) -> ProgrammeSession:
    fields.setdefault("kind", SessionKind.PLENARY)
    fields.setdefault("title", f"Session {next(_badges)}")
    starts_at = at(event, day, hour)
    return ProgrammeSession.objects.create(
        event=event, starts_at=starts_at, ends_at=starts_at + dt.timedelta(hours=hours), **fields
    )


def make_participant(
    event,
    *,
    user=None,
    status=RegistrationStatus.CONFIRMED,
    category=None,
    language="en",
    name="",
    with_user=True,
) -> Registration:
    """A registration of ``event`` (confirmed unless told), with a person of the platform."""
    if category is None:
        category = event.categories.first() or CategoryFactory(event=event)
    if user is None and with_user:
        user = make_user(language=language) if language else make_user()
    number = next(_badges)
    return Registration.objects.create(
        event=event,
        category=category,
        user=user,
        name=name or (user.name if user and user.name else f"Participant {number}"),
        email=user.email if user else f"participant{number}@example.org",
        country=country("DE"),
        language=language,
        status=status,
        registered_at=timezone.now(),
        badge_code=f"TESTP{number:07d}",
    )
