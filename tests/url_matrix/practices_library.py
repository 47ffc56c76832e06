"""The library of good practices (practices/views/library.py, manage.py, moderation.py).

Anyone reads a published practice and its history; a draft is its city's
and the secretariat's only (404 for everyone else). A city's pages are its
coordinators'; the moderation queue is the secretariat's; moves answer POST
only.
"""

from tests.practices.factories import make_practice
from tests.url_matrix.roles import LOGIN, MFA, POST_ONLY, PUBLIC, SECRETARIAT, row

COORDINATORS = row(LOGIN, 200, 403, 403, 403, 403, MFA)

ENTRIES = {
    "practices:library": PUBLIC,
    "practices:practice": PUBLIC,
    "practices:revisions": PUBLIC,
    "practices:city-practices": COORDINATORS,
    "practices:create": COORDINATORS,
    "practices:edit": COORDINATORS,
    "practices:move": POST_ONLY,
    "practices:from-answer": POST_ONLY,
    "practices:moderation": SECRETARIAT,
}

HIDDEN = {
    "practices:practice": row(404, 404, 404, 404, 200, 200, MFA),
    "practices:revisions": row(404, 404, 404, 404, 200, 200, MFA),
    "practices:edit": row(LOGIN, 404, 404, 404, 403, 403, MFA),
}


def build(context) -> tuple[dict, dict]:
    """A published practice of the coordinator's city, and a draft of another city."""
    people = context["people"]
    published = make_practice(
        coordinator=people["coordinator"],
        organisation=context["city_org"],
        publish=True,
        secretariat=people["secretariat"],
    )
    draft = make_practice(
        coordinator=context["stranger"], organisation=context["other_org"], title="Other draft"
    )
    kwargs = {
        "practices:practice": {"pk": published.pk},
        "practices:revisions": {"pk": published.pk},
        "practices:edit": {"pk": published.pk},
        "practices:move": {"pk": published.pk},
        "practices:from-answer": {"pk": 1},
    }
    hidden = {
        "practices:practice": {"pk": draft.pk},
        "practices:revisions": {"pk": draft.pk},
        "practices:edit": {"pk": draft.pk},
    }
    return kwargs, hidden
