from .snapshots import Snapshot, SnapshotFile
from .webhooks import Webhook, WebhookDelivery

__all__ = ["Snapshot", "SnapshotFile", "Webhook", "WebhookDelivery"]
