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

    assert settings.LC_LOGIN_FAILURE_LIMIT == 10
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


def test_ten_failures_lock_the_account_from_that_address_only(client):
    make_user("ana@example.org")
    make_user("ben@example.org")
    for i in range(10):
        _attempt(client, "ana@example.org", f"wrong-{i}", ip="10.0.1.1")

    same_pair = _attempt(client, "ANA@example.org", PASSWORD, ip="10.0.1.1")
    other_account = _attempt(client, "ben@example.org", PASSWORD, ip="10.0.1.1")
    client.logout()
    other_address = _attempt(client, "ana@example.org", PASSWORD, ip="10.0.1.2")

    assert same_pair.status_code == 429
    assert other_account.status_code == 302
    assert other_address.status_code == 302
    assert client.session["_auth_user_id"]


def test_failures_from_elsewhere_do_not_lock_the_person_out(client):
    make_user("ana@example.org")
    # Someone who knows Ana's address guesses from one address, then from many.
    for i in range(12):
        _attempt(client, "ana@example.org", f"wrong-{i}", ip="10.0.2.66")
    for i in range(10):
        _attempt(client, "ana@example.org", "wrong", ip=f"10.0.3.{i}")

    attacker = _attempt(client, "ana@example.org", PASSWORD, ip="10.0.2.66")
    ana = _attempt(client, "ana@example.org", PASSWORD, ip="10.0.2.1")

    assert attacker.status_code == 429
    assert ana.status_code == 302
    assert client.session["_auth_user_id"]


def test_an_office_behind_one_address_is_not_locked_by_its_colleagues_mistakes(client):
    make_user("ana@example.org")
    # Nine colleagues behind the office's one address mistype three times each.
    for colleague in range(9):
        for i in range(3):
            _attempt(client, f"colleague{colleague}@example.org", f"wrong-{i}", ip="10.0.4.1")

    response = _attempt(client, "ana@example.org", PASSWORD, ip="10.0.4.1")

    assert response.status_code == 302
    assert settings.LC_LOGIN_ADDRESS_FAILURE_LIMIT == 100


def test_address_lock_holds_across_accounts_at_its_own_limit(client, settings):
    # The default (100) takes too long to reach in a test; the rule is the same.
    settings.LC_LOGIN_ADDRESS_FAILURE_LIMIT = 25
    make_user("ana@example.org")
    for i in range(24):
        _attempt(client, f"nobody{i}@example.org", "wrong", ip="10.0.5.1")
    before_the_limit = _attempt(client, "ana@example.org", PASSWORD, ip="10.0.5.1")
    client.logout()
    _attempt(client, "nobody24@example.org", "wrong", ip="10.0.5.1")

    same_address = _attempt(client, "ana@example.org", PASSWORD, ip="10.0.5.1")
    other_address = _attempt(client, "ana@example.org", PASSWORD, ip="10.0.5.2")

    assert before_the_limit.status_code == 302
    assert same_address.status_code == 429
    assert "Too many failed logins" in same_address.content.decode()
    assert other_address.status_code == 302


def test_forwarded_for_header_does_not_choose_the_counted_address(client):
    make_user("ana@example.org")
    for i in range(10):
        client.post(
            LOGIN,
            {"login": "ana@example.org", "password": "wrong"},
            REMOTE_ADDR="10.0.6.1",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{i}",
        )

    response = _attempt(client, "ana@example.org", PASSWORD, ip="10.0.6.1")

    assert response.status_code == 429


def test_logging_in_to_another_account_does_not_wipe_the_failures(client, settings):
    settings.LC_LOGIN_ADDRESS_FAILURE_LIMIT = 12
    make_user("attacker@example.org")
    make_user("victim@example.org")

    for i in range(6):
        _attempt(client, f"victim{i}@example.org", "wrong", ip="10.0.7.1")
    own_login = _attempt(client, "attacker@example.org", PASSWORD, ip="10.0.7.1")
    client.logout()
    for i in range(6):
        _attempt(client, f"other{i}@example.org", "wrong", ip="10.0.7.1")
    locked = _attempt(client, "victim@example.org", PASSWORD, ip="10.0.7.1")

    assert own_login.status_code == 302
    assert locked.status_code == 429
