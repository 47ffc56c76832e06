"""The reporting rates of a cycle as CSV: one row per region, country and cohort, then the total.

Columns (docs/monitoring.md, "Reporting rates"): ``dimension`` (region,
country, cohort or total), ``key`` (the region's code, the country's ISO
3166-1 alpha-2 code, the cohort's id; empty for no region or cohort and for
the total), ``label`` (in the language of the request), the four counts, and
the three rates as fractions of ``expected`` with four decimals (empty when
nothing was expected). A label that starts like a formula (``=``, ``+``,
``-``, ``@``, a tab or a carriage return: a cohort's name is free text) is
prefixed with ``'``, as the jury's exports do (OWASP "CSV injection").
"""

import csv
import io

from django.utils.translation import gettext as _

from ..domain.queries.rates import DIMENSIONS, Rates, cycle_rates, rates_by

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

COLUMNS = (
    "dimension",
    "key",
    "label",
    "expected",
    "received",
    "on_time",
    "accepted",
    "received_rate",
    "on_time_rate",
    "accepted_rate",
)


def _text(value: str) -> str:
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def _rate(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"


def _row(dimension: str, key: str, label: str, rates: Rates) -> list:
    return [
        dimension,
        key,
        _text(label),
        rates.expected,
        rates.received,
        rates.on_time,
        rates.accepted,
        _rate(rates.received_rate),
        _rate(rates.on_time_rate),
        _rate(rates.accepted_rate),
    ]


def rates_csv(cycle) -> str:
    """Return the rates of ``cycle`` as CSV text, with a header (a constant number of queries)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for dimension in DIMENSIONS:
        for row in rates_by(cycle, dimension):
            writer.writerow(_row(dimension, row.key, row.label, row.rates))
    writer.writerow(_row("total", "", _("Total"), cycle_rates(cycle)))
    return out.getvalue()
