"""The secretariat's pages of events (events/views/manage.py) in the role matrix.

Only the secretariat (and operators) open them; the status change and the
deletions take a POST only. An event, venue, room or category that does not
exist answers 404 to the secretariat and 403 to everyone else, as before.
"""

from tests.url_matrix.roles import LOGIN, MFA, POST_ONLY, SECRETARIAT, row

NOT_THERE = row(LOGIN, 403, 403, 403, 404, 404, MFA)

ENTRIES = {
    "events:manage-list": SECRETARIAT,
    "events:manage-create": SECRETARIAT,
    "events:manage-edit": SECRETARIAT,
    "events:manage-status": POST_ONLY,
    "events:manage-venues": SECRETARIAT,
    "events:manage-venue-edit": SECRETARIAT,
    "events:manage-venue-delete": POST_ONLY,
    "events:manage-room-edit": SECRETARIAT,
    "events:manage-room-delete": POST_ONLY,
    "events:manage-categories": SECRETARIAT,
    "events:manage-category-create": SECRETARIAT,
    "events:manage-category-edit": SECRETARIAT,
    "events:manage-category-delete": POST_ONLY,
}

HIDDEN = {
    "events:manage-edit": NOT_THERE,
    "events:manage-venues": NOT_THERE,
    "events:manage-venue-edit": NOT_THERE,
    "events:manage-room-edit": NOT_THERE,
    "events:manage-categories": NOT_THERE,
    "events:manage-category-create": NOT_THERE,
    "events:manage-category-edit": NOT_THERE,
}


def build(context) -> tuple[dict, dict]:
    """An event with a venue, a room and a category; and another event for the hidden ones."""
    from tests.events.factories_events import CategoryFactory, EventFactory, RoomFactory

    room = RoomFactory(venue__event__slug="matrix-manage-event")
    venue, event = room.venue, room.venue.event
    category = CategoryFactory(event=event)
    # The venue, room and category of the first event, asked for under another event.
    other = EventFactory(slug="matrix-manage-other")
    slug = {"slug": event.slug}
    kwargs = {
        "events:manage-edit": slug,
        "events:manage-status": slug,
        "events:manage-venues": slug,
        "events:manage-venue-edit": {**slug, "venue_pk": venue.pk},
        "events:manage-venue-delete": {**slug, "venue_pk": venue.pk},
        "events:manage-room-edit": {**slug, "room_pk": room.pk},
        "events:manage-room-delete": {**slug, "room_pk": room.pk},
        "events:manage-categories": slug,
        "events:manage-category-create": slug,
        "events:manage-category-edit": {**slug, "category_pk": category.pk},
        "events:manage-category-delete": {**slug, "category_pk": category.pk},
    }
    missing = {"slug": "no-such-event"}
    hidden = {
        "events:manage-edit": missing,
        "events:manage-venues": missing,
        "events:manage-venue-edit": {"slug": other.slug, "venue_pk": venue.pk},
        "events:manage-room-edit": {"slug": other.slug, "room_pk": room.pk},
        "events:manage-categories": missing,
        "events:manage-category-create": missing,
        "events:manage-category-edit": {"slug": other.slug, "category_pk": category.pk},
    }
    return kwargs, hidden
