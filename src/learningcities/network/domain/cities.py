from functools import lru_cache

import pycountry
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from learningcities.common.domain.activity import record_activity
from learningcities.common.text import fold

from ..enums import LocationSource
from ..exceptions import NetworkError
from ..models import City, Country
from ..models.countries import localised_country_name
from ..validators import city_problems
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
    "location_issue",
    "website",
    "description",
    "contact_name",
    "contact_email",
    "is_synthetic",
)

# What the secretariat changes on a city's page (update_city).
EDITABLE_CITY_FIELDS = (
    "name",
    "local_name",
    "admin_area",
    "latitude",
    "longitude",
    "population",
    "population_year",
    "website",
    "description",
    "contact_name",
    "contact_email",
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
    if city is None:
        city = City(country=country, name=name, **fields)
        changed = ["name", "country", *fields]
    else:
        changed = _apply_changes(city, name=name, country=country, fields=fields)
    city.name_folded = fold(city.name)
    city.search_text = city_search_text(
        name=city.name, local_name=city.local_name, admin_area=city.admin_area, country=country
    )
    _store_city(city, changed, before, actor=actor)
    return city, changed


def _apply_changes(city: City, *, name: str, country: Country, fields: dict) -> list[str]:
    """Set the values that differ on ``city`` (unsaved); return the names of those fields."""
    changed = []
    for field in ("name", *fields):
        value = name if field == "name" else fields[field]
        if getattr(city, field) != value:
            setattr(city, field, value)
            changed.append(field)
    if city.country_id != country.pk:
        city.country = country
        changed.append("country")
    return changed


def _store_city(city: City, changed: list[str], before: dict, *, actor) -> None:
    """Save a new city, or the changed fields of one; bump the revision and record the change."""
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


def _changes(city: City, changed: list[str], before: dict) -> dict:
    result = {}
    for field in changed:
        attr = "country_id" if field == "country" else field
        result[field] = [before.get(attr), getattr(city, attr)]
    return result


class CityChangeError(NetworkError):
    """A change of a city was refused; ``problems`` maps each field to why."""

    def __init__(self, problems: dict[str, str]):
        self.problems = problems
        super().__init__(" ".join(problems.values()))


@transaction.atomic
def update_city(city: City, *, actor, **fields) -> list[str]:
    """Change what the secretariat edits of ``city``; return the names of the fields changed.

    ``fields`` are among ``EDITABLE_CITY_FIELDS``; only those given change.
    Refused with CityChangeError (by field) when a value breaks a rule of
    ``validators.city_problems`` or when the new name is another city's in the
    country. New coordinates are recorded as entered by the secretariat and
    take the city off the gazetteer worklist. Effects: the city row, one
    ``network.city.update`` activity entry with every change, the register
    revision bumped (public pages and statistics change on the next request);
    nothing when no value differs.
    """
    unknown = set(fields) - set(EDITABLE_CITY_FIELDS)
    if unknown:
        raise TypeError(f"not editable city fields: {sorted(unknown)}")
    fields = _stripped_with_both_coordinates(city, fields)
    problems = city_problems(fields)
    name = fields.pop("name", city.name)
    if not problems and (taken := _name_taken(city, name)):
        problems["name"] = taken
    if problems:
        raise CityChangeError(problems)
    _set_location_source(city, fields)
    _city, changed = save_city(country=city.country, name=name, city=city, actor=actor, **fields)
    return changed


def _stripped_with_both_coordinates(city: City, fields: dict) -> dict:
    """Return ``fields`` with texts stripped, and the city's other coordinate if one is given."""
    fields = {k: v.strip() if isinstance(v, str) else v for k, v in fields.items()}
    if "latitude" in fields or "longitude" in fields:
        fields.setdefault("latitude", city.latitude)
        fields.setdefault("longitude", city.longitude)
    return fields


def _name_taken(city: City, name: str) -> str:
    """Return why ``city`` cannot be called ``name`` (another city of the country is), or ""."""
    if fold(name) == city.name_folded:
        return ""
    other = find_city(city.country, name)
    if other is None or other.pk == city.pk:
        return ""
    return _("%(country)s already has a city called %(name)s.") % {
        "country": city.country.display_name,
        "name": other.name,
    }


def _set_location_source(city: City, fields: dict) -> None:
    """Record new coordinates as the secretariat's, off the worklist; drop unchanged ones."""
    if (fields.get("latitude"), fields.get("longitude")) == (city.latitude, city.longitude):
        fields.pop("latitude", None)
        fields.pop("longitude", None)
        return
    placed = fields.get("latitude") is not None
    fields.update(
        gazetteer_id="",
        location_source=LocationSource.MANUAL if placed else LocationSource.UNKNOWN,
    )
    if placed:
        fields["location_issue"] = ""


@transaction.atomic
def place_city(city: City, *, actor, place) -> list[str]:
    """Give ``city`` the coordinates of a gazetteer place the secretariat picked.

    ``place`` is a ``gazetteer.Match`` with coordinates. The city's admin area
    and population are filled in from it only where the register has none.
    Effects as ``update_city`` (activity ``network.city.update``, revision bumped);
    the city leaves the gazetteer worklist.
    """
    if not place.has_location:
        raise NetworkError(_("This place has no coordinates in the gazetteer."))
    fields = {
        "latitude": place.latitude,
        "longitude": place.longitude,
        "gazetteer_id": place.gazetteer_id,
        "location_source": place.source,
        "location_issue": "",
    }
    if not city.admin_area and place.admin_area:
        fields["admin_area"] = place.admin_area
    if city.population is None and place.population is not None:
        fields.update(population=place.population, population_year=place.population_year)
    _city, changed = save_city(
        country=city.country, name=city.name, city=city, actor=actor, **fields
    )
    return changed
