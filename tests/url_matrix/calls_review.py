"""Matrix entries of the endorser's journey and the screening (areas: endorsement, secretariat)."""

from learningcities.calls.domain.submissions import start_submission
from learningcities.calls.domain.transitions import transition
from learningcities.calls.enums import SubmissionState
from learningcities.frameworks.models import Framework
from tests.calls.factories import city_with_coordinator, fill_in, make_call, small_framework
from tests.url_matrix.roles import LOGIN, MFA, SECRETARIAT, row

# Endorsers only: everyone else is refused (operators too: they do not endorse).
ENDORSER_ONLY = row(LOGIN, 403, 200, 403, 403, 403, MFA)

ENTRIES = {
    "calls:endorsement-queue": ENDORSER_ONLY,
    # An application submitted by a city of the endorser's country (IE).
    "calls:endorsement-detail": ENDORSER_ONLY,
    # The secretariat's calls (operators too).
    "calls:secretariat-calls": SECRETARIAT,
    "calls:secretariat-call-create": SECRETARIAT,
    "calls:secretariat-call": SECRETARIAT,
    "calls:secretariat-call-export": SECRETARIAT,
    # The coordinator's city's submitted application.
    "calls:secretariat-submission": SECRETARIAT,
}
# The coordinator's city's application (Germany): not the endorser's country.
HIDDEN = {
    "calls:endorsement-detail": row(LOGIN, 403, 404, 403, 403, 403, MFA),
    # Ids that do not exist.
    "calls:secretariat-call": row(LOGIN, 403, 403, 403, 404, 404, MFA),
    "calls:secretariat-call-export": row(LOGIN, 403, 403, 403, 404, 404, MFA),
    "calls:secretariat-submission": row(LOGIN, 403, 403, 403, 404, 404, MFA),
}


def _submitted(call, organisation, coordinator):
    submission = fill_in(
        start_submission(call, city=organisation.city, actor=coordinator), coordinator
    )
    return transition(submission, SubmissionState.SUBMITTED, actor=coordinator)


def build(context) -> tuple[dict, dict]:
    """A call with a submitted application in the endorser's country (IE) and one in Germany.

    The German one is the coordinator's city's (``city_org``): the endorser of
    the matrix (Ireland's National Commission) never sees it.
    """
    framework = Framework.objects.filter(code="test-framework").first() or small_framework()
    call = make_call(title="Matrix review call", framework=framework)
    irish_org, irish_coordinator = city_with_coordinator("IE")
    visible = _submitted(call, irish_org, irish_coordinator)
    own = _submitted(call, context["city_org"], context["people"]["coordinator"])
    kwargs = {
        "calls:endorsement-detail": {"pk": visible.pk},
        "calls:secretariat-call": {"pk": call.pk},
        "calls:secretariat-call-export": {"pk": call.pk},
        "calls:secretariat-submission": {"pk": own.pk},
    }
    missing = {"pk": 999_999}
    hidden_kwargs = {
        "calls:endorsement-detail": {"pk": own.pk},
        "calls:secretariat-call": missing,
        "calls:secretariat-call-export": missing,
        "calls:secretariat-submission": missing,
    }
    return kwargs, hidden_kwargs
