"""Reads of an event's programme: the schedule by day, a person's agenda and sign-ups.

Each function runs a fixed number of queries whatever the size of the
programme: sessions with their rooms and venues, then their presentations
with cities, then the speakers.
"""

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet

from ...enums import RegistrationStatus, SignupStatus
from ...models import Event, Presentation, ProgrammeSession, Registration, SessionSignup


@dataclass
class ProgrammeDay:
    """The sessions of one day of the event, in the event's time zone, by start."""

    day: dt.date
    sessions: list[ProgrammeSession] = field(default_factory=list)


def event_zone(event: Event) -> zoneinfo.ZoneInfo:
    """Return the event's time zone (UTC if its name is unknown)."""
    try:
        return zoneinfo.ZoneInfo(event.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def sessions_for_event(event: Event) -> QuerySet[ProgrammeSession]:
    """Return the sessions of ``event`` by start, with rooms, presentations, cities and speakers."""
    presentations = Presentation.objects.select_related(
        "city", "city__country", "practice"
    ).prefetch_related("speakers")
    return (
        ProgrammeSession.objects.filter(event=event)
        .select_related("room", "room__venue")
        .prefetch_related(Prefetch("presentations", queryset=presentations))
        .order_by("starts_at", "pk")
    )


def group_by_day(event: Event, sessions) -> list[ProgrammeDay]:
    """Return ``sessions`` grouped by their first day in the event's zone, days in order."""
    zone = event_zone(event)
    days: dict[dt.date, ProgrammeDay] = {}
    for session in sessions:
        day = session.starts_at.astimezone(zone).date()
        days.setdefault(day, ProgrammeDay(day)).sessions.append(session)
    return [days[day] for day in sorted(days)]


def programme_for_event(event: Event) -> list[ProgrammeDay]:
    """Return the schedule of ``event`` by day (3 queries: sessions, presentations, speakers)."""
    return group_by_day(event, sessions_for_event(event))


def places_left(session: ProgrammeSession) -> int | None:
    """Return the free places of ``session`` (None: no sign-up needed)."""
    if session.capacity is None:
        return None
    return max(session.capacity - session.places_taken, 0)


def registration_for_person(event: Event, user) -> Registration | None:
    """Return the person's confirmed registration for ``event`` (their latest), or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        Registration.objects.filter(event=event, user=user, status=RegistrationStatus.CONFIRMED)
        .order_by("-registered_at", "-pk")
        .first()
    )


def signups_by_session(registration: Registration | None) -> dict[int, SessionSignup]:
    """Return the registration's sign-ups (every state) by session id (one query)."""
    if registration is None:
        return {}
    return {signup.session_id: signup for signup in registration.signups.all()}


def agenda_sessions(event: Event, user, registration: Registration | None) -> list:
    """Return the sessions of ``event`` in the person's agenda, by start.

    Those they hold a place in, those they speak in, and those open to
    everyone (no capacity: opening, plenaries, the award ceremony). Waiting
    and offered places are not in the agenda (the agenda page lists them apart).
    """
    wanted = Q(capacity__isnull=True) | Q(presentations__speakers=user)
    if registration is not None:
        wanted |= Q(signups__registration=registration, signups__status=SignupStatus.SIGNED_UP)
    ids = ProgrammeSession.objects.filter(wanted, event=event).values("pk")
    return list(sessions_for_event(event).filter(pk__in=ids))


def pending_signups(registration: Registration | None) -> list[SessionSignup]:
    """Return the registration's places offered or waited for, offers first."""
    if registration is None:
        return []
    signups = registration.signups.filter(
        status__in=[SignupStatus.OFFERED, SignupStatus.WAITING]
    ).select_related("session")
    return sorted(signups, key=lambda s: (s.status != SignupStatus.OFFERED, s.session.starts_at))


def unplaced_presentations(event: Event) -> list[Presentation]:
    """Return the presentations of ``event`` not placed in a session, with their cities.

    Accepted proposals of the event's call for presentations wait here for
    the secretariat to place them; the public programme leaves them out.
    """
    return list(
        Presentation.objects.filter(event=event, session__isnull=True)
        .select_related("city", "city__country", "submission")
        .order_by("city__name", "title", "pk")
    )
