"""The programme of an event: sessions, presentations and sign-ups for sessions with places.

A session with a ``capacity`` takes sign-ups. ``places_taken`` counts the
sign-ups that hold a place (signed up, or offered and not yet expired: see
``enums.SIGNUP_HOLDS_PLACE``); it is raised only by one conditional UPDATE
(``places_taken < capacity``), so concurrent sign-ups never oversell. A
person who finds the session full joins its waiting list (in the order of
``created_at``). A place given back is offered to the first person waiting,
who has ``event.offer_hours`` to take it; the offer holds the place.

Every function that moves the waiting list locks the session row first, so
two cancellations never offer one place twice and a sign-up never waits while
a place is free.
"""

import datetime as dt
import zoneinfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from learningcities.common.domain.activity import field_changes, record_activity
from learningcities.common.domain.outbox import queue_message_by_language
from learningcities.common.translated import shown
from learningcities.practices.enums import PracticeStatus

from ..enums import SIGNUP_HOLDS_PLACE, RegistrationStatus, SignupStatus
from ..models import Event, Presentation, ProgrammeSession, Registration, Room, SessionSignup
from .errors import EventError

OFFER_TEMPLATE = "events.signup.offered"
SESSION_FIELDS = (
    "kind",
    "title",
    "description",
    "language",
    "starts_at",
    "ends_at",
    "room",
    "place",
    "capacity",
)
# ``update_presentation`` leaves the session as it is unless given one (or None).
KEEP = object()
ACTIVE_SIGNUP = frozenset({SignupStatus.SIGNED_UP, SignupStatus.WAITING, SignupStatus.OFFERED})


# Sessions ---------------------------------------------------------------------


def _check_session(event: Event, values: dict, *, places_taken: int = 0) -> None:
    """Raise EventError when the times, the room or the capacity of a session are wrong."""
    starts_at, ends_at = values["starts_at"], values["ends_at"]
    if timezone.is_naive(starts_at) or timezone.is_naive(ends_at):
        raise EventError(_("A session's times must carry their time zone."))
    if ends_at <= starts_at:
        raise EventError(_("A session must end after it starts."))
    room: Room | None = values.get("room")
    if room is not None and room.venue.event_id != event.pk:
        raise EventError(_("The room must belong to a venue of this event."))
    capacity = values.get("capacity")
    if capacity is None and places_taken:
        raise EventError(
            _("People have signed up for this session: it must keep a number of places.")
        )
    if capacity is not None and capacity < places_taken:
        raise EventError(
            _("%(taken)s places are taken already: the session cannot have fewer places.")
            % {"taken": places_taken}
        )


def create_session(event: Event, *, actor, **values) -> ProgrammeSession:
    """Add a session to the programme of ``event``; record ``events.session.create``.

    ``values`` are fields of ProgrammeSession (``SESSION_FIELDS``). Raises
    EventError for naive times, an end before the start, or a room of another
    event.
    """
    unknown = set(values) - set(SESSION_FIELDS)
    if unknown:
        raise TypeError(f"Unknown session fields: {sorted(unknown)}")
    _check_session(event, values)
    with transaction.atomic():
        session = ProgrammeSession.objects.create(event=event, **values)
        record_activity(
            "events.session.create",
            actor=actor,
            subject=session,
            changes=field_changes(session, ["title", "kind", "starts_at", "capacity"]),
        )
    return session


def update_session(session: ProgrammeSession, *, actor, **values) -> ProgrammeSession:
    """Change fields of ``session``; record ``events.session.update``.

    The same checks as ``create_session``; the capacity may not drop below the
    places taken. Places added while people wait are offered to them at once
    (mail included).
    """
    unknown = set(values) - set(SESSION_FIELDS)
    if unknown:
        raise TypeError(f"Unknown session fields: {sorted(unknown)}")
    with transaction.atomic():
        locked = ProgrammeSession.objects.select_for_update().get(pk=session.pk)
        merged = {field: getattr(locked, field) for field in SESSION_FIELDS} | values
        _check_session(locked.event, merged, places_taken=locked.places_taken)
        before = {field: getattr(locked, field) for field in values}
        for field, value in values.items():
            setattr(locked, field, value)
        locked.save(update_fields=[*values])
        record_activity(
            "events.session.update",
            actor=actor,
            subject=locked,
            changes=field_changes(locked, list(values), before),
        )
        _offer_free_places(locked, now=timezone.now())
    return locked


