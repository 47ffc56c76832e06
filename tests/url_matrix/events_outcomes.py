"""Outcome documents (events/views/outcomes.py, outcomes_manage.py) in the role matrix.

Anyone reads an adopted document and downloads its files; an unshared draft
and its files are the secretariat's only (404 for everyone else). The
management pages are the secretariat's; the actions answer POST only.
"""

from learningcities.events.enums import OutcomeStatus
from tests.events.factories_outcomes import attach_pdf, make_outcome, past_event
from tests.url_matrix.roles import LOGIN, MFA, POST_ONLY, PUBLIC, SECRETARIAT, row

SECRETARIAT_ONLY_OBJECT = row(404, 404, 404, 404, 200, 200, MFA)

ENTRIES = {
    "events:outcomes": PUBLIC,
    "events:outcome": PUBLIC,
    "events:outcome-file": PUBLIC,
    "events:outcome-endorse": POST_ONLY,
    "events:outcome-withdraw": POST_ONLY,
    "events:outcome-create": SECRETARIAT,
    "events:outcome-edit": SECRETARIAT,
    "events:outcome-file-add": POST_ONLY,
    "events:outcome-file-remove": POST_ONLY,
    "events:outcome-share": POST_ONLY,
    "events:outcome-adopt": POST_ONLY,
}

HIDDEN = {
    "events:outcome": SECRETARIAT_ONLY_OBJECT,
    "events:outcome-file": SECRETARIAT_ONLY_OBJECT,
    "events:outcome-edit": row(LOGIN, 403, 403, 403, 404, 404, MFA),
}


def build(context) -> tuple[dict, dict]:
    """An adopted outcome document with a file in English, and an unshared draft with one."""
    event = past_event(slug="matrix-outcomes")
    adopted = make_outcome(event, title="Matrix declaration")
    adopted_file = attach_pdf(adopted, "en")
    draft = make_outcome(event, title="Matrix draft", status=OutcomeStatus.DRAFT)
    attach_pdf(draft, "en")
    pk = {"pk": adopted.pk}
    kwargs = {
        "events:outcome": pk,
        "events:outcome-file": {"pk": adopted.pk, "language": "en"},
        "events:outcome-endorse": pk,
        "events:outcome-withdraw": pk,
        "events:outcome-edit": pk,
        "events:outcome-file-add": pk,
        "events:outcome-file-remove": {"pk": adopted_file.pk},
        "events:outcome-share": pk,
        "events:outcome-adopt": pk,
    }
    hidden = {
        "events:outcome": {"pk": draft.pk},
        "events:outcome-file": {"pk": draft.pk, "language": "en"},
        "events:outcome-edit": {"pk": 999_999},
    }
    return kwargs, hidden
