"""Matrix entries of the dossier PDF and the calls API (areas: dossier, api)."""

from learningcities.calls.domain.submissions import start_submission
from tests.calls.factories import make_call
from tests.url_matrix.roles import LOGIN, MFA, row

# The API answers anonymous callers 401 and a secretariat member without an
# authenticator 403 (JSON, no redirect).
ENTRIES = {
    # The coordinator's city's draft: its coordinator and the secretariat open it;
    # the endorser does not see a draft; a juror sees no submission yet.
    "calls:dossier-pdf": row(LOGIN, 200, 404, 404, 200, 200, MFA),
    "api-v1:list_submissions": row(401, 200, 200, 200, 200, 200, 403),
    "api-v1:get_submission": row(401, 200, 404, 404, 200, 200, 403),
    "api-v1:transition_submission": row(405, 405, 405, 405, 405, 405, 403),
}
# Another city's draft.
HIDDEN = {
    "calls:dossier-pdf": row(LOGIN, 404, 404, 404, 200, 200, MFA),
    "api-v1:get_submission": row(401, 404, 404, 404, 200, 200, 403),
}


def build(context) -> tuple[dict, dict]:
    """A call with a draft of the coordinator's city, and one of the other city."""
    call = make_call(title="Matrix call")
    own = start_submission(
        call, city=context["city_org"].city, actor=context["people"]["coordinator"]
    )
    hidden = start_submission(call, city=context["other_org"].city, actor=context["stranger"])
    kwargs = {
        "calls:dossier-pdf": {"pk": own.pk},
        "api-v1:get_submission": {"id": own.pk},
        "api-v1:transition_submission": {"id": own.pk},
    }
    hidden_kwargs = {
        "calls:dossier-pdf": {"pk": hidden.pk},
        "api-v1:get_submission": {"id": hidden.pk},
    }
    return kwargs, hidden_kwargs
