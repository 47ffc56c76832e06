"""Background tasks of common: thin, they take ids, re-fetch and call the domain."""

from django.tasks import task

from .domain.outbox import send_message
from .models import OutboxMessage


@task
def send_outbox_message(message_id: int) -> str:
    """Make one attempt to send the outbox message ``message_id``; return its status."""
    message = OutboxMessage.objects.filter(pk=message_id).first()
    if message is None:  # its transaction was rolled back after all
        return "missing"
    return send_message(message).status
