import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.utils import timezone

from tests.accounts.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db

LOGIN = "/account/login/"


def _attempt(client, email: str, password: str, ip: str = "10.0.0.1"):
    return client.post(LOGIN, {"login": email, "password": password}, REMOTE_ADDR=ip)


def test_ten_wrong_passwords_lock_the_account_even_for_the_right_one(client):
    make_user("ana@example.org")

    failures = [_attempt(client, "ana@example.org", f"wrong-{i}") for i in range(10)]
    locked = _attempt(client, "ana@example.org", PASSWORD)

    assert settings.AXES_FAILURE_LIMIT == 10
    assert [r.status_code for r in failures[:9]] == [200] * 9
    assert failures[9].status_code == 429
    assert locked.status_code == 429
    assert "Too many failed logins" in locked.content.decode()
    assert "15 minutes" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_nine_wrong_passwords_do_not_lock(client):
    make_user("ana@example.org")

    for i in range(9):
        _attempt(client, "ana@example.org", f"wrong-{i}")
    response = _attempt(client, "ana@example.org", PASSWORD)

    assert response.status_code == 302
    assert client.session["_auth_user_id"]


def test_lock_lifts_by_itself_after_the_cool_off(client):
    make_user("ana@example.org")
    for i in range(10):
        _attempt(client, "ana@example.org", f"wrong-{i}")
    assert _attempt(client, "ana@example.org", PASSWORD).status_code == 429

    # The cool-off passes: the recorded failures age beyond it.
    past = timezone.now() - settings.AXES_COOLOFF_TIME - dt.timedelta(seconds=1)
    AccessAttempt.objects.update(attempt_time=past)
    response = _attempt(client, "ana@example.org", PASSWORD)

    assert dt.timedelta(minutes=15) == settings.AXES_COOLOFF_TIME
    assert response.status_code == 302
    assert client.session["_auth_user_id"]


def test_account_lock_holds_from_another_address(client):
    make_user("ana@example.org")
    for i in range(10):
        _attempt(client, "ana@example.org", f"wrong-{i}", ip=f"10.0.1.{i}")

    response = _attempt(client, "ANA@example.org", PASSWORD, ip="10.0.2.1")

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_address_lock_holds_across_accounts(client):
    for i in range(10):
        _attempt(client, f"nobody{i}@example.org", "wrong", ip="10.0.3.1")
    make_user("ana@example.org")

    same_address = _attempt(client, "ana@example.org", PASSWORD, ip="10.0.3.1")
    other_address = _attempt(client, "ana@example.org", PASSWORD, ip="10.0.3.2")

    assert same_address.status_code == 429
    assert other_address.status_code == 302


def test_forwarded_for_header_does_not_choose_the_counted_address(client):
    make_user("ana@example.org")
    for i in range(10):
        client.post(
            LOGIN,
            {"login": f"nobody{i}@example.org", "password": "wrong"},
            REMOTE_ADDR="10.0.4.1",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{i}",
        )

    response = _attempt(client, "ana@example.org", PASSWORD, ip="10.0.4.1")

    assert response.status_code == 429


def test_logging_in_to_another_account_does_not_wipe_the_failures(client):
    make_user("victim@example.org")
    make_user("attacker@example.org")

    for i in range(5):
        _attempt(client, "victim@example.org", f"wrong-a-{i}", ip="10.0.0.1")
    own_login = _attempt(client, "attacker@example.org", PASSWORD, ip="10.0.0.1")
    client.logout()
    for i in range(5):
        _attempt(client, "victim@example.org", f"wrong-b-{i}", ip="10.0.0.2")
    locked = _attempt(client, "victim@example.org", PASSWORD, ip="10.0.0.3")

    assert own_login.status_code == 302
    assert locked.status_code == 429
