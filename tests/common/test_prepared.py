"""Sessions and the logged-in person read through prepared SELECTs (common.prepared)."""

import datetime as dt

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from learningcities.accounts.backends import AuthenticationBackend
from learningcities.accounts.enums import Role
from learningcities.accounts.models import User
from learningcities.common.prepared import PreparedSelect
from learningcities.common.sessions import VERSION_KEY, SessionStore, version_cookie_name
from tests.accounts.factories import person_with_role

pytestmark = pytest.mark.django_db


def test_person_read_by_the_backend_equals_the_orm_row_with_aware_datetimes():
    person = person_with_role(Role.COORDINATOR)
    User.objects.filter(pk=person.pk).update(last_login=timezone.now())
    expected = User.objects.get(pk=person.pk)

    found = AuthenticationBackend().get_user(person.pk)

    for field in User._meta.concrete_fields:
        assert getattr(found, field.attname) == getattr(expected, field.attname), field.name
    assert timezone.is_aware(found.date_joined)
    assert timezone.is_aware(found.last_login)
    assert found._state.adding is False  # saving it updates the row, never inserts


def test_backend_refuses_missing_malformed_and_inactive_people():
    person = person_with_role(Role.COORDINATOR)
    User.objects.filter(pk=person.pk).update(is_active=False)
    backend = AuthenticationBackend()

    assert [backend.get_user(person.pk), backend.get_user(10**9), backend.get_user("x")] == [
        None,
        None,
        None,
    ]


def test_session_store_reads_live_sessions_and_forgets_expired_ones():
    live = SessionStore()
    live["answer"] = 42
    live.save()
    expired = SessionStore()
    expired["answer"] = 7
    expired.save()
    Session.objects.filter(session_key=expired.session_key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )

    # Each save gives the data a new version (common.sessions).
    assert SessionStore(live.session_key).load() == {"answer": 42, VERSION_KEY: live.version}
    again = SessionStore(expired.session_key)
    assert (again.load(), again.session_key) == ({}, None)


def test_the_browser_receives_the_version_of_its_session_and_loses_it_at_logout(client):
    client.force_login(person_with_role(Role.COORDINATOR))
    assert version_cookie_name() not in client.cookies  # force_login sets the session only

    assert client.get(reverse("accounts:profile")).status_code == 200
    version = client.cookies[version_cookie_name()].value
    assert version == SessionStore(client.cookies["sessionid"].value).load()[VERSION_KEY]
    assert client.get(reverse("accounts:profile")).cookies.get(version_cookie_name()) is None

    client.post(reverse("account_logout"))

    assert client.cookies[version_cookie_name()]["max-age"] == 0


def test_expired_session_is_logged_out(client):
    person = person_with_role(Role.COORDINATOR)
    client.force_login(person)
    assert client.get(reverse("accounts:profile")).status_code == 200

    Session.objects.update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    response = client.get(reverse("accounts:profile"))

    assert response.status_code == 302
    assert "/account/login/" in response["Location"]


def test_prepared_select_refuses_stand_ins_the_compiled_query_binds_differently():
    # Django orders keyword lookups by name: the key would be bound where the
    # data is expected. The check catches it before any use.
    swapped = PreparedSelect(
        lambda key, data: Session.objects.filter(session_key=key, session_data=data).values_list(
            "expire_date"
        ),
        ("stand-in-key", "stand-in-data"),
    )

    with pytest.raises(RuntimeError, match="not the stand-ins"):
        swapped.first("key", "data")
