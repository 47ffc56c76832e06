"""Outcome documents and the people who act on them, for the outcome tests.

Events come from ``factories_events.EventFactory`` (an international
conference starting 60 days from today); an outcome here is written straight
through the ORM so a test sets any state it needs.
"""

import datetime as dt
import io

from learningcities.accounts.domain.organisations import add_affiliation, create_organisation
from learningcities.accounts.enums import OrganisationKind, Role
from learningcities.common.domain.documents import store_document
from learningcities.events.domain.outcomes import OUTCOME_FILE_KIND
from learningcities.events.enums import OutcomeStatus
from learningcities.events.models import OutcomeDocument, OutcomeFile
from tests.accounts.factories import make_user
from tests.common import files
from tests.events.factories_events import EventFactory
from tests.factories import CityFactory, make_member

PAST = dt.date(2019, 10, 1)


def past_event(**fields):
    """A conference held in 2019 (1-3 October), in Bogotá's time zone."""
    fields.setdefault("starts_on", PAST)
    fields.setdefault("ends_on", PAST + dt.timedelta(days=2))
    fields.setdefault("time_zone", "America/Bogota")
    fields.setdefault("status", "held")
    return EventFactory(**fields)


def make_outcome(event=None, **fields) -> OutcomeDocument:
    """An outcome document; adopted on the event's last day unless ``status`` says draft."""
    event = event or past_event()
    fields.setdefault("title", "Test declaration")
    fields.setdefault("status", OutcomeStatus.ADOPTED)
    if fields["status"] == OutcomeStatus.ADOPTED:
        fields.setdefault("adopted_on", event.ends_on)
    return OutcomeDocument.objects.create(event=event, **fields)


def shared_draft(event=None, *, until: dt.date | None = None, **fields) -> OutcomeDocument:
    """A draft shared for comment until ``until`` (default: 30 days from today)."""
    until = until or dt.date.today() + dt.timedelta(days=30)
    return make_outcome(event, status=OutcomeStatus.DRAFT, comments_until=until, **fields)


def coordinator_of(city, *, email: str | None = None):
    """A person coordinating ``city`` (its organisation made if missing)."""
    organisation = getattr(city, "organisation", None) or create_organisation(
        kind=OrganisationKind.CITY, city=city, actor=None
    )
    user = make_user(email)
    add_affiliation(organisation, user=user, role=Role.COORDINATOR, actor=None)
    return user


def member_coordinator(**city_fields):
    """A coordinator of a city that is a member of the network since 2020; returns (user, city)."""
    city = make_member(**city_fields).city
    return coordinator_of(city), city


def non_member_coordinator(**city_fields):
    """A coordinator of a city in the register that never joined; returns (user, city)."""
    city = CityFactory(**city_fields)
    return coordinator_of(city), city


def attach_pdf(outcome, language: str = "en") -> OutcomeFile:
    """Store a small PDF as the outcome's text in ``language`` (straight, not via the domain)."""
    document = store_document(
        io.BytesIO(files.PDF),
        owner=None,
        uploaded_by=None,
        kind=OUTCOME_FILE_KIND,
        name=f"outcome-{language}.pdf",
    )
    return OutcomeFile.objects.create(outcome=outcome, language=language, document=document)
