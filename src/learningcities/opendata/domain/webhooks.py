"""Webhooks: the network's events posted to organisations' addresses, signed, retried, logged.

An organisation's people subscribe an address of theirs to some events
(``WebhookEvent``). The events come from the activity log: when an entry of
one of ``SOURCES`` is committed, one delivery per subscribed webhook that may
hear of it is made (``queue_event``). Who may hear: anyone of the public
events (a member admitted, a practice published); of a report submitted or a
registration confirmed, the organisations concerned (the city's, the
delegation's, the country's National Commission) and the secretariat.

Each delivery is a POST of JSON ``{"id", "event", "occurred_at", "data"}``
with the headers ``X-LC-Event``, ``X-LC-Delivery`` (the id: a receiver
ignores one it has had) and ``X-LC-Signature: t=<unix time>,v1=<hex>``, the
HMAC-SHA256 of ``"<t>.<body>"`` under the webhook's secret
(``verify_signature`` is how a receiver checks it). Any 2xx answer delivers
it; anything else (an error, a timeout, an address refused) is retried after
``WEBHOOK_BACKOFF_MINUTES``, by the job queue (``tasks.deliver_webhooks``,
enqueued at the commit and run by ``run-scheduled``), then stays failed. Each
attempt keeps the answer's status and the beginning of its text.
"""

import datetime as dt
import hashlib
import hmac
import ipaddress
import json
import secrets
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import router, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from learningcities.accounts.domain.tokens import may_manage_tokens, scopes_allowed
from learningcities.accounts.enums import OrganisationKind
from learningcities.accounts.models import Organisation
from learningcities.accounts.rules import is_secretariat, organisation_ids_of
from learningcities.common.domain.activity import record_activity
from learningcities.common.errors import RuleError

from ..enums import (
    WEBHOOK_BACKOFF_MINUTES,
    WEBHOOK_RESPONSE_KEPT,
    WEBHOOK_TIMEOUT_SECONDS,
    WEBHOOK_TOLERANCE_SECONDS,
    DeliveryState,
    WebhookEvent,
)
from ..models import Webhook, WebhookDelivery

SECRET_PREFIX = "whsec_"  # noqa: S105 (the prefix of generated secrets, not a secret)
USER_AGENT = "learningcities-webhooks/1"


class WebhookError(RuleError):
    """A webhook cannot be added or removed as asked (codes ``invalid``, ``not_permitted``)."""


# --- signing ---------------------------------------------------------------------------------


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """Return the hex HMAC-SHA256 of ``"<timestamp>.<body>"`` under ``secret``."""
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_header(secret: str, body: bytes, *, timestamp: int | None = None) -> str:
    """Return the ``X-LC-Signature`` value of ``body``: ``t=<unix time>,v1=<signature>``."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    return f"t={timestamp},v1={sign(secret, timestamp, body)}"


def verify_signature(
    secret: str,
    header: str,
    body: bytes,
    *,
    now: float | None = None,
    tolerance: int = WEBHOOK_TOLERANCE_SECONDS,
) -> bool:
    """Tell whether ``header`` signs ``body`` under ``secret``, within ``tolerance`` seconds."""
    parts = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        timestamp = int(parts.get("t", ""))
    except ValueError:
        return False
    now = time.time() if now is None else now
    if abs(now - timestamp) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, timestamp, body), parts.get("v1", ""))


# --- subscriptions ---------------------------------------------------------------------------


def _check_url(url: str) -> str:
    url = (url or "").strip()
    parsed = urllib.parse.urlsplit(url)
    schemes = ("https",) if settings.PRODUCTION else ("https", "http")
    if parsed.scheme not in schemes or not parsed.hostname or len(url) > 500:
        raise WebhookError(
            _("Give the full address that receives the events, starting with https://.")
            if settings.PRODUCTION
            else _(
                "Give the full address that receives the events, starting with https:// or http://."
            ),
            code="invalid",
        )
    return url


@transaction.atomic
def create_webhook(
    organisation: Organisation, *, actor, url: str, events: Iterable[str]
) -> tuple[Webhook, str]:
    """Subscribe ``url`` to ``events`` for ``organisation``; return it and its secret.

    The people of the organisation whose role allows API tokens may. Effects:
    the webhook, one ``opendata.webhook.create`` entry (never the secret).
    """
    if not scopes_allowed(actor, organisation):
        raise WebhookError(
            _(
                "Only a person with a role in %(organisation)s that allows API access may add "
                "its webhooks."
            )
            % {"organisation": organisation.name},
            code="not_permitted",
        )
    url = _check_url(url)
    events = sorted(set(events))
    if not events or any(event not in WebhookEvent.values for event in events):
        raise WebhookError(_("Choose at least one event to hear of."), code="invalid")
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    webhook = Webhook.objects.create(
        organisation=organisation, url=url, events=events, secret=secret, created_by=actor
    )
    record_activity(
        "opendata.webhook.create",
        actor=actor,
        organisation=organisation,
        subject=webhook,
        changes={"url": [None, url], "events": [None, events]},
    )
    return webhook, secret


@transaction.atomic
def delete_webhook(webhook: Webhook, *, actor) -> None:
    """Remove ``webhook`` and its deliveries; its organisation's people and the secretariat may."""
    if not may_manage_tokens(actor, webhook.organisation):
        raise WebhookError(_("You may not remove this webhook."), code="not_permitted")
    record_activity(
        "opendata.webhook.delete",
        actor=actor,
        organisation=webhook.organisation,
        subject=webhook,
        changes={"url": [webhook.url, None]},
    )
    webhook.delete()


