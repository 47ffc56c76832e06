"""Permission rules of events: who runs them, who registers whom, who sees participants.

- The secretariat manages events and sees everything.
- A host organiser (an organisation in ``Event.organisers``, the host city)
  sees the participants of its event and works its registration desks.
- A city coordinator registers its city's delegation, or heads its country's
  national delegation; an endorser (the National Commission) may head that
  one too and approves the registrations of its country in categories it
  approves.
- A person sees and cancels their own registrations; the head of a
  delegation (and the members of the head's organisation) those of the
  delegation.

Personal data of participants is visible only to the secretariat, the host
organisers and the delegation's own people (FACTS: data kept to what the
event needs).
"""

import rules

from learningcities.accounts.rules import (
    endorsed_country_ids,
    is_city_coordinator,
    is_endorser,
    is_secretariat,
    organisation_ids_of,
)

from .enums import Approval, EventStatus


@rules.predicate
def is_event_organiser(user, event) -> bool:
    """The person belongs to one of the event's host organisations."""
    if event is None or not user.is_authenticated:
        return False
    ids = organisation_ids_of(user)
    return bool(ids) and event.organisers.filter(pk__in=ids).exists()


@rules.predicate
def is_registration_open(user, event) -> bool:
    return event is not None and event.status == EventStatus.REGISTRATION_OPEN


@rules.predicate
def manages_delegation(user, delegation) -> bool:
    """The person heads the delegation or belongs to the organisation that registered it."""
    if delegation is None or not user.is_authenticated:
        return False
    return delegation.head_id == user.pk or delegation.organisation_id in organisation_ids_of(user)


@rules.predicate
def is_own_registration(user, registration) -> bool:
    return registration is not None and user.is_authenticated and registration.user_id == user.pk


@rules.predicate
def manages_registration(user, registration) -> bool:
    """The person registered it for a delegation they manage, or it is their own."""
    if registration is None:
        return False
    if is_own_registration(user, registration):
        return True
    return registration.delegation_id is not None and manages_delegation(
        user, registration.delegation
    )


@rules.predicate
def approves_registration(user, registration) -> bool:
    """The person may confirm or decline the registration under its category's approval rule."""
    if registration is None:
        return False
    rule = registration.category.approval
    if rule == Approval.NATIONAL_COMMISSION:
        return registration.country_id in endorsed_country_ids(user) or is_secretariat(user)
    return is_secretariat(user)


@rules.predicate
def organises_registration_event(user, registration) -> bool:
    return registration is not None and is_event_organiser(user, registration.event)


can_view_participants = is_secretariat | is_event_organiser
can_work_desk = is_secretariat | is_event_organiser
can_view_registration = (
    is_secretariat | organises_registration_event | manages_registration | approves_registration
)

rules.add_perm("events.manage_events", is_secretariat)
rules.add_perm("events.view_participants", can_view_participants)
rules.add_perm("events.check_in", can_work_desk)
rules.add_perm(
    "events.register_delegation", (is_city_coordinator | is_endorser) & is_registration_open
)
rules.add_perm("events.manage_delegation", is_secretariat | manages_delegation)
rules.add_perm("events.view_registration", can_view_registration)
rules.add_perm("events.cancel_registration", is_secretariat | manages_registration)
rules.add_perm("events.approve_registration", approves_registration)
rules.add_perm("events.view_approval_queue", is_secretariat | is_endorser)
rules.add_perm("events.view_statistics", is_secretariat)
