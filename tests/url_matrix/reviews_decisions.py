"""Matrix entries of the secretariat's decisions and release of a call (area: reviews)."""

import io

from django.utils import timezone

from learningcities.calls.models import Certificate, Release, ReleaseState
from learningcities.common.domain.documents import store_document
from learningcities.common.enums import FileFamily
from learningcities.frameworks.models import Framework
from tests.calls.factories import Cast, make_call, small_framework
from tests.common.files import PDF
from tests.url_matrix.roles import LOGIN, MFA, POST_ONLY, SECRETARIAT, row

ENTRIES = {
    "reviews:decisions": SECRETARIAT,
    # Forms of the decisions page: they answer POST only (a GET is 405 for everyone).
    "reviews:decisions-finish": POST_ONLY,
    "reviews:decisions-decide": POST_ONLY,
    # The release: preview and confirmation, progress and result, ZIP, re-issue.
    "reviews:decisions-release": SECRETARIAT,
    "reviews:decisions-release-status": SECRETARIAT,
    "reviews:decisions-release-resume": POST_ONLY,
    "reviews:decisions-certificates-zip": SECRETARIAT,
    "reviews:decisions-certificate-reissue": SECRETARIAT,
}
# A call (or certificate) that does not exist: 404 for those who may open the page,
# 403 for the others.
NOT_FOUND = row(LOGIN, 403, 403, 403, 404, 404, MFA)
HIDDEN = {
    "reviews:decisions": NOT_FOUND,
    "reviews:decisions-release": NOT_FOUND,
    "reviews:decisions-release-status": NOT_FOUND,
    "reviews:decisions-certificates-zip": NOT_FOUND,
    "reviews:decisions-certificate-reissue": NOT_FOUND,
}


def build(context) -> tuple[dict, dict]:
    """A membership call to prepare, and a released one with a certificate."""
    framework = Framework.objects.filter(code="test-framework").first() or small_framework()
    call = make_call(title="Matrix decisions call", framework=framework)
    released = make_call(title="Matrix released call", framework=framework)
    cast = Cast(call=released, country_code="NZ")
    submission = cast.draft()
    Release.objects.create(
        call=released, released_at=timezone.now(), state=ReleaseState.DONE, total=1, processed=1
    )
    document = store_document(
        io.BytesIO(PDF),
        owner=cast.organisation,
        uploaded_by=None,
        kind="calls.certificate",
        allowed=(FileFamily.PDF,),
        name="certificate.pdf",
    )
    certificate = Certificate.objects.create(
        submission=submission, document=document, number="LC-MATRIX-1", issued_at=timezone.now()
    )
    kwargs = {
        "reviews:decisions": {"pk": call.pk},
        "reviews:decisions-finish": {"pk": call.pk},
        "reviews:decisions-decide": {"pk": call.pk},
        "reviews:decisions-release": {"pk": call.pk},
        "reviews:decisions-release-status": {"pk": released.pk},
        "reviews:decisions-release-resume": {"pk": released.pk},
        "reviews:decisions-certificates-zip": {"pk": released.pk},
        "reviews:decisions-certificate-reissue": {
            "pk": released.pk,
            "certificate_pk": certificate.pk,
        },
        "calls:certificate": {"number": certificate.number},
    }
    hidden = {
        "reviews:decisions": {"pk": 999_999},
        "reviews:decisions-release": {"pk": 999_999},
        "reviews:decisions-release-status": {"pk": call.pk},  # not released
        "reviews:decisions-certificates-zip": {"pk": 999_999},
        "reviews:decisions-certificate-reissue": {
            "pk": call.pk,  # the certificate belongs to another call
            "certificate_pk": certificate.pk,
        },
        "calls:certificate": {"number": "LC-UNKNOWN-0"},
    }
    return kwargs, hidden
