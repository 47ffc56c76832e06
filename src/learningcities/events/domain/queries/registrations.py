"""Reads of registrations and delegations, each for the person asking.

The same rules as ``events.rules``, as queries: a person sees their own
registrations, those of the delegations they manage, those they approve, and
(secretariat, host organisers) all of an event's.
"""

from django.db.models import Count, Q, QuerySet

from learningcities.accounts.enums import Role
from learningcities.accounts.models import Organisation
from learningcities.accounts.rules import (
    affiliation_pairs,
    endorsed_country_ids,
    is_secretariat,
    organisation_ids_of,
)

from ...enums import HOLDS_PLACE, Approval, DelegationKind, EventStatus
from ...enums import RegistrationStatus as R
from ...models import Delegation, Event, ParticipantCategory, Registration


def _approval_filter(user) -> Q:
    countries = endorsed_country_ids(user)
    if not countries:
        return Q(pk__in=[])
    return Q(category__approval=Approval.NATIONAL_COMMISSION, country_id__in=countries)


def registrations_for_user(user) -> QuerySet[Registration]:
    """Return the registrations ``user`` may see, with their event, category, city and country."""
    found = Registration.objects.select_related(
        "event", "category", "city", "country", "delegation", "delegation__head"
    )
    if not user.is_authenticated:
        return found.none()
    if is_secretariat(user):
        return found
    organisations = organisation_ids_of(user)
    visible = (
        Q(user=user)
        | Q(delegation__head=user)
        | Q(delegation__organisation_id__in=organisations)
        | Q(event__organisers__in=organisations)
        | _approval_filter(user)
    )
    return found.filter(visible).distinct()


def delegations_for_user(user) -> QuerySet[Delegation]:
    """Return the delegations ``user`` manages (all of them for the secretariat)."""
    found = Delegation.objects.select_related("event", "city", "country", "head", "organisation")
    if not user.is_authenticated:
        return found.none()
    if is_secretariat(user):
        return found
    return found.filter(Q(head=user) | Q(organisation_id__in=organisation_ids_of(user)))


def delegation_registrations(delegation: Delegation) -> QuerySet[Registration]:
    """Return the registrations of ``delegation``, open ones first, in registration order."""
    return delegation.registrations.select_related("category", "city", "country").order_by(
        "registered_at", "pk"
    )


def approvals_for_user(user) -> QuerySet[Registration]:
    """Return the registrations awaiting ``user``'s approval, oldest first."""
    pending = registrations_for_user(user).filter(
        status=R.PENDING,
        event__status__in=(EventStatus.REGISTRATION_OPEN, EventStatus.REGISTRATION_CLOSED),
    )
    if is_secretariat(user):
        return pending.filter(category__approval=Approval.SECRETARIAT).order_by("registered_at")
    return pending.filter(_approval_filter(user)).order_by("registered_at")


def open_events_for_registration() -> QuerySet[Event]:
    """Return the events taking registrations, soonest first."""
    return Event.objects.filter(status=EventStatus.REGISTRATION_OPEN).order_by("starts_on")


def categories_with_places(event: Event) -> QuerySet[ParticipantCategory]:
    """Return ``event``'s categories in order (each with ``places_taken`` and ``capacity``)."""
    return event.categories.select_related("questionnaire").order_by("order", "pk")


def quota_use(delegation: Delegation) -> dict:
    """Return the places ``delegation``'s city (or country) holds and its limit."""
    event = delegation.event
    held = Registration.objects.filter(
        event=event, status__in=HOLDS_PLACE, category__counts_in_quotas=True
    )
    if delegation.city_id:
        return {
            "used": held.filter(city_id=delegation.city_id).count(),
            "limit": _limit(event, city=delegation.city_id) or event.places_per_city,
        }
    return {
        "used": held.filter(country_id=delegation.country_id).count(),
        "limit": _limit(event, country=delegation.country_id) or event.places_per_country,
    }


def _limit(event: Event, **scope) -> int | None:
    row = event.quotas.filter(**scope).values_list("places", flat=True).first()
    return row


def registration_counts(event: Event) -> dict[str, int]:
    """Return the number of ``event``'s registrations in each state (one query)."""
    rows = event.registrations.order_by().values("status").annotate(n=Count("pk"))
    return {row["status"]: row["n"] for row in rows}


def event_participants(event: Event) -> QuerySet[Registration]:
    """Return every registration of ``event`` with what a list shows, by name."""
    return event.registrations.select_related("category", "city", "country", "delegation").order_by(
        "name", "pk"
    )


def filter_participants(
    found: QuerySet[Registration],
    *,
    q: str = "",
    status: str = "",
    category=None,
    country: str = "",
) -> QuerySet[Registration]:
    """Narrow ``found`` to a name or e-mail part, a state, a category and a country."""
    if q:
        found = found.filter(Q(name__icontains=q) | Q(email__icontains=q))
    if status:
        found = found.filter(status=status)
    if category is not None:
        found = found.filter(category=category)
    if country:
        found = found.filter(country_id=country)
    return found


def _organisations_in(user, role: str):
    ids = [org for org, held in affiliation_pairs(user) if held == role]
    return Organisation.objects.filter(pk__in=ids).select_related("city", "country")


def delegation_options(user, event: Event) -> list[dict]:
    """Return the delegations ``user`` may open or manage at ``event``, one a city or country.

    Each option: ``kind``, ``key`` (the city's id or the country's code), the
    ``organisation`` it would be opened for, its ``city`` and ``country``, and
    the ``delegation`` when it is open already. A city's coordinator may open
    the city's delegation and its country's; a National Commission's endorser
    the country's.
    """
    if not user.is_authenticated:
        return []
    existing = {
        (d.kind, d.city_id or d.country_id): d for d in event.delegations.select_related("head")
    }
    options = []
    for organisation in _organisations_in(user, Role.COORDINATOR):
        if organisation.city is None:
            continue
        city = organisation.city
        options.append(_option(existing, DelegationKind.CITY, city.pk, organisation, city=city))
        options.append(
            _option(
                existing,
                DelegationKind.COUNTRY,
                city.country_id,
                organisation,
                country=city.country,
            )
        )
    for organisation in _organisations_in(user, Role.ENDORSER):
        if organisation.country_id:
            options.append(
                _option(
                    existing,
                    DelegationKind.COUNTRY,
                    organisation.country_id,
                    organisation,
                    country=organisation.country,
                )
            )
    unique = {(o["kind"], o["key"]): o for o in options}
    return list(unique.values())


def _option(existing, kind, key, organisation, *, city=None, country=None) -> dict:
    return {
        "kind": kind,
        "key": key,
        "organisation": organisation,
        "city": city,
        "country": country or city.country,
        "delegation": existing.get((kind, key)),
    }