def delete_session(session: ProgrammeSession, *, actor) -> None:
    """Remove ``session`` with its sign-ups; record ``events.session.delete``.

    Its presentations stay, not placed (``Presentation.session`` None): an
    accepted proposal is not lost with the session it was placed in.
    """
    with transaction.atomic():
        record_activity(
            "events.session.delete",
            actor=actor,
            subject=session.event,
            changes={"session": [session.title, None]},
        )
        session.delete()


# Presentations ----------------------------------------------------------------


def _check_speakers(speakers) -> list:
    speakers = list(speakers)
    if any(getattr(person, "pk", None) is None for person in speakers):
        raise EventError(_("Speakers must be people of the platform."))
    return speakers


def create_presentation(
    session: ProgrammeSession,
    *,
    actor,
    title: str,
    city=None,
    speakers=(),
    order: int = 0,
    practice=None,
) -> Presentation:
    """Add a presentation (its city, its speakers, its practice) to ``session``; record it."""
    return add_presentation(
        session.event,
        session=session,
        actor=actor,
        title=title,
        city=city,
        speakers=speakers,
        order=order,
        practice=practice,
    )


def _check_practice(practice) -> None:
    """A presentation links only a practice everyone can read (a published one)."""
    if practice is not None and practice.status != PracticeStatus.PUBLISHED:
        raise EventError(_("Only a practice published in the library can be linked."))


def add_presentation(
    event: Event,
    *,
    session: ProgrammeSession | None,
    actor,
    title: str,
    city=None,
    speakers=(),
    order: int = 0,
    submission=None,
    practice=None,
) -> Presentation:
    """Add a presentation to ``event``, in ``session`` or not placed yet (None).

    ``submission``: the accepted proposal it comes from (``domain.proposals``).
    Effects: activity ``events.presentation.create``.
    """
    if not title.strip():
        raise EventError(_("A presentation needs a title."))
    speakers = _check_speakers(speakers)
    _check_practice(practice)
    with transaction.atomic():
        presentation = Presentation.objects.create(
            event=event,
            session=session,
            title=title.strip(),
            city=city,
            order=order,
            submission=submission,
            practice=practice,
        )
        presentation.speakers.set(speakers)
        changes = {
            "title": [None, presentation.title],
            "speakers": [None, sorted(p.pk for p in speakers)],
        }
        if submission is not None:
            changes["proposal"] = [None, submission.pk]
        record_activity(
            "events.presentation.create", actor=actor, subject=presentation, changes=changes
        )
    return presentation


def update_presentation(
    presentation: Presentation,
    *,
    actor,
    title: str,
    city=None,
    speakers=(),
    order: int = 0,
    session=KEEP,
    practice=None,
) -> Presentation:
    """Change the title, city, speakers, order and session of ``presentation``; record it.

    ``session``: a session of the presentation's event, None to take it out of
    its session (not placed), or left out to keep it where it is.
    """
    if not title.strip():
        raise EventError(_("A presentation needs a title."))
    speakers = _check_speakers(speakers)
    _check_practice(practice)
    if session is KEEP:
        session = presentation.session
    elif session is not None and session.event_id != presentation.event_id:
        raise EventError(_("The session belongs to another event."))
    fields = ["title", "city", "order", "session", "practice"]
    with transaction.atomic():
        before = {field: getattr(presentation, field) for field in fields}
        old_speakers = sorted(presentation.speakers.values_list("pk", flat=True))
        presentation.title, presentation.city, presentation.order = title.strip(), city, order
        presentation.session, presentation.practice = session, practice
        presentation.save(update_fields=fields)
        presentation.speakers.set(speakers)
        changes = field_changes(presentation, fields, before)
        changes["speakers"] = [old_speakers, sorted(p.pk for p in speakers)]
        record_activity(
            "events.presentation.update", actor=actor, subject=presentation, changes=changes
        )
    return presentation


def delete_presentation(presentation: Presentation, *, actor) -> None:
    """Remove ``presentation`` from the programme; record ``events.presentation.delete``."""
    with transaction.atomic():
        record_activity(
            "events.presentation.delete",
            actor=actor,
            subject=presentation.session or presentation.event,
            changes={"presentation": [presentation.title, None]},
        )
        presentation.delete()


# Sign-ups ---------------------------------------------------------------------


