"""The public pages of events (events/views/public.py) in the role matrix.

Everyone opens the list and an event's page; an event that does not exist answers 404.
"""

from tests.url_matrix.roles import MFA, PUBLIC, row

ENTRIES = {
    "events:list": PUBLIC,
    "events:event": PUBLIC,
}

HIDDEN = {"events:event": row(404, 404, 404, 404, 404, 404, MFA)}


def build(context) -> tuple[dict, dict]:
    """An event with registration open."""
    from tests.events.factories_events import CategoryFactory, EventFactory

    event = EventFactory(slug="matrix-public-event")
    CategoryFactory(event=event)
    return (
        {"events:event": {"slug": event.slug}},
        {"events:event": {"slug": "no-such-event"}},
    )
