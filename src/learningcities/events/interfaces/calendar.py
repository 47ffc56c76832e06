"""iCalendar (RFC 5545) feeds of an event's programme and of a person's agenda.

Times are written in the event's time zone with its VTIMEZONE (or in UTC
for an event in UTC); each session keeps one UID whatever the feed, so a
calendar that subscribed to the programme and to an agenda shows it once.

A person's agenda feed is reached without logging in (calendar programs
cannot log in), through a signed token of the person's id: ``agenda_token``.
"""

import datetime as dt
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.translation import gettext as _

from learningcities.common.translated import shown

from ..domain.queries.programme import event_zone
from ..models import Event, ProgrammeSession

AGENDA_SALT = "learningcities.events.agenda-ics"
PRODID = "-//learningcities//programme//EN"


def agenda_token(user) -> str:
    """Return the token that opens ``user``'s agenda feeds (signed, never expires)."""
    return signing.Signer(salt=AGENDA_SALT).sign(str(user.pk))


def user_id_of_token(token: str) -> int | None:
    """Return the person id an agenda token was made for, or None for a bad token."""
    try:
        value = signing.Signer(salt=AGENDA_SALT).unsign(token)
    except signing.BadSignature:
        return None
    return int(value) if value.isdigit() else None


def session_uid(session: ProgrammeSession) -> str:
    """Return the session's stable UID: ``session-<id>@<site host>``."""
    host = urlsplit(settings.LC_SITE_URL).hostname or "learningcities"
    return f"session-{session.pk}@{host}"


def _location(session: ProgrammeSession) -> str:
    parts = []
    if session.room_id:
        parts += [session.room.name, session.room.venue.name]
    if session.place:
        parts.append(session.place)
    return ", ".join(parts)


def _description(session: ProgrammeSession) -> str:
    lines = [str(shown(session, "description"))] if session.description else []
    for presentation in session.presentations.all():
        line = presentation.title
        if presentation.city_id:
            line += f" ({presentation.city.name})"
        speakers = ", ".join(p.name or p.email for p in presentation.speakers.all())
        if speakers:
            line += f" · {speakers}"
        lines.append(f"- {line}")
    return "\n".join(lines)


def _vevent(session: ProgrammeSession, event: Event, zone, stamp: dt.datetime, url: str):
    item = icalendar.Event()
    item.add("uid", session_uid(session))
    item.add("dtstamp", stamp)
    item.add("dtstart", session.starts_at.astimezone(zone))
    item.add("dtend", session.ends_at.astimezone(zone))
    item.add("summary", str(shown(session, "title")))
    item.add("categories", [str(session.get_kind_display())])
    if location := _location(session):
        item.add("location", location)
    if description := _description(session):
        item.add("description", description)
    item.add("url", f"{url}#session-{session.pk}")
    return item


def _timezone(event: Event, sessions: list[ProgrammeSession], zone):
    if zone.key == "UTC" or not sessions:
        return None
    first = min(s.starts_at for s in sessions).astimezone(zone).date()
    last = max(s.ends_at for s in sessions).astimezone(zone).date()
    try:
        return icalendar.Timezone.from_tzid(
            zone.key, first_date=first - dt.timedelta(days=1), last_date=last + dt.timedelta(days=1)
        )
    except ValueError:
        return None


def programme_calendar(event: Event, sessions: list[ProgrammeSession], *, name: str = "") -> bytes:
    """Return the iCalendar text of ``sessions`` of ``event`` (prefetched as the schedule)."""
    zone = event_zone(event)
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name or str(shown(event, "title")))
    vtimezone = _timezone(event, sessions, zone)
    if vtimezone is None:
        zone = dt.UTC
    else:
        calendar.add("x-wr-timezone", event.time_zone)
        calendar.add_component(vtimezone)
    stamp = event.updated_at.astimezone(dt.UTC)
    url = settings.LC_SITE_URL + reverse("events:programme", kwargs={"slug": event.slug})
    for session in sessions:
        calendar.add_component(_vevent(session, event, zone, stamp, url))
    return calendar.to_ical()


def agenda_calendar_name(event: Event) -> str:
    """Return the name of a person's agenda feed for ``event``."""
    return _("My agenda: %(event)s") % {"event": shown(event, "title")}
