"""Reads behind the public REST API: cities, cohorts and countries with their membership facts.

Every list here costs a constant number of queries whatever its length: related
rows come through ``select_related`` and per-row facts through subqueries.
"""

import datetime as dt

from django.db.models import Count, Exists, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from ...models import City, Cohort, Country, Membership
from .directory import cities_for_public
from .stats import memberships_active_on


def annotate_current_membership(cities: QuerySet[City], *, today: dt.date) -> QuerySet[City]:
    """Annotate each city with ``is_member`` (on ``today``) and its latest membership's facts.

    Adds ``is_member``, ``latest_joined_on``, ``latest_joined_precision``,
    ``latest_cohort_id`` and ``latest_cohort_name`` (None for a city that never joined).
    Memberships of one city never overlap, so a current membership is also the latest.
    """
    latest = Membership.objects.filter(city=OuterRef("pk")).order_by("-member_from", "-pk")
    return cities.annotate(
        is_member=Exists(memberships_active_on(today).filter(city=OuterRef("pk"))),
        latest_joined_on=Subquery(latest.values("joined_on")[:1]),
        latest_joined_precision=Subquery(latest.values("joined_precision")[:1]),
        latest_cohort_id=Subquery(latest.values("cohort_id")[:1]),
        latest_cohort_name=Subquery(latest.values("cohort__name")[:1]),
    )


def cities_for_api(
    *,
    today: dt.date,
    country: str | None = None,
    region: str | None = None,
    words: list[str] | None = None,
    member: bool | None = None,
) -> QuerySet[City]:
    """Return the public cities the API lists, filtered and ordered by name then id.

    Public: admitted to the network at some time (``cities_for_public``); a
    city that only applied is never listed, whatever the filters. ``country``
    is an ISO alpha-2 code, ``region`` a ``Region`` value, ``words`` are
    folded search words that must all occur in the city's search text,
    ``member`` keeps current members (True) or the public cities that are not
    members on ``today``: former members, and cities admitted from a later
    date (False).
    """
    cities = cities_for_public()
    if country:
        cities = cities.filter(country_id=country.upper())
    if region:
        cities = cities.filter(country__region=region)
    for word in words or []:
        cities = cities.filter(search_text__contains=word)
    if member is not None:
        active = Exists(memberships_active_on(today).filter(city=OuterRef("pk")))
        cities = cities.filter(active if member else ~active)
    return cities.order_by("name", "pk")


def city_for_api(pk: int, *, today: dt.date) -> City | None:
    """Return the public city ``pk`` as an API item shows it, or None.

    None as well for a city that is not public (``cities_for_public``), so
    its id answers 404 like a missing one.
    """
    return city_page_for_api(cities_for_public().filter(pk=pk), today=today).first()


def city_page_for_api(cities: QuerySet[City], *, today: dt.date) -> QuerySet[City]:
    """Return ``cities`` with what an API item shows: country and current membership."""
    return annotate_current_membership(cities.select_related("country"), today=today)


def memberships_for_city(city: City) -> QuerySet[Membership]:
    """Return every membership of ``city``, oldest first, with its cohort."""
    return city.memberships.select_related("cohort").order_by("member_from", "pk")


def cohorts_for_api() -> QuerySet[Cohort]:
    """Return the cohorts, newest first, with ``member_count`` and ``country_count``."""
    return Cohort.objects.annotate(
        member_count=Count("memberships", distinct=True),
        country_count=Count("memberships__city__country", distinct=True),
    ).order_by("-announced_on", "-pk")


def cities_for_cohort(cohort: Cohort) -> QuerySet[City]:
    """Return the cities admitted in ``cohort``, by name, with their country."""
    return (
        City.objects.filter(memberships__cohort=cohort)
        .select_related("country")
        .distinct()
        .order_by("name", "pk")
    )


def countries_for_api(
    *, today: dt.date, region: str | None = None, member: bool | None = None
) -> QuerySet[Country]:
    """Return the countries, by English name, with ``member_cities`` on ``today``.

    ``region`` keeps one UNESCO region; ``member`` keeps countries with at least
    one member city (True) or none (False).
    """
    members = (
        memberships_active_on(today)
        .filter(city__country=OuterRef("pk"))
        .order_by()
        .values("city__country")
        .annotate(n=Count("city", distinct=True))
        .values("n")
    )
    countries = Country.objects.annotate(
        member_cities=Coalesce(Subquery(members[:1]), Value(0), output_field=IntegerField())
    )
    if region:
        countries = countries.filter(region=region)
    if member is True:
        countries = countries.filter(member_cities__gt=0)
    elif member is False:
        countries = countries.filter(member_cities=0)
    return countries.order_by("name", "pk")
