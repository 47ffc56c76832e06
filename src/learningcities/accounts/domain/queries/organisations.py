"""Reads about organisations: who may see which, with their people and invitations."""

from django.db.models import Count, Q, QuerySet

from ...enums import OrganisationKind
from ...models import Organisation
from ...rules import is_secretariat, organisation_ids_of


def organisations_for_user(
    user, *, kind: str = "", country: str = "", search: str = ""
) -> QuerySet[Organisation]:
    """Return the organisations ``user`` may see: the secretariat all, others their own.

    Filters: ``kind``, ``country`` (ISO code) and a part of the name
    (case-insensitive). Each carries ``people_count``; ordered by kind and name.
    """
    if is_secretariat(user):
        organisations = Organisation.objects.all()
    else:
        organisations = Organisation.objects.filter(pk__in=organisation_ids_of(user))
    if kind:
        organisations = organisations.filter(kind=kind)
    if country:
        organisations = organisations.filter(country_id=country.upper())
    if search.strip():
        organisations = organisations.filter(name__icontains=search.strip())
    return (
        organisations.select_related("city", "country")
        .annotate(people_count=Count("affiliations__user", distinct=True))
        .order_by("kind", "name", "pk")
    )


def organisation_choices_for_user(user) -> QuerySet[Organisation]:
    """Return the active organisations ``user`` may invite people to (the secretariat: all)."""
    if not is_secretariat(user):
        return Organisation.objects.none()
    return Organisation.objects.filter(is_active=True).order_by("kind", "name")


def organisation_counts_for_user(user) -> dict[str, int]:
    """Return the number of active organisations of each kind, and ``total`` (one query).

    Empty for anyone but the secretariat.
    """
    if not is_secretariat(user):
        return {}
    aggregates = {kind.value: Count("pk", filter=Q(kind=kind.value)) for kind in OrganisationKind}
    return Organisation.objects.filter(is_active=True).aggregate(total=Count("pk"), **aggregates)
