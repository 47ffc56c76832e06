"""Which profile fields a call asks of the city.

A membership application or an award nomination asks for the whole profile
of the questionnaire engine's one list (``PROFILE_FIELDS``): the city in
figures, its motivation and implementation, its challenges rated one by one,
its contact person, and the mayor's commitment letter. A proposal for a
presentation asks only what the secretariat needs to answer it: the contact
person, the language of communication and why the city proposes to present.
Completeness, the profile form, the preview, the dossier and the jury's page
all read the fields from here, so they agree.
"""

from learningcities.questionnaires.profile import PROFILE_FIELDS, ProfileField, ProfileKind

from ..enums import CallKind
from ..models import Call

# The profile a proposal for a presentation asks for, by field name.
PROPOSAL_PROFILE = frozenset(
    {"motivation", "contact_name", "contact_email", "contact_phone", "communication_language"}
)


def asks_whole_profile(call: Call) -> bool:
    """Whether ``call`` asks for the whole profile (all kinds but presentations)."""
    return call.kind != CallKind.PRESENTATIONS


def profile_fields_for(call: Call) -> tuple[ProfileField, ...]:
    """Return the profile fields ``call`` asks of the city, in the list's order."""
    if asks_whole_profile(call):
        return PROFILE_FIELDS
    return tuple(field for field in PROFILE_FIELDS if field.name in PROPOSAL_PROFILE)


def profile_names_for(call: Call) -> frozenset[str]:
    """Return the names of the profile fields ``call`` asks of the city."""
    return frozenset(field.name for field in profile_fields_for(call))


def asks_challenges(call: Call) -> bool:
    """Whether ``call`` asks the city to rate each challenge."""
    return any(field.kind == ProfileKind.RATINGS for field in profile_fields_for(call))


def asks_commitment_letter(call: Call) -> bool:
    """Whether the profile page of ``call`` offers the mayor's commitment letter."""
    return asks_whole_profile(call)
