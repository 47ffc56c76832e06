"""The data dictionary describes the API: one meaning per field, wherever it is published.

The API's public objects carry the datasets' fields, sometimes under another
name (a city's ``country`` is the dataset's ``country_code``) or in another
form (a list is a JSON array in the API, a cell with a separator in a CSV).
``API_FIELDS`` says which property of which schema carries which field; the
OpenAPI document then takes each such property's description and unit from
the dataset's field (``describe``), adding what only the API's form needs to
say, and names the dataset of each such schema (``x-dataset``). So the data
dictionary on the open data page, the data package, the catalogue and the API
reference say the same thing of a field, from one definition.

``mismatches`` lists the properties whose JSON type does not match the
field's type; the test suite requires none.
"""

from dataclasses import dataclass

from django.utils import translation

from ..domain.datasets import DATASETS, Field


@dataclass(frozen=True)
class Carries:
    """A property carries dataset field ``field``; ``note`` says what its API form adds."""

    field: str
    note: str = ""


IN_THE_REQUEST_LANGUAGE = "In the request's language (Accept-Language)."
AS_AN_ARRAY = "An array."

# schema name -> (dataset, {property: the field it carries}).
API_FIELDS: dict[str, tuple[str, dict[str, Carries]]] = {
    "CityOut": (
        "member-cities",
        {
            "id": Carries("id"),
            "name": Carries("name"),
            "local_name": Carries("local_name"),
            "admin_area": Carries("admin_area"),
            "country": Carries("country_code"),
            "country_name": Carries("country", IN_THE_REQUEST_LANGUAGE),
            "region": Carries("region_name", IN_THE_REQUEST_LANGUAGE),
            "population": Carries("population"),
            "population_year": Carries("population_year"),
            "latitude": Carries("latitude"),
            "longitude": Carries("longitude"),
            "joined": Carries("joined"),
            "cohort": Carries("cohort"),
        },
    ),
    "AwardWinnerOut": (
        "award-winners",
        {
            "year": Carries("year"),
            "city_id": Carries("city_id"),
            "city": Carries("city"),
            "country": Carries("country_code"),
            "country_name": Carries("country", IN_THE_REQUEST_LANGUAGE),
        },
    ),
    "MembershipOut": (
        "memberships",
        {
            "joined": Carries("joined"),
            "member_from": Carries("member_from"),
            "cohort": Carries("cohort"),
            "status": Carries("status"),
            "ended_on": Carries("ended_on"),
        },
    ),
    "CohortOut": (
        "cohorts",
        {
            "slug": Carries("slug"),
            "name": Carries("name"),
            "announced_on": Carries("announced_on"),
            "member_count": Carries("member_count"),
            "countries": Carries("country_count"),
        },
    ),
    "CountryOut": (
        "countries",
        {
            "code": Carries("code"),
            "name": Carries("name", IN_THE_REQUEST_LANGUAGE),
            "region": Carries("region_name", IN_THE_REQUEST_LANGUAGE),
            "member_cities": Carries("member_cities"),
        },
    ),
    "EventOut": (
        "events",
        {
            "slug": Carries("slug"),
            "kind": Carries("kind"),
            "title": Carries("title", IN_THE_REQUEST_LANGUAGE),
            "edition": Carries("edition"),
            "theme": Carries("theme", IN_THE_REQUEST_LANGUAGE),
            "status": Carries("status"),
            "starts_on": Carries("starts_on"),
            "ends_on": Carries("ends_on"),
            "time_zone": Carries("time_zone"),
            "attendance": Carries("attendance"),
            "host_country": Carries("host_country_code"),
            "host_country_name": Carries("host_country", IN_THE_REQUEST_LANGUAGE),
            "languages": Carries("languages", AS_AN_ARRAY),
        },
    ),
    "OutcomeOut": (
        "outcome-documents",
        {
            "id": Carries("id"),
            "title": Carries("title"),
            "summary": Carries("summary"),
            "adopted_on": Carries("adopted_on"),
            "languages": Carries("languages", AS_AN_ARRAY),
            "endorsements": Carries("endorsements"),
            "source": Carries("source"),
        },
    ),
    "PracticeOut": (
        "practices",
        {
            "id": Carries("id"),
            "language": Carries("language"),
            "areas": Carries("areas", "An array of the areas, each with its code and title."),
            "sdgs": Carries("sdgs", "An array of the goals, each with its number and name."),
            "target_groups": Carries(
                "target_groups", "An array of the groups, each with its code and name."
            ),
            "started_year": Carries("started_year"),
            "ended_year": Carries("ended_year"),
            "licence": Carries("licence"),
            "published_at": Carries("published_at"),
        },
    ),
    "CycleOut": (
        "reporting-rates",
        {
            "code": Carries("cycle"),
            "name": Carries("cycle_name"),
            "period_start": Carries("period_start"),
            "period_end": Carries("period_end"),
        },
    ),
    "RatesOut": (
        "reporting-rates",
        {
            "expected": Carries("expected"),
            "received": Carries("received"),
            "on_time": Carries("on_time"),
            "accepted": Carries("accepted"),
        },
    ),
}

