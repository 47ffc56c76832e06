"""Partial dates: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``, kept with their precision."""

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .enums import DatePrecision

_PATTERN = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


class PartialDateError(ValueError):
    pass


@dataclass(frozen=True)
class PartialDate:
    """A date known to a year, a month or a day. ``start`` is the first day it names."""

    start: dt.date
    precision: str

    @classmethod
    def parse(cls, text: str) -> "PartialDate":
        """Parse ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; raise PartialDateError if invalid."""
        value = (text or "").strip()
        match = _PATTERN.match(value)
        if not match:
            raise PartialDateError(
                _("“%(value)s” is not a date in the form YYYY, YYYY-MM or YYYY-MM-DD.")
                % {"value": value}
            )
        year, month, day = match.groups()
        try:
            if day is not None:
                return cls(dt.date(int(year), int(month), int(day)), DatePrecision.DAY)
            if month is not None:
                return cls(dt.date(int(year), int(month), 1), DatePrecision.MONTH)
            return cls(dt.date(int(year), 1, 1), DatePrecision.YEAR)
        except ValueError:
            raise PartialDateError(
                _("“%(value)s” is not a date that exists.") % {"value": value}
            ) from None

    @property
    def end(self) -> dt.date:
        """Return the last day of the period: a partial date counts from there."""
        return period_end(self.start, self.precision)

    def isoformat(self) -> str:
        return format_partial_iso(self.start, self.precision)


def period_end(start: dt.date, precision: str) -> dt.date:
    if precision == DatePrecision.YEAR:
        return dt.date(start.year, 12, 31)
    if precision == DatePrecision.MONTH:
        return dt.date(start.year, start.month, calendar.monthrange(start.year, start.month)[1])
    return start


def format_partial_iso(start: dt.date, precision: str) -> str:
    if precision == DatePrecision.YEAR:
        return f"{start.year:04d}"
    if precision == DatePrecision.MONTH:
        return f"{start.year:04d}-{start.month:02d}"
    return start.isoformat()


def format_partial(start: dt.date, precision: str) -> str:
    """Return the date for people, in the active language, no more precise than known."""
    if precision == DatePrecision.YEAR:
        return str(start.year)
    if precision == DatePrecision.MONTH:
        return date_format(start, "YEAR_MONTH_FORMAT")
    return date_format(start, "DATE_FORMAT")


# Statistics are asked for on a day between these bounds, on pages and in the API alike.
EARLIEST_AS_OF = dt.date(1900, 1, 1)
LATEST_AS_OF = dt.date(2100, 12, 31)


def as_of_problem(value: dt.date, today: dt.date | None = None) -> str | None:
    """Return why ``value`` cannot be a statistics date (None when it can).

    A future date is allowed: it counts the members known today whose
    membership has begun by then (a cohort announced ahead, for example).
    """
    if not EARLIEST_AS_OF <= value <= LATEST_AS_OF:
        return _("Choose a date from %(start)s to %(end)s.") % {
            "start": EARLIEST_AS_OF.isoformat(),
            "end": LATEST_AS_OF.isoformat(),
        }
    return None


def parse_iso_day(text: str) -> dt.date:
    """Parse exactly YYYY-MM-DD (no timestamps, no times); raise PartialDateError otherwise."""
    value = (text or "").strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise PartialDateError(
            _("“%(value)s” is not a date in the form YYYY-MM-DD, such as 2024-02-14.")
            % {"value": value[:40]}
        )
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise PartialDateError(
            _("“%(value)s” is not a date that exists.") % {"value": value}
        ) from None
