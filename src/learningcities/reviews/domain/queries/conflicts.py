"""Conflicts of interest: which submissions a juror may never see, and why.

A juror is tied to a country by nationality, by a recorded residence, work or
declared tie, or by belonging to that country's National Commission; to a
city by a declared tie or by acting for the city; to the organisation that
submits; and to one submission by a recusal. ``JurorTies`` holds one
person's ties (built by ``_ties_of`` alone, memoised on the user object) and
``JurorTies.reasons`` alone says why a submission is conflicted. Every user
goes through them: the permission rule and the panel pages
(``conflict_reasons``), the automatic assignment and the list of conflicted
assignments (``conflict_map``, many pairs at once), and the juror's lists
(``conflict_filter``, the same ties as a query).
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q

from learningcities.accounts.enums import OrganisationKind
from learningcities.accounts.rules import organisation_ids_of

from ...enums import ConflictReason, TieKind

_MEMO = "_lc_juror_ties"
_REASON_FOR_KIND = {
    TieKind.RESIDENCE: ConflictReason.RESIDENCE,
    TieKind.WORK: ConflictReason.WORK,
    TieKind.DECLARED: ConflictReason.DECLARED,
}


@dataclass(frozen=True)
class JurorTies:
    """A juror's ties: country codes and city ids, each with the reasons for it."""

    countries: dict[str, frozenset[str]] = field(default_factory=dict)
    cities: dict[int, frozenset[str]] = field(default_factory=dict)
    organisations: frozenset[int] = frozenset()

    def reasons(self, submission, *, recused: bool = False) -> frozenset[str]:
        """Return why these ties conflict with ``submission`` (empty: no conflict)."""
        found = set(self.countries.get(submission.country_id, ()))
        found |= self.cities.get(submission.city_id, frozenset())
        if submission.organisation_id in self.organisations:
            found.add(ConflictReason.ORGANISATION)
        if recused:
            found.add(ConflictReason.RECUSAL)
        return frozenset(found)


def _add(target: dict, key, reason: str) -> None:
    target[key] = target.get(key, frozenset()) | {reason}


def _ties_of(
    user,
    *,
    organisation_ids: frozenset[int],
    tie_rows: Iterable[tuple[str, str | None, int | None]],
    organisations: dict[int, tuple[str, str | None, int | None]],
) -> JurorTies:
    """Return ``user``'s ties from rows already read.

    ``tie_rows``: the person's recorded ties as ``(kind, country, city)``;
    ``organisations``: ``{id: (kind, country, city)}`` of (at least) the
    organisations ``user`` acts for, whose ids are ``organisation_ids``.
    """
    countries: dict[str, frozenset[str]] = {}
    cities: dict[int, frozenset[str]] = {}
    if getattr(user, "nationality_id", None):
        _add(countries, user.nationality_id, ConflictReason.NATIONALITY)
    for kind, country_id, city_id in tie_rows:
        if country_id:
            _add(countries, country_id, _REASON_FOR_KIND[kind])
        if city_id:
            _add(cities, city_id, _REASON_FOR_KIND[kind])
    for organisation_id in organisation_ids:
        kind, country_id, city_id = organisations[organisation_id]
        if kind == OrganisationKind.NATIONAL_COMMISSION and country_id:
            _add(countries, country_id, ConflictReason.ORGANISATION)
        elif kind == OrganisationKind.CITY and city_id:
            _add(cities, city_id, ConflictReason.ORGANISATION)
    return JurorTies(countries=countries, cities=cities, organisations=organisation_ids)


def _organisation_rows(organisation_ids) -> dict[int, tuple[str, str | None, int | None]]:
    from learningcities.accounts.models import Organisation

    if not organisation_ids:
        return {}
    return {
        pk: (kind, country_id, city_id)
        for pk, kind, country_id, city_id in Organisation.objects.filter(
            pk__in=organisation_ids
        ).values_list("pk", "kind", "country_id", "city_id")
    }


def _tie_rows(user_ids) -> dict[int, list[tuple[str, str | None, int | None]]]:
    from ...models import JurorTie

    rows: dict[int, list[tuple[str, str | None, int | None]]] = defaultdict(list)
    for juror_id, kind, country_id, city_id in JurorTie.objects.filter(
        juror_id__in=user_ids
    ).values_list("juror_id", "kind", "country_id", "city_id"):
        rows[juror_id].append((kind, country_id, city_id))
    return rows


def juror_ties(user) -> JurorTies:
    """Return the countries and cities ``user`` is tied to (two queries, memoised on ``user``)."""
    found = getattr(user, _MEMO, None)
    if found is not None:
        return found
    organisation_ids = organisation_ids_of(user)
    found = _ties_of(
        user,
        organisation_ids=organisation_ids,
        tie_rows=_tie_rows([user.pk]).get(user.pk, ()) if getattr(user, "pk", None) else (),
        organisations=_organisation_rows(organisation_ids),
    )
    setattr(user, _MEMO, found)
    return found


