"""Matrix entries of the registration desks, badges and letters (events/views/desk.py).

The coordinator's city hosts the event: as its organiser the coordinator works
its desk, like the secretariat; the other roles are refused (403). A letter
is the coordinator's own registration: the coordinator and the secretariat
open it, anyone else gets 404. Hidden: an event hosted by another city (403
to all but the secretariat), and a stranger's registration (404).
"""

from tests.events.factories_desk import RegistrationFactory
from tests.events.factories_events import CategoryFactory, EventFactory
from tests.url_matrix.roles import LOGIN, MFA, POST_ONLY, row

DESK = row(LOGIN, 200, 403, 403, 200, 200, MFA)
OTHER_DESK = row(LOGIN, 403, 403, 403, 200, 200, MFA)

ENTRIES = {
    "events:desk": DESK,
    "events:desk-counts": DESK,
    "events:badges": DESK,
    "events:desk-check-in": POST_ONLY,
    "events:desk-undo-check-in": POST_ONLY,
    "events:letter": row(LOGIN, 200, 404, 404, 200, 200, MFA),
}

HIDDEN = {
    "events:desk": OTHER_DESK,
    "events:desk-counts": OTHER_DESK,
    "events:badges": OTHER_DESK,
    "events:letter": row(LOGIN, 404, 404, 404, 200, 200, MFA),
}


def build(context) -> tuple[dict, dict]:
    """An event hosted by the coordinator's city, one by the other city, a registration in each."""
    own_event = EventFactory(organisers=[context["city_org"]], slug="matrix-desk")
    other_event = EventFactory(organisers=[context["other_org"]], slug="matrix-other-desk")
    own = RegistrationFactory(
        category=CategoryFactory(event=own_event), user=context["people"]["coordinator"]
    )
    stranger = RegistrationFactory(
        category=CategoryFactory(event=other_event), user=context["stranger"]
    )
    desk = {"slug": own_event.slug}
    other_desk = {"slug": other_event.slug}
    kwargs = {
        "events:desk": desk,
        "events:desk-counts": desk,
        "events:badges": desk,
        "events:desk-check-in": {**desk, "pk": own.pk},
        "events:desk-undo-check-in": {**desk, "pk": own.pk},
        "events:letter": {"pk": own.pk, "kind": "invitation"},
    }
    hidden = {
        "events:desk": other_desk,
        "events:desk-counts": other_desk,
        "events:badges": other_desk,
        "events:letter": {"pk": stranger.pk, "kind": "invitation"},
    }
    return kwargs, hidden
