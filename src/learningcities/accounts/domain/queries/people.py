"""Reads about people: their affiliations and whether they must use a second factor."""

from allauth.mfa.models import Authenticator
from django.db.models import QuerySet

from ...enums import PRIVILEGED_ROLES
from ...models import Affiliation, User


def affiliations_for_user(user: User) -> QuerySet[Affiliation]:
    """Return the person's affiliations with their organisations (one query)."""
    return (
        Affiliation.objects.filter(user=user)
        .select_related("organisation", "organisation__city", "organisation__country")
        .order_by("organisation__name", "role")
    )


def is_privileged(user: User) -> bool:
    """Tell whether the person must log in with a second factor.

    Operators (superusers) and anyone holding a secretariat or juror role.
    """
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return Affiliation.objects.filter(user=user, role__in=PRIVILEGED_ROLES).exists()


def has_totp(user: User) -> bool:
    """Tell whether the person has activated an authenticator app."""
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
