"""Webhooks: who hears of what, the signature a receiver checks, retries after a 500, the log.

The receiver is a real HTTP server on 127.0.0.1, which checks each
signature with its own code (the HMAC a partner would write from the
documentation), not the platform's.
"""

import datetime as dt
import hashlib
import hmac
import http.server
import json
import threading
import time

import pytest
from django.utils import timezone

from learningcities.accounts.models import Organisation
from learningcities.opendata.domain.webhooks import (
    WebhookError,
    create_webhook,
    deliver_due,
    verify_signature,
)
from learningcities.opendata.enums import WEBHOOK_BACKOFF_MINUTES, DeliveryState
from learningcities.opendata.models import WebhookDelivery
from learningcities.reports.models import ProgressReport
from tests.factories import make_member
from tests.reports.factories import Network, make_cycle, submit

pytestmark = pytest.mark.django_db


class Receiver:
    """A partner's endpoint: answers the statuses given in turn (then 200), verifies each call."""

    def __init__(self, statuses=()):
        self.statuses = list(statuses)
        self.calls: list[dict] = []
        self.secret = ""
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.calls.append(
                    {
                        "headers": {k.lower(): v for k, v in self.headers.items()},
                        "body": body,
                        "verified": receiver.verify(self.headers["X-LC-Signature"], body),
                    }
                )
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                self.wfile.write(b"thanks" if status == 200 else b"boom")

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks/learningcities"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def verify(self, header: str, body: bytes) -> bool:
        """The check a partner writes from the documentation."""
        fields = dict(item.split("=", 1) for item in header.split(","))
        expected = hmac.new(
            self.secret.encode(), fields["t"].encode() + b"." + body, hashlib.sha256
        ).hexdigest()
        fresh = abs(time.time() - int(fields["t"])) < 300
        return fresh and hmac.compare_digest(expected, fields["v1"])

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    made = []

    def make(statuses=()):
        made.append(Receiver(statuses))
        return made[-1]

    yield make
    for one in made:
        one.close()


@pytest.fixture
def net():
    return Network()


def subscribe(receiver, organisation, actor, events):
    webhook, secret = create_webhook(organisation, actor=actor, url=receiver.url, events=events)
    receiver.secret = secret
    return webhook


def submitted_report(net, django_capture_on_commit_callbacks):
    cycle = make_cycle()
    report = ProgressReport.objects.get(cycle=cycle, city=net.city)
    with django_capture_on_commit_callbacks(execute=True):
        submit(report, net.coordinator)
    return report


def test_a_receiver_verifies_each_delivery_s_signature(
    net, receiver, django_capture_on_commit_callbacks
):
    city = receiver()
    webhook = subscribe(city, net.organisation, net.coordinator, ["report.submitted"])

    report = submitted_report(net, django_capture_on_commit_callbacks)
    assert deliver_due() == 1

    [call] = city.calls
    assert call["verified"]
    body = json.loads(call["body"])
    assert body["event"] == "report.submitted"
    assert body["data"]["report"]["id"] == report.pk
    assert body["data"]["city"]["name"] == net.city.name
    assert call["headers"]["x-lc-event"] == "report.submitted"
    delivery = WebhookDelivery.objects.get(webhook=webhook)
    assert call["headers"]["x-lc-delivery"] == str(delivery.uid) == body["id"]
    assert (delivery.state, delivery.response_status, delivery.response_body) == (
        DeliveryState.DELIVERED,
        200,
        "thanks",
    )


def test_a_signature_fails_on_another_body_an_old_time_or_another_secret():
    body = b'{"event": "member.admitted"}'
    now = time.time()
    stamp = int(now)
    digest = hmac.new(b"whsec_a", f"{stamp}.".encode() + body, hashlib.sha256).hexdigest()
    header = f"t={stamp},v1={digest}"

    assert verify_signature("whsec_a", header, body, now=now)
    assert not verify_signature("whsec_a", header, body + b" ", now=now)
    assert not verify_signature("whsec_b", header, body, now=now)
    assert not verify_signature("whsec_a", header, body, now=now + 301)
    assert not verify_signature("whsec_a", "v1=" + digest, body, now=now)


def test_a_delivery_is_retried_after_a_receiver_s_500(
    net, receiver, django_capture_on_commit_callbacks
):
    city = receiver(statuses=[500])
    subscribe(city, net.organisation, net.coordinator, ["report.submitted"])
    submitted_report(net, django_capture_on_commit_callbacks)
    start = timezone.now()

    assert deliver_due(now=start) == 1
    delivery = WebhookDelivery.objects.get()
    assert (delivery.state, delivery.attempts, delivery.response_status) == ("pending", 1, 500)
    assert delivery.next_attempt_at == start + dt.timedelta(minutes=WEBHOOK_BACKOFF_MINUTES[0])
    # Not before its time.
    assert deliver_due(now=start + dt.timedelta(seconds=30)) == 0

    assert deliver_due(now=start + dt.timedelta(minutes=2)) == 1

    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.response_status) == ("delivered", 2, 200)
    first, second = city.calls
    assert first["verified"]
    assert second["verified"]
    # The same delivery, so the receiver can ignore a repeat.
    assert first["headers"]["x-lc-delivery"] == second["headers"]["x-lc-delivery"]


