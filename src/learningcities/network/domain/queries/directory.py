"""Reads behind the public pages: directory, city, country, cohort and map.

Every function answers in a fixed number of queries, whatever the number of
rows, so list pages stay fast on a network of any size.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import (
    Count,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.utils import timezone

from learningcities.common.collation import sort_key, sorted_by
from learningcities.common.text import fold

from ...enums import Region
from ...models import City, Cohort, Country, Membership
from ...models.countries import localised_country_name
from .stats import memberships_active_on

# Member status filter of the directory.
STATUS_CURRENT = "current"
STATUS_FORMER = "former"
STATUS_ON_HOLD = "on_hold"
STATUS_ALL = "all"

# Sort keys of the directory. By name and by country, the order is the
# language's (``CollatedCities``); the others are an ORDER BY, ties broken by
# the folded name (no diacritics, close to every language's order), then id.
SORT_NAME = "name"
SORT_COUNTRY = "country"
SORT_NEWEST = "newest"
SORT_OLDEST = "oldest"
SORT_POPULATION = "population"
COLLATED_SORTS = (SORT_NAME, SORT_COUNTRY)
SORT_ORDERS = {
    SORT_NEWEST: [F("joined_on").desc(nulls_last=True), "name_folded", "pk"],
    SORT_OLDEST: [F("joined_on").asc(nulls_last=True), "name_folded", "pk"],
    SORT_POPULATION: [F("population").desc(nulls_last=True), "name_folded", "pk"],
}


def annotate_latest_membership(cities: QuerySet[City]) -> QuerySet[City]:
    """Annotate each city with its latest membership: the current one for a member.

    Adds ``joined_on``, ``joined_precision``, ``member_from``, ``ended_on``,
    ``membership_status``, ``cohort_name``, ``cohort_slug`` and
    ``on_hold_since`` as correlated
    subqueries, so a page of cities costs one query.
    """
    latest = Membership.objects.filter(city=OuterRef("pk")).order_by("-member_from", "-pk")
    return cities.annotate(
        joined_on=Subquery(latest.values("joined_on")[:1]),
        joined_precision=Subquery(latest.values("joined_precision")[:1]),
        member_from=Subquery(latest.values("member_from")[:1]),
        ended_on=Subquery(latest.values("ended_on")[:1]),
        membership_status=Subquery(latest.values("status")[:1]),
        cohort_name=Subquery(latest.values("cohort__name")[:1]),
        cohort_slug=Subquery(latest.values("cohort__slug")[:1]),
        on_hold_since=Subquery(latest.values("on_hold_since")[:1]),
    )


def current_member_filter(today: dt.date) -> Q:
    """Return a condition on cities: a member on ``today``.

    An ``IN (subquery)`` rather than a correlated EXISTS: SQLite would run the
    EXISTS once per city through the date index, quadratic on a large network.
    """
    return Q(pk__in=memberships_active_on(today).values("city_id"))


def on_hold_filter(today: dt.date) -> Q:
    """Return a condition on cities: a member on ``today`` whose membership is on hold."""
    held = memberships_active_on(today).filter(on_hold_since__isnull=False)
    return Q(pk__in=held.values("city_id"))


def ever_member_filter() -> Q:
    """Return a condition on cities: a member at any time (past, present or admitted)."""
    return Q(pk__in=Membership.objects.values("city_id"))


def cities_for_public() -> QuerySet[City]:
    """Return the cities anyone may see: those admitted to the network, ever.

    Members, former members and cities admitted from a later date (their
    cohort is released, so public). The register also holds cities that only
    applied: a city is added when it applies, or for a demo application, and
    stays when it is refused. An application must not publish its city, so
    every public list, page, search and count starts from here; the people who
    work on applications read cities through their own queries.
    """
    return City.objects.filter(ever_member_filter())


def search_cities(cities: QuerySet[City], q: str) -> QuerySet[City]:
    """Return the cities whose names, area or country contain every word of ``q``.

    Capitals and diacritics do not matter; country names match in every
    interface language (``City.search_text``).
    """
    for word in fold(q).split():
        cities = cities.filter(search_text__contains=word)
    return cities


@dataclass(frozen=True)
class DirectoryFilters:
    """What a visitor asked the directory for; empty values filter nothing."""

    q: str = ""
    region: str = ""
    country: str = ""
    year: int | None = None
    status: str = STATUS_CURRENT
    sort: str = SORT_NAME


class CollatedCities(Sequence):
    """Cities in the order of the active language, read from the database a page at a time.

    A database orders by code points (or by its own collation, which differs
    between SQLite and PostgreSQL and knows nothing of the visitor's language),
    so the order is computed here: one query reads the id, name and country of
    every matching city (a few thousand rows at most on a real network; 10,000
    in the benchmark), and a slice reads the full rows of one page. A paginator
    takes it as it takes a query set, in the same two queries.
    """

    def __init__(self, cities: QuerySet[City], *, by_country: bool):
        key = sort_key()
        country_keys: dict[str, bytes] = {}

        def order(row: tuple[int, str, str]) -> tuple:
            pk, name, country_code = row
            if not by_country:
                return (key(name), pk)
            if country_code not in country_keys:
                country_keys[country_code] = key(localised_country_name(country_code))
            return (country_keys[country_code], key(name), pk)

        rows = cities.order_by().values_list("pk", "name", "country_id")
        self.cities = cities
        self.pks = [row[0] for row in sorted(rows, key=order)]

    def __len__(self) -> int:
        return len(self.pks)

    def __getitem__(self, index):
        if isinstance(index, slice):
            pks = self.pks[index]
            rows = self.cities.in_bulk(pks)
            return [rows[pk] for pk in pks]
        return self[index : index + 1][0]


def cities_for_directory(
    filters: DirectoryFilters, *, today: dt.date | None = None
) -> QuerySet[City] | CollatedCities:
    """Return the cities of the public directory matching ``filters``, sorted.

    Each city carries its country (joined in the same query) and the fields of
    its latest membership (see ``annotate_latest_membership``). Only public
    cities are listed (``cities_for_public``). Sorted by name or by country,
    the order is the active language's (``CollatedCities``).
    """
    today = today or timezone.localdate()
    cities = cities_for_public()
    is_member = current_member_filter(today)
    if filters.status == STATUS_CURRENT:
        # The list of active members: a member on hold is left out (and listed apart).
        cities = cities.filter(is_member).exclude(on_hold_filter(today))
    elif filters.status == STATUS_ON_HOLD:
        cities = cities.filter(on_hold_filter(today))
    elif filters.status == STATUS_FORMER:
        cities = cities.filter(~is_member)
    if filters.region:
        cities = cities.filter(country__region=filters.region)
    if filters.country:
        cities = cities.filter(country_id=filters.country.upper())
    cities = search_cities(cities, filters.q)
    cities = annotate_latest_membership(cities.select_related("country"))
    if filters.year:
        cities = cities.filter(
            joined_on__gte=dt.date(filters.year, 1, 1), joined_on__lte=dt.date(filters.year, 12, 31)
        )
    if filters.sort in SORT_ORDERS:
        return cities.order_by(*SORT_ORDERS[filters.sort])
    return CollatedCities(cities, by_country=filters.sort == SORT_COUNTRY)


def countries_with_members() -> list[Country]:
    """Return the countries that have or had member cities, by name in the active language."""
    countries = Country.objects.filter(code__in=Membership.objects.values("city__country_id"))
    return sorted_by(countries, lambda country: country.display_name)


def joining_years() -> list[int]:
    """Return the years in which cities joined, newest first."""
    return sorted(
        {d.year for d in Membership.objects.dates("joined_on", "year")},
        reverse=True,
    )


def city_for_public(pk: int) -> City | None:
    """Return the public city with its country, every membership (with cohort) and award year.

    None when there is no such city or it is not public (``cities_for_public``):
    the page then answers 404 either way.
    """
    city = cities_for_public().select_related("country").filter(pk=pk).first()
    if city is None:
        return None
    city.membership_history = list(
        Membership.objects.filter(city=city).select_related("cohort").order_by("member_from", "pk")
    )
    # The award's record (calls.AwardWin, read through its relation: the
    # register does not import calls); a release bumps the revision.
    city.award_years = sorted(set(city.award_wins.values_list("year", flat=True)), reverse=True)
    return city


@dataclass(frozen=True)
class CountrySummary:
    country: Country
    current_members: int
    former_members: int


def countries_for_public(*, today: dt.date | None = None) -> dict[str, list[CountrySummary]]:
    """Return the countries with member cities, grouped by region (in the regions' order).

    A country counts its current members and its former members (cities with
    memberships, none of them current). Countries without a region come last
    under the key ``""``.
    """
    today = today or timezone.localdate()

    def counts(cities: QuerySet[City]) -> dict[str, int]:
        rows = cities.order_by().values("country_id").annotate(n=Count("pk"))
        return {row["country_id"]: row["n"] for row in rows}

    ever = counts(cities_for_public())
    current = counts(City.objects.filter(current_member_filter(today)))
    grouped: dict[str, list[CountrySummary]] = {r.value: [] for r in Region}
    for country in Country.objects.filter(code__in=list(ever)):
        grouped.setdefault(country.region, []).append(
            CountrySummary(
                country=country,
                current_members=current.get(country.code, 0),
                former_members=ever[country.code] - current.get(country.code, 0),
            )
        )
    key = sort_key()
    for summaries in grouped.values():
        summaries.sort(key=lambda summary: key(summary.country.display_name))
    return {region: summaries for region, summaries in grouped.items() if summaries}


def memberships_for_country(country: Country) -> list[Membership]:
    """Return every membership of the country's cities, by joining date, with city and cohort."""
    return list(
        Membership.objects.filter(city__country=country)
        .select_related("city", "cohort")
        .order_by("member_from", "city__name_folded", "pk")
    )


def cohorts_for_public() -> list[Cohort]:
    """Return every cohort, newest first, with ``cities`` and ``countries`` counted."""
    return list(
        Cohort.objects.annotate(
            cities=Count("memberships__city", distinct=True),
            countries=Count("memberships__city__country", distinct=True),
        ).order_by("-announced_on", "name")
    )


def memberships_for_cohort(cohort: Cohort) -> list[Membership]:
    """Return the cohort's memberships with city and country, by region, country and city.

    Countries and cities in the order of the active language.
    """
    memberships = list(
        Membership.objects.filter(cohort=cohort).select_related("city", "city__country")
    )
    order = {r.value: i for i, r in enumerate(Region)}
    key = sort_key()
    memberships.sort(
        key=lambda m: (
            order.get(m.city.country.region, len(order)),
            key(m.city.country.display_name),
            key(m.city.name),
        )
    )
    return memberships


def current_members_for_map(*, today: dt.date | None = None) -> QuerySet[City]:
    """Return the current member cities that have coordinates, with their country."""
    today = today or timezone.localdate()
    return (
        City.objects.filter(current_member_filter(today))
        .filter(latitude__isnull=False, longitude__isnull=False)
        .select_related("country")
        .order_by("name_folded", "pk")
    )


def current_members_by_country(*, today: dt.date | None = None) -> list[tuple[Country, list[City]]]:
    """Return the current member cities grouped by country.

    Countries by their name in the active language, cities by name, both in
    that language's order.
    """
    today = today or timezone.localdate()
    cities = City.objects.filter(current_member_filter(today)).select_related("country")
    groups: dict[str, tuple[Country, list[City]]] = {}
    for city in sorted_by(cities.order_by(), lambda city: city.name):
        groups.setdefault(city.country_id, (city.country, []))[1].append(city)
    return sorted_by(groups.values(), lambda group: group[0].display_name)


def current_member_count(*, today: dt.date | None = None) -> int:
    """Return how many cities are members on ``today``."""
    today = today or timezone.localdate()
    return City.objects.filter(current_member_filter(today)).count()


def cohort_cities_by_region(cohort: Cohort) -> list[tuple[str, list[City]]]:
    """Return the cohort's cities grouped by region, in the regions' order."""
    groups: dict[str, list[City]] = {}
    for membership in memberships_for_cohort(cohort):
        groups.setdefault(membership.city.country.region, []).append(membership.city)
    return list(groups.items())
