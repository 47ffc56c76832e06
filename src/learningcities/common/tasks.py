"""Background tasks of common: thin, they take ids, re-fetch and call the domain."""

from django.core.cache import cache
from django.tasks import task

from .domain import documents
from .domain.jobs import prune_finished_jobs
from .domain.outbox import send_due_messages, send_message
from .models import OutboxMessage
from .scheduling import periodic


@task
def send_outbox_message(message_id: int) -> str:
    """Make one attempt to send the outbox message ``message_id``; return its status."""
    message = OutboxMessage.objects.filter(pk=message_id).first()
    if message is None:  # its transaction was rolled back after all
        return "missing"
    return send_message(message).status


# Last of the periodic jobs: the mail the others queued goes out in the same run.
@periodic(label="Outbox", counted="messages sent or tried", order=90)
@task
def send_due_outbox_messages() -> int:
    """Send the outbox messages due (new, held, or failed and due again); return how many."""
    return sum(send_due_messages().values())


@periodic(label="Finished jobs", counted="old job records deleted", order=100)
@task
def prune_job_results() -> int:
    """Delete the records of long-finished background jobs; return how many."""
    return prune_finished_jobs()


@periodic(label="Orphan files", counted="orphan files removed", order=110)
@task
def remove_orphan_files() -> int:
    """Remove the private files no document holds, once a day old; return how many."""
    # Listing the storage takes a request a folder on S3, and an orphan waits
    # a day anyway: once an hour is soon enough (the cache is shared).
    if not cache.add("common:orphan-files-swept", True, timeout=3600):
        return 0
    return documents.remove_orphan_files()
