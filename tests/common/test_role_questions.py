"""common asks who holds a role through stand-ins the accounts app answers (common.rules)."""

import pytest
from django.contrib.auth.models import AnonymousUser

from learningcities.accounts import rules as accounts_rules
from learningcities.accounts.enums import Role
from learningcities.common import rules as common_rules
from tests.accounts.factories import make_user, person_with_role

pytestmark = pytest.mark.django_db


def test_the_stand_ins_answer_as_the_accounts_rules():
    people = {
        "secretariat": person_with_role(Role.SECRETARIAT),
        "coordinator": person_with_role(Role.COORDINATOR),
        "operator": make_user(is_superuser=True),
        "anonymous": AnonymousUser(),
    }

    answers = {
        name: (common_rules.is_secretariat.test(person), common_rules.organisation_ids_of(person))
        for name, person in people.items()
    }

    expected = {
        name: (
            accounts_rules.is_secretariat.test(person),
            accounts_rules.organisation_ids_of(person),
        )
        for name, person in people.items()
    }
    assert answers == expected
    assert [name for name, (secretariat, _ids) in answers.items() if secretariat] == [
        "secretariat",
        "operator",
    ]
    assert answers["coordinator"][1] == frozenset(
        people["coordinator"].affiliations.values_list("organisation_id", flat=True)
    )


def test_without_an_answer_nobody_holds_a_role(monkeypatch):
    monkeypatch.setattr(common_rules, "_answers", {})

    person = person_with_role(Role.SECRETARIAT)

    assert (common_rules.is_secretariat.test(person), common_rules.organisation_ids_of(person)) == (
        False,
        frozenset(),
    )
