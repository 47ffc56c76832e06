"""Registration pages of events (events/views/registration.py) in the role matrix.

The coordinator heads their city's delegation, with one delegate; the other
city's delegation and its delegate are the hidden objects. The registration's
category needs no approval and its country has no Commission among the
matrix's people, so the endorser sees neither.
"""

from learningcities.events.domain.notices import registration_token
from learningcities.events.domain.registrations import (
    Participant,
    create_delegation,
    register_participant,
)
from learningcities.events.enums import CategoryKind, DelegationKind
from tests.events.factories_events import CategoryFactory, EventFactory
from tests.url_matrix.roles import LOGGED_IN, LOGIN, MFA, POST_ONLY, PUBLIC, SECRETARIAT, row

MANAGER = row(LOGIN, 200, 404, 404, 200, 200, MFA)
HIDDEN_MANAGER = row(LOGIN, 404, 404, 404, 200, 200, MFA)

ENTRIES = {
    "events:register": PUBLIC,
    "events:open-delegation": POST_ONLY,
    "events:register-self": PUBLIC,
    "events:delegation": MANAGER,
    "events:delegate-add": MANAGER,
    "events:my-registrations": LOGGED_IN,
    "events:approvals": row(LOGIN, 403, 200, 403, 200, 200, MFA),
    "events:registration": MANAGER,
    "events:registration-move": POST_ONLY,
    "events:substitute": MANAGER,
    "events:registration-token": PUBLIC,
    "events:registration-token-move": POST_ONLY,
    "events:participants": SECRETARIAT,
    "events:participants-csv": SECRETARIAT,
}

HIDDEN = {
    "events:delegation": HIDDEN_MANAGER,
    "events:delegate-add": HIDDEN_MANAGER,
    "events:registration": HIDDEN_MANAGER,
    "events:substitute": HIDDEN_MANAGER,
    "events:register-self": row(404, 404, 404, 404, 404, 404, MFA),
    "events:registration-token": row(404, 404, 404, 404, 404, 404, MFA),
    "events:participants": row(LOGIN, 404, 404, 404, 404, 404, MFA),
    "events:participants-csv": row(LOGIN, 404, 404, 404, 404, 404, MFA),
}


def _delegation_with_delegate(event, category, organisation, head):
    delegation = create_delegation(
        event,
        kind=DelegationKind.CITY,
        organisation=organisation,
        head=head,
        city=organisation.city,
    )
    registration = register_participant(
        category,
        participant=Participant(
            name="Matrix delegate",
            email=f"delegate-{organisation.pk}@example.org",
            country=organisation.city.country,
            city=organisation.city,
        ),
        actor=head,
        delegation=delegation,
    )
    return delegation, registration


def build(context) -> tuple[dict, dict]:
    event = EventFactory(slug="matrix-registration")
    delegates = CategoryFactory(event=event)
    public = CategoryFactory(event=event, kind=CategoryKind.OBSERVER, is_open_to_public=True)
    people = context["people"]
    mine, registration = _delegation_with_delegate(
        event, delegates, context["city_org"], people["coordinator"]
    )
    theirs, hidden = _delegation_with_delegate(
        event, delegates, context["other_org"], context["stranger"]
    )
    kwargs = {
        "events:register": {"slug": event.slug},
        "events:open-delegation": {"slug": event.slug},
        "events:register-self": {"slug": event.slug, "category_pk": public.pk},
        "events:delegation": {"pk": mine.pk},
        "events:delegate-add": {"pk": mine.pk, "category_pk": delegates.pk},
        "events:registration": {"pk": registration.pk},
        "events:registration-move": {"pk": registration.pk},
        "events:substitute": {"pk": registration.pk},
        "events:registration-token": {"token": registration_token(registration)},
        "events:registration-token-move": {"token": registration_token(registration)},
        "events:participants": {"slug": event.slug},
        "events:participants-csv": {"slug": event.slug},
    }
    hidden_kwargs = {
        "events:delegation": {"pk": theirs.pk},
        "events:delegate-add": {"pk": theirs.pk, "category_pk": delegates.pk},
        "events:registration": {"pk": hidden.pk},
        "events:substitute": {"pk": hidden.pk},
        "events:register-self": {"slug": event.slug, "category_pk": delegates.pk},
        "events:registration-token": {"token": "not-a-token"},
        "events:participants": {"slug": "no-such-event"},
        "events:participants-csv": {"slug": "no-such-event"},
    }
    return kwargs, hidden_kwargs
