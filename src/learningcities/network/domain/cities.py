from django.db import transaction

from learningcities.common.domain.activity import record_activity
from learningcities.common.text import fold

from ..models import City, Country
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


def city_search_text(*, name: str, local_name: str, admin_area: str, country: Country) -> str:
    parts = [name, local_name, admin_area, country.name, country.code]
    return " ".join(p for p in (fold(part) for part in parts) if p)


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
