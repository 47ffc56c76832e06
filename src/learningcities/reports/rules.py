"""Permission rules of progress reports.

- The city's coordinators read and write its reports, submit them and take
  the one extension of a cycle.
- The National Commission (its endorsers) reads the reports of its country.
- The secretariat runs the cycles, reads every report, returns, accepts and
  extends them, and stages and releases lapses.
"""

import rules

from learningcities.accounts.enums import Role
from learningcities.accounts.rules import affiliation_pairs, endorsed_country_ids, is_secretariat

from .enums import EDITABLE_STATES

_CITIES = "_lc_coordinated_city_ids"


def coordinated_city_ids(user) -> frozenset[int]:
    """Return the ids of the cities the person coordinates for (one query, memoised)."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    found = getattr(user, _CITIES, None)
    if found is None:
        from learningcities.accounts.models import Organisation

        organisation_ids = [
            org for org, role in affiliation_pairs(user) if role == Role.COORDINATOR
        ]
        found = (
            frozenset(
                Organisation.objects.filter(
                    pk__in=organisation_ids, city__isnull=False
                ).values_list("city_id", flat=True)
            )
            if organisation_ids
            else frozenset()
        )
        setattr(user, _CITIES, found)
    return found


@rules.predicate
def is_report_coordinator(user, report) -> bool:
    """The person coordinates for the city the report is of."""
    return report is not None and report.city_id in coordinated_city_ids(user)


@rules.predicate
def is_report_commission(user, report) -> bool:
    """The person endorses for the National Commission of the report's country."""
    return report is not None and report.city.country_id in endorsed_country_ids(user)


@rules.predicate
def is_report_editable(user, report) -> bool:
    return report is not None and report.state in EDITABLE_STATES and report.lapsed_at is None


@rules.predicate
def has_no_extension(user, report) -> bool:
    return report is not None and report.extended_until is None and report.lapsed_at is None


@rules.predicate
def is_commission(user, country=None) -> bool:
    """The person endorses for a National Commission (of ``country`` when one is given)."""
    countries = endorsed_country_ids(user)
    return bool(countries) if country is None else country.code in countries


@rules.predicate
def coordinates_a_city(user) -> bool:
    return bool(coordinated_city_ids(user))


can_view_report = is_secretariat | is_report_coordinator | is_report_commission

rules.add_perm("reports.manage_cycles", is_secretariat)
rules.add_perm("reports.view_report", can_view_report)
rules.add_perm("reports.edit_report", is_report_coordinator & is_report_editable)
rules.add_perm("reports.review_report", is_secretariat)
rules.add_perm("reports.extend_report", (is_secretariat | is_report_coordinator) & has_no_extension)
rules.add_perm("reports.view_country_reports", is_secretariat | is_commission)
rules.add_perm("reports.view_own_reports", coordinates_a_city)


@rules.predicate
def can_view_report_document(user, document) -> bool:
    """A report's evidence is read by whoever may read the report."""
    link = getattr(document, "report_link", None) if document is not None else None
    if link is None:
        return False
    return can_view_report.test(user, link.report)
