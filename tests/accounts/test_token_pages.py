"""The API token pages: make a token (its key shown once), see its use, revoke it."""

import pytest
from django.test import Client
from django.urls import reverse

from learningcities.accounts.domain.tokens import create_token, hash_key
from learningcities.accounts.enums import Scope
from learningcities.accounts.models import ApiToken
from tests.reports.factories import Network

pytestmark = pytest.mark.django_db


@pytest.fixture
def net():
    return Network()


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_account_menu_leads_a_coordinator_to_the_tokens(net):
    page = as_user(net.coordinator).get(reverse("accounts:profile")).content.decode()

    assert reverse("accounts:api-tokens") in page


def test_a_coordinator_makes_a_token_and_sees_its_key_once(net):
    client = as_user(net.coordinator)
    form = client.get(reverse("accounts:api-tokens")).content.decode()
    assert 'value="reports:write"' in form

    response = client.post(
        reverse("accounts:api-tokens"),
        {
            "organisation": net.organisation.pk,
            "name": "Statistics dashboard",
            "scopes": ["reports:read", "reports:write"],
            "days": "30",
        },
    )

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    key = response.context["key"]
    token = ApiToken.objects.get()
    assert token.key_hash == hash_key(key)
    assert key in response.content.decode()
    assert token.scopes == ["reports:read", "reports:write"]
    # The list and the token's page never show it again.
    listing = client.get(reverse("accounts:api-tokens")).content.decode()
    detail = client.get(reverse("accounts:api-token", args=[token.pk])).content.decode()
    assert "Statistics dashboard" in listing
    assert key not in listing
    assert key not in detail
    assert token.prefix in detail


def test_the_form_offers_only_the_scopes_the_role_allows(net):
    page = as_user(net.endorser).get(reverse("accounts:api-tokens")).content.decode()

    assert 'value="registrations:write"' in page
    assert 'value="reports:write"' not in page

    response = as_user(net.endorser).post(
        reverse("accounts:api-tokens"),
        {
            "organisation": net.endorser.affiliations.get().organisation_id,
            "name": "x",
            "scopes": ["reports:write"],
            "days": "30",
        },
    )
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_a_token_s_page_lists_its_requests_and_revokes_it(net):
    token, key = create_token(
        net.organisation,
        actor=net.coordinator,
        name="Dashboard",
        scopes=[Scope.REPORTS_READ],
        days=30,
    )
    Client(HTTP_AUTHORIZATION=f"Bearer {key}").get("/api/v1/reports")
    client = as_user(net.coordinator)

    page = client.get(reverse("accounts:api-token", args=[token.pk])).content.decode()
    assert "GET /api/v1/reports" in page

    response = client.post(reverse("accounts:api-token-revoke", args=[token.pk]), follow=True)
    assert "no longer works" in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert token.revoked_by == net.coordinator
    answer = Client(HTTP_AUTHORIZATION=f"Bearer {key}").get("/api/v1/reports")
    assert answer.status_code == 401


def test_another_organisation_s_token_is_not_found(net):
    other = Network("DE")
    token, _key = create_token(
        other.organisation,
        actor=other.coordinator,
        name="Theirs",
        scopes=[Scope.REPORTS_READ],
        days=30,
    )
    client = as_user(net.coordinator)

    assert client.get(reverse("accounts:api-token", args=[token.pk])).status_code == 404
    assert client.post(reverse("accounts:api-token-revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
