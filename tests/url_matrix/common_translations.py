"""The secretariat's translations pages (common/views/translations.py) in the role matrix.

The overview and the form are the secretariat's only (403 to everyone else);
the form answers 404 for an object that does not exist, for a kind translated
through files (a framework) and for the object's own language.
"""

from learningcities.frameworks.models import Framework
from tests.factories import CohortFactory
from tests.url_matrix.roles import LOGIN, MFA, SECRETARIAT, row

ENTRIES = {
    "common:translations": SECRETARIAT,
    "common:translation-edit": SECRETARIAT,
}

HIDDEN = {"common:translation-edit": row(LOGIN, 403, 403, 403, 404, 404, MFA)}


def build(context) -> tuple[dict, dict]:
    cohort = CohortFactory(name="Matrix cohort")
    framework = Framework.objects.get(code="key-features")
    return (
        {"common:translation-edit": {"kind": "network.cohort", "pk": cohort.pk, "language": "ar"}},
        {
            "common:translation-edit": {
                "kind": "frameworks.framework",
                "pk": framework.pk,
                "language": "fr",
            }
        },
    )
