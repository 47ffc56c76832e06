"""Matrix entries of the jury's next steps, juror invitations and audit exports (reviews)."""

from learningcities.accounts.domain.organisations import create_organisation
from learningcities.accounts.enums import OrganisationKind
from learningcities.frameworks.models import Framework
from learningcities.reviews.models import Panel
from tests.calls.factories import make_call, small_framework
from tests.url_matrix.roles import LOGIN, MFA, POST_ONLY, SECRETARIAT, row

# A call without a panel: the secretariat gets 404, everyone else their refusal.
MISSING = row(LOGIN, 403, 403, 403, 404, 404, MFA)
# The API: 401 without a session, 403 to anyone but the secretariat (and operators).
API_SECRETARIAT = row(401, 403, 403, 403, 200, 200, 403)
API_MISSING = row(401, 403, 403, 403, 404, 404, 403)

ENTRIES = {
    "reviews:phase-advance": POST_ONLY,
    "reviews:juror-add": SECRETARIAT,
    "reviews:assignments-export": SECRETARIAT,
    "reviews:scores-export": SECRETARIAT,
    "api-v1:export_jury_assignments": API_SECRETARIAT,
    "api-v1:export_jury_scores": API_SECRETARIAT,
}
HIDDEN = {
    "reviews:juror-add": MISSING,
    "reviews:assignments-export": MISSING,
    "reviews:scores-export": MISSING,
    "api-v1:export_jury_assignments": API_MISSING,
    "api-v1:export_jury_scores": API_MISSING,
}


def build(context) -> tuple[dict, dict]:
    """A call with a panel (no phase, no juror) and a call without one."""
    framework = Framework.objects.filter(code="test-framework").first() or small_framework()
    call = make_call(title="Matrix export call", framework=framework)
    bare_call = make_call(title="Matrix export call without a jury", framework=framework)
    organisation = create_organisation(
        kind=OrganisationKind.PANEL, name="Matrix export jury", actor=None
    )
    Panel.objects.create(call=call, organisation=organisation)

    def by_call(name: str, pk: int) -> dict:
        return {"call_id": pk} if name.startswith("api-v1:") else {"call_pk": pk}

    kwargs = {name: by_call(name, call.pk) for name in ENTRIES}
    hidden_kwargs = {name: by_call(name, bare_call.pk) for name in HIDDEN}
    return kwargs, hidden_kwargs
