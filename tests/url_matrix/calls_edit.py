"""Editing a call, its attachments, messages and one city's deadline in the role matrix.

The secretariat's pages (calls/urls_secretariat.py) answer 403 to everyone
else, 404 for a call, attachment or submission that does not exist; adding
an attachment is a POST (405 on GET). A call's attachment is public.
"""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from learningcities.calls.domain.calls import add_call_attachment, create_call
from learningcities.calls.domain.submissions import start_submission
from learningcities.calls.enums import CallKind
from learningcities.frameworks.domain.queries.frameworks import framework_tree_by_version
from tests.common.files import PDF
from tests.url_matrix.roles import LOGIN, MFA, POST_ONLY, PUBLIC, SECRETARIAT, row

SECRETARIAT_HIDDEN = row(LOGIN, 403, 403, 403, 404, 404, MFA)

ENTRIES = {
    "calls:secretariat-call-edit": SECRETARIAT,
    "calls:secretariat-call-message": SECRETARIAT,
    "calls:secretariat-call-attachment-add": POST_ONLY,
    "calls:secretariat-call-attachment-remove": SECRETARIAT,
    "calls:secretariat-submission-extend": SECRETARIAT,
    "calls:call-attachment": PUBLIC,
}

HIDDEN = {
    "calls:secretariat-call-edit": SECRETARIAT_HIDDEN,
    "calls:secretariat-call-message": SECRETARIAT_HIDDEN,
    "calls:secretariat-call-attachment-remove": SECRETARIAT_HIDDEN,
    "calls:secretariat-submission-extend": SECRETARIAT_HIDDEN,
    "calls:call-attachment": row(404, 404, 404, 404, 404, 404, MFA),
}


def build(context) -> tuple[dict, dict]:
    """An open call with one attachment and the coordinator's draft."""
    now = timezone.now()
    call = create_call(
        actor=None,
        title="Matrix edited call",
        kind=CallKind.MEMBERSHIP,
        framework=framework_tree_by_version("key-features", "2013-short"),
        opens_at=now - dt.timedelta(days=5),
        closes_at=now + dt.timedelta(days=30),
        time_zone="Europe/Paris",
    )
    attachment = add_call_attachment(
        call, SimpleUploadedFile("terms.pdf", PDF), actor=None, title="Terms of the call"
    )
    draft = start_submission(
        call, city=context["city_org"].city, actor=context["people"]["coordinator"]
    )
    kwargs = {
        "calls:secretariat-call-edit": {"pk": call.pk},
        "calls:secretariat-call-message": {"pk": call.pk},
        "calls:secretariat-call-attachment-add": {"pk": call.pk},
        "calls:secretariat-call-attachment-remove": {"pk": attachment.pk},
        "calls:secretariat-submission-extend": {"pk": draft.pk},
        "calls:call-attachment": {"pk": attachment.pk},
    }
    hidden = {name: {"pk": value["pk"] + 100_000} for name, value in kwargs.items()}
    del hidden["calls:secretariat-call-attachment-add"]
    return kwargs, hidden
