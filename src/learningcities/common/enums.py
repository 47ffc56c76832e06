from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class OutboxStatus(models.TextChoices):
    QUEUED = "queued", pgettext_lazy("mail", "Queued")
    HELD = "held", pgettext_lazy("mail", "Held (sending not configured)")
    SENDING = "sending", pgettext_lazy("mail", "Sending")
    SENT = "sent", pgettext_lazy("mail", "Sent")
    FAILED = "failed", pgettext_lazy("mail", "Failed")


# A message in one of these states may still leave: the worker picks it up once
# its next_attempt_at has passed (a "sending" message whose lease has run out was
# abandoned by a crashed worker).
OUTBOX_PENDING_STATES = frozenset({OutboxStatus.QUEUED, OutboxStatus.FAILED, OutboxStatus.SENDING})

# Allowed transitions of an outbox message.
OUTBOX_TRANSITIONS: dict[str, frozenset[str]] = {
    OutboxStatus.QUEUED: frozenset({OutboxStatus.SENDING}),
    OutboxStatus.HELD: frozenset({OutboxStatus.QUEUED}),
    OutboxStatus.SENDING: frozenset({OutboxStatus.SENT, OutboxStatus.FAILED, OutboxStatus.SENDING}),
    OutboxStatus.FAILED: frozenset({OutboxStatus.SENDING, OutboxStatus.QUEUED}),
    OutboxStatus.SENT: frozenset(),
}


class TranslationState(models.TextChoices):
    """How a translatable text stands in one language (``common.translated``)."""

    ORIGINAL = "original", pgettext_lazy("translation", "Original")
    TRANSLATED = "translated", pgettext_lazy("translation", "Translated")
    MISSING = "missing", pgettext_lazy("translation", "Missing")
    OUTDATED = "outdated", pgettext_lazy("translation", "Outdated")


class ScanStatus(models.TextChoices):
    NOT_SCANNED = "not_scanned", _("Not scanned")
    CLEAN = "clean", _("Clean")
    INFECTED = "infected", _("Infected")


class FileFamily(models.TextChoices):
    """The families of files an upload field may allow."""

    PDF = "pdf", _("PDF")
    IMAGE = "image", _("image (PNG, JPEG, GIF, WebP)")
    OFFICE = "office", _("office document (Word, Excel, PowerPoint, OpenDocument)")


# The activity log's label of each action code this app records (common.activity_labels).
ACTIVITY_LABELS = {
    "common.document.create": _("Document uploaded"),
    "common.document.delete": _("Document deleted"),
    "common.mail_template.create": _("Mail template created"),
    "common.mail_template.update": _("Mail template changed"),
    "common.outbox.retry": _("Message sent again"),
    "common.job.retry": _("Job run again"),
    "common.translation.update": _("Translation saved"),
}
