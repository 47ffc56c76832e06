"""Reads behind the secretariat's register screens: cities to edit, places to locate."""

import rules
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from ...models import City, Membership
from .directory import annotate_latest_membership, search_cities


def cities_for_register(user, *, q: str = "") -> QuerySet[City]:
    """Return the cities ``user`` may edit, matching ``q``, by name, with their latest membership.

    The secretariat edits every city of the register, members or not (a city
    that only applied too); anyone else gets none.
    """
    if not rules.has_perm("network.change_register", user):
        return City.objects.none()
    cities = search_cities(City.objects.select_related("country"), q)
    return annotate_latest_membership(cities).order_by("name_folded", "pk")


def memberships_for_register(user) -> QuerySet[Membership]:
    """Return the memberships ``user`` may end or correct (every one, for the secretariat)."""
    if not rules.has_perm("network.change_register", user):
        return Membership.objects.none()
    return Membership.objects.select_related("city__country", "cohort")


def places_to_locate_for_user(user, *, q: str = "") -> QuerySet[City]:
    """Return the cities without coordinates, the gazetteer's failures first, for ``user``.

    The secretariat's worklist: a city leaves it once it has coordinates
    (picked from the gazetteer or entered by hand). Synthetic cities are left out.
    """
    cities = cities_for_register(user, q=q).filter(
        Q(latitude__isnull=True) | Q(longitude__isnull=True), is_synthetic=False
    )
    return cities.annotate(
        unexplained=Case(
            When(location_issue="", then=Value(1)), default=Value(0), output_field=IntegerField()
        )
    ).order_by("unexplained", "country__name", "name_folded", "pk")
