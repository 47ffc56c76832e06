"""Rules a city's register entry must satisfy, shared by the domain and the forms."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils.translation import gettext as _

DESCRIPTION_MAX_LENGTH = 1000
EARLIEST_POPULATION_YEAR = 1800

_website = URLValidator(schemes=["http", "https"])
_email = EmailValidator()


def website_problem(value: str) -> str:
    """Return why ``value`` is no website address for a public page ("" when it is one)."""
    if not value:
        return ""
    try:
        _website(value)
    except ValidationError:
        return _("Enter a web address starting with http:// or https://.")
    return ""


def _name_problems(fields: dict) -> dict[str, str]:
    if "name" in fields and not (fields["name"] or "").strip():
        return {"name": _("Enter the city's international name.")}
    return {}


def _website_problems(fields: dict) -> dict[str, str]:
    if problem := website_problem(fields.get("website") or ""):
        return {"website": problem}
    return {}


def _within(value: float | None, limit: float) -> bool:
    """Return whether ``value`` is absent or lies between ``-limit`` and ``limit``."""
    return value is None or -limit <= value <= limit


def _coordinate_problems(fields: dict) -> dict[str, str]:
    """Check latitude and longitude together: both or neither, each in its range."""
    if "latitude" not in fields and "longitude" not in fields:
        return {}
    latitude, longitude = fields.get("latitude"), fields.get("longitude")
    problems = {}
    if (latitude is None) != (longitude is None):
        # The message goes on the field left empty.
        field = "longitude" if longitude is None else "latitude"
        problems[field] = _("Give both the latitude and the longitude, or neither.")
    if not _within(latitude, 90):
        problems["latitude"] = _("A latitude lies between -90 and 90.")
    if not _within(longitude, 180):
        problems["longitude"] = _("A longitude lies between -180 and 180.")
    return problems


def _population_problems(fields: dict) -> dict[str, str]:
    population = fields.get("population")
    if population is not None and population < 1:
        return {"population": _("A population is a positive number.")}
    return {}


def _population_year_problems(fields: dict) -> dict[str, str]:
    year = fields.get("population_year")
    if year is None or EARLIEST_POPULATION_YEAR <= year <= dt.date.today().year:
        return {}
    return {
        "population_year": _("Give a year between %(earliest)s and the current year.")
        % {"earliest": EARLIEST_POPULATION_YEAR}
    }


def _description_problems(fields: dict) -> dict[str, str]:
    if len(fields.get("description") or "") > DESCRIPTION_MAX_LENGTH:
        return {
            "description": _("Keep the description to %(max)s characters.")
            % {"max": DESCRIPTION_MAX_LENGTH}
        }
    return {}


def _contact_problems(fields: dict) -> dict[str, str]:
    """Check the contact's e-mail address, required when a contact name is given."""
    email = fields.get("contact_email") or ""
    if not email:
        if fields.get("contact_name"):
            return {"contact_email": _("Give the contact's e-mail address with their name.")}
        return {}
    try:
        _email(email)
    except ValidationError:
        return {"contact_email": _("Enter an e-mail address such as name@example.org.")}
    return {}


# One rule per field (or pair of fields), in the order their messages are listed.
_CITY_RULES = (
    _name_problems,
    _website_problems,
    _coordinate_problems,
    _population_problems,
    _population_year_problems,
    _description_problems,
    _contact_problems,
)


def city_problems(fields: dict) -> dict[str, str]:
    """Return ``{field: message}`` for every value of ``fields`` a city must not take.

    Only the fields present are checked; latitude and longitude are checked
    together when either is given (both or neither).
    """
    problems: dict[str, str] = {}
    for rule in _CITY_RULES:
        problems.update(rule(fields))
    return problems
