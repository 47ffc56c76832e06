"""The webhook pages: subscribe an address (its secret shown once), read deliveries, remove it."""

import pytest
from django.test import Client
from django.urls import reverse

from learningcities.opendata.domain.webhooks import create_webhook
from learningcities.opendata.models import Webhook, WebhookDelivery
from tests.reports.factories import Network

pytestmark = pytest.mark.django_db


@pytest.fixture
def net():
    return Network()


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_account_menu_leads_to_the_webhooks(net):
    page = as_user(net.coordinator).get(reverse("accounts:profile")).content.decode()

    assert reverse("opendata:webhooks") in page


def test_a_coordinator_adds_a_webhook_and_sees_its_secret_once(net):
    client = as_user(net.coordinator)

    response = client.post(
        reverse("opendata:webhooks"),
        {
            "organisation": net.organisation.pk,
            "url": "https://dashboard.example.org/hooks",
            "events": ["report.submitted", "member.admitted"],
        },
    )

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    webhook = Webhook.objects.get()
    assert webhook.secret in response.content.decode()
    assert webhook.events == ["member.admitted", "report.submitted"]
    listing = client.get(reverse("opendata:webhooks")).content.decode()
    detail = client.get(reverse("opendata:webhook", args=[webhook.pk])).content.decode()
    assert "https://dashboard.example.org/hooks" in listing
    assert webhook.secret not in listing
    assert webhook.secret not in detail


def test_a_bad_address_is_named_and_nothing_is_added(net):
    response = as_user(net.coordinator).post(
        reverse("opendata:webhooks"),
        {"organisation": net.organisation.pk, "url": "ftp://x", "events": ["member.admitted"]},
    )

    assert response.status_code == 400
    assert "https://" in response.content.decode()
    assert not Webhook.objects.exists()


def test_a_webhook_s_page_lists_its_deliveries_and_removes_it(net):
    webhook, _secret = create_webhook(
        net.organisation,
        actor=net.coordinator,
        url="https://dashboard.example.org/hooks",
        events=["member.admitted"],
    )
    WebhookDelivery.objects.create(
        webhook=webhook,
        event="member.admitted",
        payload={},
        attempts=1,
        response_status=500,
        response_body="Internal error",
    )
    client = as_user(net.coordinator)

    page = client.get(reverse("opendata:webhook", args=[webhook.pk])).content.decode()
    assert "Internal error" in page
    assert "500" in page

    client.post(reverse("opendata:webhook-remove", args=[webhook.pk]))
    assert not Webhook.objects.exists()
    assert not WebhookDelivery.objects.exists()


def test_another_organisation_s_webhook_is_not_found(net):
    other = Network("DE")
    webhook, _secret = create_webhook(
        other.organisation,
        actor=other.coordinator,
        url="https://other.example.org/hooks",
        events=["member.admitted"],
    )
    client = as_user(net.coordinator)

    assert client.get(reverse("opendata:webhook", args=[webhook.pk])).status_code == 404
    assert client.post(reverse("opendata:webhook-remove", args=[webhook.pk])).status_code == 404
    assert Webhook.objects.filter(pk=webhook.pk).exists()
