"""The one list of an application's profile fields, and how each is read.

Every page, form, workbook sheet, completeness check and dossier that shows
or asks for the profile iterates ``PROFILE_FIELDS``, filtering by the flags
each field carries. The fields are attributes of the object that answers
(the calls app's ``Submission``); labels and choices come from its model.
"""

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from django.utils.formats import number_format
from django.utils.text import capfirst


class ProfileKind(StrEnum):
    """What a profile field holds, which decides its form field, cell and cleaning."""

    YEAR = "year"  # a whole number read as it is (2024, never "2,024")
    INTEGER = "integer"
    DECIMAL = "decimal"
    TEXT = "text"  # a line
    LONG_TEXT = "long_text"  # an account in words, shown as its own block, word-limited
    RATINGS = "ratings"  # a rating for each challenge
    CHOICE = "choice"  # one of the model field's choices


@dataclass(frozen=True)
class ProfileField:
    """One profile field: its name on the submission, its kind and how it is treated.

    ``required``: completeness asks for it; ``identifying``: an anonymous
    dossier leaves it out; ``grouped``: read with the language's digit
    grouping; ``word_limit``: the call's attribute holding its word limit.
    """

    name: str
    kind: ProfileKind
    required: bool = True
    identifying: bool = False
    grouped: bool = False
    word_limit: str | None = None


K = ProfileKind
PROFILE_FIELDS: tuple[ProfileField, ...] = (
    ProfileField("data_year", K.YEAR),
    ProfileField("population", K.INTEGER, grouped=True),
    ProfileField("area_km2", K.DECIMAL, grouped=True),
    ProfileField("gdp_per_capita_city", K.DECIMAL, grouped=True),
    ProfileField("gdp_per_capita_country", K.DECIMAL, grouped=True),
    ProfileField("schooling_years_men", K.DECIMAL),
    ProfileField("schooling_years_women", K.DECIMAL),
    ProfileField("motivation", K.LONG_TEXT, word_limit="motivation_word_limit"),
    ProfileField("implementation", K.LONG_TEXT, word_limit="implementation_word_limit"),
    ProfileField("contact_name", K.TEXT, identifying=True),
    ProfileField("contact_email", K.TEXT, identifying=True),
    ProfileField("contact_phone", K.TEXT, required=False, identifying=True),
    ProfileField("challenges", K.RATINGS),
    ProfileField("communication_language", K.CHOICE),
)
BY_NAME = {field.name: field for field in PROFILE_FIELDS}
PROFILE_NAMES = tuple(BY_NAME)


def names_of(*kinds: ProfileKind) -> tuple[str, ...]:
    """Return the names of the profile fields of ``kinds``, in form order."""
    return tuple(field.name for field in PROFILE_FIELDS if field.kind in kinds)


def profile_label(model, name: str) -> str:
    """Return the field's label from ``model`` (a class or an instance), capitalised."""
    return capfirst(str(model._meta.get_field(name).verbose_name))


def profile_value(name: str, value: object) -> object:
    """Return a profile value for reading in the active language; other values as they are.

    Quantities with the language's digit grouping and decimal separator
    ("224,004" and "12.1" in English, "224 004" and "12,1" in French); the year
    of the data as it is.
    """
    field = BY_NAME.get(name)
    numeric = isinstance(value, int | Decimal) and not isinstance(value, bool)
    if numeric and not (field and field.kind == ProfileKind.YEAR):
        return number_format(value, force_grouping=bool(field and field.grouped))
    return value


def read_profile(subject, name: str) -> object:
    """Return ``subject``'s profile field for reading: a choice's label, a number localised."""
    value = getattr(subject, name)
    display = getattr(subject, f"get_{name}_display", None)
    if display and value:
        return display()
    return profile_value(name, value)


def profile_rows(subject, *, exclude=lambda field: False) -> list[tuple[str, object]]:
    """Return ``(label, value for reading)`` of each profile field of ``subject`` in order.

    The challenges (a rating each) are left out, as every page shows them apart;
    so is each field for which ``exclude(field)`` is true.
    """
    return [
        (profile_label(subject, field.name), read_profile(subject, field.name))
        for field in PROFILE_FIELDS
        if field.kind != ProfileKind.RATINGS and not exclude(field)
    ]
