"""Registrations made through the registration domain, as the application makes them."""

import itertools

from learningcities.events.domain.registrations import Participant, register_participant
from tests.factories import country

_numbers = itertools.count(1)


def participant(**fields) -> Participant:
    """A participant from Ireland (no city unless given), with a fresh e-mail address."""
    number = next(_numbers)
    fields.setdefault("name", f"Participant {number}")
    fields.setdefault("email", f"participant{number}@example.org")
    if "country" not in fields:
        fields["country"] = fields["city"].country if fields.get("city") else country("IE")
    return Participant(**fields)


def register(category, *, actor=None, delegation=None, now=None, **fields):
    """Register a new participant in ``category`` through the domain; return the registration."""
    return register_participant(
        category, participant=participant(**fields), actor=actor, delegation=delegation, now=now
    )
