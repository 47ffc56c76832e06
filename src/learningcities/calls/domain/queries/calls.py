"""Reads of calls for the public: those open or still to open, with what they publish."""

import datetime as dt

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from ...models import Call, CallAttachment


def public_calls(*, now: dt.datetime | None = None) -> QuerySet[Call]:
    """Return the calls open or still to open at ``now``, the soonest to close first.

    Each carries its public texts (``description``, ``guidelines``, plain text
    with paragraphs), its framework and its ``attachments`` (prefetched with
    their documents; link each with ``calls:call-attachment``). Two queries,
    whatever the number of calls.
    """
    now = now or timezone.now()
    return (
        Call.objects.filter(closes_at__gt=now)
        .select_related("framework")
        .prefetch_related(
            Prefetch(
                "attachments",
                queryset=CallAttachment.objects.select_related("document").order_by(
                    "created_at", "pk"
                ),
            )
        )
        .order_by("closes_at", "pk")
    )


def public_attachment(pk: int) -> CallAttachment | None:
    """Return the attachment ``pk`` with its document and call, or None.

    Every attachment is public: the secretariat publishes it with its call.
    """
    return CallAttachment.objects.select_related("document", "call").filter(pk=pk).first()
