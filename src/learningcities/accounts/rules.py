"""Permission rules about people, roles and organisations (django-rules).

Every predicate that asks "which role does this person hold?" lives here;
the apps above accounts import them, and common and network (below it) ask
through ``common.rules``, which this module answers when it loads. A person's
affiliations are read once per user object (one query) and kept on it, so a
page asking several questions pays for one query.
"""

import rules

from learningcities.common.rules import answer_role_questions, is_active_person

from .enums import OrganisationKind, Role

_CACHE = "_lc_affiliation_pairs"
_ENDORSED_COUNTRIES = "_lc_endorsed_country_ids"


def affiliation_pairs(user) -> frozenset[tuple[int, str]]:
    """Return ``{(organisation_id, role)}`` of the person's affiliations (memoised on ``user``).

    Empty for anonymous or inactive people: they act for nobody.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    pairs = getattr(user, _CACHE, None)
    if pairs is None:
        pairs = frozenset(user.affiliations.values_list("organisation_id", "role"))
        setattr(user, _CACHE, pairs)
    return pairs


def remember_affiliations(user, pairs: frozenset[tuple[int, str]]) -> None:
    """Set the memo of ``affiliation_pairs`` (from a session's snapshot of a current version)."""
    setattr(user, _CACHE, pairs)


def forget_affiliations(user) -> None:
    """Drop the memos of ``affiliation_pairs`` and ``endorsed_country_ids`` (roles changed)."""
    for name in (_CACHE, _ENDORSED_COUNTRIES):
        if hasattr(user, name):
            delattr(user, name)


def endorsed_country_ids(user) -> frozenset[str]:
    """Return the codes of the countries whose National Commission the person endorses for.

    One query per user object (none for a person who endorses for nobody),
    memoised on it like the affiliations; a session's snapshot carries it too.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    found = getattr(user, _ENDORSED_COUNTRIES, None)
    if found is None:
        from .models import Organisation

        organisation_ids = [org for org, held in affiliation_pairs(user) if held == Role.ENDORSER]
        found = (
            frozenset(
                Organisation.objects.filter(
                    pk__in=organisation_ids, kind=OrganisationKind.NATIONAL_COMMISSION
                ).values_list("country_id", flat=True)
            )
            if organisation_ids
            else frozenset()
        )
        setattr(user, _ENDORSED_COUNTRIES, found)
    return found


def remember_endorsed_countries(user, codes: frozenset[str]) -> None:
    """Set the memo of ``endorsed_country_ids`` (from a session's snapshot of a current version)."""
    setattr(user, _ENDORSED_COUNTRIES, codes)


def organisation_ids_of(user) -> frozenset[int]:
    """Return the ids of the organisations the person acts for, in any role."""
    return frozenset(organisation_id for organisation_id, _role in affiliation_pairs(user))


def _holds(user, role: str) -> bool:
    return any(held == role for _org, held in affiliation_pairs(user))


@rules.predicate
def is_operator(user) -> bool:
    """An operator: an active superuser (runs the installation, uses the Django admin)."""
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.is_superuser)


@rules.predicate
def is_secretariat_member(user) -> bool:
    """A person holding the secretariat role (operators excluded)."""
    return _holds(user, Role.SECRETARIAT)


@rules.predicate
def is_juror(user) -> bool:
    return _holds(user, Role.JUROR)


@rules.predicate
def is_endorser(user) -> bool:
    return _holds(user, Role.ENDORSER)


@rules.predicate
def is_city_coordinator(user) -> bool:
    return _holds(user, Role.COORDINATOR)


# The secretariat's powers belong to operators too (they run the installation).
is_secretariat = is_secretariat_member | is_operator
is_secretariat.name = "is_secretariat"


@rules.predicate
def is_member_of_organisation(user, organisation) -> bool:
    """The person acts for ``organisation`` in some role."""
    return organisation is not None and organisation.pk in organisation_ids_of(user)


@rules.predicate
def is_self(user, person) -> bool:
    return person is not None and is_active_person(user) and person.pk == user.pk


@rules.predicate
def shares_an_organisation(user, person) -> bool:
    """The person and ``person`` act for at least one same organisation."""
    if person is None or not is_active_person(user):
        return False
    mine = organisation_ids_of(user)
    return bool(mine) and person.affiliations.filter(organisation_id__in=mine).exists()


can_view_organisation = is_secretariat | is_member_of_organisation
can_view_person = is_secretariat | is_self | shares_an_organisation
can_invite = is_secretariat

# common and network, below accounts, ask their role questions through common.rules.
answer_role_questions(is_secretariat=is_secretariat, organisation_ids_of=organisation_ids_of)

rules.add_perm("accounts.view_workspace", is_secretariat)
rules.add_perm("accounts.view_organisation", can_view_organisation)
rules.add_perm("accounts.add_organisation", is_secretariat)
rules.add_perm("accounts.view_person", can_view_person)
rules.add_perm("accounts.change_affiliation", is_secretariat)
rules.add_perm("accounts.invite_person", can_invite)
rules.add_perm("accounts.change_invitation", is_secretariat)
rules.add_perm("accounts.view_profile", is_active_person)
# The global activity log; each entry then answers to common.view_activity_entry.
rules.add_perm("accounts.view_activity", is_secretariat)
rules.add_perm("accounts.view_own_activity", is_active_person)
# API tokens: the people whose role allows a token some scope, and the secretariat
# (which may revoke any). Each token then answers to domain.tokens.
may_use_api = is_city_coordinator | is_endorser | is_secretariat
rules.add_perm("accounts.view_api_tokens", may_use_api)
