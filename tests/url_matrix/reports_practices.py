"""Sharing a practice from a report's answer (reports/views/practices.py) in the role matrix.

A POST only: a GET is refused with 405 once logged in; the POST itself is
tested in tests/reports/test_practices.py (the coordinator of another city
gets 404).
"""

from tests.reports.factories import make_cycle
from tests.url_matrix.roles import LOGIN, MFA, row

ENTRIES = {"reports:share-practice": row(LOGIN, 405, 405, 405, 405, 405, MFA)}


def build(context) -> tuple[dict, dict]:
    cycle = make_cycle(code="matrix-practices")
    own = cycle.reports.get(city=context["city_org"].city)
    return ({"reports:share-practice": {"pk": own.pk, "code": "1.1.0"}}, {})
