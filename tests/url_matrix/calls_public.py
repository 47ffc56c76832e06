"""The public "Join the network" pages (calls/views/public.py) and the API's award winners
in the role matrix.

Everyone opens them; a call that does not exist answers 404.
"""

from django.utils import timezone

from learningcities.calls.domain.calls import create_call
from learningcities.calls.enums import CallKind
from learningcities.frameworks.domain.queries.frameworks import framework_tree_by_version
from tests.url_matrix.roles import API, MFA, PUBLIC, row

ENTRIES = {
    "calls:join": PUBLIC,
    "calls:join-call": PUBLIC,
    # The award's winners, public in the API.
    "api-v1:list_award_winners": API,
}

HIDDEN = {"calls:join-call": row(404, 404, 404, 404, 404, 404, MFA)}


def build(context) -> tuple[dict, dict]:
    """An open membership call on the shipped key-features framework."""
    import datetime as dt

    now = timezone.now()
    call = create_call(
        actor=None,
        title="Matrix public call",
        kind=CallKind.MEMBERSHIP,
        framework=framework_tree_by_version("key-features", "2013-short"),
        opens_at=now - dt.timedelta(days=5),
        closes_at=now + dt.timedelta(days=30),
        time_zone="Asia/Seoul",
    )
    return {"calls:join-call": {"pk": call.pk}}, {"calls:join-call": {"pk": call.pk + 10_000}}
