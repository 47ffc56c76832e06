import csv
from pathlib import Path

import pycountry
from django.db import transaction

from learningcities.common.domain.activity import record_activity

from ..enums import Region, UnescoStatus
from ..models import Country
from .revision import bump_network_revision

COUNTRIES_CSV = Path(__file__).resolve().parent.parent / "data" / "countries.csv"


def country_rows() -> list[dict]:
    """Return every ISO 3166-1 country with its UNESCO status and region.

    The list of codes and English names comes from pycountry; UNESCO status and
    region from the project's data file (sources in COUNTRIES-SOURCES.md).
    """
    extra = _country_data()
    return [_country_row(entry, extra.get(entry.alpha_2, {})) for entry in pycountry.countries]


def _country_data() -> dict[str, dict]:
    """Return the rows of the project's data file by country code ({} without the file)."""
    if not COUNTRIES_CSV.exists():
        return {}
    with COUNTRIES_CSV.open(encoding="utf-8", newline="") as f:
        return {row["code"].strip().upper(): row for row in csv.DictReader(f)}


def _country_row(entry, data: dict) -> dict:
    """Return the country row of a pycountry ``entry`` completed with its ``data`` file row."""
    status = (data.get("unesco_status") or UnescoStatus.NONE).strip()
    region_label = (data.get("region") or "").strip()
    return {
        "code": entry.alpha_2,
        "alpha3": entry.alpha_3,
        "name": getattr(entry, "common_name", None) or entry.name,
        "unesco_status": status if status in UnescoStatus.values else UnescoStatus.NONE,
        "region": next((r.value for r in Region if r.label == region_label), ""),
    }


def _sync_country(country: Country | None, row: dict) -> bool:
    """Create the country of ``row``, or save the fields that differ; return whether it changed."""
    if country is None:
        Country.objects.create(**row)
        return True
    fields = [f for f, v in row.items() if getattr(country, f) != v]
    for f in fields:
        setattr(country, f, row[f])
    if fields:
        country.save(update_fields=fields)
    return bool(fields)


@transaction.atomic
def sync_countries() -> int:
    """Create or update every country from pycountry and the data file; return how many changed."""
    changed = 0
    existing = {c.code: c for c in Country.objects.all()}
    for row in country_rows():
        changed += _sync_country(existing.get(row["code"]), row)
    if changed:
        bump_network_revision()
        record_activity("network.countries.sync", changes={"countries": [None, changed]})
    return changed