def webhooks_for_user(user):
    """Return the webhooks ``user`` may see: all (the secretariat), else their organisations'."""
    hooks = Webhook.objects.select_related("organisation", "created_by").order_by(
        "-created_at", "-pk"
    )
    if is_secretariat(user):
        return hooks
    return hooks.filter(organisation_id__in=organisation_ids_of(user))


# --- events ----------------------------------------------------------------------------------


def _site(path: str) -> str:
    return settings.LC_SITE_URL.rstrip("/") + path


def _city(city) -> dict | None:
    if city is None:
        return None
    return {"id": city.pk, "name": city.name, "country_code": city.country_id}


def _commission_ids(country_code: str | None) -> set[int]:
    if not country_code:
        return set()
    return set(
        Organisation.objects.filter(
            kind=OrganisationKind.NATIONAL_COMMISSION, country_id=country_code
        ).values_list("pk", flat=True)
    )


def _city_organisation_ids(city) -> set[int]:
    if city is None:
        return set()
    return set(Organisation.objects.filter(city=city).values_list("pk", flat=True))


def _member_admitted(membership) -> tuple[dict, set[int] | None]:
    return (
        {
            "city": _city(membership.city),
            "joined": membership.joined_on.isoformat(),
            "cohort": membership.cohort.name if membership.cohort_id else None,
            "url": _site(membership.city.get_absolute_url()),
        },
        None,
    )


def _report_submitted(report) -> tuple[dict, set[int] | None]:
    city = report.city
    return (
        {
            "report": {"id": report.pk, "cycle": report.cycle.code, "state": report.state},
            "city": _city(city),
            "submitted_at": report.submitted_at.isoformat() if report.submitted_at else None,
        },
        _city_organisation_ids(city) | _commission_ids(city.country_id),
    )


def _practice_published(practice) -> tuple[dict, set[int] | None]:
    return (
        {
            "practice": {"id": practice.pk, "title": practice.title, "language": practice.language},
            "city": _city(practice.city),
            "url": _site(practice.get_absolute_url()),
        },
        None,
    )


def _registration_approved(registration) -> tuple[dict, set[int] | None]:
    delegation = registration.delegation
    audience = set()
    if delegation is not None and delegation.organisation_id:
        audience.add(delegation.organisation_id)
    audience |= _commission_ids(registration.country_id)
    return (
        {
            "registration": {
                "id": registration.pk,
                "name": registration.name,
                "category": registration.category.name,
                "status": registration.status,
            },
            "event": {"slug": registration.event.slug, "title": registration.event.title},
            "city": _city(registration.city),
            "country_code": registration.country_id,
        },
        audience,
    )


PAYLOADS = {
    WebhookEvent.MEMBER_ADMITTED: _member_admitted,
    WebhookEvent.REPORT_SUBMITTED: _report_submitted,
    WebhookEvent.PRACTICE_PUBLISHED: _practice_published,
    WebhookEvent.REGISTRATION_APPROVED: _registration_approved,
}


def event_of(action: str, changes: dict) -> str | None:
    """Return the webhook event an activity entry of ``action`` with ``changes`` is, if any."""
    if action == "network.membership.admit":
        return WebhookEvent.MEMBER_ADMITTED
    if action == "reports.report.submitted":
        return WebhookEvent.REPORT_SUBMITTED
    if action == "practices.practice.published":
        return WebhookEvent.PRACTICE_PUBLISHED
    if action in ("events.registration.status", "events.registration.create"):
        status = (changes or {}).get("status") or [None, None]
        if len(status) == 2 and status[1] == "confirmed":
            return WebhookEvent.REGISTRATION_APPROVED
    return None


