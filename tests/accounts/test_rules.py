"""Truth tables of the permission predicates of accounts (and common's built on them)."""

import pytest
from django.contrib.auth.models import AnonymousUser

from learningcities.accounts import rules as r
from learningcities.accounts.domain.organisations import add_affiliation
from learningcities.accounts.enums import OrganisationKind, Role
from learningcities.common.models import ActivityLogEntry

from .factories import make_user, organisation, person_with_role

pytestmark = pytest.mark.django_db

ROLE_NAMES = ["anonymous", "plain", "coordinator", "endorser", "juror", "secretariat", "operator"]


@pytest.fixture
def people():
    return {
        "anonymous": AnonymousUser(),
        "plain": make_user(),
        "coordinator": person_with_role(Role.COORDINATOR),
        "endorser": person_with_role(Role.ENDORSER),
        "juror": person_with_role(Role.JUROR),
        "secretariat": person_with_role(Role.SECRETARIAT),
        "operator": make_user(is_superuser=True),
    }


# predicate: the people for whom it holds
ROLE_TABLE = {
    "is_operator": {"operator"},
    "is_secretariat_member": {"secretariat"},
    "is_secretariat": {"secretariat", "operator"},
    "is_juror": {"juror"},
    "is_endorser": {"endorser"},
    "is_city_coordinator": {"coordinator"},
    "is_active_person": set(ROLE_NAMES) - {"anonymous"},
    "can_invite": {"secretariat", "operator"},
}


@pytest.mark.parametrize("predicate", sorted(ROLE_TABLE))
def test_role_predicate_truth_table(people, predicate):
    holds = {name for name, user in people.items() if getattr(r, predicate).test(user)}

    assert holds == ROLE_TABLE[predicate]


def test_role_predicates_refuse_an_inactive_secretariat_member(people):
    member = people["secretariat"]
    member.is_active = False
    r.forget_affiliations(member)

    assert (r.is_secretariat.test(member), r.is_secretariat_member.test(member)) == (False, False)


def test_is_member_of_organisation_truth_table(people):
    coordinator = people["coordinator"]
    own = coordinator.affiliations.get().organisation
    other = organisation(OrganisationKind.CITY)

    table = {
        (name, which): r.is_member_of_organisation.test(people[name], org)
        for name in ("anonymous", "coordinator", "secretariat")
        for which, org in (("own", own), ("other", other))
    }

    assert table == {
        ("anonymous", "own"): False,
        ("anonymous", "other"): False,
        ("coordinator", "own"): True,
        ("coordinator", "other"): False,
        ("secretariat", "own"): False,
        ("secretariat", "other"): False,
    }
    assert r.can_view_organisation.test(people["secretariat"], other) is True


def test_can_view_person_truth_table(people):
    coordinator = people["coordinator"]
    colleague = make_user()
    add_affiliation(
        coordinator.affiliations.get().organisation,
        user=colleague,
        role=Role.COORDINATOR,
        actor=None,
    )
    r.forget_affiliations(coordinator)
    stranger = people["endorser"]

    table = {
        (viewer, target): r.can_view_person.test(people[viewer], person)
        for viewer in ("anonymous", "coordinator", "secretariat", "operator")
        for target, person in (
            ("self", coordinator),
            ("colleague", colleague),
            ("stranger", stranger),
        )
    }

    assert table == {
        ("anonymous", "self"): False,
        ("anonymous", "colleague"): False,
        ("anonymous", "stranger"): False,
        ("coordinator", "self"): True,
        ("coordinator", "colleague"): True,
        ("coordinator", "stranger"): False,
        ("secretariat", "self"): True,
        ("secretariat", "colleague"): True,
        ("secretariat", "stranger"): True,
        ("operator", "self"): True,
        ("operator", "colleague"): True,
        ("operator", "stranger"): True,
    }


def test_can_view_activity_entry_truth_table(people):
    coordinator = people["coordinator"]
    own = coordinator.affiliations.get().organisation
    other = organisation(OrganisationKind.CITY)
    entries = {
        "own organisation": ActivityLogEntry(action="x", organisation=own),
        "other organisation": ActivityLogEntry(action="x", organisation=other),
        "own action elsewhere": ActivityLogEntry(action="x", organisation=other, actor=coordinator),
        "no organisation": ActivityLogEntry(action="x"),
    }

    table = {
        (viewer, which): people[viewer].has_perm("common.view_activity_entry", entry)
        for viewer in ("anonymous", "coordinator", "endorser", "secretariat")
        for which, entry in entries.items()
    }

    assert table == {
        ("anonymous", "own organisation"): False,
        ("anonymous", "other organisation"): False,
        ("anonymous", "own action elsewhere"): False,
        ("anonymous", "no organisation"): False,
        ("coordinator", "own organisation"): True,
        ("coordinator", "other organisation"): False,
        ("coordinator", "own action elsewhere"): True,
        ("coordinator", "no organisation"): False,
        ("endorser", "own organisation"): False,
        ("endorser", "other organisation"): False,
        ("endorser", "own action elsewhere"): False,
        ("endorser", "no organisation"): False,
        ("secretariat", "own organisation"): True,
        ("secretariat", "other organisation"): True,
        ("secretariat", "own action elsewhere"): True,
        ("secretariat", "no organisation"): True,
    }


PERMISSION_TABLE = {
    "accounts.view_workspace": {"secretariat", "operator"},
    "accounts.add_organisation": {"secretariat", "operator"},
    "accounts.invite_person": {"secretariat", "operator"},
    "accounts.change_invitation": {"secretariat", "operator"},
    "accounts.change_affiliation": {"secretariat", "operator"},
    "accounts.view_activity": {"secretariat", "operator"},
    "accounts.view_own_activity": set(ROLE_NAMES) - {"anonymous"},
    "common.view_outbox": {"secretariat", "operator"},
    "network.view_register": set(ROLE_NAMES),
    "network.change_register": {"secretariat", "operator"},
}


@pytest.mark.parametrize("perm", sorted(PERMISSION_TABLE))
def test_permission_truth_table(people, perm):
    holds = {name for name, user in people.items() if user.has_perm(perm)}

    assert holds == PERMISSION_TABLE[perm]
