"""The offline workbook of an application (calls/urls_workbook.py) in the role matrix.

Same access as the coordinator's application pages: only city coordinators
(others 403); another city's application answers 404.
"""

from django.utils import timezone

from learningcities.calls.domain.calls import create_call
from learningcities.calls.domain.submissions import start_submission
from learningcities.calls.enums import CallKind
from learningcities.frameworks.domain.queries.frameworks import framework_tree_by_version
from tests.url_matrix.roles import LOGIN, MFA, row

CITY = row(LOGIN, 200, 403, 403, 403, 403, MFA)
CITY_HIDDEN = row(LOGIN, 404, 403, 403, 403, 403, MFA)

ENTRIES = {
    "calls:workbook-download": CITY,
    "calls:workbook-upload": CITY,
}

HIDDEN = dict.fromkeys(ENTRIES, CITY_HIDDEN)


def build(context) -> tuple[dict, dict]:
    """A call on the shipped key-features framework, a draft of each city."""
    import datetime as dt

    framework = framework_tree_by_version("key-features", "2013-short")
    now = timezone.now()
    call = create_call(
        actor=None,
        title="Matrix workbook call",
        kind=CallKind.MEMBERSHIP,
        framework=framework,
        opens_at=now - dt.timedelta(days=5),
        closes_at=now + dt.timedelta(days=30),
        time_zone="Europe/Paris",
    )
    own = start_submission(
        call, city=context["city_org"].city, actor=context["people"]["coordinator"]
    )
    hidden = start_submission(call, city=context["other_org"].city, actor=context["stranger"])
    kwargs = {name: {"pk": own.pk} for name in ENTRIES}
    hidden_kwargs = {name: {"pk": hidden.pk} for name in ENTRIES}
    return kwargs, hidden_kwargs