def test_a_delivery_that_keeps_failing_stays_failed(
    net, receiver, django_capture_on_commit_callbacks
):
    city = receiver(statuses=[503] * 10)
    subscribe(city, net.organisation, net.coordinator, ["report.submitted"])
    submitted_report(net, django_capture_on_commit_callbacks)
    moment = timezone.now()

    for _attempt in range(len(WEBHOOK_BACKOFF_MINUTES) + 1):
        assert deliver_due(now=moment) == 1
        moment += dt.timedelta(days=1)

    delivery = WebhookDelivery.objects.get()
    assert (delivery.state, delivery.attempts) == ("failed", len(WEBHOOK_BACKOFF_MINUTES) + 1)
    assert deliver_due(now=moment) == 0


def test_a_report_is_heard_only_by_those_it_concerns(
    net, receiver, django_capture_on_commit_callbacks
):
    own, commission, secretariat, other = receiver(), receiver(), receiver(), receiver()
    stranger = Network("DE")
    subscribe(own, net.organisation, net.coordinator, ["report.submitted"])
    national = Organisation.objects.get(kind="national_commission", country_id="IE")
    subscribe(commission, national, net.endorser, ["report.submitted"])
    office = Organisation.objects.get(kind="secretariat")
    subscribe(secretariat, office, net.secretary, ["report.submitted"])
    subscribe(other, stranger.organisation, stranger.coordinator, ["report.submitted"])

    submitted_report(net, django_capture_on_commit_callbacks)
    deliver_due()

    assert [len(r.calls) for r in (own, commission, secretariat, other)] == [1, 1, 1, 0]


def test_everyone_subscribed_hears_of_a_city_admitted(
    net, receiver, django_capture_on_commit_callbacks
):
    stranger = Network("DE")
    listening = receiver()
    subscribe(listening, stranger.organisation, stranger.coordinator, ["member.admitted"])
    deaf = receiver()
    subscribe(deaf, net.organisation, net.coordinator, ["report.submitted"])

    with django_capture_on_commit_callbacks(execute=True):
        make_member(name="Galway", joined="2024-09")
    deliver_due()

    [call] = listening.calls
    assert json.loads(call["body"])["data"]["city"]["name"] == "Galway"
    assert deaf.calls == []


def test_a_private_address_is_refused_where_only_public_ones_are_allowed(
    net, receiver, settings, django_capture_on_commit_callbacks
):
    settings.LC_WEBHOOK_PRIVATE_ADDRESSES = False
    city = receiver()
    subscribe(city, net.organisation, net.coordinator, ["report.submitted"])
    submitted_report(net, django_capture_on_commit_callbacks)

    deliver_due()

    delivery = WebhookDelivery.objects.get()
    assert city.calls == []
    assert delivery.response_status is None
    assert "not a public one" in delivery.error


@pytest.mark.parametrize(
    ("url", "events", "code"),
    [
        ("ftp://example.org/x", ["report.submitted"], "invalid"),
        ("not an address", ["report.submitted"], "invalid"),
        ("https://example.org/x", [], "invalid"),
        ("https://example.org/x", ["everything"], "invalid"),
    ],
)
def test_a_webhook_needs_an_address_and_known_events(net, url, events, code):
    with pytest.raises(WebhookError) as refused:
        create_webhook(net.organisation, actor=net.coordinator, url=url, events=events)

    assert refused.value.code == code


def test_only_the_organisation_s_people_add_its_webhooks(net):
    with pytest.raises(WebhookError) as refused:
        create_webhook(
            net.organisation,
            actor=net.endorser,
            url="https://example.org/x",
            events=["member.admitted"],
        )

    assert refused.value.code == "not_permitted"


def test_old_token_requests_and_finished_deliveries_are_forgotten(net):
    import datetime as dt

    from django.utils import timezone

    from learningcities.accounts.domain.tokens import create_token, record_token_use
    from learningcities.accounts.models import ApiTokenUse
    from learningcities.opendata.enums import DeliveryState
    from learningcities.opendata.models import Webhook, WebhookDelivery
    from learningcities.opendata.tasks import prune_integration_logs

    token, _key = create_token(
        net.organisation, actor=net.coordinator, name="Partner", scopes=["reports:read"], days=30
    )
    hook = Webhook.objects.create(
        organisation=net.organisation, url="https://example.org/hook", events=["report.submitted"]
    )
    long_ago = timezone.now() - dt.timedelta(days=91)
    for state in ("delivered", "failed", "pending"):
        WebhookDelivery.objects.create(
            webhook=hook, event="report.submitted", payload={}, state=state
        )
    WebhookDelivery.objects.update(created_at=long_ago)
    WebhookDelivery.objects.create(
        webhook=hook, event="report.submitted", payload={}, state="delivered"
    )
    for _ in range(2):
        record_token_use(token, method="GET", path="/api/v1/reports", status=200, address=None)
    ApiTokenUse.objects.filter(pk=ApiTokenUse.objects.order_by("pk").first().pk).update(at=long_ago)

    deleted = prune_integration_logs.call()

    assert deleted == 3
    assert ApiTokenUse.objects.count() == 1
    assert sorted(WebhookDelivery.objects.values_list("state", flat=True)) == [
        DeliveryState.DELIVERED,
        DeliveryState.PENDING,
    ]
