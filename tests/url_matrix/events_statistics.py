"""Matrix entries of what the secretariat learns from an event, and of the events API.

The statistics and prospects pages are the secretariat's (and operators');
an event that does not exist answers them 404. The API's events, sessions and
outcome documents are public; an event's registrations need a session (401)
and are refused (403) to whoever may see none of them.
"""

from tests.events.factories_events import EventFactory
from tests.url_matrix.roles import API, LOGIN, MFA, SECRETARIAT, row

MISSING = row(LOGIN, 403, 403, 403, 404, 404, MFA)
API_MISSING = row(404, 404, 404, 404, 404, 404, 403)
# The matrix's coordinator, endorser and juror have no registration at the event.
API_REGISTRATIONS = row(401, 403, 403, 403, 200, 200, 403)
API_REGISTRATIONS_MISSING = row(401, 404, 404, 404, 404, 404, 403)

BY_SLUG = [
    "events:statistics",
    "events:prospects",
    "events:prospects-csv",
    "api-v1:get_event",
    "api-v1:list_event_sessions",
    "api-v1:list_event_registrations",
]

ENTRIES = {
    "events:statistics": SECRETARIAT,
    "events:prospects": SECRETARIAT,
    "events:prospects-csv": SECRETARIAT,
    "api-v1:list_events": API,
    "api-v1:get_event": API,
    "api-v1:list_event_sessions": API,
    "api-v1:list_outcomes": API,
    "api-v1:list_event_registrations": API_REGISTRATIONS,
}
HIDDEN = {
    "events:statistics": MISSING,
    "events:prospects": MISSING,
    "events:prospects-csv": MISSING,
    "api-v1:get_event": API_MISSING,
    "api-v1:list_event_sessions": API_MISSING,
    "api-v1:list_event_registrations": API_REGISTRATIONS_MISSING,
}


def build(context) -> tuple[dict, dict]:
    """An event (no participants yet) and the address of one that does not exist."""
    event = EventFactory(slug="matrix-statistics")
    kwargs = {name: {"slug": event.slug} for name in BY_SLUG}
    hidden = {name: {"slug": "no-such-event"} for name in BY_SLUG}
    return kwargs, hidden
