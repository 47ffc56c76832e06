"""Conflicts of interest: which submissions a juror may never see, and why.

A juror is tied to a country by nationality, by a recorded residence, work or
declared tie, or by belonging to that country's National Commission; to a
city by a declared tie or by acting for the city; and to one submission by a
recusal. Every read of submissions for a juror goes through
``conflict_filter``; the permission rule goes through ``conflict_reasons``.
Both read the same ``juror_ties`` (memoised on the user object).
"""

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q

from learningcities.accounts.enums import OrganisationKind
from learningcities.accounts.rules import organisation_ids_of

from ...enums import ConflictReason, TieKind

_MEMO = "_lc_juror_ties"


@dataclass(frozen=True)
class JurorTies:
    """A juror's ties: country codes and city ids, each with the reasons for it."""

    countries: dict[str, frozenset[str]] = field(default_factory=dict)
    cities: dict[int, frozenset[str]] = field(default_factory=dict)
    organisations: frozenset[int] = frozenset()


def _add(target: dict, key, reason: str) -> None:
    target[key] = target.get(key, frozenset()) | {reason}


def juror_ties(user) -> JurorTies:
    """Return the countries and cities ``user`` is tied to (two queries, memoised on ``user``)."""
    found = getattr(user, _MEMO, None)
    if found is not None:
        return found
    from learningcities.accounts.models import Organisation

    from ...models import JurorTie

    countries: dict[str, frozenset[str]] = {}
    cities: dict[int, frozenset[str]] = {}
    if getattr(user, "nationality_id", None):
        _add(countries, user.nationality_id, ConflictReason.NATIONALITY)
    organisation_ids = organisation_ids_of(user)
    reason_for_kind = {
        TieKind.RESIDENCE: ConflictReason.RESIDENCE,
        TieKind.WORK: ConflictReason.WORK,
        TieKind.DECLARED: ConflictReason.DECLARED,
    }
    if getattr(user, "pk", None):
        for kind, country_id, city_id in JurorTie.objects.filter(juror=user).values_list(
            "kind", "country_id", "city_id"
        ):
            if country_id:
                _add(countries, country_id, reason_for_kind[kind])
            if city_id:
                _add(cities, city_id, reason_for_kind[kind])
    if organisation_ids:
        for kind, country_id, city_id in Organisation.objects.filter(
            pk__in=organisation_ids
        ).values_list("kind", "country_id", "city_id"):
            if kind == OrganisationKind.NATIONAL_COMMISSION and country_id:
                _add(countries, country_id, ConflictReason.ORGANISATION)
            elif kind == OrganisationKind.CITY and city_id:
                _add(cities, city_id, ConflictReason.ORGANISATION)
    found = JurorTies(countries=countries, cities=cities, organisations=organisation_ids)
    setattr(user, _MEMO, found)
    return found


def forget_juror_ties(user) -> None:
    """Drop the memo of ``juror_ties`` (after a tie was recorded)."""
    if hasattr(user, _MEMO):
        delattr(user, _MEMO)


def conflict_filter(user) -> Q:
    """Return a ``Q`` on ``calls.Submission`` of the submissions ``user`` is conflicted with."""
    from ...models import Recusal

    ties = juror_ties(user)
    conflicted = Q(Exists(Recusal.objects.filter(submission=OuterRef("pk"), juror_id=user.pk)))
    if ties.countries:
        conflicted |= Q(country_id__in=list(ties.countries))
    if ties.cities:
        conflicted |= Q(city_id__in=list(ties.cities))
    if ties.organisations:
        conflicted |= Q(organisation_id__in=list(ties.organisations))
    return conflicted


def conflict_reasons(user, submission, *, recused: bool | None = None) -> frozenset[str]:
    """Return why ``user`` may not see ``submission`` (empty: no conflict).

    ``recused`` may be given by a caller that already knows; otherwise one
    query looks for a recusal.
    """
    ties = juror_ties(user)
    reasons = set(ties.countries.get(submission.country_id, ()))
    reasons |= ties.cities.get(submission.city_id, frozenset())
    if submission.organisation_id in ties.organisations:
        reasons.add(ConflictReason.ORGANISATION)
    if recused is None:
        from ...models import Recusal

        recused = Recusal.objects.filter(submission=submission, juror_id=user.pk).exists()
    if recused:
        reasons.add(ConflictReason.RECUSAL)
    return frozenset(reasons)


def prefetch_juror_ties(users) -> None:
    """Fill the ``juror_ties`` memo of each of ``users`` in three queries in all.

    The same ties as ``juror_ties``, read for many people at once (a panel's
    jurors on the secretariat's pages and in the automatic assignment), so a
    page listing jurors runs a fixed number of queries.
    """
    from learningcities.accounts.models import Affiliation, Organisation

    from ...models import JurorTie

    users = [user for user in users if getattr(user, "pk", None)]
    if not users:
        return
    by_id = {user.pk: user for user in users}
    pairs: dict[int, set[tuple[int, str]]] = {pk: set() for pk in by_id}
    for user_id, organisation_id, role in Affiliation.objects.filter(user_id__in=by_id).values_list(
        "user_id", "organisation_id", "role"
    ):
        pairs[user_id].add((organisation_id, role))
    organisations = {
        pk: (kind, country_id, city_id)
        for pk, kind, country_id, city_id in Organisation.objects.filter(
            pk__in={org for found in pairs.values() for org, _role in found}
        ).values_list("pk", "kind", "country_id", "city_id")
    }
    ties: dict[int, list[tuple[str, str | None, int | None]]] = {pk: [] for pk in by_id}
    for juror_id, kind, country_id, city_id in JurorTie.objects.filter(
        juror_id__in=by_id
    ).values_list("juror_id", "kind", "country_id", "city_id"):
        ties[juror_id].append((kind, country_id, city_id))
    reason_for_kind = {
        TieKind.RESIDENCE: ConflictReason.RESIDENCE,
        TieKind.WORK: ConflictReason.WORK,
        TieKind.DECLARED: ConflictReason.DECLARED,
    }
    for pk, user in by_id.items():
        active = bool(getattr(user, "is_authenticated", False) and user.is_active)
        organisation_ids = frozenset(org for org, _role in pairs[pk]) if active else frozenset()
        countries: dict[str, frozenset[str]] = {}
        cities: dict[int, frozenset[str]] = {}
        if getattr(user, "nationality_id", None):
            _add(countries, user.nationality_id, ConflictReason.NATIONALITY)
        for kind, country_id, city_id in ties[pk]:
            if country_id:
                _add(countries, country_id, reason_for_kind[kind])
            if city_id:
                _add(cities, city_id, reason_for_kind[kind])
        for organisation_id in organisation_ids:
            kind, country_id, city_id = organisations[organisation_id]
            if kind == OrganisationKind.NATIONAL_COMMISSION and country_id:
                _add(countries, country_id, ConflictReason.ORGANISATION)
            elif kind == OrganisationKind.CITY and city_id:
                _add(cities, city_id, ConflictReason.ORGANISATION)
        setattr(
            user,
            _MEMO,
            JurorTies(countries=countries, cities=cities, organisations=organisation_ids),
        )
