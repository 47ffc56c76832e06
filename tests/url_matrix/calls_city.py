"""The city coordinator's application pages (calls/urls_city.py) in the role matrix.

Only city coordinators open them (others 403); an application of another
city answers 404 to the coordinator, exactly like a missing one.
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
    "calls:city-applications": CITY,
    "calls:city-application": CITY,
    "calls:city-profile": CITY,
    "calls:city-section": CITY,
    "calls:city-preview": CITY,
}

HIDDEN = {name: CITY_HIDDEN for name in ENTRIES if name != "calls:city-applications"}


def build(context) -> tuple[dict, dict]:
    """A call on the shipped key-features framework, an application of each city."""
    import datetime as dt

    framework = framework_tree_by_version("key-features", "2013-short")
    now = timezone.now()
    call = create_call(
        actor=None,
        title="Matrix membership call",
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
    section = framework.sections.all()[0].code
    kwargs = {
        "calls:city-application": {"pk": own.pk},
        "calls:city-profile": {"pk": own.pk},
        "calls:city-section": {"pk": own.pk, "code": section},
        "calls:city-preview": {"pk": own.pk},
    }
    hidden_kwargs = {
        "calls:city-application": {"pk": hidden.pk},
        "calls:city-profile": {"pk": hidden.pk},
        "calls:city-section": {"pk": hidden.pk, "code": section},
        "calls:city-preview": {"pk": hidden.pk},
    }
    return kwargs, hidden_kwargs
