import io

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from learningcities.accounts.enums import Role
from learningcities.accounts.models import Affiliation, Organisation, User
from learningcities.common.models import ActivityLogEntry
from learningcities.demo.domain.accounts import demo_password, demo_totp_secret
from tests.accounts.factories import totp_code
from tests.factories import CityFactory, country, make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_network():
    make_member(CityFactory(name="Cork", country=country("IE")), joined="2016")
    make_member(CityFactory(name="Aachen", country=country("DE")), joined="2017")


def _run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_create_demo_accounts_makes_one_account_per_role(demo_network):
    output = _run("create-demo-accounts")

    users = {u.email.split("@")[0]: u for u in User.objects.filter(is_demo=True)}
    assert sorted(users) == ["admin", "coordinator", "endorser", "juror", "secretariat"]
    roles = {
        (a.user.email.split("@")[0], a.role, a.organisation.name)
        for a in Affiliation.objects.select_related("user", "organisation")
    }
    assert roles == {
        ("coordinator", Role.COORDINATOR, "Cork"),
        ("endorser", Role.ENDORSER, "National Commission of Ireland for UNESCO"),
        ("secretariat", Role.SECRETARIAT, "Secretariat of the network"),
        ("juror", Role.JUROR, "Membership jury"),
    }
    assert users["admin"].is_superuser is True
    assert EmailAddress.objects.filter(verified=True, primary=True).count() == 5
    assert "never exist in production" in output
    for user in users.values():
        assert user.check_password(demo_password(user.email))
        assert demo_password(user.email) in output
    assert demo_totp_secret(users["juror"].email) in output


def test_create_demo_accounts_twice_changes_nothing(demo_network):
    _run("create-demo-accounts")
    counts = (User.objects.count(), Organisation.objects.count(), Affiliation.objects.count())
    entries = ActivityLogEntry.objects.count()

    second = _run("create-demo-accounts")

    assert (
        User.objects.count(),
        Organisation.objects.count(),
        Affiliation.objects.count(),
    ) == counts
    assert ActivityLogEntry.objects.count() == entries
    assert "coordinator@" in second


def test_demo_juror_logs_in_with_the_printed_secret(client, demo_network):
    _run("create-demo-accounts")
    email = "juror@demo.learningcities.example"

    client.post("/account/login/", {"login": email, "password": demo_password(email)})
    response = client.post(
        "/account/2fa/authenticate/", {"code": totp_code(demo_totp_secret(email))}
    )

    assert response.status_code == 302
    assert client.get("/account/profile/").status_code == 200


def test_demo_totp_prints_the_current_code(demo_network):
    _run("create-demo-accounts")
    email = "secretariat@demo.learningcities.example"

    code = _run("demo-totp", email).strip()

    assert code == totp_code(demo_totp_secret(email))


def test_demo_totp_refuses_an_account_that_is_not_a_demo(demo_network):
    User.objects.create_user("real@example.org", password="x-long-password-1")

    with pytest.raises(CommandError, match="not a demo account"):
        _run("demo-totp", "real@example.org")


@override_settings(PRODUCTION=True)
def test_create_demo_accounts_is_refused_in_production(demo_network):
    with pytest.raises(CommandError, match="never created in production"):
        _run("create-demo-accounts")

    assert User.objects.filter(is_demo=True).count() == 0


def test_create_demo_accounts_without_a_network_says_what_to_do():
    with pytest.raises(CommandError, match="load-demo"):
        _run("create-demo-accounts")
