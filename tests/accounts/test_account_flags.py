"""Pin update_account_flags: what it changes, records and refuses."""

import pytest

from learningcities.accounts.domain.errors import AccountsError
from learningcities.accounts.domain.users import update_account_flags
from learningcities.common.models import ActivityLogEntry
from tests.accounts.factories import make_user

pytestmark = pytest.mark.django_db


def test_update_account_flags_saves_and_records_what_changed():
    operator = make_user(is_superuser=True)
    person = make_user()

    update_account_flags(person, actor=operator, is_staff=True, is_active=True)

    person.refresh_from_db()
    entry = ActivityLogEntry.objects.get(action="accounts.user.update")
    assert (person.is_staff, person.is_active) == (True, True)
    assert entry.changes == {"is_staff": [False, True]}


def test_update_account_flags_records_nothing_when_nothing_changes():
    operator = make_user(is_superuser=True)
    person = make_user()

    update_account_flags(person, actor=operator, is_active=True)

    assert not ActivityLogEntry.objects.filter(action="accounts.user.update").exists()


def test_update_account_flags_refuses_other_fields():
    operator = make_user(is_superuser=True)

    with pytest.raises(AccountsError, match="cannot be changed here: email, password"):
        update_account_flags(make_user(), actor=operator, email="x@example.org", password="x")


@pytest.mark.parametrize("flag", ["is_superuser", "is_active"])
def test_update_account_flags_refuses_operators_locking_themselves_out(flag):
    operator = make_user(is_superuser=True)

    with pytest.raises(AccountsError, match="cannot remove your own operator rights"):
        update_account_flags(operator, actor=operator, **{flag: False})

    operator.refresh_from_db()
    assert (operator.is_superuser, operator.is_active) == (True, True)
