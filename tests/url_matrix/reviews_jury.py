"""Matrix entries of the juror's pages and API, and of the secretariat's ranking (area: jury)."""

import datetime as dt

from django.utils import timezone

from learningcities.accounts.enums import Role
from learningcities.calls.domain.submissions import start_submission
from learningcities.frameworks.models import Framework
from learningcities.reviews.models import Assignment, Panel, ReviewPhase
from tests.calls.factories import city_with_coordinator, fill_in, make_call, small_framework
from tests.url_matrix.roles import LOGIN, MFA, SECRETARIAT, row

# Jurors only: the secretariat and operators do not review (they read the ranking).
JUROR_ONLY = row(LOGIN, 403, 403, 200, 403, 403, MFA)
# A submission not assigned to the juror (or conflicted with them): as if missing.
JUROR_HIDDEN = row(LOGIN, 403, 403, 404, 403, 403, MFA)

ENTRIES = {
    "reviews:jury-workspace": JUROR_ONLY,
    # A submission assigned to the matrix's juror.
    "reviews:jury-review": JUROR_ONLY,
    "reviews:jury-dossier": JUROR_ONLY,
    # A call with a panel.
    "reviews:ranking": SECRETARIAT,
    "reviews:ranking-export": SECRETARIAT,
    # Everyone logged in gets a list: empty but for jurors.
    "api-v1:list_jury_submissions": row(401, 200, 200, 200, 200, 200, 403),
    "api-v1:get_jury_submission": row(401, 404, 404, 200, 404, 404, 403),
    "api-v1:save_jury_review": row(405, 405, 405, 405, 405, 405, 403),
    "api-v1:submit_jury_review": row(405, 405, 405, 405, 405, 405, 403),
}
HIDDEN = {
    "reviews:jury-review": JUROR_HIDDEN,
    "reviews:jury-dossier": JUROR_HIDDEN,
    "api-v1:get_jury_submission": row(401, 404, 404, 404, 404, 404, 403),
    # A call without a panel.
    "reviews:ranking": row(LOGIN, 403, 403, 403, 404, 404, MFA),
    "reviews:ranking-export": row(LOGIN, 403, 403, 403, 404, 404, MFA),
}


def _submission(call, country_code: str):
    organisation, coordinator = city_with_coordinator(country_code)
    return fill_in(start_submission(call, city=organisation.city, actor=coordinator), coordinator)


def build(context) -> tuple[dict, dict]:
    """A call whose panel is the matrix juror's, with one submission assigned to them.

    A second submission of the call is not assigned to them (hidden); a second
    call has no panel (hidden ranking).
    """
    juror = context["people"]["juror"]
    panel_org = juror.affiliations.filter(role=Role.JUROR).first().organisation
    framework = Framework.objects.filter(code="test-framework").first() or small_framework()
    call = make_call(title="Matrix jury call", framework=framework)
    panel = Panel.objects.create(call=call, organisation=panel_org)
    now = timezone.now()
    ReviewPhase.objects.create(
        panel=panel,
        name="Scoring",
        starts_at=now - dt.timedelta(days=1),
        ends_at=now + dt.timedelta(days=10),
    )
    assigned = _submission(call, "IE")
    Assignment.objects.create(panel=panel, submission=assigned, juror=juror, method="manual")
    other = _submission(call, "KE")
    no_panel = make_call(title="Matrix call without jury", framework=framework)
    kwargs = {
        "reviews:jury-review": {"pk": assigned.pk},
        "reviews:jury-dossier": {"pk": assigned.pk},
        "reviews:ranking": {"call_pk": call.pk},
        "reviews:ranking-export": {"call_pk": call.pk},
        "api-v1:get_jury_submission": {"id": assigned.pk},
        "api-v1:save_jury_review": {"id": assigned.pk},
        "api-v1:submit_jury_review": {"id": assigned.pk},
    }
    hidden_kwargs = {
        "reviews:jury-review": {"pk": other.pk},
        "reviews:jury-dossier": {"pk": other.pk},
        "api-v1:get_jury_submission": {"id": other.pk},
        "reviews:ranking": {"call_pk": no_panel.pk},
        "reviews:ranking-export": {"call_pk": no_panel.pk},
    }
    return kwargs, hidden_kwargs
