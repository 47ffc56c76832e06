"""Matrix entries of the secretariat's decisions and release of a call (area: reviews)."""

from learningcities.frameworks.models import Framework
from tests.calls.factories import make_call, small_framework
from tests.url_matrix.roles import LOGIN, MFA, POST_ONLY, SECRETARIAT, row

ENTRIES = {
    "reviews:decisions": SECRETARIAT,
    # Forms of the decisions page: they answer POST only (a GET is 405 for everyone).
    "reviews:decisions-finish": POST_ONLY,
    "reviews:decisions-decide": POST_ONLY,
    "reviews:decisions-release": POST_ONLY,
}
# A call that does not exist: 404 for those who may open the page, 403 for the others.
HIDDEN = {
    "reviews:decisions": row(LOGIN, 403, 403, 403, 404, 404, MFA),
}


def build(context) -> tuple[dict, dict]:
    """A membership call (no submission needed: the page lists what is in review)."""
    framework = Framework.objects.filter(code="test-framework").first() or small_framework()
    call = make_call(title="Matrix decisions call", framework=framework)
    kwargs = {name: {"pk": call.pk} for name in ENTRIES}
    return kwargs, {"reviews:decisions": {"pk": 999_999}}
