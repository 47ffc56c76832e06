import re
import time

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client

from learningcities.accounts.enums import Role
from tests.accounts.factories import (
    PASSWORD,
    TOTP_SECRET,
    make_user,
    person_with_role,
    totp_code,
)

pytestmark = pytest.mark.django_db

ACTIVATE = "/account/2fa/totp/activate/"
# Pages a privileged person without a second factor must not reach.
GUARDED = [
    "/",
    "/cities/",
    "/fr/statistics/",
    "/account/profile/",
    "/account/my-work/",
    "/account/password/change/",
    "/admin/",
    "/account/invitation/some-token/",
]


def _privileged(kind: str):
    if kind == "superuser":
        return make_user(is_superuser=True)
    return person_with_role(Role.SECRETARIAT if kind == "secretariat" else Role.JUROR)


def _log_in(client: Client, user) -> None:
    """Log in through the login form, as a person does (allauth then counts the login recent)."""
    response = client.post("/account/login/", {"login": user.email, "password": PASSWORD})
    assert client.session["_auth_user_id"] == str(user.pk), response


@pytest.mark.parametrize("kind", ["juror", "secretariat", "superuser"])
def test_privileged_person_without_totp_is_sent_to_set_up_from_every_page(client, kind):
    _log_in(client, _privileged(kind))

    responses = {url: client.get(url) for url in GUARDED}

    assert {url: r.status_code for url, r in responses.items()} == dict.fromkeys(GUARDED, 302)
    assert {url: r["Location"] for url, r in responses.items()} == {
        url: ("/fr" if url.startswith("/fr/") else "") + ACTIVATE for url in GUARDED
    }


@pytest.mark.parametrize("kind", ["juror", "secretariat", "superuser"])
def test_privileged_person_without_totp_reaches_set_up_logout_and_health(client, kind):
    _log_in(client, _privileged(kind))

    # allauth asks for the password again before a second factor is added.
    asked = client.get(ACTIVATE)
    confirm = client.get(asked["Location"])
    client.post(asked["Location"], {"password": PASSWORD})
    setup = client.get(ACTIVATE)
    health = client.get("/-/health")
    logout = client.post("/account/logout/")

    assert asked["Location"].startswith("/account/reauthenticate/")
    assert confirm.status_code == 200
    assert setup.status_code == 200
    assert "Authenticator secret" in setup.content.decode()
    assert health.content == b"ok"
    assert logout.status_code == 302
    assert "_auth_user_id" not in client.session


def test_privileged_api_call_with_a_session_gets_403_json(client):
    client.force_login(person_with_role(Role.JUROR))

    response = client.get("/api/v1/network/stats")

    assert response.status_code == 403
    assert "two-factor" in response.json()["detail"]
    assert response.json()["code"] == "second_factor_required"


def test_plain_coordinator_is_not_forced_to_set_up_totp(client):
    client.force_login(person_with_role(Role.COORDINATOR))

    response = client.get("/account/profile/")

    assert response.status_code == 200
    assert "Your profile" in response.content.decode()


def test_activating_totp_with_a_real_code_opens_the_pages(client):
    juror = person_with_role(Role.JUROR)
    _log_in(client, juror)
    client.post("/account/reauthenticate/", {"password": PASSWORD})
    page = client.get(ACTIVATE).content.decode()
    secret = re.search(r'id="authenticator_secret"[^>]*value="([A-Z2-7]+)"', page)[1]

    activated = client.post(ACTIVATE, {"code": totp_code(secret)})
    profile = client.get("/account/profile/")

    assert activated.status_code == 302
    assert Authenticator.objects.filter(user=juror, type=Authenticator.Type.TOTP).count() == 1
    assert profile.status_code == 200
    assert "Your profile" in profile.content.decode()


def test_privileged_person_with_totp_reaches_pages(client):
    client.force_login(person_with_role(Role.SECRETARIAT, totp=True))

    response = client.get("/cities/")

    assert response.status_code == 200
    assert "Log out" in response.content.decode()


def _login_password(client: Client, email: str):
    return client.post("/account/login/", {"login": email, "password": PASSWORD})


def test_login_with_totp_asks_for_the_code_and_accepts_it(client):
    person_with_role(Role.JUROR, email="juror@example.org", totp=True)

    first = _login_password(client, "juror@example.org")
    logged_in_before_code = "_auth_user_id" in client.session
    wrong = client.post("/account/2fa/authenticate/", {"code": "000000"})
    right = client.post("/account/2fa/authenticate/", {"code": totp_code(TOTP_SECRET)})

    assert first["Location"] == "/account/2fa/authenticate/"
    assert logged_in_before_code is False
    assert wrong.status_code == 200
    assert right.status_code == 302
    assert client.session["_auth_user_id"]
    assert client.get("/account/profile/").status_code == 200


