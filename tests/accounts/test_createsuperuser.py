"""``learningcities createsuperuser``: the project's command, not Django's.

Django takes a command from the first app in INSTALLED_APPS that has one of
that name, so these go through the real lookup (``get_commands``,
``call_command`` and the console script), never through the command class.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command, get_commands
from django.urls import reverse

from learningcities.accounts.models import User
from learningcities.common.models import ActivityLogEntry
from tests.accounts.factories import PASSWORD

LC = Path(sys.executable).with_name("learningcities")
LOGIN = "/account/login/"


def test_createsuperuser_is_the_projects_command():
    assert get_commands()["createsuperuser"] == "learningcities.accounts.console"


@pytest.mark.django_db
def test_createsuperuser_verifies_the_address_and_records_the_creation(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", PASSWORD)

    call_command("createsuperuser", "--noinput", email="operator@example.org", verbosity=0)

    operator = User.objects.get(email="operator@example.org")
    assert operator.is_superuser is True
    assert list(
        EmailAddress.objects.filter(user=operator).values_list("email", "verified", "primary")
    ) == [("operator@example.org", True, True)]
    entry = ActivityLogEntry.objects.get(action="accounts.user.create")
    assert (entry.actor, entry.object_id) == (None, str(operator.pk))
    assert entry.changes == {
        "email": [None, "operator@example.org"],
        "is_superuser": [False, True],
    }


@pytest.mark.django_db
def test_createsuperuser_operator_logs_in_to_the_second_factor_setup(client, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", PASSWORD)
    call_command("createsuperuser", "--noinput", email="operator@example.org", verbosity=0)

    login = client.post(LOGIN, {"login": "operator@example.org", "password": PASSWORD})
    landing = client.get(login["Location"])

    # Not "Verify your e-mail address" (/account/confirm-email/): "My work",
    # which sends an operator to set up the second factor first.
    assert (login.status_code, login["Location"]) == (302, reverse("accounts:my-work"))
    assert (landing.status_code, landing["Location"]) == (302, reverse("mfa_activate_totp"))
    assert client.session["_auth_user_id"] == str(User.objects.get().pk)


def test_createsuperuser_console_script_shows_the_projects_help(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "DJANGO_"))}
    env["LC_DATA_DIR"] = str(tmp_path)

    result = subprocess.run(
        [str(LC), "createsuperuser", "--help"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert "verified e-mail address" in result.stdout
