"""The offline workbook of a progress report (reports/views/workbook.py) in the role matrix.

Whoever reads the report downloads its workbook: its city's coordinators,
its country's National Commission, the secretariat; only the coordinators
upload one (the secretariat gets 403). Everyone else gets 404, like a missing
report. The matrix's coordinator's city is in Germany and its endorser's
Commission is Ireland's.
"""

from learningcities.network.models import Membership
from tests.factories import make_member
from tests.reports.factories import make_cycle
from tests.url_matrix.roles import LOGIN, MFA, row

ENTRIES = {
    "reports:workbook": row(LOGIN, 200, 404, 404, 200, 200, MFA),
    "reports:workbook-upload": row(LOGIN, 200, 404, 404, 403, 403, MFA),
}

HIDDEN = {
    "reports:workbook": row(LOGIN, 404, 404, 404, 200, 200, MFA),
    "reports:workbook-upload": row(LOGIN, 404, 404, 404, 403, 403, MFA),
}


def build(context) -> tuple[dict, dict]:
    """A cycle with a report of the coordinator's city and one of the other city."""
    other_city = context["other_org"].city
    if not Membership.objects.filter(city=other_city).exists():
        make_member(other_city)
    cycle = make_cycle(code="matrix-workbook")
    own = cycle.reports.get(city=context["city_org"].city)
    hidden = cycle.reports.get(city=other_city)
    return (
        {name: {"pk": own.pk} for name in ENTRIES},
        {name: {"pk": hidden.pk} for name in HIDDEN},
    )