@pytest.mark.parametrize(
    ("seconds_ago", "accepted"),
    [
        (30, True),  # the code of the previous step: it changed while it was typed
        (60, False),  # two steps back: too old
    ],
)
def test_login_accepts_the_code_of_the_step_before_only(client, seconds_ago, accepted):
    person_with_role(Role.JUROR, email="juror@example.org", totp=True)
    _login_password(client, "juror@example.org")

    response = client.post(
        "/account/2fa/authenticate/",
        {"code": totp_code(TOTP_SECRET, at=time.time() - seconds_ago)},
    )

    assert (response.status_code == 302) is accepted
    assert ("_auth_user_id" in client.session) is accepted


def test_a_code_is_taken_once_even_within_the_tolerance(client):
    person_with_role(Role.JUROR, email="juror@example.org", totp=True)
    code = totp_code(TOTP_SECRET)
    _login_password(client, "juror@example.org")
    first = client.post("/account/2fa/authenticate/", {"code": code})
    other = Client()
    _login_password(other, "juror@example.org")

    replayed = other.post("/account/2fa/authenticate/", {"code": code})

    assert first.status_code == 302
    assert replayed.status_code == 200
    assert "_auth_user_id" not in other.session


def test_recovery_code_logs_in_once(client):
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    juror = person_with_role(Role.JUROR, email="juror@example.org", totp=True)
    code = RecoveryCodes.activate(juror).get_unused_codes()[0]

    _login_password(client, "juror@example.org")
    first = client.post("/account/2fa/authenticate/", {"code": code})
    client.post("/account/logout/")
    other = Client()
    _login_password(other, "juror@example.org")
    second = other.post("/account/2fa/authenticate/", {"code": code})

    assert first.status_code == 302
    assert second.status_code == 200
    assert "_auth_user_id" not in other.session


def test_privileged_person_cannot_remove_their_authenticator_app(client):
    juror = person_with_role(Role.JUROR, email="juror@example.org", totp=True)
    _login_password(client, "juror@example.org")
    client.post("/account/2fa/authenticate/", {"code": totp_code(TOTP_SECRET)})
    client.post("/account/reauthenticate/", {"password": PASSWORD})

    response = client.post("/account/2fa/totp/deactivate/")

    assert response.status_code == 200
    assert Authenticator.objects.filter(user=juror, type=Authenticator.Type.TOTP).count() == 1


def test_admin_login_goes_through_the_site_login(client):
    response = client.get("/admin/login/?next=/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/?next=")


def test_superuser_with_totp_reaches_the_admin(client):
    admin = make_user(is_superuser=True)
    from learningcities.accounts.domain.users import activate_totp

    activate_totp(admin, secret=TOTP_SECRET)
    client.force_login(admin)

    response = client.get("/admin/accounts/user/")

    assert response.status_code == 200
    assert admin.email in response.content.decode()


def _wrong_code(real: str) -> str:
    return f"{(int(real) + 500_000) % 1_000_000:06d}"


def test_wrong_codes_lock_the_account_like_wrong_passwords(client):
    person_with_role(Role.JUROR, email="juror@example.org", totp=True)
    _login_password(client, "juror@example.org")

    answers = [
        client.post("/account/2fa/authenticate/", {"code": _wrong_code(totp_code(TOTP_SECRET))})
        for _ in range(10)
    ]
    # The pending login is gone: the right code no longer logs in, and the
    # password step is locked too.
    late_code = client.post("/account/2fa/authenticate/", {"code": totp_code(TOTP_SECRET)})
    password_again = _login_password(client, "juror@example.org")

    assert [a.status_code for a in answers[:9]] == [200] * 9
    assert "_auth_user_id" not in client.session
    assert late_code.status_code != 200 or "_auth_user_id" not in client.session
    assert password_again.status_code == 429


def test_a_few_wrong_codes_do_not_lock(client):
    person_with_role(Role.JUROR, email="juror@example.org", totp=True)
    _login_password(client, "juror@example.org")
    for _ in range(3):
        client.post("/account/2fa/authenticate/", {"code": _wrong_code(totp_code(TOTP_SECRET))})

    right = client.post("/account/2fa/authenticate/", {"code": totp_code(TOTP_SECRET)})

    assert right.status_code == 302
    assert client.session["_auth_user_id"]


def test_activating_totp_through_the_pages_is_in_the_activity_log(client):
    from allauth.mfa import signals as mfa_signals

    from learningcities.common.models import ActivityLogEntry

    user = person_with_role(Role.JUROR, email="juror@example.org", totp=True)
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)

    mfa_signals.authenticator_added.send(
        sender=Authenticator, request=None, user=user, authenticator=authenticator
    )

    entry = ActivityLogEntry.objects.filter(action="accounts.user.authenticator_add").get()
    assert (entry.object_id, entry.changes) == (str(user.pk), {"authenticator": [None, "totp"]})
