"""The periodic work of open data: snapshots, webhook deliveries, old logs (``run-scheduled``)."""

import datetime as dt

from django.tasks import task
from django.utils import timezone

from learningcities.accounts.domain.tokens import prune_token_uses
from learningcities.common.scheduling import periodic

from .domain.snapshots import take_due_snapshots
from .domain.webhooks import deliver_due, prune_deliveries
from .enums import INTEGRATION_LOG_DAYS


@periodic(label="Open data snapshots", counted="snapshots taken", order=70)
@task
def take_open_data_snapshots() -> int:
    return take_due_snapshots()


@periodic(label="Webhook deliveries", counted="deliveries attempted", order=75)
@task
def deliver_webhooks() -> int:
    return deliver_due()


@periodic(label="Integration logs", counted="old entries deleted", order=76)
@task
def prune_integration_logs() -> int:
    """Forget the tokens' requests and the finished webhook deliveries of long ago."""
    before = timezone.now() - dt.timedelta(days=INTEGRATION_LOG_DAYS)
    return prune_token_uses(before=before) + prune_deliveries(before=before)
