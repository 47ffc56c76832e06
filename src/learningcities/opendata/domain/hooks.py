"""What open data hears from the activity log: releases (snapshots) and webhook events.

A finished release asks for its open data snapshot at once (not at the next
run). An entry that is a webhook event (``webhooks.event_of``) makes its
deliveries once the writer's transaction commits; the job queue sends them
(at once with a queue of workers; at the next ``run-scheduled`` when jobs run
in-process, so no page waits on a partner's server).
"""

from functools import partial

from django.db import transaction

RELEASE_ACTION = "calls.call.release"


def _queue_deliveries(event: str, content_type_id: int, object_id: str, occurred_at) -> None:
    from django.contrib.contenttypes.models import ContentType
    from django.tasks.backends.immediate import ImmediateBackend

    from ..tasks import deliver_webhooks
    from .webhooks import queue_event

    model = ContentType.objects.get_for_id(content_type_id).model_class()
    subject = model._default_manager.filter(pk=object_id).first() if model else None
    if subject is None:
        return
    with transaction.atomic():
        made = queue_event(event, subject, occurred_at=occurred_at)
    if made and not isinstance(deliver_webhooks.get_backend(), ImmediateBackend):
        deliver_webhooks.enqueue()


def _on_activity(sender, instance, created, **kwargs) -> None:
    if not created:
        return
    if instance.action == RELEASE_ACTION:
        from ..tasks import take_open_data_snapshots

        transaction.on_commit(take_open_data_snapshots.enqueue)
    from .webhooks import event_of

    event = event_of(instance.action, instance.changes)
    if event is not None and instance.content_type_id and instance.object_id:
        transaction.on_commit(
            partial(
                _queue_deliveries,
                event,
                instance.content_type_id,
                instance.object_id,
                instance.created_at,
            )
        )


def connect() -> None:
    """Listen to the activity log (call from the app's ``ready``)."""
    from django.db.models.signals import post_save

    from learningcities.common.models import ActivityLogEntry

    post_save.connect(_on_activity, sender=ActivityLogEntry, dispatch_uid="lc-opendata-release")
