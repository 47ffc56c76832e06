"""The city's and the National Commission's pages of progress reports (reports/views/city.py).

A report is read by its city's coordinators, its country's National
Commission and the secretariat; everyone else gets 404, like a missing
report. The matrix's coordinator's city is in Germany and its endorser's
Commission is Ireland's: the endorser reads Ireland's list of reports, not
the German city's report. The list of one's own reports is the
coordinators'; the moves answer POST only.
"""

from learningcities.network.models import Membership
from tests.factories import make_member
from tests.reports.factories import make_cycle
from tests.url_matrix.roles import LOGIN, MFA, POST_ONLY, row

READERS = row(LOGIN, 200, 404, 404, 200, 200, MFA)
HIDDEN_REPORT = row(LOGIN, 404, 404, 404, 200, 200, MFA)

ENTRIES = {
    "reports:mine": row(LOGIN, 200, 403, 403, 403, 403, MFA),
    "reports:report": READERS,
    "reports:section": READERS,
    "reports:read": READERS,
    "reports:extend": READERS,
    "reports:submit": POST_ONLY,
    "reports:remove-document": POST_ONLY,
    # Ireland's reports: its Commission's and the secretariat's.
    "reports:country": row(LOGIN, 404, 200, 404, 200, 200, MFA),
}

HIDDEN = {
    "reports:report": HIDDEN_REPORT,
    "reports:section": HIDDEN_REPORT,
    "reports:read": HIDDEN_REPORT,
    "reports:extend": HIDDEN_REPORT,
    # Germany's reports: not the Irish Commission's.
    "reports:country": row(LOGIN, 404, 404, 404, 200, 200, MFA),
}


def build(context) -> tuple[dict, dict]:
    """A cycle with a report of the coordinator's city and one of the other city."""
    other_city = context["other_org"].city
    if not Membership.objects.filter(city=other_city).exists():
        make_member(other_city)
    cycle = make_cycle(code="matrix-city")
    own = cycle.reports.get(city=context["city_org"].city)
    hidden = cycle.reports.get(city=other_city)
    kwargs = {
        "reports:report": {"pk": own.pk},
        "reports:section": {"pk": own.pk, "code": "1"},
        "reports:read": {"pk": own.pk},
        "reports:extend": {"pk": own.pk},
        "reports:submit": {"pk": own.pk},
        "reports:remove-document": {"pk": own.pk, "link_id": 1},
        "reports:country": {"code": "IE"},
    }
    hidden_kwargs = {
        "reports:report": {"pk": hidden.pk},
        "reports:section": {"pk": hidden.pk, "code": "1"},
        "reports:read": {"pk": hidden.pk},
        "reports:extend": {"pk": hidden.pk},
        "reports:country": {"code": city_country(context)},
    }
    return kwargs, hidden_kwargs


def city_country(context) -> str:
    return context["city_org"].city.country_id
