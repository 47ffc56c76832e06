"""A city coordinator gives a partner's system access: a token, then a webhook.

From "Profile" in the site header: "API tokens" in the account menu, a token
for reading and writing progress reports (its key shown once), then
"Webhooks", an address told of submitted reports (its secret shown once).
Every page passes axe-core.
"""

import pytest

from learningcities.accounts.domain.tokens import hash_key
from learningcities.accounts.models import ApiToken
from learningcities.opendata.models import Webhook
from tests.browser.conftest import axe_violations
from tests.reports.factories import Network

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WAIT = 20_000


def click(page, locator) -> None:
    locator.wait_for(state="visible", timeout=WAIT)
    with page.expect_navigation(timeout=WAIT):
        locator.click()


def test_a_coordinator_makes_a_token_and_a_webhook(open_as, live_server):
    net = Network()
    page = open_as(net.coordinator)

    click(page, page.get_by_role("navigation", name="Account").get_by_role("link", name="Profile"))
    click(page, page.get_by_role("link", name="API tokens", exact=True))
    page.get_by_role("heading", level=1, name="API tokens").wait_for()
    assert axe_violations(page) == []

    page.get_by_label("Name").fill("Statistics dashboard")
    page.get_by_label("Read progress reports").check()
    page.get_by_label("Write the answers of progress reports").check()
    click(page, page.get_by_role("button", name="Make the token"))
    page.get_by_role("heading", level=1, name="Your new API token").wait_for()
    assert axe_violations(page) == []
    key = page.get_by_label("Token “Statistics dashboard”").input_value()
    token = ApiToken.objects.get()
    assert token.key_hash == hash_key(key)
    assert sorted(token.scopes) == ["reports:read", "reports:write"]

    click(page, page.get_by_role("link", name="Back to the API tokens"))
    click(page, page.get_by_role("link", name="Statistics dashboard"))
    assert axe_violations(page) == []
    assert key not in page.content()

    click(page, page.get_by_role("link", name="Webhooks", exact=True))
    page.get_by_label("Address").fill("https://dashboard.example.org/hooks")
    page.get_by_label("A progress report is submitted").check()
    click(page, page.get_by_role("button", name="Add the webhook"))
    page.get_by_role("heading", level=1, name="Your new webhook").wait_for()
    assert axe_violations(page) == []
    secret = page.get_by_label("Secret").input_value()
    webhook = Webhook.objects.get()
    assert (webhook.secret, webhook.events) == (secret, ["report.submitted"])

    click(page, page.get_by_role("link", name="Back to the webhooks"))
    click(page, page.get_by_role("link", name="https://dashboard.example.org/hooks"))
    page.get_by_role("heading", level=1, name="Webhook").wait_for()
    assert axe_violations(page) == []
