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


def city_problems(fields: dict) -> dict[str, str]:
    """Return ``{field: message}`` for every value of ``fields`` a city must not take.

    Only the fields present are checked; latitude and longitude are checked
    together when either is given (both or neither).
    """
    problems: dict[str, str] = {}
    if "name" in fields and not (fields["name"] or "").strip():
        problems["name"] = _("Enter the city's international name.")
    if "website" in fields and (problem := website_problem(fields["website"])):
        problems["website"] = problem
    if "latitude" in fields or "longitude" in fields:
        latitude, longitude = fields.get("latitude"), fields.get("longitude")
        if (latitude is None) != (longitude is None):
            field = "longitude" if longitude is None else "latitude"
            problems[field] = _("Give both the latitude and the longitude, or neither.")
        if latitude is not None and not -90 <= latitude <= 90:
            problems["latitude"] = _("A latitude lies between -90 and 90.")
        if longitude is not None and not -180 <= longitude <= 180:
            problems["longitude"] = _("A longitude lies between -180 and 180.")
    population = fields.get("population")
    if population is not None and population < 1:
        problems["population"] = _("A population is a positive number.")
    year = fields.get("population_year")
    if year is not None and not EARLIEST_POPULATION_YEAR <= year <= dt.date.today().year:
        problems["population_year"] = _(
            "Give a year between %(earliest)s and the current year."
        ) % {"earliest": EARLIEST_POPULATION_YEAR}
    if "description" in fields and len(fields["description"] or "") > DESCRIPTION_MAX_LENGTH:
        problems["description"] = _("Keep the description to %(max)s characters.") % {
            "max": DESCRIPTION_MAX_LENGTH
        }
    email = fields.get("contact_email") or ""
    if email:
        try:
            _email(email)
        except ValidationError:
            problems["contact_email"] = _("Enter an e-mail address such as name@example.org.")
    elif fields.get("contact_name"):
        problems["contact_email"] = _("Give the contact's e-mail address with their name.")
    return problems
