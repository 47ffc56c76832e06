import re

import pytest

from learningcities.accounts.domain.users import activate_totp
from learningcities.accounts.enums import Role
from learningcities.common.models import ActivityLogEntry
from tests.accounts.factories import TOTP_SECRET, make_user, person_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(client):
    admin = make_user("op@example.org", is_superuser=True)
    activate_totp(admin, secret=TOTP_SECRET)
    client.force_login(admin)
    return admin


@pytest.mark.parametrize(
    "url",
    [
        "/admin/accounts/user/",
        "/admin/accounts/organisation/",
        "/admin/accounts/affiliation/",
        "/admin/accounts/invitation/",
    ],
)
def test_admin_lists_accounts_models_with_search_and_no_inline_script(client, operator, url):
    person_with_role(Role.JUROR, email="juror@example.org")

    response = client.get(url + "?q=example")

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="searchbar"' in html
    assert re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", html) == []


def test_admin_deactivating_a_person_records_activity(client, operator):
    person = make_user("ana@example.org", name="Ana")

    client.post(
        f"/admin/accounts/user/{person.pk}/change/",
        {
            "name": "Ana",
            "_save": "Save",
            "affiliations-TOTAL_FORMS": "0",
            "affiliations-INITIAL_FORMS": "0",
            "affiliations-MIN_NUM_FORMS": "0",
            "affiliations-MAX_NUM_FORMS": "1000",
        },
    )

    person.refresh_from_db()
    assert person.is_active is False
    entry = ActivityLogEntry.objects.get(action="accounts.user.update", object_id=str(person.pk))
    assert entry.actor == operator
    assert entry.changes["is_active"] == [True, False]


def test_admin_refuses_a_coordinator(client):
    client.force_login(person_with_role(Role.COORDINATOR))

    response = client.get("/admin/accounts/user/")

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
