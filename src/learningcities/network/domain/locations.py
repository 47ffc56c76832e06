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
                resolution = gazetteer.resolve(
                    city.name, city.country_id, admin_area=city.admin_area
                )
                fields = _fields_from(city, resolution)
                if "latitude" in fields:
                    fields["location_issue"] = ""
                elif not city.has_location and city.location_issue != resolution.issue:
                    # Kept on the city: the secretariat's worklist of places to locate.
                    fields["location_issue"] = resolution.issue or LocationIssue.NO_COORDINATES
                if fields:
                    _saved, changed = save_city(
                        country=city.country, name=city.name, city=city, **fields
                    )
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
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return result


def _fields_from(city: City, resolution) -> dict:
    match = resolution.match
    if match is None or resolution.status not in {Status.FOUND, Status.NO_COORDINATES}:
        return {}
    fields: dict = {}
    same_place = True
    if not city.has_location and match.has_location:
        fields.update(
            latitude=match.latitude,
            longitude=match.longitude,
            gazetteer_id=match.gazetteer_id,
            location_source=match.source,
        )
    elif city.has_location and match.has_location:
        distance = distance_km((city.latitude, city.longitude), (match.latitude, match.longitude))
        same_place = distance <= SAME_PLACE_KM
    if city.population is None and match.population is not None and same_place:
        fields.update(population=match.population, population_year=match.population_year)
    return fields
