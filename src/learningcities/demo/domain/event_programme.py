"""A plausible three-day programme for a demo event, made through ``events.domain.programme``.

Opening and award ceremony, plenaries, parallel sessions and forums, a site
visit with 12 places (to show sign-ups and the waiting list), a cultural
evening and the closing. Times are wall-clock times of the event's zone;
rooms are the demo venue's when it has them. Running it again adds only the
sessions that are missing (matched by title).
"""

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from learningcities.events.domain.programme import create_session
from learningcities.events.enums import SessionKind
from learningcities.events.models import Event, ProgrammeSession, Room

K = SessionKind

# day (0 = first), start, end, kind, title, room name, place, capacity
PROGRAMME = (
    (0, "09:00", "10:30", K.OPENING, "Opening ceremony", "Plenary hall", "", None),
    (0, "10:30", "11:30", K.AWARD_CEREMONY, "Learning City Award ceremony", "Plenary hall", "", None),  # noqa: E501 (one session a line reads as a timetable)
    (0, "12:00", "13:30", K.PLENARY, "Plenary: learning cities for sustainable development", "Plenary hall", "", None),  # noqa: E501 (one session a line reads as a timetable)
    (0, "15:00", "16:30", K.PARALLEL, "Parallel session: inclusive lifelong learning", "Room A", "", 80),  # noqa: E501 (one session a line reads as a timetable)
    (0, "15:00", "16:30", K.PARALLEL, "Parallel session: green and healthy learning cities", "Room B", "", 80),  # noqa: E501 (one session a line reads as a timetable)
    (1, "09:00", "10:30", K.PLENARY, "Plenary: monitoring progress with the key features", "Plenary hall", "", None),  # noqa: E501 (one session a line reads as a timetable)
    (1, "11:00", "12:30", K.THEMATIC_FORUM, "Thematic forum: digital skills for all ages", "Room A", "", None),  # noqa: E501 (one session a line reads as a timetable)
    (1, "11:00", "12:30", K.REGIONAL_FORUM, "Regional forum: Africa and the Arab States", "Room B", "", None),  # noqa: E501 (one session a line reads as a timetable)
    (1, "14:00", "17:00", K.SITE_VISIT, "Site visit: a community learning centre", "", "Community learning centre, old town", 12),  # noqa: E501 (one session a line reads as a timetable)
    (1, "19:00", "21:30", K.CULTURAL, "Cultural evening", "", "Harbour promenade", None),
    (2, "09:00", "10:30", K.REGIONAL_FORUM, "Regional forum: Asia and the Pacific", "Room A", "", None),  # noqa: E501 (one session a line reads as a timetable)
    (2, "09:00", "10:30", K.REGIONAL_FORUM, "Regional forum: Europe, North America and Latin America", "Room B", "", None),  # noqa: E501 (one session a line reads as a timetable)
    (2, "11:00", "12:30", K.PLENARY, "Plenary: adopting the outcome document", "Plenary hall", "", None),  # noqa: E501 (one session a line reads as a timetable)
    (2, "12:30", "13:00", K.CLOSING, "Closing", "Plenary hall", "", None),
)  # fmt: skip


@dataclass
class DemoProgramme:
    """What ``ensure_demo_programme`` made (empty when everything was in place)."""

    sessions: list[ProgrammeSession] = field(default_factory=list)
    created: list[str] = field(default_factory=list)


def _moment(event: Event, day: int, clock: str) -> dt.datetime:
    hour, minute = (int(part) for part in clock.split(":"))
    date = event.starts_on + dt.timedelta(days=day)
    zone = zoneinfo.ZoneInfo(event.time_zone)
    return dt.datetime(date.year, date.month, date.day, hour, minute, tzinfo=zone)


@transaction.atomic
def ensure_demo_programme(event: Event, *, now: dt.datetime | None = None) -> DemoProgramme:
    """Add the demo programme's missing sessions to ``event``; return all of them and the new.

    Sessions fall on the event's days (a shorter event gets only its days'
    sessions). ``now`` is accepted for symmetry with the other demo builders;
    the programme does not depend on it.
    """
    now = now or timezone.now()
    result = DemoProgramme()
    days = (event.ends_on - event.starts_on).days + 1
    rooms = {room.name: room for room in Room.objects.filter(venue__event=event)}
    existing = {session.title: session for session in event.sessions.all()}
    for day, start, end, kind, title, room_name, place, capacity in PROGRAMME:
        if day >= days:
            continue
        session = existing.get(title)
        if session is None:
            session = create_session(
                event,
                actor=None,
                kind=kind,
                title=title,
                language="en",
                starts_at=_moment(event, day, start),
                ends_at=_moment(event, day, end),
                room=rooms.get(room_name),
                place=place,
                capacity=capacity,
            )
            result.created.append(title)
        result.sessions.append(session)
    return result
