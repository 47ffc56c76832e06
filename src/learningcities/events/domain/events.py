"""Events themselves: creating and editing them, their status, venues, rooms and categories.

Every change of an event's status goes through ``move_event``, which asks
``event_machine`` (the table ``enums.EVENT_TRANSITIONS``) whether the move is
allowed and who may make it, runs the guards registered for the target
status, saves, records the activity and runs the effects registered for it.
Another app (or another module of this one: registrations, the desk) adds
its rules with ``event_machine.register_guard`` / ``register_effect`` from
``AppConfig.ready``.

Venues, rooms and participant categories are recorded in the event's
activity (``events.event.update``) with the object they concern named in
the changes.
"""

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from learningcities.accounts.rules import is_secretariat
from learningcities.common.domain.activity import field_changes, record_activity
from learningcities.common.domain.statemachine import StateMachine
from learningcities.common.languages import language_codes

from ..enums import EVENT_ACTORS, EVENT_TRANSITIONS, EventStatus
from ..models import Event, ParticipantCategory, Room, Venue
from .errors import EventError
from .notices import notify_event_changed

event_machine = StateMachine("events.event", transitions=EVENT_TRANSITIONS, actors=EVENT_ACTORS)

# The fields of an event the secretariat sets (``organisers`` apart: many-to-many).
EVENT_FIELDS = (
    "kind",
    "slug",
    "title",
    "edition",
    "theme",
    "description",
    "language",
    "host_city",
    "host_country",
    "co_organisers",
    "starts_on",
    "ends_on",
    "time_zone",
    "attendance",
    "online_url",
    "languages",
    "interpretation",
    "registration_closes_at",
    "places_per_city",
    "places_per_country",
    "offer_hours",
    "retention_until",
    "award_call",
    "presentation_call",
    "reported_participants",
    "reported_countries",
    "source",
    "is_synthetic",
)
VENUE_FIELDS = ("name", "address")
ROOM_FIELDS = ("name", "capacity")
CATEGORY_FIELDS = (
    "kind",
    "name",
    "description",
    "language",
    "questionnaire",
    "capacity",
    "closes_at",
    "approval",
    "counts_in_quotas",
    "is_open_to_public",
    "list_is_public",
    "order",
)
# The statuses an event may be created in: planned, or held for the record of a
# past event (one held before the platform, with its figures as reported).
CREATION_STATUSES = frozenset({EventStatus.PLANNED, EventStatus.HELD})
# Address names the pages of events use themselves (new/, registrations/, delegations/,
# letters/ under /events/ or /workspace/events/): no event may take one.
# What the people holding a place at an event are told of when it changes.
PARTICIPANTS_TOLD = ("starts_on", "ends_on", "time_zone", "host_city", "attendance", "online_url")

# Fixed addresses under /events/ that an event's own address would shadow.
RESERVED_SLUGS = frozenset({"new", "registrations", "delegations", "letters", "outcomes", "manage"})


def _check_fields(fields: dict, allowed: tuple[str, ...]) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")


def _check_event(event: Event) -> None:
    """Refuse an event whose dates, time zone, languages, slug or award do not hold together.

    Fills in the host country from the host city when it is missing.
    """
    _check_dates(event)
    _check_languages(event)
    _check_links(event)
    if event.host_city_id and not event.host_country_id:
        event.host_country_id = event.host_city.country_id


