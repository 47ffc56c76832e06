"""Reads of events: the public list and archive, an event's page, the secretariat's lists.

The award conferred at an event is ``Event.award_call``, an award call of
the calls app; its winners are the ``calls.AwardWin`` rows the release of
that call recorded (``calls.domain.release``: one per accepted nomination,
``call`` set to the award call), each with its city.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from learningcities.accounts.rules import is_secretariat
from learningcities.calls.models import AwardWin
from learningcities.common.languages import language_name

from ...enums import HOLDS_PLACE, EventKind, EventStatus
from ...models import Event, ParticipantCategory, Presentation


@dataclass
class PublicEvents:
    """The public list: events to come (soonest first), then past ones (newest first)."""

    upcoming: list[Event] = field(default_factory=list)
    past: list[Event] = field(default_factory=list)


def public_events() -> QuerySet[Event]:
    """Return every event a visitor may see (all but synthetic ones), with host city and country."""
    return Event.objects.filter(is_synthetic=False).select_related(
        "host_city__country", "host_country"
    )


def events_for_public_list(
    *, kind: str = "", year: int | None = None, today: dt.date | None = None
) -> PublicEvents:
    """Return the public events of ``kind`` and ``year`` (if given), split at ``today``.

    An event is upcoming until its last day has passed. One query.
    """
    today = today or timezone.localdate()
    events = public_events()
    if kind:
        events = events.filter(kind=kind)
    if year:
        events = events.filter(starts_on__year=year)
    found = PublicEvents()
    for event in events.order_by("-starts_on", "pk"):
        (found.upcoming if event.ends_on >= today else found.past).append(event)
    found.upcoming.reverse()
    return found


def public_event_years() -> list[int]:
    """Return the years in which public events start, newest first (one query)."""
    return [day.year for day in public_events().dates("starts_on", "year", order="DESC")]


def event_for_public(slug: str) -> Event | None:
    """Return the public event with the address name ``slug``, its host and award call, or None."""
    return (
        public_events().select_related("award_call", "presentation_call").filter(slug=slug).first()
    )


def proposals_phase(event: Event, *, now: dt.datetime | None = None) -> str:
    """Return where the call for presentations of ``event`` stands: upcoming, open or closed.

    Empty when the event has no call for presentations.
    """
    call = event.presentation_call
    if call is None:
        return ""
    now = now or timezone.now()
    if now < call.opens_at:
        return "upcoming"
    return "open" if now <= call.closes_at else "closed"


def award_winners(event: Event) -> list[AwardWin]:
    """Return the cities that won the award conferred at ``event``, by country and city.

    The winners of ``event.award_call`` (its released nominations): none
    when no award call is conferred there or it is not released yet.
    """
    if not event.award_call_id:
        return []
    return list(
        AwardWin.objects.filter(call_id=event.award_call_id)
        .select_related("city", "city__country")
        .order_by("city__country__name", "city__name")
    )


def categories_open_for_registration(
    event: Event, *, now: dt.datetime | None = None
) -> list[ParticipantCategory]:
    """Return the categories of ``event`` open for registration now, each with ``places_left``.

    Empty unless the event's registration is open; a category whose own
    deadline (else the event's) has passed is left out. ``places_left`` is
    None for a category without a limit.
    """
    if event.status != EventStatus.REGISTRATION_OPEN:
        return []
    now = now or timezone.now()
    if event.registration_closes_at and event.registration_closes_at <= now:
        return []
    categories = list(
        event.categories.filter(Q(closes_at__isnull=True) | Q(closes_at__gt=now))
        .select_related("questionnaire")
        .order_by("order", "pk")
    )
    for category in categories:
        category.places_left = (
            None if category.capacity is None else max(category.capacity - category.places_taken, 0)
        )
    return categories


def event_language_names(codes: list[str]) -> list[str]:
    """Return the names of the language ``codes`` in the viewer's language."""
    return [language_name(code) for code in codes]


def co_organiser_lines(event: Event) -> list[str]:
    """Return the event's co-organisers, one a line, without blank lines."""
    return [line.strip() for line in event.co_organisers.splitlines() if line.strip()]


# The secretariat's pages


def events_for_secretariat(*, kind: str = "", status: str = "") -> QuerySet[Event]:
    """Return every event for the secretariat, newest first, with its counts (one query).

    Each event carries ``category_count``.
    """
    events = Event.objects.select_related("host_city__country", "host_country").annotate(
        category_count=Count("categories", distinct=True),
    )
    if kind in EventKind.values:
        events = events.filter(kind=kind)
    if status in EventStatus.values:
        events = events.filter(status=status)
    return events.order_by("-starts_on", "pk")


def event_for_secretariat(slug: str) -> Event | None:
    """Return the event with the address name ``slug`` for the secretariat's pages, or None."""
    return (
        Event.objects.select_related("host_city__country", "host_country", "award_call")
        .filter(slug=slug)
        .first()
    )


def categories_for_secretariat(event: Event) -> list[ParticipantCategory]:
    """Return the categories of ``event`` with their form and registrations count (one query)."""
    return list(
        event.categories.select_related("questionnaire")
        .annotate(registration_count=Count("registrations"))
        .order_by("order", "pk")
    )


def venues_with_rooms(event: Event) -> list:
    """Return the venues of ``event`` with their rooms (two queries)."""
    return list(event.venues.prefetch_related("rooms").order_by("name", "pk"))


def secretariat_events_work(user, *, today: dt.date | None = None) -> dict | None:
    """The secretariat's part of "My work": events to come and their registration (one query).

    None for anyone but the secretariat.
    """
    if not is_secretariat(user):
        return None
    today = today or timezone.localdate()
    upcoming = list(
        Event.objects.filter(ends_on__gte=today, is_synthetic=False)
        .exclude(status=EventStatus.CANCELLED)
        .annotate(
            places_taken=Count("registrations", filter=Q(registrations__status__in=HOLDS_PLACE))
        )
        .order_by("starts_on", "pk")[:5]
        .values("slug", "title", "starts_on", "status", "places_taken")
    )
    labels = dict(EventStatus.choices)
    for row in upcoming:
        row["status_label"] = labels.get(row["status"], row["status"])
    return {"upcoming": upcoming}


# The cluster meetings a cluster's page lists (the newest first).
CLUSTER_EVENTS_LIMIT = 10


def cluster_events(cluster) -> dict | None:
    """Return the public cluster meetings hosted by the cluster's cities (one query), or None."""
    cities = cluster.memberships.filter(status="accepted").values("city_id")
    events = list(
        public_events()
        .filter(kind=EventKind.CLUSTER_MEETING, host_city__in=cities)
        .exclude(status=EventStatus.CANCELLED)
        .order_by("-starts_on", "pk")[:CLUSTER_EVENTS_LIMIT]
    )
    return {"events": events} if events else None


# The presentations a practice's page lists (the newest first).
PRACTICE_PRESENTATIONS_LIMIT = 10


def practice_presentations(practice) -> dict | None:
    """Return the presentations of ``practice`` on public schedules (one query), or None."""
    presentations = list(
        Presentation.objects.filter(
            practice=practice, session__isnull=False, event__is_synthetic=False
        )
        .exclude(event__status=EventStatus.CANCELLED)
        .select_related("event", "session", "city")
        .order_by("-session__starts_at", "pk")[:PRACTICE_PRESENTATIONS_LIMIT]
    )
    return {"presentations": presentations} if presentations else None
