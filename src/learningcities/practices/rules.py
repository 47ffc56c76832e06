"""Permission rules of good practices and clusters.

- Everyone sees a published practice; its city's coordinators and the
  secretariat see it in every state.
- The city's coordinators write, edit and submit their city's practices.
- The secretariat publishes, returns and unpublishes them, and decides who
  joins a cluster; a cluster's lead cities decide that too and write to it.
"""

import rules

from learningcities.accounts.enums import Role
from learningcities.accounts.rules import affiliation_pairs, is_secretariat

from .enums import EDITABLE_STATES, PracticeStatus


def coordinated_organisation_ids(user) -> frozenset[int]:
    """Return the ids of the organisations the person coordinates for."""
    if not user.is_authenticated:
        return frozenset()
    return frozenset(org for org, role in affiliation_pairs(user) if role == Role.COORDINATOR)


@rules.predicate
def is_practice_coordinator(user, practice) -> bool:
    """The person is a coordinator of the city that wrote the practice."""
    return practice is not None and practice.organisation_id in coordinated_organisation_ids(user)


@rules.predicate
def is_published(user, practice) -> bool:
    return practice is not None and practice.status == PracticeStatus.PUBLISHED


@rules.predicate
def is_editable(user, practice) -> bool:
    return practice is not None and practice.status in EDITABLE_STATES


can_view_practice = is_published | is_practice_coordinator | is_secretariat
can_edit_practice = is_practice_coordinator & is_editable
can_moderate_practices = is_secretariat

rules.add_perm("practices.view_practice", can_view_practice)
rules.add_perm("practices.change_practice", can_edit_practice)
rules.add_perm("practices.moderate_practice", can_moderate_practices)
