"""Webhooks in the matrix: the pages of the people whose role allows API access.

City coordinators and endorsers subscribe their organisations' addresses and
see theirs; the secretariat (operators too) sees and removes every one;
jurors have none. Another organisation's webhook answers 404.
"""

from learningcities.opendata.domain.webhooks import create_webhook
from tests.url_matrix.roles import LOGIN, MFA, POST_ONLY, row

ENTRIES = {
    "opendata:webhooks": row(LOGIN, 200, 200, 403, 200, 200, MFA),
    "opendata:webhook": row(LOGIN, 200, 404, 403, 200, 200, MFA),
    "opendata:webhook-remove": POST_ONLY,
}

HIDDEN = {
    "opendata:webhook": row(LOGIN, 404, 404, 403, 200, 200, MFA),
}


def build(context) -> tuple[dict, dict]:
    """A webhook of the coordinator's city, and one of another city."""
    own, _secret = create_webhook(
        context["city_org"],
        actor=context["people"]["coordinator"],
        url="https://example.org/own",
        events=["member.admitted"],
    )
    other, _secret = create_webhook(
        context["other_org"],
        actor=context["stranger"],
        url="https://example.org/other",
        events=["member.admitted"],
    )
    return (
        {"opendata:webhook": {"pk": own.pk}, "opendata:webhook-remove": {"pk": own.pk}},
        {"opendata:webhook": {"pk": other.pk}},
    )