def _check_dates(event: Event) -> None:
    if event.starts_on and event.ends_on and event.ends_on < event.starts_on:
        raise EventError(_("The last day comes before the first day."), code="dates")
    try:
        zoneinfo.ZoneInfo(event.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise EventError(_("Unknown time zone."), code="time_zone") from None
    if event.registration_closes_at and timezone.is_naive(event.registration_closes_at):
        raise ValueError("registration_closes_at must be an aware datetime")


def _check_languages(event: Event) -> None:
    known = set(language_codes())
    if not set(event.languages) | set(event.interpretation) <= known:
        raise EventError(_("Unknown language code."), code="language")


def _check_links(event: Event) -> None:
    if event.award_call_id and event.award_call.kind != "award":
        raise EventError(_("Only an award call can be conferred at an event."), code="award")
    if event.presentation_call_id:
        if event.presentation_call.kind != "presentations":
            raise EventError(
                _("Only a call for presentations can bring proposals to an event."),
                code="presentation_call",
            )
        taken = Event.objects.filter(presentation_call_id=event.presentation_call_id)
        if taken.exclude(pk=event.pk).exists():
            raise EventError(
                _("This call for presentations belongs to another event."),
                code="presentation_call",
            )
    same_slug = Event.objects.filter(slug=event.slug).exclude(pk=event.pk)
    if event.slug in RESERVED_SLUGS or same_slug.exists():
        raise EventError(_("Another event has this address name."), code="slug")


def _save(obj, fields=None) -> None:
    try:
        with transaction.atomic():
            obj.save(update_fields=fields) if fields else obj.save()
    except IntegrityError:
        raise EventError(_("This change conflicts with another record."), code="conflict") from None


@transaction.atomic
def create_event(*, actor, organisers=(), status: str = EventStatus.PLANNED, **fields) -> Event:
    """Create an event (planned, or held for a past event) with its host organisers.

    ``fields`` are fields of ``Event`` (``EVENT_FIELDS``). The host country
    defaults to the host city's. Effects: the event; activity
    ``events.event.create``. Raises EventError naming the problem (dates,
    time zone, languages, address name taken, a call that is no award).
    """
    _check_fields(fields, EVENT_FIELDS)
    if status not in CREATION_STATUSES:
        raise EventError(_("A new event is planned (or held, for a past event)."), code="status")
    event = Event(status=status, **fields)
    _check_event(event)
    _save(event)
    event.organisers.set(organisers)
    record_activity(
        "events.event.create",
        actor=actor,
        subject=event,
        changes=field_changes(event, ("status", *fields)),
    )
    return event


@transaction.atomic
def update_event(event: Event, *, actor, organisers=None, **fields) -> list[str]:
    """Change the given fields of ``event`` (and its organisers if given); return what changed.

    Effects: the event saved with the changed fields only; activity
    ``events.event.update`` when anything changed; the people holding a
    place are told when its dates, time zone, host city, attendance or online
    access changed (``notices.notify_event_changed``). Raises EventError as
    ``create_event`` does.
    """
    _check_fields(fields, EVENT_FIELDS)
    names = [*fields, *([] if "host_country" in fields else ["host_country"])]
    before = {field: getattr(event, field) for field in names}
    _apply_checked(event, fields, before)
    changed = [field for field in before if getattr(event, field) != before[field]]
    with transaction.atomic():
        if changed:
            _save(event, [*changed, "updated_at"])
        changes = field_changes(event, changed, before)
        if organisers is not None:
            changes.update(_set_organisers(event, organisers))
        if changes:
            record_activity("events.event.update", actor=actor, subject=event, changes=changes)
        notify_event_changed(event, what=[f for f in changed if f in PARTICIPANTS_TOLD])
    return list(changes)


def _apply_checked(event: Event, fields: dict, before: dict) -> None:
    """Set ``fields`` on ``event`` and check it; on a refusal, put back the ``before`` values."""
    for field, value in fields.items():
        setattr(event, field, value)
    try:
        _check_event(event)
    except EventError:
        for field, value in before.items():
            setattr(event, field, value)
        raise


def _set_organisers(event: Event, organisers) -> dict:
    """Set the event's host organisers; return ``{"organisers": [old, new]}`` if they changed."""
    old = sorted(event.organisers.values_list("pk", flat=True))
    new = sorted(organisation.pk for organisation in organisers)
    if old == new:
        return {}
    event.organisers.set(organisers)
    return {"organisers": [old, new]}


@dataclass(frozen=True)
class EventMove:
    """What guards and effects of the event machine receive."""

    event: Event
    from_state: str
    to_state: str
    actor: object
    at: dt.datetime


def _actor_role(actor) -> str | None:
    # A command run by the operator (actor None) acts for the secretariat.
    if actor is None or is_secretariat(actor):
        return "secretariat"
    return None


@transaction.atomic
def move_event(event: Event, to_status: str, *, actor, now: dt.datetime | None = None) -> Event:
    """Move ``event`` to ``to_status``: the one function that changes an event's status.

    Locks the event, checks the table (``EVENT_TRANSITIONS``) and who may
    move it (the secretariat, or a command), runs the guards registered for
    ``to_status`` (this module's: registration opens only with a category;
    an event is held only from its first day), saves the status, records
    ``events.event.status`` and runs the effects registered for it.
    Returns the event with its new status. Raises EventError when refused.
    """
    locked = Event.objects.select_for_update().get(pk=event.pk)
    if to_status not in EventStatus.values or not event_machine.allows(locked.status, to_status):
        raise EventError(
            _("An event cannot move from “%(from)s” to “%(to)s”.")
            % {"from": locked.get_status_display(), "to": _status_label(to_status)},
            code="transition",
        )
    if _actor_role(actor) not in event_machine.actors_for(to_status):
        raise EventError(_("Only the secretariat changes an event's status."), code="forbidden")
    move = EventMove(locked, locked.status, to_status, actor, now or timezone.now())
    event_machine.check(move)
    locked.status = to_status
    locked.save(update_fields=["status", "updated_at"])
    record_activity(
        "events.event.status",
        actor=actor,
        subject=locked,
        changes={"status": [move.from_state, to_status]},
    )
    event_machine.run_effects(move)
    event.status, event.updated_at = locked.status, locked.updated_at
    return event


def _status_label(status: str) -> str:
    return str(EventStatus(status).label) if status in EventStatus.values else status


def _needs_a_category(move: EventMove) -> None:
    if not move.event.categories.exists():
        raise EventError(
            _("Add a participant category before opening registration."), code="no_category"
        )


def _held_from_first_day(move: EventMove) -> None:
    first_day = move.event.starts_on
    today = move.at.astimezone(zoneinfo.ZoneInfo(move.event.time_zone)).date()
    if today < first_day:
        raise EventError(_("An event is held only from its first day."), code="too_early")


event_machine.register_guard(EventStatus.REGISTRATION_OPEN, _needs_a_category)
event_machine.register_guard(EventStatus.HELD, _held_from_first_day)


def registration_has_opened(event: Event) -> bool:
    """Tell whether registration for ``event`` has opened at least once (or it is over)."""
    return event.status != EventStatus.PLANNED


# Venues and rooms


def _record_part(event: Event, *, actor, part: str, old, new) -> None:
    record_activity("events.event.update", actor=actor, subject=event, changes={part: [old, new]})


@transaction.atomic
def add_venue(event: Event, *, actor, name: str, address: str = "") -> Venue:
    """Add a venue to ``event``. Effects: the venue; activity ``events.event.update``."""
    venue = Venue.objects.create(event=event, name=name, address=address)
    _record_part(event, actor=actor, part="venue", old=None, new=name)
    return venue


@transaction.atomic
def update_venue(venue: Venue, *, actor, **fields) -> list[str]:
    """Change the given fields of ``venue``; return what changed (recorded on its event)."""
    return _update_part(
        venue, venue.event, actor=actor, part="venue", allowed=VENUE_FIELDS, **fields
    )


@transaction.atomic
def delete_venue(venue: Venue, *, actor) -> None:
    """Delete ``venue`` and its rooms; refused while a programme session uses one of its rooms."""
    if venue.rooms.filter(sessions__isnull=False).exists():
        raise EventError(_("A programme session takes place in this venue."), code="in_use")
    event, name = venue.event, venue.name
    venue.delete()
    _record_part(event, actor=actor, part="venue", old=name, new=None)


@transaction.atomic
def add_room(venue: Venue, *, actor, name: str, capacity: int | None = None) -> Room:
    """Add a room to ``venue``. Effects: the room; activity ``events.event.update``."""
    room = Room.objects.create(venue=venue, name=name, capacity=capacity)
    _record_part(venue.event, actor=actor, part="room", old=None, new=str(room))
    return room


@transaction.atomic
def update_room(room: Room, *, actor, **fields) -> list[str]:
    """Change the given fields of ``room``; return what changed (recorded on its event)."""
    event = room.venue.event
    return _update_part(room, event, actor=actor, part="room", allowed=ROOM_FIELDS, **fields)


@transaction.atomic
def delete_room(room: Room, *, actor) -> None:
    """Delete ``room``; refused while a programme session takes place in it."""
    if room.sessions.exists():
        raise EventError(_("A programme session takes place in this room."), code="in_use")
    event, label = room.venue.event, str(room)
    room.delete()
    _record_part(event, actor=actor, part="room", old=label, new=None)


def _update_part(obj, event: Event, *, actor, part: str, allowed, **fields) -> list[str]:
    _check_fields(fields, allowed)
    before = {field: getattr(obj, field) for field in fields}
    changed = [field for field, value in fields.items() if before[field] != value]
    if not changed:
        return []
    for field in changed:
        setattr(obj, field, fields[field])
    _save(obj, changed)
    changes = {
        f"{part}.{field}": pair for field, pair in field_changes(obj, changed, before).items()
    }
    record_activity("events.event.update", actor=actor, subject=event, changes=changes)
    return changed


# Participant categories


def _check_category(category: ParticipantCategory, fields: dict) -> None:
    """Refuse places fewer than those taken, or a second category of one kind."""
    capacity = fields.get("capacity", category.capacity)
    taken = 0
    if category.pk:
        taken = ParticipantCategory.objects.values_list("places_taken", flat=True).get(
            pk=category.pk
        )
    if capacity is not None and capacity < taken:
        raise EventError(
            _("The places cannot be fewer than the places already taken (%(taken)s).")
            % {"taken": taken},
            code="capacity",
        )
    kind = fields.get("kind", category.kind)
    same_kind = ParticipantCategory.objects.filter(event_id=category.event_id, kind=kind)
    if same_kind.exclude(pk=category.pk).exists():
        raise EventError(_("The event already has a category of this kind."), code="kind")


def _refuse_list_change(category: ParticipantCategory) -> None:
    raise EventError(
        _("Whether participants are listed publicly is fixed before registration opens."),
        code="list_is_public",
    )


@transaction.atomic
def create_category(event: Event, *, actor, **fields) -> ParticipantCategory:
    """Add a participant category to ``event`` (one per kind).

    Effects: the category; activity ``events.event.update``. Raises EventError
    for a second category of a kind, or a public list once registration opened.
    """
    _check_fields(fields, CATEGORY_FIELDS)
    category = ParticipantCategory(event=event, **fields)
    if category.list_is_public and registration_has_opened(event):
        _refuse_list_change(category)
    _check_category(category, {})
    _save(category)
    _record_part(event, actor=actor, part="category", old=None, new=category.name)
    return category


@transaction.atomic
def update_category(category: ParticipantCategory, *, actor, **fields) -> list[str]:
    """Change the given fields of ``category``; return what changed.

    Refused (EventError): a change of ``list_is_public`` once registration
    has opened (participants consented to it when they registered); places
    fewer than those taken; a kind the event already has. Effects: the
    category; activity ``events.event.update``.
    """
    _check_fields(fields, CATEGORY_FIELDS)
    if (
        "list_is_public" in fields
        and fields["list_is_public"] != category.list_is_public
        and (registration_has_opened(category.event) or category.registrations.exists())
    ):
        _refuse_list_change(category)
    _check_category(category, fields)
    return _update_part(
        category, category.event, actor=actor, part="category", allowed=CATEGORY_FIELDS, **fields
    )


@transaction.atomic
def delete_category(category: ParticipantCategory, *, actor) -> None:
    """Delete ``category``; refused once anyone registered in it (even cancelled)."""
    if category.registrations.exists():
        raise EventError(
            _("People have registered in this category: it cannot be deleted."),
            code="has_registrations",
        )
    event, name = category.event, category.name
    category.delete()
    _record_part(event, actor=actor, part="category", old=name, new=None)
