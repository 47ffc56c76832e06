"""Failed logins are counted against the client's address, behind the proxy too."""

import pytest
from django.test import RequestFactory

from learningcities.common.proxy import client_address
from tests.accounts.factories import PASSWORD, make_user

LOGIN = "/account/login/"
PROXY = "10.0.9.1"


@pytest.mark.parametrize(
    ("behind_proxy", "forwarded_for", "expected"),
    [
        (False, None, PROXY),
        (False, "192.0.2.7", PROXY),  # no proxy: the header is anyone's word
        (True, None, PROXY),
        (True, "", PROXY),
        (True, "192.0.2.7", "192.0.2.7"),
        (True, "198.51.100.1, 192.0.2.7", "192.0.2.7"),  # the first came from the client
        (True, "198.51.100.1,192.0.2.7 ", "192.0.2.7"),
    ],
)
def test_client_address(settings, behind_proxy, forwarded_for, expected):
    settings.BEHIND_PROXY = behind_proxy
    headers = {"HTTP_X_FORWARDED_FOR": forwarded_for} if forwarded_for is not None else {}
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, **headers)

    assert client_address(request) == expected


def _attempt(client, email: str, password: str, *, client_ip: str, claimed: str = ""):
    forwarded = f"{claimed}, {client_ip}" if claimed else client_ip
    return client.post(
        LOGIN,
        {"login": email, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded,
    )


@pytest.mark.django_db
def test_behind_the_proxy_failures_lock_the_client_not_everyone(
    client, settings, fast_password_hashing
):
    settings.BEHIND_PROXY = True
    make_user("ana@example.org")
    for i in range(settings.LC_LOGIN_FAILURE_LIMIT):
        _attempt(client, "ana@example.org", f"wrong-{i}", client_ip="192.0.2.66")

    attacker = _attempt(client, "ana@example.org", PASSWORD, client_ip="192.0.2.66")
    someone_else = _attempt(client, "ana@example.org", PASSWORD, client_ip="192.0.2.10")

    assert attacker.status_code == 429
    assert someone_else.status_code == 302


@pytest.mark.django_db
def test_behind_the_proxy_a_claimed_address_does_not_escape_the_lock(
    client, settings, fast_password_hashing
):
    settings.BEHIND_PROXY = True
    make_user("ana@example.org")
    for i in range(settings.LC_LOGIN_FAILURE_LIMIT):
        _attempt(
            client,
            "ana@example.org",
            f"wrong-{i}",
            client_ip="192.0.2.66",
            claimed=f"198.51.100.{i}",
        )

    response = _attempt(client, "ana@example.org", PASSWORD, client_ip="192.0.2.66")

    assert response.status_code == 429
