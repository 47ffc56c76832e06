"""Demo history: the outcome documents the International Conferences on Learning Cities adopted.

Titles only, as the network names them (FACTS.md): no text is copied, the
summary is one line saying where the document was adopted, and no file is
attached. Each is adopted on its conference's last day. Conferences are those
of ``demo.domain.events.ensure_demo_events``, found by kind and edition; a
conference missing from the installation is skipped.

Running ``ensure_outcome_history`` again changes nothing: a document is
looked up by its conference and title first.
"""

from dataclasses import dataclass, field

from django.db import transaction

from learningcities.events.domain.outcomes import adopt_outcome, create_outcome
from learningcities.events.enums import EventKind
from learningcities.events.models import Event, OutcomeDocument

# Edition of the conference -> the titles of what it adopted.
OUTCOME_HISTORY = {
    1: ("Beijing Declaration on Building Learning Cities", "Key Features of Learning Cities"),
    2: ("Mexico City Statement",),
    3: ("Cork Call to Action",),
    4: ("Medellin Manifesto",),
    5: ("Yeonsu Declaration",),
}


@dataclass
class DemoOutcomes:
    """What ``ensure_outcome_history`` found and made."""

    outcomes: list[OutcomeDocument] = field(default_factory=list)
    created: list[str] = field(default_factory=list)
    skipped_editions: list[int] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created)


def _conference(edition: int) -> Event | None:
    return (
        Event.objects.filter(kind=EventKind.CONFERENCE, edition=edition, is_synthetic=False)
        .select_related("host_city")
        .order_by("starts_on", "pk")
        .first()
    )


def _summary(event: Event) -> str:
    if event.host_city is None:
        return f"Adopted at the {event.title}."
    return f"Adopted at the {event.title}, {event.host_city.name}."


def _ensure_outcome(event: Event, title: str, result: DemoOutcomes) -> OutcomeDocument:
    outcome = OutcomeDocument.objects.filter(event=event, title=title).first()
    if outcome is not None:
        return outcome
    outcome = create_outcome(event, actor=None, title=title, summary=_summary(event), language="en")
    outcome = adopt_outcome(outcome, actor=None, adopted_on=event.ends_on)
    result.created.append(title)
    return outcome


@transaction.atomic
def ensure_outcome_history() -> DemoOutcomes:
    """Make the conferences' adopted outcome documents that are missing; return what exists.

    Effects: for each conference found (by edition), its outcome documents
    created and adopted on its last day through ``events.domain.outcomes``
    (activity ``events.outcome.update``).
    """
    result = DemoOutcomes()
    for edition, titles in OUTCOME_HISTORY.items():
        event = _conference(edition)
        if event is None:
            result.skipped_editions.append(edition)
            continue
        result.outcomes += [_ensure_outcome(event, title, result) for title in titles]
    return result
