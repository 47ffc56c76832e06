"""The public reporting rates (reports/views/public.py) and the reports API in the matrix.

Everyone reads the rates of a cycle that has opened, on the pages and in the
API; an unknown cycle answers 404. A report in the API is read by its city's
coordinators, its country's National Commission and the secretariat (401
without a session, 404 for anyone else, like a missing report); the list
answers everyone logged in, with the reports they may read. The matrix's
coordinator's city is in Germany and its endorser's Commission is Ireland's.
"""

from learningcities.network.models import Membership
from tests.factories import make_member
from tests.reports.factories import make_cycle
from tests.url_matrix.roles import API, MFA, PUBLIC, row

NOWHERE = row(404, 404, 404, 404, 404, 404, MFA)
API_NOWHERE = row(404, 404, 404, 404, 404, 404, 403)

ENTRIES = {
    "reports:rates": PUBLIC,
    "reports:rates-cycle": PUBLIC,
    "reports:rates-csv": PUBLIC,
    "api-v1:list_reporting_cycles": API,
    "api-v1:get_reporting_cycle": API,
    "api-v1:get_reporting_cycle_rates": API,
    "api-v1:list_reports": row(401, 200, 200, 200, 200, 200, 403),
    "api-v1:get_report": row(401, 200, 404, 404, 200, 200, 403),
}

HIDDEN = {
    "reports:rates-cycle": NOWHERE,
    "reports:rates-csv": NOWHERE,
    "api-v1:get_reporting_cycle": API_NOWHERE,
    "api-v1:get_reporting_cycle_rates": API_NOWHERE,
    "api-v1:get_report": row(401, 404, 404, 404, 200, 200, 403),
}


def build(context) -> tuple[dict, dict]:
    """A cycle with a report of the coordinator's city and one of the other city."""
    other_city = context["other_org"].city
    if not Membership.objects.filter(city=other_city).exists():
        make_member(other_city)
    cycle = make_cycle(code="matrix-public")
    own = cycle.reports.get(city=context["city_org"].city)
    hidden = cycle.reports.get(city=other_city)
    code = {"code": cycle.code}
    kwargs = {
        "reports:rates-cycle": code,
        "reports:rates-csv": code,
        "api-v1:get_reporting_cycle": code,
        "api-v1:get_reporting_cycle_rates": code,
        "api-v1:get_report": {"id": own.pk},
    }
    missing = {"code": "no-such-cycle"}
    hidden_kwargs = {
        "reports:rates-cycle": missing,
        "reports:rates-csv": missing,
        "api-v1:get_reporting_cycle": missing,
        "api-v1:get_reporting_cycle_rates": missing,
        "api-v1:get_report": {"id": hidden.pk},
    }
    return kwargs, hidden_kwargs
