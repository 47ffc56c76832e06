"""What waits in events for each role, for "My work" (registered in ``apps.py``).

Each builder runs a fixed number of queries whatever the number of items.
"""

from django.db.models import Count, Q
from django.utils import timezone

from learningcities.accounts.enums import Role
from learningcities.accounts.rules import affiliation_pairs, is_secretariat

from ...enums import EventStatus
from ...enums import RegistrationStatus as R
from .registrations import approvals_for_user, delegations_for_user, open_events_for_registration

SHOWN = 5


def _holds(user, role: str) -> bool:
    return any(held == role for _org, held in affiliation_pairs(user))


def _upcoming(user):
    return (
        delegations_for_user(user)
        .filter(event__ends_on__gte=timezone.localdate())
        .exclude(event__status=EventStatus.CANCELLED)
        .annotate(
            delegates=Count(
                "registrations", filter=Q(registrations__status__in=[R.PENDING, R.CONFIRMED])
            ),
            offers=Count("registrations", filter=Q(registrations__status=R.OFFERED)),
            waiting=Count("registrations", filter=Q(registrations__status=R.WAITING)),
        )
        .order_by("event__starts_on", "pk")
    )


def delegation_work(user, role: str) -> dict | None:
    """The delegations a coordinator or endorser heads or manages, and events open to them."""
    if not _holds(user, role):
        return None
    delegations = list(_upcoming(user)[:SHOWN])
    open_events = list(open_events_for_registration()[:SHOWN])
    if not (delegations or open_events):
        return None  # nothing to do in events: the part stays out of the page
    return {"delegations": delegations, "open_events": open_events}


def approval_work(user, role: str) -> dict | None:
    """How many registrations wait for the person's approval (an endorser, the secretariat)."""
    holds = is_secretariat(user) if role == Role.SECRETARIAT else _holds(user, role)
    if not holds:
        return None
    waiting = approvals_for_user(user).count()
    return {"waiting": waiting} if waiting else None
