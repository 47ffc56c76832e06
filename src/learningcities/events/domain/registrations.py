"""Registrations: who comes to an event, in which category, holding which place.

``register_participant`` makes a registration; ``move_registration`` is the
one function that changes its state afterwards (the table is
``enums.REGISTRATION_TRANSITIONS``; who may make each move,
``enums.REGISTRATION_ACTORS``). Places (``domain.places``): a registration
that is pending, confirmed or offered holds one place of its category and,
if the category counts in quotas, one of its city's and one of its
country's; when it lets go of it (declined, cancelled, an offer expired) the
place is offered, in the same transaction, to the first on the category's
waiting list whose city and country still have room.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from learningcities.common.domain.activity import record_activity
from learningcities.common.domain.statemachine import StateMachine

from ..enums import (
    HOLDS_PLACE,
    OPEN_REGISTRATION,
    REGISTRATION_ACTORS,
    REGISTRATION_TRANSITIONS,
    Approval,
    DelegationKind,
    EventStatus,
)
from ..enums import RegistrationStatus as R
from ..models import Delegation, Event, ParticipantCategory, Registration, RegistrationAnswer
from . import places
from .checkin import new_badge_code
from .errors import EventError
from .notices import notify_registration

registration_machine = StateMachine(
    "events.registration", transitions=REGISTRATION_TRANSITIONS, actors=REGISTRATION_ACTORS
)

# The roles a move is made in (REGISTRATION_ACTORS): the participant or the
# head of their delegation, the approvers, and the system (offers, expiry).
PARTICIPANT, HEAD, SECRETARIAT, ENDORSER, SYSTEM = (
    "participant",
    "head",
    "secretariat",
    "endorser",
    "system",
)


@dataclass
class Participant:
    """What a registration records of a person: what the event needs, no more."""

    name: str
    email: str
    country: Any
    city: Any = None
    city_name: str = ""
    job_title: str = ""
    organisation_name: str = ""
    language: str = "en"
    user: Any = None
    needs_visa_letter: bool = False
    nationality: Any = None
    passport_number: str = ""

    def fields(self) -> dict:
        return {
            "name": self.name.strip(),
            "email": self.email.strip().lower(),
            "country": self.country,
            "city": self.city,
            "city_name": "" if self.city else self.city_name.strip(),
            "job_title": self.job_title.strip(),
            "organisation_name": self.organisation_name.strip(),
            "language": self.language,
            "user": self.user,
            "needs_visa_letter": self.needs_visa_letter,
            "nationality": self.nationality if self.needs_visa_letter else None,
            "passport_number": self.passport_number.strip() if self.needs_visa_letter else "",
        }


@dataclass
class RegistrationMove:
    """One move of a registration, as guards and effects of ``registration_machine`` see it."""

    registration: Registration
    from_state: str
    to_state: str
    actor: Any
    role: str
    now: dt.datetime
    reason: str = ""
    hand_over: bool = False  # a substitution: the place passes to the substitute
    offered: list = field(default_factory=list)


# --- deadlines ---------------------------------------------------------------------------


def registration_closes_at(category: ParticipantCategory) -> dt.datetime | None:
    """Return when registration in ``category`` closes (its own deadline, else the event's)."""
    return category.closes_at or category.event.registration_closes_at


def check_registration_open(category: ParticipantCategory, now: dt.datetime) -> None:
    """Raise EventError unless people may register in ``category`` now."""
    event = category.event
    if event.status != EventStatus.REGISTRATION_OPEN:
        raise EventError(
            _("Registration for %(event)s is not open.") % {"event": event.title},
            code="registration_closed",
        )
    closes = registration_closes_at(category)
    if closes is not None and now >= closes:
        raise EventError(
            _("Registration as %(category)s closed on %(date)s.")
            % {"category": category.name, "date": _in_event_zone(closes, event)},
            code="registration_closed",
        )


def _in_event_zone(moment: dt.datetime, event: Event) -> str:
    return date_format(moment.astimezone(ZoneInfo(event.time_zone)), "DATETIME_FORMAT")


# --- registering -------------------------------------------------------------------------


def _check_delegation(delegation: Delegation | None, event: Event, participant: Participant):
    if delegation is None:
        return
    if delegation.event_id != event.pk:
        raise EventError(_("This delegation belongs to another event."), code="wrong_event")
    if participant.country != delegation.country:
        raise EventError(
            _("A delegate of %(delegation)s comes from %(country)s.")
            % {"delegation": delegation, "country": delegation.country},
            code="wrong_country",
        )
    if delegation.kind == DelegationKind.CITY and participant.city != delegation.city:
        raise EventError(
            _("A delegate of %(city)s comes from that city.") % {"city": delegation.city.name},
            code="wrong_city",
        )


def _check_not_registered(event: Event, email: str) -> None:
    taken = Registration.objects.filter(
        event=event, email__iexact=email, status__in=OPEN_REGISTRATION
    ).first()
    if taken is not None:
        raise EventError(
            _("%(email)s is already registered for this event (%(status)s).")
            % {"email": email, "status": taken.get_status_display()},
            code="already_registered",
        )


def _first_state(category: ParticipantCategory, fields: dict) -> str:
    """Take the places of a new registration; return the state it starts in.

    Quotas first: a city or country without room is refused outright (its
    own people would be the ones to give a place back); a full category, or
    one with people already waiting, puts the person on the waiting list.
    """
    event = category.event
    if category.counts_in_quotas:
        places.take_quota_places(event, city=fields["city"], country=fields["country"])
    waiting = category.registrations.filter(status=R.WAITING).exists()
    if not waiting and places.take_category_place(category):
        return R.CONFIRMED if category.approval == Approval.AUTOMATIC else R.PENDING
    if category.counts_in_quotas:
        places.give_back_quota_places(event, city=fields["city"], country=fields["country"])
    return R.WAITING


def save_answers(registration: Registration, answers) -> None:
    """Store ``answers`` (``(criterion, value)`` pairs from the questionnaire engine)."""
    from learningcities.questionnaires.answers import answer_kind

    for criterion, value in answers:
        RegistrationAnswer.objects.update_or_create(
            registration=registration,
            criterion=criterion,
            defaults=answer_kind(criterion).to_fields(criterion, value),
        )


def register_participant(
    category: ParticipantCategory,
    *,
    participant: Participant,
    actor,
    delegation: Delegation | None = None,
    answers=(),
    now: dt.datetime | None = None,
) -> Registration:
    """Register ``participant`` in ``category``; return the registration.

    Effects: places taken (or the waiting list joined), the form's answers
    stored, an activity log entry, and a mail to the participant (and the
    head of the delegation) in their language. Raises EventError when
    registration is closed, the person is already registered, the
    delegation does not fit, or the city's or country's places are taken.
    """
    now = now or timezone.now()
    event = category.event
    fields = participant.fields()
    with transaction.atomic():
        check_registration_open(category, now)
        _check_delegation(delegation, event, participant)
        _check_not_registered(event, fields["email"])
        status = _first_state(category, fields)
        registration = Registration.objects.create(
            event=event,
            category=category,
            delegation=delegation,
            status=status,
            registered_by=actor,
            registered_at=now,
            badge_code=new_badge_code(),
            **fields,
        )
        save_answers(registration, answers)
        record_activity(
            "events.registration.create",
            actor=actor,
            organisation=delegation.organisation if delegation else None,
            subject=registration,
            changes={"status": [None, status], "category": [None, str(category.name)]},
        )
        notify_registration(registration, status)
    return registration


# --- moves -------------------------------------------------------------------------------


def _check_table(move: RegistrationMove) -> None:
    if not registration_machine.allows(move.from_state, move.to_state):
        raise EventError(
            _("A registration that is “%(from)s” cannot become “%(to)s”.")
            % {"from": R(move.from_state).label, "to": R(move.to_state).label},
            code="not_allowed",
        )
    if move.role not in registration_machine.actors_for(move.to_state):
        raise EventError(
            _("You may not make this change to the registration."), code="not_permitted"
        )


def _check_offer_open(move: RegistrationMove) -> None:
    reg = move.registration
    if move.from_state != R.OFFERED or move.to_state == R.EXPIRED:
        return
    if move.to_state != R.CANCELLED and reg.offer_expires_at and move.now >= reg.offer_expires_at:
        raise EventError(_("This offer has expired."), code="offer_expired")


def _check_approver(move: RegistrationMove) -> None:
    """Only an approver confirms a pending registration; a participant only takes up an offer."""
    if move.role in (PARTICIPANT, SYSTEM) and move.from_state != R.OFFERED:
        raise EventError(
            _("You may not make this change to the registration."), code="not_permitted"
        )


def _check_decline_reason(move: RegistrationMove) -> None:
    if not move.reason.strip():
        raise EventError(_("Say why the registration is declined."), code="reason_required")


registration_machine.register_guard(R.CONFIRMED, _check_approver)
registration_machine.register_guard(R.CONFIRMED, _check_offer_open)
registration_machine.register_guard(R.PENDING, _check_offer_open)
registration_machine.register_guard(R.DECLINED, _check_decline_reason)


def _stamp(move: RegistrationMove) -> list[str]:
    reg = move.registration
    reg.status = move.to_state
    stamped = ["status", "updated_at"]
    if move.to_state in (R.CONFIRMED, R.DECLINED) and move.role in (SECRETARIAT, ENDORSER):
        reg.decided_by, reg.decided_at = move.actor, move.now
        stamped += ["decided_by", "decided_at"]
    if move.reason:
        reg.reason = move.reason.strip()
        stamped.append("reason")
    if move.from_state == R.OFFERED:
        reg.offer_expires_at = None
        stamped.append("offer_expires_at")
    return stamped


def _free_place(reg: Registration) -> None:
    places.give_back_category_place(reg.category)
    if reg.category.counts_in_quotas:
        places.give_back_quota_places(reg.event, city=reg.city, country=reg.country)


def _let_go_of_place(move: RegistrationMove) -> None:
    """An effect: a registration that no longer holds its place frees it and offers it on."""
    if move.hand_over or move.from_state not in HOLDS_PLACE or move.to_state in HOLDS_PLACE:
        return
    _free_place(move.registration)
    offered = offer_next_place(move.registration.category, now=move.now)
    if offered is not None:
        move.offered.append(offered)


for _state in (R.DECLINED, R.CANCELLED, R.EXPIRED):
    registration_machine.register_effect(_state, _let_go_of_place)


def lock_registration(registration: Registration) -> Registration:
    """Return ``registration`` locked for a change, with its event and category."""
    return (
        Registration.objects.select_for_update(of=("self",))
        .select_related("event", "category", "city", "country", "delegation")
        .get(pk=registration.pk)
    )


def move_registration(
    registration: Registration,
    to_state: str,
    *,
    actor,
    role: str,
    reason: str = "",
    now: dt.datetime | None = None,
    hand_over: bool = False,
) -> Registration:
    """Move ``registration`` to ``to_state``, made by ``actor`` in ``role``; return it.

    Effects, in one transaction: the table and the guards checked (an expired
    offer cannot be taken up, a decline needs a reason); the state saved with
    who decided and when; a place let go of is freed and offered to the next
    on the waiting list (unless ``hand_over``: a substitution passes it on);
    an activity log entry; a mail to the participant in their language (and
    to the next one if a place was offered).
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = lock_registration(registration)
        move = RegistrationMove(
            locked,
            locked.status,
            to_state,
            actor=actor,
            role=role,
            now=now,
            reason=reason or "",
            hand_over=hand_over,
        )
        _check_table(move)
        registration_machine.check(move)
        locked.save(update_fields=_stamp(move))
        registration_machine.run_effects(move)
        record_activity(
            "events.registration.status",
            actor=actor,
            organisation=locked.delegation.organisation if locked.delegation else None,
            subject=locked,
            changes={"status": [move.from_state, to_state]},
        )
        if not hand_over:
            notify_registration(locked, to_state)
    return locked


def accept_offer(registration: Registration, *, actor, role: str = PARTICIPANT, now=None):
    """Take up an offered place: confirmed, or awaiting approval if the category needs it."""
    to_state = R.CONFIRMED if registration.category.approval == Approval.AUTOMATIC else R.PENDING
    return move_registration(registration, to_state, actor=actor, role=role, now=now)


# --- the waiting list --------------------------------------------------------------------


def offer_next_place(category: ParticipantCategory, *, now: dt.datetime) -> Registration | None:
    """Offer a free place of ``category`` to the first waiting person whose quotas allow it.

    Call inside a transaction. The offer holds the place until it expires
    (``Event.offer_hours``). Returns the registration offered the place, if any.
    """
    event = category.event
    waiting = (
        Registration.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(category=category, status=R.WAITING)
        .select_related("city", "country")
        .order_by("registered_at", "pk")
    )
    for candidate in waiting[:50]:
        if category.counts_in_quotas:
            try:
                places.take_quota_places(event, city=candidate.city, country=candidate.country)
            except EventError:
                continue  # this city or country is full: the next one may have room
        if not places.take_category_place(category):
            if category.counts_in_quotas:
                places.give_back_quota_places(event, city=candidate.city, country=candidate.country)
            return None
        candidate.status = R.OFFERED
        candidate.offer_expires_at = now + dt.timedelta(hours=event.offer_hours)
        candidate.save(update_fields=["status", "offer_expires_at", "updated_at"])
        record_activity(
            "events.registration.status",
            subject=candidate,
            changes={"status": [R.WAITING, R.OFFERED]},
        )
        notify_registration(candidate, R.OFFERED)
        return candidate
    return None


def expire_offers(*, now: dt.datetime | None = None) -> int:
    """Expire the offers not taken up in time; each freed place goes to the next person.

    Returns how many offers expired. Runs any number of times: an offer expires once.
    """
    now = now or timezone.now()
    due = Registration.objects.filter(status=R.OFFERED, offer_expires_at__lte=now)
    count = 0
    for registration in due.order_by("offer_expires_at", "pk"):
        try:
            move_registration(registration, R.EXPIRED, actor=None, role=SYSTEM, now=now)
        except EventError:
            continue  # taken up or cancelled meanwhile
        count += 1
    return count


# --- substitution ------------------------------------------------------------------------


def substitute_participant(
    registration: Registration,
    *,
    participant: Participant,
    actor,
    role: str = HEAD,
    answers=(),
    now: dt.datetime | None = None,
) -> Registration:
    """Send ``participant`` in place of the person of ``registration``; return the new one.

    The place passes on: the old registration is cancelled without freeing
    it, the new one takes it in the same state (awaiting approval again if
    its category needs approval and the person was already confirmed by an
    approver). A substitute from another city takes that city's quota place.
    """
    now = now or timezone.now()
    fields = participant.fields()
    with transaction.atomic():
        old = lock_registration(registration)
        if old.status not in HOLDS_PLACE:
            raise EventError(
                _("Only a person who holds a place can be replaced."), code="not_allowed"
            )
        _check_delegation(old.delegation, old.event, participant)
        _check_not_registered(old.event, fields["email"])
        _swap_quota(old, fields)
        status = old.status
        if status == R.CONFIRMED and old.category.approval != Approval.AUTOMATIC:
            status = R.PENDING
        move_registration(old, R.CANCELLED, actor=actor, role=role, now=now, hand_over=True)
        new = Registration.objects.create(
            event=old.event,
            category=old.category,
            delegation=old.delegation,
            status=status,
            offer_expires_at=old.offer_expires_at,
            registered_by=actor,
            registered_at=now,
            substitute_for=old,
            badge_code=new_badge_code(),
            **fields,
        )
        save_answers(new, answers)
        record_activity(
            "events.registration.substitute",
            actor=actor,
            organisation=old.delegation.organisation if old.delegation else None,
            subject=new,
            changes={"name": [old.name, new.name]},
        )
        notify_registration(new, status)
    return new


def _swap_quota(old: Registration, fields: dict) -> None:
    if not old.category.counts_in_quotas:
        return
    if old.city_id == getattr(fields["city"], "pk", None) and old.country == fields["country"]:
        return
    places.give_back_quota_places(old.event, city=old.city, country=old.country)
    places.take_quota_places(old.event, city=fields["city"], country=fields["country"])


# --- delegations -------------------------------------------------------------------------


def create_delegation(
    event: Event, *, kind: str, organisation, head, city=None, country=None
) -> Delegation:
    """Open the delegation of ``city`` (a city delegation) or ``country`` (a national one).

    ``organisation`` is the head's: its members manage the delegation with
    the head. One delegation a city and one a country per event; a second
    attempt names who heads the first.
    """
    if kind == DelegationKind.CITY:
        country = city.country
    existing = _existing_delegation(event, kind=kind, city=city, country=country)
    if existing is not None:
        raise EventError(
            _("%(delegation)s is already registered; its head is %(head)s.")
            % {"delegation": existing, "head": existing.head or existing.organisation},
            code="delegation_exists",
        )
    try:
        with transaction.atomic():
            return _open_delegation(event, kind, organisation, head, city, country)
    except IntegrityError:  # opened meanwhile by someone else
        raise EventError(
            _("This delegation has just been registered by someone else."),
            code="delegation_exists",
        ) from None


def _open_delegation(event, kind, organisation, head, city, country) -> Delegation:
    delegation = Delegation.objects.create(
        event=event,
        kind=kind,
        city=city if kind == DelegationKind.CITY else None,
        country=country,
        organisation=organisation,
        head=head,
    )
    record_activity(
        "events.delegation.create",
        actor=head,
        organisation=organisation,
        subject=delegation,
        changes={"kind": [None, kind]},
    )
    return delegation


def _existing_delegation(event: Event, *, kind: str, city, country) -> Delegation | None:
    found = Delegation.objects.filter(event=event, kind=kind).select_related("head", "organisation")
    if kind == DelegationKind.CITY:
        return found.filter(city=city).first()
    return found.filter(country=country).first()
