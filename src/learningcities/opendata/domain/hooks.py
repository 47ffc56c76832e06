"""A finished release asks for its open data snapshot at once (not at the next run)."""

from django.db import transaction

RELEASE_ACTION = "calls.call.release"


def _on_activity(sender, instance, created, **kwargs) -> None:
    if created and instance.action == RELEASE_ACTION:
        from ..tasks import take_open_data_snapshots

        transaction.on_commit(take_open_data_snapshots.enqueue)


def connect() -> None:
    """Listen for finished releases (call from the app's ``ready``)."""
    from django.db.models.signals import post_save

    from learningcities.common.models import ActivityLogEntry

    post_save.connect(_on_activity, sender=ActivityLogEntry, dispatch_uid="lc-opendata-release")
