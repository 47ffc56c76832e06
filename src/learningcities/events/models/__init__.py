from .events import Event, Room, Venue
from .outcomes import OutcomeComment, OutcomeDocument, OutcomeEndorsement, OutcomeFile
from .programme import Presentation, ProgrammeSession, SessionSignup
from .registrations import (
    Delegation,
    ParticipantCategory,
    Quota,
    Registration,
    RegistrationAnswer,
)

__all__ = [
    "Delegation",
    "Event",
    "OutcomeComment",
    "OutcomeDocument",
    "OutcomeEndorsement",
    "OutcomeFile",
    "ParticipantCategory",
    "Presentation",
    "ProgrammeSession",
    "Quota",
    "Registration",
    "RegistrationAnswer",
    "Room",
    "SessionSignup",
    "Venue",
]
