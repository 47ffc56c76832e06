"""API tokens in the matrix: the pages of the people whose role allows a token, and the
partner's write to a report.

City coordinators and endorsers make tokens of their organisations and see
theirs; the secretariat (operators too) sees and revokes every token; jurors
have none. A token of another organisation answers 404, like a missing one.
Writing a report's answers and registering a delegation are a PUT and a POST: a
GET answers 405.
"""

from learningcities.accounts.domain.tokens import create_token
from learningcities.accounts.enums import Scope
from tests.url_matrix.roles import LOGIN, MFA, POST_ONLY, row

ENTRIES = {
    "accounts:api-tokens": row(LOGIN, 200, 200, 403, 200, 200, MFA),
    "accounts:api-token": row(LOGIN, 200, 404, 403, 200, 200, MFA),
    "accounts:api-token-revoke": POST_ONLY,
    "api-v1:write_report_answers": row(405, 405, 405, 405, 405, 405, 403),
    "api-v1:register_delegation": row(405, 405, 405, 405, 405, 405, 403),
}

HIDDEN = {
    "accounts:api-token": row(LOGIN, 404, 404, 403, 200, 200, MFA),
}


def build(context) -> tuple[dict, dict]:
    """A token of the coordinator's city, and one of another city."""
    coordinator = context["people"]["coordinator"]
    own, _key = create_token(
        context["city_org"], actor=coordinator, name="Own", scopes=[Scope.REPORTS_READ], days=30
    )
    other, _key = create_token(
        context["other_org"],
        actor=context["stranger"],
        name="Other",
        scopes=[Scope.REPORTS_READ],
        days=30,
    )
    return (
        {
            "accounts:api-token": {"pk": own.pk},
            "accounts:api-token-revoke": {"pk": own.pk},
            "api-v1:write_report_answers": {"id": 1},
            "api-v1:register_delegation": {"slug": "any-event"},
        },
        {"accounts:api-token": {"pk": other.pk}},
    )
