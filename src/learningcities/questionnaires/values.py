"""Conversions every questionnaire shares: numbers, ratings, word counts.

They raise ``InvalidValue`` naming the field and what it expects; the app
that owns the answers turns it into its own domain error.
"""

from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from learningcities.frameworks.enums import DEFAULT_RATING_MAX, DEFAULT_RATING_MIN

# The largest whole number a column holds (PostgreSQL's bigint; SQLite's integer).
LARGEST_WHOLE_NUMBER = 2**63 - 1


class InvalidValue(ValueError):
    """A value that does not fit its field; the message says which and what it expects."""

    @classmethod
    def wrong(cls, label: str, expected: str) -> "InvalidValue":
        """Return the error "``label``: expected ``expected``."."""
        return cls(_("%(field)s: expected %(expected)s.") % {"field": label, "expected": expected})


def word_count(text: str) -> int:
    """Return the number of words of ``text`` (runs of non-space characters)."""
    return len((text or "").split())


def over_word_limit(text: str, limit: int | None) -> int | None:
    """Return the word count of ``text`` when it passes ``limit``, else None."""
    count = word_count(text)
    return count if limit and count > limit else None


def as_integer(value: Any, label: str) -> int:
    """Return ``value`` as a whole number that is not negative; raise InvalidValue otherwise."""
    if isinstance(value, bool):
        raise InvalidValue.wrong(label, _("a whole number"))
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and value.strip().isdigit() and value.strip().isascii():
        number = int(value.strip())  # isascii: "²" is a digit to isdigit(), not to int()
    else:
        raise InvalidValue.wrong(label, _("a whole number"))
    if number < 0:
        raise InvalidValue.wrong(label, _("a number that is not negative"))
    if number > LARGEST_WHOLE_NUMBER:
        raise InvalidValue.wrong(label, _("a smaller number"))
    return number


def _parse_decimal(value: Any, label: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal, str)):
        raise InvalidValue.wrong(label, _("a number"))
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        raise InvalidValue.wrong(label, _("a number")) from None
    if not number.is_finite():
        raise InvalidValue.wrong(label, _("a number"))
    if number < 0:
        raise InvalidValue.wrong(label, _("a number that is not negative"))
    return number


def as_decimal(value: Any, label: str, *, max_digits: int, decimal_places: int) -> Decimal:
    """Return ``value`` as a decimal of the column's size; raise InvalidValue otherwise."""
    number = _parse_decimal(value, label)
    bound = Decimal(10) ** (max_digits - decimal_places)
    # Compared before rounding: rounding 1e309 to cents needs more digits than
    # the decimal context holds.
    if number >= bound:
        raise InvalidValue.wrong(label, _("a smaller number"))
    number = number.quantize(Decimal(1).scaleb(-decimal_places))
    if number >= bound:  # 99.999 rounds up to 100.00
        raise InvalidValue.wrong(label, _("a smaller number"))
    return number


def rating_scale(criterion) -> tuple[int, int]:
    """Return the lowest and highest point of a rating criterion (1 to 5 unless it says)."""
    low = criterion.rating_min if criterion.rating_min is not None else DEFAULT_RATING_MIN
    high = criterion.rating_max if criterion.rating_max is not None else DEFAULT_RATING_MAX
    return low, high


def cell_number(value: Any) -> Decimal:
    """Return a spreadsheet cell's value as a finite decimal; raise InvalidValue otherwise."""
    if isinstance(value, bool):
        raise InvalidValue(_("expected a number, found “%(value)s”") % {"value": value})
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        raise InvalidValue(_("expected a number, found “%(value)s”") % {"value": value})
    return number
