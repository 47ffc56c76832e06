"""A synthetic network of any size, for tests and benchmarks (marked synthetic throughout)."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils.text import slugify

from learningcities.common.domain.activity import record_activity
from learningcities.common.text import fold
from learningcities.network.dates import period_end
from learningcities.network.domain.cities import city_search_text
from learningcities.network.domain.revision import bump_network_revision
from learningcities.network.enums import (
    DatePrecision,
    LocationSource,
    MembershipStatus,
    Region,
    UnescoStatus,
)
from learningcities.network.exceptions import NetworkError
from learningcities.network.gazetteer import largest_places
from learningcities.network.models import City, Cohort, Country, Membership

FIRST_COHORT = dt.date(2016, 7, 17)
LAST_COHORT = dt.date(2025, 12, 4)
SYNTHETIC_MARK = "(synthetic)"
_ONSETS = ("b", "c", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "br", "tr")
_ONSETS += ("st", "gr", "dr", "pl", "sh", "ch", "th", "h", "j", "qu")
_VOWELS = ("a", "e", "i", "o", "u", "a", "e", "o", "ia", "ea", "ou", "ai")
_CODAS = ("", "", "", "n", "r", "l", "s", "m", "nd", "rt", "x", "th")
_ENDINGS = ("", "", "ville", "burg", "polis", "ton", "stad", "abad", "grad", "pur", "via", "mar")


@dataclass(frozen=True)
class SyntheticNetwork:
    """What ``generate_network`` created."""

    cities: int
    memberships: int
    cohorts: int
    lapsed: int
    readmitted: int
    deleted_cities: int = 0


def _syllable(rng: random.Random) -> str:
    return rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS)


def synthetic_name(rng: random.Random) -> str:
    """Return a pronounceable, made-up place name such as "Velmora"."""
    name = "".join(_syllable(rng) for _ in range(rng.choice((2, 2, 3)))) + rng.choice(_ENDINGS)
    return name[:1].upper() + name[1:]


def cohort_dates(count: int) -> list[dt.date]:
    """Return ``count`` announcement days spread evenly from 2016 to December 2025."""
    if count == 1:
        return [LAST_COHORT]
    span = (LAST_COHORT - FIRST_COHORT).days
    return [FIRST_COHORT + dt.timedelta(days=round(i * span / (count - 1))) for i in range(count)]


def _countries_by_region() -> dict[str, list[tuple[Country, list]]]:
    """Return, per UNESCO region, its countries with GeoNames places to scatter cities around."""
    by_region: dict[str, list[tuple[Country, list]]] = {r.value: [] for r in Region}
    countries = Country.objects.exclude(region="").filter(
        unesco_status__in=[UnescoStatus.MEMBER, UnescoStatus.ASSOCIATE]
    )
    for country in countries.order_by("code"):
        places = largest_places(country.code, 40)
        if places:
            by_region[country.region].append((country, places))
    return {region: rows for region, rows in by_region.items() if rows}


@transaction.atomic
def generate_network(
    *, cities: int, seed: int, cohorts: int = 10, replace: bool = False
) -> SyntheticNetwork:
    """Create a reproducible synthetic network: the same seed gives the same data.

    Cities are named "<Made-up name> (synthetic)", spread over real countries of
    every UNESCO region, placed near a real town of their country, and admitted
    in ``cohorts`` cohorts ("Synthetic cohort 2016" ...); some memberships lapse
    and some of those cities are re-admitted later. Rows that are not synthetic
    are never touched. With ``replace`` the earlier synthetic cities, their
    memberships and synthetic cohorts are deleted first.

    Effects: bulk-created city, cohort and membership rows in one transaction;
    the register revision is bumped once.
    """
    if cities < 0:
        raise NetworkError("The number of cities cannot be negative.")
    if cohorts < 1:
        raise NetworkError("A network needs at least one cohort.")
    rng = random.Random(seed)
    deleted = _delete_synthetic() if replace else 0
    regions = _countries_by_region()
    region_keys = [r.value for r in Region if r.value in regions]
    if not region_keys:
        raise NetworkError("No country has a UNESCO region; run sync-countries first.")

    cohort_rows = _synthetic_cohorts(cohorts)
    dates = [c.announced_on for c in cohort_rows]
    taken = set(City.objects.filter(is_synthetic=True).values_list("country_id", "name_folded"))
    new_cities = []
    for i in range(cities):
        # The first cities visit every region, so even a small network spans all five.
        region = region_keys[i] if i < len(region_keys) else rng.choice(region_keys)
        new_cities.append(_synthetic_city(rng, regions[region], taken))
    City.objects.bulk_create(new_cities, batch_size=500)

    memberships, lapsed, readmitted = _synthetic_memberships(rng, new_cities, cohort_rows, dates)
    Membership.objects.bulk_create(memberships, batch_size=500)
    bump_network_revision()
    # One entry for the whole run: the rows are made up, row-by-row entries
    # would only bury the real history.
    record_activity(
        "network.synthetic.generate",
        changes={
            "cities": [deleted, len(new_cities)],
            "memberships": [None, len(memberships)],
            "seed": [None, seed],
        },
    )
    return SyntheticNetwork(
        cities=len(new_cities),
        memberships=len(memberships),
        cohorts=len(cohort_rows),
        lapsed=lapsed,
        readmitted=readmitted,
        deleted_cities=deleted,
    )


def _delete_synthetic() -> int:
    """Delete the synthetic cities (their memberships with them) and the cohorts left empty."""
    _total, per_model = City.objects.filter(is_synthetic=True).delete()  # cascades
    Cohort.objects.filter(is_synthetic=True, memberships__isnull=True).delete()
    return per_model.get(City._meta.label, 0)


def _synthetic_city(rng: random.Random, countries: list, taken: set[tuple[str, str]]) -> City:
    """Return an unsaved synthetic city near a real town of one of ``countries``.

    Its name is new in its country (``taken`` holds the (country, folded name)
    pairs used, this one added).
    """
    country, places = rng.choice(countries)
    _place, lat, lon, _population = places[min(int(rng.expovariate(0.15)), len(places) - 1)]
    name = f"{synthetic_name(rng)} {SYNTHETIC_MARK}"
    while (country.code, fold(name)) in taken:
        name = f"{synthetic_name(rng)} {SYNTHETIC_MARK}"
    taken.add((country.code, fold(name)))
    return City(
        name=name,
        country=country,
        population=int(min(rng.lognormvariate(12.3, 1.2), 30_000_000)) + 1000,
        population_year=2020 + rng.randrange(5),
        latitude=round(max(-90.0, min(90.0, lat + rng.uniform(-0.25, 0.25))), 5),
        longitude=round(((lon + rng.uniform(-0.25, 0.25) + 180) % 360) - 180, 5),
        location_source=LocationSource.SYNTHETIC,
        name_folded=fold(name),
        search_text=city_search_text(name=name, local_name="", admin_area="", country=country),
        is_synthetic=True,
    )


def _cohort_names(dates: list[dt.date]) -> list[str]:
    """Name each cohort by its year, or by its date when a year has several."""
    names = []
    for day in dates:
        name = f"Synthetic cohort {day.year}"
        if name in names or sum(1 for d in dates if d.year == day.year) > 1:
            name = f"Synthetic cohort {day.isoformat()}"
        names.append(name)
    return names


def _synthetic_cohorts(count: int) -> list[Cohort]:
    """Return the synthetic cohorts, reusing those of the same name, creating the rest."""
    dates = cohort_dates(count)
    names = _cohort_names(dates)
    existing = {c.name: c for c in Cohort.objects.filter(name__in=names)}
    rows = []
    for name, day in zip(names, dates, strict=True):
        cohort = existing.get(name)
        if cohort is not None and not cohort.is_synthetic:
            name = f"{name} {SYNTHETIC_MARK}"
            cohort = Cohort.objects.filter(name=name).first()
        if cohort is None:
            cohort = Cohort.objects.create(
                name=name,
                slug=_free_slug(name),
                announced_on=day,
                description="Generated for tests and benchmarks.",
                is_synthetic=True,
            )
        rows.append(cohort)
    return rows


def _free_slug(name: str) -> str:
    base, n = slugify(name)[:90] or "cohort", 1
    slug = base
    while Cohort.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _synthetic_memberships(
    rng: random.Random, cities: list[City], cohorts: list[Cohort], dates: list[dt.date]
) -> tuple[list[Membership], int, int]:
    # Later cohorts are larger, as the real network grew.
    weights = [1 + i for i in range(len(cohorts))]
    rows: list[Membership] = []
    lapsed = readmitted = 0
    for city in cities:
        index = rng.choices(range(len(cohorts)), weights=weights)[0]
        cohort, day = cohorts[index], dates[index]
        if rng.random() < 0.08:
            # An early member known only by its year, as in the network's first years.
            joined, precision, cohort = dt.date(day.year, 1, 1), DatePrecision.YEAR, None
        else:
            joined, precision = day, DatePrecision.DAY
        member_from = period_end(joined, precision)
        later = [i for i in range(index + 1, len(cohorts)) if dates[i] > member_from]
        if later and rng.random() < 0.1:
            lapsed += 1
            spells = _lapsed_spells(rng, city, (joined, precision, cohort), later, cohorts, dates)
            readmitted += len(spells) - 1
            rows += spells
            continue
        rows.append(_membership(city, joined, precision, cohort))
    return rows, lapsed, readmitted


def _lapsed_spells(
    rng: random.Random,
    city: City,
    joining: tuple[dt.date, str, Cohort | None],
    later: list[int],
    cohorts: list[Cohort],
    dates: list[dt.date],
) -> list[Membership]:
    """Return a lapsed membership, and perhaps a re-admission in one of the ``later`` cohorts."""
    joined, precision, cohort = joining
    member_from = period_end(joined, precision)
    back = rng.choice(later) if rng.random() < 0.5 else None
    last = dates[back] if back is not None else LAST_COHORT
    span = (last - member_from).days
    if span < 2:
        back = None
        span = (LAST_COHORT - member_from).days
    ended = member_from + dt.timedelta(days=max(1, rng.randrange(1, max(2, span))))
    rows = [_membership(city, joined, precision, cohort, MembershipStatus.LAPSED, ended)]
    if back is not None and dates[back] > ended:
        rows.append(_membership(city, dates[back], DatePrecision.DAY, cohorts[back]))
    return rows


def _membership(
    city: City,
    joined: dt.date,
    precision: str,
    cohort: Cohort | None,
    status: str = MembershipStatus.ACTIVE,
    ended_on: dt.date | None = None,
) -> Membership:
    return Membership(
        city=city,
        joined_on=joined,
        joined_precision=precision,
        member_from=period_end(joined, precision),
        cohort=cohort,
        status=status,
        ended_on=ended_on,
        source="synthetic",
    )