# The schemas that extend one above with more of the object (one item of a list).
EXTENDED_BY = {
    "CityOut": ("CityDetailOut",),
    "CohortOut": ("CohortDetailOut",),
    "EventOut": ("EventDetailOut",),
    "PracticeOut": ("PracticeDetailOut",),
    "CycleOut": ("CycleDetailOut",),
}


def carried() -> list[tuple[str, str, dict[str, Carries]]]:
    """Every schema that carries a dataset's fields: (schema, dataset, properties)."""
    return [
        (name, dataset, properties)
        for base, (dataset, properties) in API_FIELDS.items()
        for name in (base, *EXTENDED_BY.get(base, ()))
    ]


# The JSON Schema forms a field's Table Schema type may take in the API.
_JSON_TYPES = {
    "string": {("string", None)},
    "integer": {("integer", None)},
    "year": {("integer", None)},
    "number": {("number", None), ("integer", None)},
    "boolean": {("boolean", None)},
    "date": {("string", "date")},
    "datetime": {("string", "date-time")},
}


def _field(dataset: str, name: str) -> Field:
    return next(f for f in DATASETS[dataset].fields if f.name == name)


def _forms(schema: dict) -> set[tuple[str, str | None]]:
    """The (type, format) pairs a property's JSON schema allows, besides null."""
    options = schema.get("anyOf", [schema])
    return {
        (option.get("type"), option.get("format"))
        for option in options
        if option.get("type") not in (None, "null")
    }


def describe(document: dict) -> dict:
    """Give the properties of ``document`` (an OpenAPI dict) the data dictionary's meanings."""
    schemas = document.get("components", {}).get("schemas", {})
    with translation.override("en"):
        for schema_name, dataset_name, properties in carried():
            schema = schemas.get(schema_name)
            if schema is None:
                continue
            dataset = DATASETS[dataset_name]
            schema["x-dataset"] = {"name": dataset.name, "title": str(dataset.title)}
            for name, carries in properties.items():
                field = _field(dataset_name, carries.field)
                prop = schema["properties"][name]
                prop["description"] = " ".join(
                    part for part in (str(field.description), carries.note) if part
                )
                prop["x-dataset-field"] = f"{dataset.name}.{field.name}"
                if field.unit:
                    prop["x-unit"] = str(field.unit)
                if field.enum and "enum" not in prop:
                    prop["description"] += " One of: " + ", ".join(field.enum) + "."
    return document


def mismatches(document: dict) -> list[str]:
    """The carried properties whose JSON type is not their field's type (each as a sentence)."""
    schemas = document["components"]["schemas"]
    found = []
    for schema_name, dataset_name, properties in carried():
        for name, carries in properties.items():
            field = _field(dataset_name, carries.field)
            forms = _forms(schemas[schema_name]["properties"][name])
            expected = {("array", None)} if field.separator else _JSON_TYPES[field.type]
            if not forms or not forms <= expected:
                found.append(
                    f"{schema_name}.{name} is {sorted(forms, key=str)}; "
                    f"{dataset_name}.{field.name} is {field.type}"
                    + (" (a list)" if field.separator else "")
                )
    return found
