import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client
from django.urls import reverse

from learningcities.accounts.domain.organisations import add_affiliation
from learningcities.accounts.enums import Role
from learningcities.accounts.models import User
from learningcities.common.models import ActivityLogEntry
from tests.accounts.factories import PASSWORD, city_organisation, make_user
from tests.factories import country

pytestmark = pytest.mark.django_db

LOGIN = "/account/login/"


def test_login_by_email_logs_the_person_in(client):
    user = make_user("ana@example.org", name="Ana")

    response = client.post(LOGIN, {"login": "Ana@Example.org", "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:my-work")
    assert client.session["_auth_user_id"] == str(user.pk)


def test_login_with_a_wrong_password_is_refused(client):
    make_user("ana@example.org")

    response = client.post(LOGIN, {"login": "ana@example.org", "password": "wrong"})

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert (
        'aria-invalid="true"' in response.content.decode() or "alert" in response.content.decode()
    )


def test_login_form_has_labelled_fields_and_no_sign_up_link(client):
    response = client.get(LOGIN)

    html = response.content.decode()
    assert '<label for="id_login"' in html
    assert '<label for="id_password"' in html
    assert "/account/signup/" not in html
    assert "<h1>Log in</h1>" in html


def test_sign_up_is_closed(client):
    page = client.get("/account/signup/")
    client.post(
        "/account/signup/",
        {"email": "new@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )

    assert "closed" in page.content.decode().lower()
    assert User.objects.filter(email="new@example.org").exists() is False


def test_login_form_enforces_csrf():
    make_user("ana@example.org")
    client = Client(enforce_csrf_checks=True)

    refused = client.post(LOGIN, {"login": "ana@example.org", "password": PASSWORD})
    page = client.get(LOGIN)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())[1]
    accepted = client.post(
        LOGIN, {"login": "ana@example.org", "password": PASSWORD, "csrfmiddlewaretoken": token}
    )

    assert refused.status_code == 403
    assert accepted.status_code == 302
    assert client.session["_auth_user_id"]


def test_header_offers_login_to_visitors_without_a_csrf_token(client):
    response = client.get("/")

    html = response.content.decode()
    assert 'href="/account/login/"' in html
    assert "csrfmiddlewaretoken" not in html
    assert "Log out" not in html


def test_header_shows_name_profile_and_logout_when_logged_in(client):
    user = make_user("ana@example.org", name="Ana Lima")
    client.force_login(user)

    html = client.get("/").content.decode()

    assert "Ana Lima" in html
    assert 'href="/account/profile/"' in html
    assert 'action="/account/logout/"' in html
    assert 'href="/account/login/"' not in html


def test_logout_by_post_ends_the_session(client):
    client.force_login(make_user())

    response = client.post("/account/logout/")

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_profile_shows_affiliations_and_saves_changes(client):
    user = make_user("ana@example.org")
    organisation = city_organisation(name="Cork", country=country("IE"))
    add_affiliation(organisation, user=user, role=Role.COORDINATOR, actor=None)
    client.force_login(user)

    page = client.get("/account/profile/")
    response = client.post(
        "/account/profile/", {"name": "Ana Lima", "language": "fr", "nationality": "BR"}
    )

    assert "Cork" in page.content.decode()
    assert "City coordinator" in page.content.decode()
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.name, user.language, user.nationality_id) == ("Ana Lima", "fr", "BR")
    entry = ActivityLogEntry.objects.filter(action="accounts.user.update").get()
    assert entry.changes["name"] == ["", "Ana Lima"]


def test_profile_with_an_unknown_language_shows_the_error_on_the_field(client):
    user = make_user()
    client.force_login(user)

    response = client.post("/account/profile/", {"name": "X", "language": "xx"})

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_language_error"' in html
    assert re.search(r'aria-describedby="[^"]*id_language_error', html)


def test_profile_requires_login(client):
    response = client.get("/account/profile/")

    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/")


def test_password_reset_sends_a_link(client):
    make_user("ana@example.org")

    response = client.post("/account/password/reset/", {"email": "ana@example.org"})

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/account/password/reset/key/" in mail.outbox[0].body


def test_changed_email_counts_only_once_verified(client):
    user = make_user("ana@example.org")
    client.force_login(user)

    client.post("/account/email/", {"action_add": "", "email": "ana.new@example.org"})

    user.refresh_from_db()
    assert user.email == "ana@example.org"
    new = EmailAddress.objects.get(email="ana.new@example.org")
    assert new.verified is False
    assert len(mail.outbox) == 1
    assert "/account/confirm-email/" in mail.outbox[0].body


def test_password_change_works_for_a_logged_in_person(client):
    user = make_user("ana@example.org")
    client.force_login(user)

    response = client.post(
        "/account/password/change/",
        {
            "oldpassword": PASSWORD,
            "password1": "another-long-pass-77",
            "password2": "another-long-pass-77",
        },
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("another-long-pass-77")


def test_french_login_page_is_translated(client):
    response = client.get("/fr/account/login/")

    assert response.status_code == 200
    assert 'lang="fr"' in response.content.decode()


@pytest.mark.parametrize("count", [1, 3])
def test_profile_query_count_does_not_grow_with_affiliations(
    client, django_assert_num_queries, count
):
    user = make_user()
    for _ in range(count):
        add_affiliation(city_organisation(), user=user, role=Role.COORDINATOR, actor=None)
    client.force_login(user)
    client.get("/account/profile/")  # warm the per-process caches (content types, countries)

    # session, user, affiliations, countries (the roles and the second factor
    # come from the session's snapshot)
    with django_assert_num_queries(4):
        response = client.get("/account/profile/")

    assert response.content.decode().count("City coordinator") == count


def test_demo_account_cannot_log_in_on_a_production_installation(client, settings):
    from tests.accounts.factories import PASSWORD, make_user

    make_user("demo-coordinator@example.org", is_demo=True)
    settings.PRODUCTION = True

    response = client.post(
        "/account/login/",
        {"login": "demo-coordinator@example.org", "password": PASSWORD},
        follow=True,
    )

    assert "_auth_user_id" not in client.session
    assert "Demo accounts cannot log in to a production installation." in response.content.decode()


def test_demo_account_logs_in_on_the_embedded_installation(client, settings):
    from tests.accounts.factories import PASSWORD, make_user

    make_user("demo-coordinator@example.org", is_demo=True)
    settings.PRODUCTION = False

    client.post("/account/login/", {"login": "demo-coordinator@example.org", "password": PASSWORD})

    assert client.session["_auth_user_id"]
