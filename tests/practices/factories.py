"""Practices for tests, made through the practices domain.

Other test modules import these; keep the names and defaults stable:
``coordinator_and_city()`` gives a coordinator with their city organisation;
``make_practice`` writes a draft of that city (``publish=True`` takes it
through submission and publication by a secretariat member).
"""

from learningcities.accounts.domain.organisations import add_affiliation
from learningcities.accounts.enums import Role
from learningcities.practices.domain.moderation import move_practice
from learningcities.practices.domain.practices import create_practice
from learningcities.practices.enums import PracticeStatus
from tests.accounts.factories import city_organisation, make_user, person_with_role

_secretariat = {}


def coordinator_and_city(**city_fields):
    """Return ``(coordinator, organisation)`` of a new city."""
    organisation = city_organisation(**city_fields)
    user = make_user()
    add_affiliation(organisation, user=user, role=Role.COORDINATOR, actor=None)
    return user, organisation


def secretariat_person():
    return person_with_role(Role.SECRETARIAT, totp=True)


def make_practice(
    *, coordinator=None, organisation=None, publish: bool = False, secretariat=None, **data
):
    """Write a practice (a draft, or published with ``publish``); return it."""
    if coordinator is None:
        coordinator, organisation = coordinator_and_city()
    data.setdefault("title", "Learning festival in the parks")
    data.setdefault("summary", "Every summer the city's parks host free learning activities.")
    data.setdefault("body", "Libraries, schools and clubs run **workshops** for all ages.")
    data.setdefault("publication_consent", True)
    practice = create_practice(organisation=organisation, actor=coordinator, data=data)
    if publish:
        move_practice(practice, PracticeStatus.SUBMITTED, actor=coordinator)
        move_practice(practice, PracticeStatus.PUBLISHED, actor=secretariat or secretariat_person())
        practice.refresh_from_db()
    return practice
