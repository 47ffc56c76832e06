"""Reads of invitations: the secretariat's list, by state."""

from django.db.models import Q, QuerySet
from django.utils import timezone

from ...models import Invitation
from ...rules import is_secretariat

INVITATION_STATES = ("pending", "accepted", "expired", "revoked")


def invitation_state_filter(state: str) -> Q:
    """Return the condition selecting invitations in ``state`` (one of INVITATION_STATES)."""
    now = timezone.now()
    open_ = Q(accepted_at__isnull=True, revoked_at__isnull=True)
    return {
        "pending": open_ & Q(expires_at__gt=now),
        "accepted": Q(accepted_at__isnull=False),
        "expired": open_ & Q(expires_at__lte=now),
        "revoked": Q(accepted_at__isnull=True, revoked_at__isnull=False),
    }[state]


def invitations_for_user(
    user, *, state: str = "", organisation=None, search: str = ""
) -> QuerySet[Invitation]:
    """Return the invitations ``user`` may see (the secretariat: all; others: none), newest first.

    Filters: ``state`` (pending, accepted, expired, revoked), ``organisation``
    and a part of the e-mail address.
    """
    if not is_secretariat(user):
        return Invitation.objects.none()
    invitations = Invitation.objects.all()
    if state:
        invitations = invitations.filter(invitation_state_filter(state))
    if organisation is not None:
        invitations = invitations.filter(organisation=organisation)
    if search.strip():
        invitations = invitations.filter(email__icontains=search.strip())
    return invitations.select_related("organisation", "invited_by", "accepted_by").order_by(
        "-created_at", "-pk"
    )


def invitation_state(invitation: Invitation) -> str:
    """Return the state of one invitation: pending, accepted, expired or revoked."""
    if invitation.accepted_at is not None:
        return "accepted"
    if invitation.revoked_at is not None:
        return "revoked"
    return "pending" if invitation.expires_at > timezone.now() else "expired"
