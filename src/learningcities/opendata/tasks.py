"""The periodic work of open data: snapshots and webhook deliveries (``run-scheduled``)."""

from django.tasks import task

from learningcities.common.scheduling import periodic

from .domain.snapshots import take_due_snapshots
from .domain.webhooks import deliver_due


@periodic(label="Open data snapshots", counted="snapshots taken", order=70)
@task
def take_open_data_snapshots() -> int:
    return take_due_snapshots()


@periodic(label="Webhook deliveries", counted="deliveries attempted", order=75)
@task
def deliver_webhooks() -> int:
    return deliver_due()
