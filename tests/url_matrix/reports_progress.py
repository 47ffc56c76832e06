"""A city's progress and the reports' PDFs (reports/views/progress.py, pdf.py).

A city's progress page and PDF and a report's PDF are its coordinators', its
country's National Commission's and the secretariat's (404 for everyone
else, as for a missing city or report); the synthesis of a cycle is public
once the cycle has opened.
"""

import datetime as dt

from django.utils import timezone

from learningcities.network.models import Membership
from tests.factories import make_member
from tests.reports.factories import make_cycle
from tests.url_matrix.roles import LOGIN, MFA, PUBLIC, row

# The matrix's endorser speaks for another country than the coordinator's city.
CITY_PEOPLE = row(LOGIN, 200, 404, 404, 200, 200, MFA)

ENTRIES = {
    "reports:progress": CITY_PEOPLE,
    "reports:progress-pdf": CITY_PEOPLE,
    "reports:report-pdf": CITY_PEOPLE,
    "reports:synthesis-pdf": PUBLIC,
}

HIDDEN = {
    "reports:progress": row(LOGIN, 404, 404, 404, 200, 200, MFA),
    "reports:progress-pdf": row(LOGIN, 404, 404, 404, 200, 200, MFA),
    "reports:report-pdf": row(LOGIN, 404, 404, 404, 200, 200, MFA),
    # A cycle that has not opened has no synthesis, for anyone.
    "reports:synthesis-pdf": row(404, 404, 404, 404, 404, 404, MFA),
}


def build(context) -> tuple[dict, dict]:
    """A cycle with a report of the coordinator's city and one of another city; a future cycle."""
    city, other = context["city_org"].city, context["other_org"].city
    if not Membership.objects.filter(city=other).exists():
        make_member(other, joined="2019-05-01")
    now = timezone.now()
    cycle = make_cycle(code="matrix-progress", admitted_before=dt.date(2030, 1, 1), now=now)
    future = make_cycle(
        code="matrix-future",
        opens_at=now + dt.timedelta(days=10),
        due_at=now + dt.timedelta(days=90),
        admitted_before=dt.date(2030, 1, 1),
    )
    own = cycle.reports.get(city=city)
    hidden = cycle.reports.get(city=other)
    kwargs = {
        "reports:progress": {"city_id": city.pk},
        "reports:progress-pdf": {"city_id": city.pk},
        "reports:report-pdf": {"pk": own.pk},
        "reports:synthesis-pdf": {"code": cycle.code},
    }
    hidden_kwargs = {
        "reports:progress": {"city_id": other.pk},
        "reports:progress-pdf": {"city_id": other.pk},
        "reports:report-pdf": {"pk": hidden.pk},
        "reports:synthesis-pdf": {"code": future.code},
    }
    return kwargs, hidden_kwargs
