"""Reporting rates: per cycle, for the whole network and per region, country and cohort."""

from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from learningcities.reports.domain.queries.rates import DIMENSIONS, cycle_rates, due_day, rates_by
from learningcities.reports.models import ReportingCycle

from .base import Dataset, Field, register
from .network import register_revision

SCOPES = ("network", *DIMENSIONS)


def _revision() -> str:
    changed = ReportingCycle.objects.aggregate(last=Max("updated_at"))["last"]
    return f"{register_revision()}-{changed.timestamp() if changed else 0}"


def _row(cycle, scope: str, key: str, label: str, rates) -> dict:
    return {
        "cycle": cycle.code,
        "cycle_name": cycle.name,
        "period_start": cycle.period_start,
        "period_end": cycle.period_end,
        "due_on": due_day(cycle),
        "scope": scope,
        "key": key,
        "label": label,
        "expected": rates.expected,
        "received": rates.received,
        "on_time": rates.on_time,
        "accepted": rates.accepted,
    }


def _rates():
    cycles = ReportingCycle.objects.filter(opens_at__lte=timezone.now()).order_by("due_at", "pk")
    for cycle in cycles:
        yield _row(cycle, "network", "", str(_("The whole network")), cycle_rates(cycle))
        for dimension in DIMENSIONS:
            for row in rates_by(cycle, dimension):
                yield _row(cycle, dimension, row.key, row.label, row.rates)


def _count(name: str, title, description) -> Field:
    return Field(name, "integer", title, description, unit=_("reports"), required=True)


register(
    Dataset(
        name="reporting-rates",
        title=_("Reporting rates"),
        description=_(
            "For each reporting cycle that has opened: how many progress reports were "
            "expected, received, received on time and accepted, for the whole network "
            "and per UNESCO region, country and cohort."
        ),
        fields=(
            Field("cycle", "string", _("Cycle"), _("The cycle's code."), required=True),
            Field("cycle_name", "string", _("Cycle name"), _("The cycle's name.")),
            Field("period_start", "date", _("Period from"), _("The first day the reports cover.")),
            Field("period_end", "date", _("Period until"), _("The last day they cover.")),
            Field("due_on", "date", _("Due"), _("The day the reports were due.")),
            Field(
                "scope",
                "string",
                _("Scope"),
                _("network (every city due), region, country or cohort."),
                required=True,
                enum=SCOPES,
            ),
            Field(
                "key",
                "string",
                _("Key"),
                _("The region's code, the country's ISO code or the cohort's number."),
            ),
            Field("label", "string", _("Label"), _("The region, country or cohort, by name.")),
            _count(
                "expected",
                _("Expected"),
                _(
                    "Reports due in the cycle from cities whose membership had not ended by "
                    "the due date."
                ),
            ),
            _count("received", _("Received"), _("Expected reports submitted at least once.")),
            _count(
                "on_time",
                _("On time"),
                _(
                    "Received reports first submitted by their due date (the extension's, "
                    "else the cycle's)."
                ),
            ),
            _count("accepted", _("Accepted"), _("Expected reports the secretariat accepted.")),
        ),
        rows=_rates,
        revision=_revision,
        primary_key=("cycle", "scope", "key"),
        keywords=("progress reports", "monitoring"),
    )
)
