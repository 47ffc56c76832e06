"""Completing the locations of cities from the offline gazetteer."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from ..enums import LocationIssue
from ..gazetteer import (
    Gazetteer,
    Status,
    UnresolvedPlace,
    default_gazetteer,
    distance_km,
    unresolved_place,
)
from ..models import City
from .cities import save_city

# A population is taken from a gazetteer place only when it lies this close to
# coordinates the city already has (otherwise it may be another place).
SAME_PLACE_KM = 30.0


@dataclass
class LocateResult:
    filled: list[tuple[City, list[str]]] = field(default_factory=list)
    unresolved: list[UnresolvedPlace] = field(default_factory=list)
    dry_run: bool = False


class _DryRun(Exception):
    pass


def locate_cities(*, dry_run: bool = False, gazetteer: Gazetteer | None = None) -> LocateResult:
    """Fill in missing coordinates and populations of cities from the gazetteer.

    Values already in the register are never replaced. Returns the cities
    filled in and, for those still without coordinates, why (no match,
    ambiguous, listed without coordinates). Effects: city rows through
    save_city (the register revision is bumped per change); nothing for a dry run.
    """
    gazetteer = gazetteer or default_gazetteer()
    result = LocateResult(dry_run=dry_run)
    cities = City.objects.filter(is_synthetic=False).filter(
        latitude__isnull=True
    ) | City.objects.filter(is_synthetic=False, population__isnull=True)
    try:
        with transaction.atomic():
            for city in cities.select_related("country").order_by("country_id", "name_folded"):
                _locate_city(city, gazetteer, result)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return result


def _locate_city(city: City, gazetteer: Gazetteer, result: LocateResult) -> None:
    """Fill in what the gazetteer knows of ``city``; record it in ``result`` as filled or not."""
    resolution = gazetteer.resolve(city.name, city.country_id, admin_area=city.admin_area)
    fields = _fields_from(city, resolution)
    if "latitude" in fields:
        fields["location_issue"] = ""
    elif not city.has_location and city.location_issue != resolution.issue:
        # Kept on the city: the secretariat's worklist of places to locate.
        fields["location_issue"] = resolution.issue or LocationIssue.NO_COORDINATES
    if fields:
        _saved, changed = save_city(country=city.country, name=city.name, city=city, **fields)
        if set(changed) - {"location_issue"}:
            result.filled.append((city, changed))
    if not city.has_location:
        result.unresolved.append(
            unresolved_place(
                resolution,
                city=city.name,
                country=city.country_id,
                admin_area=city.admin_area,
                city_id=city.pk,
            )
        )


def _fields_from(city: City, resolution) -> dict:
    """Return the coordinates and population the gazetteer's place gives ``city`` ({}: none).

    Values the city has are kept; a population is taken only from a place
    near the coordinates the city has (if it has any).
    """
    match = resolution.match
    if match is None or resolution.status not in {Status.FOUND, Status.NO_COORDINATES}:
        return {}
    fields: dict = {}
    if not city.has_location and match.has_location:
        fields.update(
            latitude=match.latitude,
            longitude=match.longitude,
            gazetteer_id=match.gazetteer_id,
            location_source=match.source,
        )
    if city.population is None and match.population is not None and _same_place(city, match):
        fields.update(population=match.population, population_year=match.population_year)
    return fields


def _same_place(city: City, match) -> bool:
    """Return whether ``match`` may be the city: near its coordinates, or either has none."""
    if not (city.has_location and match.has_location):
        return True
    distance = distance_km((city.latitude, city.longitude), (match.latitude, match.longitude))
    return distance <= SAME_PLACE_KM
