"""The programme of an event in the role matrix: public schedule and feeds, agenda, sign-up
forms (POST only) and the secretariat's editing (events.manage_events).

A missing event, session or presentation answers 404 to those who may open
the page; a forged agenda token answers 404 to everyone.
"""

from learningcities.events.domain.programme import create_presentation
from learningcities.events.enums import SessionKind
from learningcities.events.interfaces.calendar import agenda_token
from tests.accounts.factories import make_user
from tests.events.factories_programme import EventFactory, make_session
from tests.url_matrix.roles import LOGGED_IN, LOGIN, MFA, POST_ONLY, PUBLIC, SECRETARIAT, row

ENTRIES = {
    "events:programme": PUBLIC,
    "events:programme-ics": PUBLIC,
    "events:agenda-ics": PUBLIC,
    "events:agenda": LOGGED_IN,
    "events:session-sign-up": POST_ONLY,
    "events:session-cancel": POST_ONLY,
    "events:session-accept": POST_ONLY,
    "events:session-decline": POST_ONLY,
    "events:programme-manage": SECRETARIAT,
    "events:programme-session-create": SECRETARIAT,
    "events:programme-session-edit": SECRETARIAT,
    "events:programme-session-delete": SECRETARIAT,
    "events:programme-presentation-create": SECRETARIAT,
    "events:programme-presentation-edit": SECRETARIAT,
    "events:programme-presentation-delete": SECRETARIAT,
}
NOT_FOUND = row(404, 404, 404, 404, 404, 404, MFA)
MANAGED_NOT_FOUND = row(LOGIN, 403, 403, 403, 404, 404, MFA)
HIDDEN = {
    "events:programme": NOT_FOUND,
    "events:programme-ics": NOT_FOUND,
    "events:agenda-ics": NOT_FOUND,
    "events:agenda": row(LOGIN, 404, 404, 404, 404, 404, MFA),
    "events:programme-manage": MANAGED_NOT_FOUND,
    "events:programme-session-edit": MANAGED_NOT_FOUND,
    "events:programme-session-delete": MANAGED_NOT_FOUND,
    "events:programme-presentation-create": MANAGED_NOT_FOUND,
    "events:programme-presentation-edit": MANAGED_NOT_FOUND,
    "events:programme-presentation-delete": MANAGED_NOT_FOUND,
}


def build(context) -> tuple[dict, dict]:
    """An event with a site visit that has a presentation, and a person's agenda token."""
    event = EventFactory(slug="matrix-programme")
    visit = make_session(event, kind=SessionKind.SITE_VISIT, capacity=12, title="Matrix visit")
    presentation = create_presentation(visit, actor=None, title="Matrix talk")
    token = agenda_token(make_user())
    event_kwargs = {"slug": event.slug}
    session_kwargs = {"slug": event.slug, "pk": visit.pk}
    presentation_kwargs = {"slug": event.slug, "pk": presentation.pk}
    missing_event = {"slug": "no-such-event"}
    missing_session = {"slug": event.slug, "pk": visit.pk + 10_000}
    missing_presentation = {"slug": event.slug, "pk": presentation.pk + 10_000}
    kwargs = {
        "events:programme": event_kwargs,
        "events:programme-ics": event_kwargs,
        "events:agenda-ics": {**event_kwargs, "token": token},
        "events:agenda": event_kwargs,
        "events:programme-manage": event_kwargs,
        "events:programme-session-create": event_kwargs,
        "events:programme-session-edit": session_kwargs,
        "events:programme-session-delete": session_kwargs,
        "events:programme-presentation-create": session_kwargs,
        "events:programme-presentation-edit": presentation_kwargs,
        "events:programme-presentation-delete": presentation_kwargs,
        **{
            f"events:session-{name}": session_kwargs
            for name in ("sign-up", "cancel", "accept", "decline")
        },
    }
    hidden = {
        "events:programme": missing_event,
        "events:programme-ics": missing_event,
        "events:agenda-ics": {**event_kwargs, "token": "1:forged"},
        "events:agenda": missing_event,
        "events:programme-manage": missing_event,
        "events:programme-session-edit": missing_session,
        "events:programme-session-delete": missing_session,
        "events:programme-presentation-create": missing_session,
        "events:programme-presentation-edit": missing_presentation,
        "events:programme-presentation-delete": missing_presentation,
    }
    return kwargs, hidden