def forget_juror_ties(user) -> None:
    """Drop the memo of ``juror_ties`` (after a tie was recorded)."""
    if hasattr(user, _MEMO):
        delattr(user, _MEMO)


def _acting_organisations(users) -> dict[int, frozenset[int]]:
    """Return ``{user id: ids of the organisations they act for}`` (one query; none if inactive)."""
    from learningcities.accounts.models import Affiliation

    found: dict[int, set[int]] = defaultdict(set)
    for user_id, organisation_id in Affiliation.objects.filter(
        user_id__in=[user.pk for user in users]
    ).values_list("user_id", "organisation_id"):
        found[user_id].add(organisation_id)
    # As ``organisation_ids_of``: an inactive person acts for nobody.
    return {
        user.pk: frozenset(found[user.pk])
        if getattr(user, "is_authenticated", False) and user.is_active
        else frozenset()
        for user in users
    }


def prefetch_juror_ties(users) -> None:
    """Fill the ``juror_ties`` memo of each of ``users`` in three queries in all.

    The same ties as ``juror_ties``, read for many people at once (a panel's
    jurors on the secretariat's pages and in the automatic assignment), so a
    page listing jurors runs a fixed number of queries.
    """
    users = [user for user in users if getattr(user, "pk", None)]
    if not users:
        return
    acting = _acting_organisations(users)
    organisations = _organisation_rows({pk for ids in acting.values() for pk in ids})
    tie_rows = _tie_rows([user.pk for user in users])
    for user in users:
        ties = _ties_of(
            user,
            organisation_ids=acting[user.pk],
            tie_rows=tie_rows.get(user.pk, ()),
            organisations=organisations,
        )
        setattr(user, _MEMO, ties)


def conflict_filter(user) -> Q:
    """Return a ``Q`` on ``calls.Submission`` of the submissions ``user`` is conflicted with.

    The query form of ``JurorTies.reasons``: the same ties, the same recusals.
    """
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
    if recused is None:
        from ...models import Recusal

        recused = Recusal.objects.filter(submission=submission, juror_id=user.pk).exists()
    return juror_ties(user).reasons(submission, recused=recused)


def recused_pairs(submission_ids: Iterable[int]) -> set[tuple[int, int]]:
    """Return ``(submission id, juror id)`` of every recusal from the submissions (one query)."""
    from ...models import Recusal

    return set(
        Recusal.objects.filter(submission_id__in=list(submission_ids)).values_list(
            "submission_id", "juror_id"
        )
    )


def _tied_jurors(jurors: Sequence) -> dict[tuple[str, object], set[int]]:
    """Return the ids of the jurors tied to each ``("country"|"city"|"organisation", id)``."""
    index: dict[tuple[str, object], set[int]] = defaultdict(set)
    for juror in jurors:
        ties = juror_ties(juror)
        for key in ties.countries:
            index[("country", key)].add(juror.pk)
        for key in ties.cities:
            index[("city", key)].add(juror.pk)
        for key in ties.organisations:
            index[("organisation", key)].add(juror.pk)
    return index


def conflict_map(
    jurors: Sequence, submissions: Sequence, recused: set[tuple[int, int]]
) -> dict[tuple[int, int], frozenset[str]]:
    """Return ``{(submission id, juror id): reasons}`` for every conflicted pair.

    The reasons are ``JurorTies.reasons``, the same as ``conflict_reasons``;
    an index from each country, city and organisation to the jurors tied to
    it picks the pairs to ask, so a call of 1,000 submissions and 60 jurors
    does not ask 60,000 questions. The jurors' ties must be read
    (``prefetch_juror_ties``); ``recused`` holds the recusals' pairs.
    """
    index = _tied_jurors(jurors)
    by_id = {juror.pk: juror for juror in jurors}
    for submission_id, juror_id in recused:
        if juror_id in by_id:
            index[("submission", submission_id)].add(juror_id)
    found: dict[tuple[int, int], frozenset[str]] = {}
    for submission in submissions:
        suspects = (
            index.get(("country", submission.country_id), set())
            | index.get(("city", submission.city_id), set())
            | index.get(("organisation", submission.organisation_id), set())
            | index.get(("submission", submission.pk), set())
        )
        for juror_id in suspects:
            pair = (submission.pk, juror_id)
            reasons = juror_ties(by_id[juror_id]).reasons(submission, recused=pair in recused)
            if reasons:
                found[pair] = reasons
    return found