def queue_event(event: str, subject, *, occurred_at: dt.datetime) -> list[WebhookDelivery]:
    """Make one delivery of ``event`` about ``subject`` per webhook that may hear of it."""
    hooks = [
        hook
        for hook in Webhook.objects.filter(is_active=True).select_related("organisation")
        if event in hook.events
    ]
    if not hooks:
        return []
    data, audience = PAYLOADS[event](subject)
    deliveries = []
    for hook in hooks:
        secretariat = hook.organisation.kind == OrganisationKind.SECRETARIAT
        if audience is not None and hook.organisation_id not in audience and not secretariat:
            continue
        delivery = WebhookDelivery(webhook=hook, event=event)
        delivery.payload = {
            "id": str(delivery.uid),
            "event": event,
            "occurred_at": occurred_at.isoformat(),
            "data": data,
        }
        deliveries.append(delivery)
    return WebhookDelivery.objects.bulk_create(deliveries)


# --- sending ---------------------------------------------------------------------------------


def _address_allowed(host: str) -> bool:
    """Whether ``host`` resolves to public addresses only (any, when private ones are allowed)."""
    if settings.LC_WEBHOOK_PRIVATE_ADDRESSES:
        return True
    try:
        infos = socket.getaddrinfo(host, None)
    except OSError:
        return False
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            return False
    return True


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer, not followed: it could lead to an address not checked."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def _post(hook: Webhook, delivery: WebhookDelivery) -> tuple[int | None, str, str]:
    """POST the delivery; return (status, the answer's beginning, error)."""
    host = urllib.parse.urlsplit(hook.url).hostname or ""
    if not _address_allowed(host):
        return None, "", _("The address is not a public one: nothing was sent.")
    body = json.dumps(delivery.payload, cls=DjangoJSONEncoder).encode()
    request = urllib.request.Request(  # noqa: S310 (http and https only: _check_url)
        hook.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "X-LC-Event": delivery.event,
            "X-LC-Delivery": str(delivery.uid),
            "X-LC-Signature": signature_header(hook.secret, body),
        },
    )
    try:
        opener = urllib.request.build_opener(_NoRedirect)
        with opener.open(request, timeout=WEBHOOK_TIMEOUT_SECONDS) as response:
            text = response.read(WEBHOOK_RESPONSE_KEPT).decode("utf-8", "replace")
            return response.status, text, ""
    except urllib.error.HTTPError as error:
        text = error.read(WEBHOOK_RESPONSE_KEPT).decode("utf-8", "replace")
        return error.code, text, ""
    except (OSError, ValueError) as error:
        return None, "", str(getattr(error, "reason", error))[:300]


def attempt(delivery: WebhookDelivery, *, now: dt.datetime | None = None) -> WebhookDelivery:
    """Send ``delivery`` once and record the answer; schedule the next attempt or give up."""
    status, text, error = _post(delivery.webhook, delivery)
    now = now or timezone.now()
    delivery.attempts += 1
    delivery.response_status = status
    delivery.response_body = text
    delivery.error = error
    if status is not None and 200 <= status < 300:
        delivery.state = DeliveryState.DELIVERED
        delivery.delivered_at = now
        delivery.next_attempt_at = None
    elif delivery.attempts > len(WEBHOOK_BACKOFF_MINUTES):
        delivery.state = DeliveryState.FAILED
        delivery.next_attempt_at = None
    else:
        delay = WEBHOOK_BACKOFF_MINUTES[delivery.attempts - 1]
        delivery.next_attempt_at = now + dt.timedelta(minutes=delay)
    delivery.save(
        update_fields=[
            "attempts",
            "response_status",
            "response_body",
            "error",
            "state",
            "delivered_at",
            "next_attempt_at",
        ]
    )
    return delivery


def prune_deliveries(*, before: dt.datetime) -> int:
    """Delete the deliveries made before ``before`` that are done (delivered or failed)."""
    deleted, _rows = WebhookDelivery.objects.filter(
        created_at__lt=before, state__in=[DeliveryState.DELIVERED, DeliveryState.FAILED]
    ).delete()
    return deleted


def deliver_due(*, now: dt.datetime | None = None, limit: int = 200) -> int:
    """Send the deliveries that are due (new ones, retries whose time has come); count them.

    Each is claimed under a row lock (skipped by other workers on PostgreSQL)
    and sent outside any transaction.
    """
    now = now or timezone.now()
    sent = 0
    for pk in list(
        WebhookDelivery.objects.filter(state=DeliveryState.PENDING)
        .exclude(next_attempt_at__gt=now)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:limit]
    ):
        with transaction.atomic(using=router.db_for_write(WebhookDelivery)):
            claimed = (
                WebhookDelivery.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, state=DeliveryState.PENDING)
                .exclude(next_attempt_at__gt=now)
                .first()
            )
            if claimed is None:
                continue
            # Taken: another worker passing now sees it not yet due.
            WebhookDelivery.objects.filter(pk=pk).update(
                next_attempt_at=now + dt.timedelta(seconds=WEBHOOK_TIMEOUT_SECONDS * 3)
            )
        claimed = WebhookDelivery.objects.select_related("webhook").get(pk=pk)
        attempt(claimed, now=now)
        sent += 1
    return sent
