"""Reads about people: who may see whom, their affiliations, whether they need a second factor."""

from allauth.mfa.models import Authenticator
from django.db.models import Count, Q, QuerySet

from ...enums import PRIVILEGED_ROLES
from ...models import Affiliation, User
from ...rules import affiliation_pairs, is_secretariat, organisation_ids_of


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
    # The roles are read once per request (memoised on the user by accounts.rules).
    return any(role in PRIVILEGED_ROLES for _org, role in affiliation_pairs(user))


_TOTP_MEMO = "_lc_has_totp"


def has_totp(user: User) -> bool:
    """Tell whether the person has activated an authenticator app.

    One query, unless the request's session snapshot of a current access
    version already said (``remember_totp``, set by accounts.middleware).
    """
    known = getattr(user, _TOTP_MEMO, None)
    if known is not None:
        return known
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def remember_totp(user: User, value: bool | None) -> None:
    """Set the answer of ``has_totp`` for this user object (None: ask the database again)."""
    setattr(user, _TOTP_MEMO, value)


def people_for_user(user, *, search: str = "", role: str = "") -> QuerySet[User]:
    """Return the people ``user`` may see: the secretariat everyone, others themselves and
    the people of their own organisations.

    Filters: a part of the name or e-mail address (case-insensitive) and a
    ``role`` held in any organisation. Each carries ``affiliation_count``.
    """
    if is_secretariat(user):
        people = User.objects.all()
    elif getattr(user, "is_authenticated", False) and user.is_active:
        people = User.objects.filter(
            Q(pk=user.pk) | Q(affiliations__organisation_id__in=organisation_ids_of(user))
        )
    else:
        return User.objects.none()
    if search.strip():
        text = search.strip()
        people = people.filter(Q(name__icontains=text) | Q(email__icontains=text))
    if role:
        people = people.filter(affiliations__role=role)
    # The joins above may repeat a person: select the distinct ids once.
    return (
        User.objects.filter(pk__in=people.values("pk"))
        .annotate(affiliation_count=Count("affiliations", distinct=True))
        .order_by("email")
    )


def affiliations_of_people(people) -> dict[int, list[Affiliation]]:
    """Return each person's affiliations with their organisations, by person id (one query)."""
    by_person: dict[int, list[Affiliation]] = {person.pk: [] for person in people}
    for affiliation in (
        Affiliation.objects.filter(user_id__in=by_person)
        .select_related("organisation")
        .order_by("organisation__name", "role")
    ):
        by_person[affiliation.user_id].append(affiliation)
    return by_person


def organisation_people_for_user(user, organisation) -> QuerySet[Affiliation]:
    """Return the affiliations in ``organisation`` with their people, if ``user`` may see it."""
    if not (is_secretariat(user) or organisation.pk in organisation_ids_of(user)):
        return Affiliation.objects.none()
    return (
        Affiliation.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by("user__email", "role")
    )