def _check_can_sign_up(session: ProgrammeSession, registration: Registration) -> None:
    if session.capacity is None:
        raise EventError(_("This session needs no sign-up: everyone may come."))
    if registration.event_id != session.event_id:
        raise EventError(_("The registration is for another event."))
    if registration.status != RegistrationStatus.CONFIRMED:
        raise EventError(_("Only confirmed participants may sign up for sessions."))


def _take_place(session: ProgrammeSession) -> bool:
    """Take one place of ``session`` if one is free (one conditional UPDATE); return whether."""
    return bool(
        ProgrammeSession.objects.filter(
            pk=session.pk, capacity__isnull=False, places_taken__lt=F("capacity")
        ).update(places_taken=F("places_taken") + 1)
    )


def _free_place(session: ProgrammeSession) -> None:
    ProgrammeSession.objects.filter(pk=session.pk, places_taken__gt=0).update(
        places_taken=F("places_taken") - 1
    )


def _claim_signup_row(
    session: ProgrammeSession, registration: Registration, now: dt.datetime
) -> SessionSignup:
    """Return the registration's sign-up row for ``session``, new or a cancelled one reused.

    Raises EventError when the person is signed up, waiting or offered already
    (also when a concurrent request of theirs got there first).
    """
    try:
        with transaction.atomic():
            return SessionSignup.objects.create(
                session=session,
                registration=registration,
                status=SignupStatus.WAITING,
                created_at=now,
            )
    except IntegrityError:
        pass
    signup = SessionSignup.objects.select_for_update().get(
        session=session, registration=registration
    )
    if signup.status in ACTIVE_SIGNUP:
        raise EventError(_("You are signed up for this session already, or on its waiting list."))
    signup.created_at = now
    signup.offer_expires_at = None
    return signup


def sign_up(
    session: ProgrammeSession, registration: Registration, *, actor, now: dt.datetime | None = None
) -> SessionSignup:
    """Sign ``registration`` up for ``session``: a place if one is free, else the waiting list.

    Effects: a SessionSignup *signed up* (``places_taken`` + 1, by a conditional
    UPDATE that never oversells) or *waiting* (its turn by ``created_at``);
    records ``events.signup.status``. Raises EventError for a session without
    capacity, a registration of another event or not confirmed, and a second
    sign-up of the same person.
    """
    now = now or timezone.now()
    _check_can_sign_up(session, registration)
    with transaction.atomic():
        signup = _claim_signup_row(session, registration, now)
        taken = _take_place(session)
        if not taken:
            # Full: wait for any cancellation in progress (it locks the session)
            # and try once more, so nobody waits while a place is free.
            ProgrammeSession.objects.select_for_update().filter(pk=session.pk).first()
            taken = _take_place(session)
        signup.status = SignupStatus.SIGNED_UP if taken else SignupStatus.WAITING
        signup.save(update_fields=["status", "created_at", "offer_expires_at"])
        _record(signup, actor, None)
    return signup


def _record(signup: SessionSignup, actor, before: str | None) -> None:
    record_activity(
        "events.signup.status",
        actor=actor,
        subject=signup,
        changes={"status": [before, signup.status], "session": [None, signup.session_id]},
    )


def _lock(signup: SessionSignup) -> tuple[ProgrammeSession, SessionSignup]:
    """Lock the session of ``signup``, then return it with the sign-up as it is now."""
    session = ProgrammeSession.objects.select_for_update().get(pk=signup.session_id)
    return session, SessionSignup.objects.select_related("registration").get(pk=signup.pk)


def cancel_signup(signup: SessionSignup, *, actor, now: dt.datetime | None = None) -> SessionSignup:
    """Give up a place, an offer or a place on the waiting list.

    Effects: the sign-up becomes *cancelled*; a place it held goes to the first
    person waiting (an offer, with its mail) or is freed; records
    ``events.signup.status``. Raises EventError when it is not active.
    """
    now = now or timezone.now()
    with transaction.atomic():
        session, signup = _lock(signup)
        if signup.status not in ACTIVE_SIGNUP:
            raise EventError(_("This sign-up is not active."))
        before = signup.status
        signup.status = SignupStatus.CANCELLED
        signup.offer_expires_at = None
        signup.save(update_fields=["status", "offer_expires_at"])
        _record(signup, actor, before)
        if before in SIGNUP_HOLDS_PLACE:
            _pass_place_on(session, now=now)
    return signup


