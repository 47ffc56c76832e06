"""Writes about organisations and the roles people hold in them."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from learningcities.common.changes import watch
from learningcities.common.domain.activity import field_changes, record_activity

from ..enums import ROLE_FOR_KIND, OrganisationKind, Role
from ..models import Affiliation, Organisation, User
from .errors import OrganisationError


def check_role_fits(organisation: Organisation, role: str) -> None:
    """Raise OrganisationError unless ``role`` is the role people hold in this kind."""
    expected = ROLE_FOR_KIND[organisation.kind]
    if role != expected:
        raise OrganisationError(
            _("The role “%(role)s” does not fit a %(kind)s: people there are “%(expected)s”.")
            % {
                "role": Role(role).label if role in Role.values else role,
                "kind": organisation.get_kind_display(),
                "expected": Role(expected).label,
            }
        )


def _check_city(kind: str, city) -> None:
    """Raise OrganisationError if a city organisation lacks a free city or another names one."""
    if kind != OrganisationKind.CITY:
        if city is not None:
            raise OrganisationError(
                _("Only a city organisation is linked to a city."), code="city_unexpected"
            )
        return
    if city is None:
        raise OrganisationError(_("A city organisation needs its city."), code="city_missing")
    if Organisation.objects.filter(city=city).exists():
        raise OrganisationError(
            _("%(city)s has an organisation already.") % {"city": city}, code="city_taken"
        )


def _check_country(kind: str, country) -> None:
    """Raise OrganisationError unless a National Commission names a country without one."""
    if kind != OrganisationKind.NATIONAL_COMMISSION:
        return
    if country is None:
        raise OrganisationError(
            _("A National Commission needs its country."), code="country_missing"
        )
    if Organisation.objects.filter(
        kind=OrganisationKind.NATIONAL_COMMISSION, country=country
    ).exists():
        raise OrganisationError(
            _("%(country)s has a National Commission already.") % {"country": country},
            code="country_taken",
        )


@transaction.atomic
def create_organisation(
    *,
    kind: str,
    name: str = "",
    city=None,
    country=None,
    actor: User | None,
) -> Organisation:
    """Create a city, a National Commission, the secretariat or a jury panel.

    A city organisation takes its country and (by default) its name from its
    city; a National Commission needs a country and is the only one there.
    Effects: the organisation; activity ``accounts.organisation.create``.
    Raises OrganisationError for a missing city or country or a duplicate
    (codes ``city_missing``, ``city_taken``, ``city_unexpected``,
    ``country_missing``, ``country_taken``, ``name_missing``).
    """
    if kind not in OrganisationKind.values:
        raise OrganisationError(_("Unknown kind of organisation: %(kind)s.") % {"kind": kind})
    _check_city(kind, city)
    if kind == OrganisationKind.CITY:
        country = city.country
        name = name or str(city)
    _check_country(kind, country)
    name = (name or "").strip()
    if not name:
        raise OrganisationError(_("An organisation needs a name."), code="name_missing")
    try:
        with transaction.atomic():
            organisation = Organisation.objects.create(
                kind=kind, name=name, city=city, country=country
            )
    except IntegrityError as exc:  # a concurrent twin won the race
        raise OrganisationError(_("%(name)s exists already.") % {"name": name}) from exc
    # Pages keyed by a city's organisation (its progress page) are keyed from memory
    # in each process until the table changes: this one forgets at the commit.
    watch.forget_on_commit()
    record_activity(
        "accounts.organisation.create",
        actor=actor,
        organisation=organisation,
        subject=organisation,
        changes=field_changes(organisation, ("kind", "name", "city", "country")),
    )
    return organisation


@transaction.atomic
def add_affiliation(
    organisation: Organisation, *, user: User, role: str, actor: User | None
) -> Affiliation:
    """Give ``user`` the ``role`` in ``organisation`` (nothing happens if they hold it).

    Effects: the affiliation; activity ``accounts.affiliation.create``.
    Raises OrganisationError if the role does not fit the kind of organisation.
    """
    check_role_fits(organisation, role)
    affiliation, created = Affiliation.objects.get_or_create(
        user=user, organisation=organisation, role=role
    )
    if created:
        record_activity(
            "accounts.affiliation.create",
            actor=actor,
            organisation=organisation,
            subject=affiliation,
            changes=field_changes(affiliation, ("user", "organisation", "role")),
        )
    return affiliation


@transaction.atomic
def remove_affiliation(affiliation: Affiliation, *, actor: User | None) -> None:
    """Take the role away from the person.

    Effects: the affiliation deleted; activity ``accounts.affiliation.delete``
    (recorded against the organisation, as the row is gone).
    """
    organisation = affiliation.organisation
    before = field_changes(affiliation, ("user", "organisation", "role"))
    changes = {field: [old_new[1], None] for field, old_new in before.items()}
    record_activity(
        "accounts.affiliation.delete",
        actor=actor,
        organisation=organisation,
        subject=affiliation,
        changes=changes,
    )
    affiliation.delete()
