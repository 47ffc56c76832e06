from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..enums import OutboxStatus
from ..translated import source_digest

# Mail templates are written in English first; the other languages translate it.
ORIGINAL_LANGUAGE = "en"


class MessageTemplate(models.Model):
    """The text of one kind of notification in one language, editable by the secretariat.

    ``subject`` and ``body`` use Django template syntax (plain text; the body may
    have an HTML twin). Shipped defaults come from ``<app>/mail_templates/``;
    ``is_customised`` marks a row the secretariat edited, which a re-sync keeps.
    English is the original; a translation records in ``source_digest`` the
    digest of the English text it was made from, so it is *outdated* once the
    English changes (``mail_template_state``).
    """

    code = models.CharField(_("code"), max_length=100)
    language = models.CharField(_("language"), max_length=10)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("body"))
    html_body = models.TextField(_("HTML body"), blank=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    is_customised = models.BooleanField(_("edited by the secretariat"), default=False)
    source_digest = models.CharField(
        _("digest of the English original"), max_length=16, blank=True, editable=False
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["code", "language"]
        verbose_name = _("mail template")
        verbose_name_plural = _("mail templates")
        constraints = [
            models.UniqueConstraint(fields=["code", "language"], name="common_unique_mail_template")
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.language})"

    def text_digest(self) -> str:
        """Return the digest of this template's text, as a translation of it records it."""
        return text_digest(self.subject, self.body, self.html_body)


def text_digest(subject: str, body: str, html_body: str = "") -> str:
    """Return the digest of a template's subject, body and HTML body (``source_digest``)."""
    return source_digest([subject, body, html_body])


class OutboxMessage(models.Model):
    """One notification: stored before it is sent, kept after, never deleted."""

    recipients = models.JSONField(_("recipients"), default=list)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("body"))
    html_body = models.TextField(_("HTML body"), blank=True)
    template_code = models.CharField(_("template"), max_length=100, blank=True, db_index=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    content_type = models.ForeignKey(
        ContentType, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    object_id = models.CharField(max_length=64, blank=True)
    related_object = GenericForeignKey("content_type", "object_id")
    object_repr = models.CharField(_("about"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    # A message that carries a personal link (invitation, password reset,
    # address confirmation): its text is never shown in the workspace and is
    # wiped once it has been delivered.
    is_sensitive = models.BooleanField(_("carries a personal link"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox")
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="common_outbox_due"),
            models.Index(fields=["content_type", "object_id"], name="common_outbox_object"),
        ]

    def __str__(self) -> str:
        # The activity log keeps this as the message's name, readable by the secretariat.
        subject = "[hidden: personal link]" if self.is_sensitive else self.subject
        return f"{subject} → {', '.join(self.recipients)}"