def decline_offer(signup: SessionSignup, *, actor, now: dt.datetime | None = None) -> SessionSignup:
    """Refuse an offered place: the sign-up is cancelled and the place offered to the next."""
    if signup.status != SignupStatus.OFFERED:
        raise EventError(_("No place is offered to you in this session."))
    return cancel_signup(signup, actor=actor, now=now)


def accept_offer(signup: SessionSignup, *, actor, now: dt.datetime | None = None) -> SessionSignup:
    """Take an offered place: *offered* becomes *signed up* (the place was held already).

    Records ``events.signup.status``. Raises EventError when nothing is offered
    or when the offer has expired.
    """
    now = now or timezone.now()
    with transaction.atomic():
        _session, signup = _lock(signup)
        if signup.status != SignupStatus.OFFERED:
            raise EventError(_("No place is offered to you in this session."))
        if signup.offer_expires_at is not None and signup.offer_expires_at <= now:
            raise EventError(_("The offer has expired."))
        signup.status = SignupStatus.SIGNED_UP
        signup.offer_expires_at = None
        signup.save(update_fields=["status", "offer_expires_at"])
        _record(signup, actor, SignupStatus.OFFERED)
    return signup


def expire_signup_offers(*, now: dt.datetime | None = None) -> int:
    """Expire the offers not taken in time; return how many expired.

    Each expired offer's place goes to the next person waiting (a new offer and
    its mail), or is freed. Meant for a periodic task; safe to run twice.
    """
    now = now or timezone.now()
    due = SessionSignup.objects.filter(status=SignupStatus.OFFERED, offer_expires_at__lte=now)
    expired = 0
    for signup in due.only("pk", "session_id").order_by("offer_expires_at", "pk"):
        with transaction.atomic():
            session, signup = _lock(signup)
            if signup.status != SignupStatus.OFFERED or signup.offer_expires_at > now:
                continue
            signup.status = SignupStatus.EXPIRED
            signup.save(update_fields=["status"])
            _record(signup, None, SignupStatus.OFFERED)
            _pass_place_on(session, now=now)
            expired += 1
    return expired


def _pass_place_on(session: ProgrammeSession, *, now: dt.datetime) -> SessionSignup | None:
    """Offer a place given back to the first person waiting, or free it; the session is locked."""
    waiting = _first_waiting(session)
    if waiting is None:
        _free_place(session)
        return None
    _offer(waiting, now=now)
    return waiting


def _first_waiting(session: ProgrammeSession) -> SessionSignup | None:
    return (
        SessionSignup.objects.filter(session=session, status=SignupStatus.WAITING)
        .select_related("registration")
        .order_by("created_at", "pk")
        .first()
    )


def _offer_free_places(session: ProgrammeSession, *, now: dt.datetime) -> int:
    """Offer the free places of the (locked) ``session`` to the people waiting; return how many."""
    offered = 0
    while (waiting := _first_waiting(session)) is not None and _take_place(session):
        _offer(waiting, now=now)
        offered += 1
    return offered


def _offer(signup: SessionSignup, *, now: dt.datetime) -> None:
    """Offer the place (already held for it) to a waiting ``signup``; queue the mail."""
    event = signup.session.event
    signup.status = SignupStatus.OFFERED
    signup.offer_expires_at = now + dt.timedelta(hours=event.offer_hours)
    signup.save(update_fields=["status", "offer_expires_at"])
    _record(signup, None, SignupStatus.WAITING)
    _queue_offer_mail(signup, event)


def in_event_zone(moment: dt.datetime, event: Event) -> str:
    """Return ``moment`` as ``YYYY-MM-DD HH:MM Zone/Name`` in the event's time zone."""
    local = moment.astimezone(zoneinfo.ZoneInfo(event.time_zone))
    return f"{local:%Y-%m-%d %H:%M} {event.time_zone}"


def _queue_offer_mail(signup: SessionSignup, event: Event) -> None:
    registration, session = signup.registration, signup.session
    queue_message_by_language(
        OFFER_TEMPLATE,
        recipients=[(registration.email, registration.language)],
        context=lambda: {
            "name": registration.name,
            "event": str(shown(event, "title")),
            "session": str(shown(session, "title")),
            "starts": in_event_zone(session.starts_at, event),
            "expires": in_event_zone(signup.offer_expires_at, event),
            "link": settings.LC_SITE_URL + reverse("events:agenda", kwargs={"slug": event.slug}),
        },
        language=registration.language,
        related_object=signup,
    )
