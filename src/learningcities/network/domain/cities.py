from functools import lru_cache

import pycountry
from django.conf import settings
from django.db import transaction

from learningcities.common.domain.activity import record_activity
from learningcities.common.text import fold

from ..models import City, Country
from ..models.countries import localised_country_name
from .revision import bump_network_revision

CITY_FIELDS = (
    "local_name",
    "admin_area",
    "population",
    "population_year",
    "latitude",
    "longitude",
    "gazetteer_id",
    "location_source",
    "is_synthetic",
)


# Names people still search by that CLDR and ISO no longer use.
_COUNTRY_ALIASES = {
    "CI": ["Ivory Coast"],
    "CV": ["Cape Verde"],
    "CZ": ["Czech Republic"],
    "GB": ["UK", "Great Britain", "Britain"],
    "KR": ["Republic of Korea", "Korea"],
    "MK": ["Macedonia"],
    "PS": ["Palestine"],
    "SZ": ["Swaziland"],
    "TR": ["Turkey"],
    "US": ["USA", "United States of America"],
    "VN": ["Viet Nam"],
}


@lru_cache(maxsize=512)
def country_search_names(code: str) -> tuple[str, ...]:
    """Return the folded names of a country in every interface language, ISO's and aliases."""
    names = {code}
    for language, _label in settings.LANGUAGES:
        names.add(localised_country_name(code, language))
    entry = pycountry.countries.get(alpha_2=code)
    if entry is not None:
        names.update(
            getattr(entry, attr)
            for attr in ("name", "official_name", "common_name")
            if getattr(entry, attr, None)
        )
    names.update(_COUNTRY_ALIASES.get(code, []))
    folded = {fold(n) for n in names}
    return tuple(sorted(n for n in folded if n))


def city_search_text(*, name: str, local_name: str, admin_area: str, country: Country) -> str:
    """Return the folded text the directory and the API search in.

    It holds the city's names and area and its country's names in every
    interface language, so "corée" and "korea" both find Korean cities.
    """
    parts = [fold(p) for p in (name, local_name, admin_area)]
    return " ".join([p for p in parts if p] + list(country_search_names(country.code)))


def find_city(country: Country, name: str) -> City | None:
    """Return the city of that name in the country, matching case and diacritics loosely."""
    return City.objects.filter(country=country, name_folded=fold(name)).first()


@transaction.atomic
def save_city(
    *, country: Country, name: str, city: City | None = None, actor=None, **fields
) -> tuple[City, list[str]]:
    """Create a city, or update ``city`` (or the one of that name in the country).

    Only the fields given are changed. Returns the city and the names of the
    fields that changed (empty when nothing did). Effects: one city row; the
    register revision is bumped when anything changed.
    """
    unknown = set(fields) - set(CITY_FIELDS)
    if unknown:
        raise TypeError(f"unknown city fields: {sorted(unknown)}")
    city = city or find_city(country, name)
    before = {f: getattr(city, f) for f in ("name", "country_id", *fields)} if city else {}
    changed: list[str] = []
    if city is None:
        city = City(country=country, name=name, **fields)
        changed = ["name", "country", *fields]
    else:
        for field in ("name", *fields):
            value = name if field == "name" else fields[field]
            if getattr(city, field) != value:
                setattr(city, field, value)
                changed.append(field)
        if city.country_id != country.pk:
            city.country = country
            changed.append("country")
    city.name_folded = fold(city.name)
    city.search_text = city_search_text(
        name=city.name, local_name=city.local_name, admin_area=city.admin_area, country=country
    )
    if city.pk is None:
        city.save()
        bump_network_revision()
        record_activity(
            "network.city.create", actor=actor, subject=city, changes=_changes(city, changed, {})
        )
    elif changed:
        city.save(update_fields=[*changed, "name_folded", "search_text", "updated_at"])
        bump_network_revision()
        record_activity(
            "network.city.update",
            actor=actor,
            subject=city,
            changes=_changes(city, changed, before),
        )
    return city, changed


def _changes(city: City, changed: list[str], before: dict) -> dict:
    result = {}
    for field in changed:
        attr = "country_id" if field == "country" else field
        result[field] = [before.get(attr), getattr(city, attr)]
    return result
