"""Matrix entries of the jury's set-up (area: reviews panel): panel pages, ties, recusal."""

import datetime as dt

from django.utils import timezone

from learningcities.calls.domain.submissions import start_submission
from learningcities.calls.domain.transitions import transition
from learningcities.calls.enums import SubmissionState
from learningcities.frameworks.models import Framework
from learningcities.reviews.models import Assignment, Panel, ReviewPhase
from tests.calls.factories import city_with_coordinator, fill_in, make_call, small_framework
from tests.url_matrix.roles import LOGIN, MFA, SECRETARIAT, row

# Jurors only: everyone else is refused (operators too: they are not jurors).
JUROR_ONLY = row(LOGIN, 403, 403, 200, 403, 403, MFA)
MISSING = row(LOGIN, 403, 403, 403, 404, 404, MFA)

ENTRIES = {
    "reviews:panel": SECRETARIAT,
    "reviews:phase-create": SECRETARIAT,
    "reviews:phase": SECRETARIAT,
    "reviews:auto-assign": SECRETARIAT,
    "reviews:panel-submission": SECRETARIAT,
    "reviews:panel-juror": SECRETARIAT,
    "reviews:ties": JUROR_ONLY,
    # A submission the matrix's juror is assigned to.
    "reviews:recuse": JUROR_ONLY,
}
HIDDEN = {
    "reviews:panel": MISSING,
    # A call without a panel.
    "reviews:phase-create": MISSING,
    "reviews:phase": MISSING,
    "reviews:auto-assign": MISSING,
    "reviews:panel-submission": MISSING,
    # A person who is not a juror of the panel.
    "reviews:panel-juror": MISSING,
    # A submission the juror is not assigned to.
    "reviews:recuse": row(LOGIN, 403, 403, 404, 403, 403, MFA),
}


def _submitted(call, country_code: str):
    organisation, coordinator = city_with_coordinator(country_code)
    submission = fill_in(
        start_submission(call, city=organisation.city, actor=coordinator), coordinator
    )
    return transition(submission, SubmissionState.SUBMITTED, actor=coordinator)


def build(context) -> tuple[dict, dict]:
    """A call whose panel is the matrix juror's organisation, a phase, two submissions.

    The juror is assigned to the first submission (Kenya), not the second (Chile).
    """
    framework = Framework.objects.filter(code="test-framework").first() or small_framework()
    call = make_call(title="Matrix jury call", framework=framework)
    bare_call = make_call(title="Matrix call without a jury", framework=framework)
    juror = context["people"]["juror"]
    panel = Panel.objects.create(call=call, organisation=juror.affiliations.get().organisation)
    now = timezone.now()
    phase = ReviewPhase.objects.create(
        panel=panel,
        name="Scoring",
        starts_at=now - dt.timedelta(days=1),
        ends_at=now + dt.timedelta(days=10),
    )
    assigned = _submitted(call, "KE")
    other = _submitted(call, "CL")
    Assignment.objects.create(panel=panel, submission=assigned, juror=juror, method="manual")
    kwargs = {
        "reviews:panel": {"call_pk": call.pk},
        "reviews:phase-create": {"call_pk": call.pk},
        "reviews:phase": {"call_pk": call.pk, "pk": phase.pk},
        "reviews:auto-assign": {"call_pk": call.pk},
        "reviews:panel-submission": {"call_pk": call.pk, "pk": assigned.pk},
        "reviews:panel-juror": {"call_pk": call.pk, "pk": juror.pk},
        "reviews:recuse": {"pk": assigned.pk},
    }
    hidden_kwargs = {
        "reviews:panel": {"call_pk": 999_999},
        "reviews:phase-create": {"call_pk": bare_call.pk},
        "reviews:phase": {"call_pk": call.pk, "pk": 999_999},
        "reviews:auto-assign": {"call_pk": bare_call.pk},
        "reviews:panel-submission": {"call_pk": call.pk, "pk": 999_999},
        "reviews:panel-juror": {"call_pk": call.pk, "pk": context["stranger"].pk},
        "reviews:recuse": {"pk": other.pk},
    }
    return kwargs, hidden_kwargs
