from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CallAttachment(models.Model):
    """A document the secretariat publishes with a call (terms, a form to fill in).

    The file is a private ``common.Document`` (checked and stored by
    ``store_document``); it is served to anyone through the call's public
    attachment view, never through the private documents' path.
    """

    call = models.ForeignKey(
        "calls.Call", verbose_name=_("call"), on_delete=models.CASCADE, related_name="attachments"
    )
    document = models.OneToOneField(
        "common.Document",
        verbose_name=_("document"),
        on_delete=models.PROTECT,
        related_name="call_attachment",
    )
    title = models.CharField(_("title"), max_length=200)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("call attachment")
        verbose_name_plural = _("call attachments")

    def __str__(self) -> str:
        return self.title


class CallMessage(models.Model):
    """A message the secretariat sent to the people of a call (applicants, endorsers, jurors).

    ``send_key`` comes from the form that sent it: a second submission of the
    same form (a double click) finds it taken and sends nothing.
    """

    call = models.ForeignKey(
        "calls.Call", verbose_name=_("call"), on_delete=models.CASCADE, related_name="messages"
    )
    send_key = models.CharField(max_length=64, unique=True)
    audience = models.CharField(_("audience"), max_length=40)
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"))
    recipient_count = models.PositiveIntegerField(_("recipients"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "pk"]
        verbose_name = _("message to a call's people")
        verbose_name_plural = _("messages to a call's people")

    def __str__(self) -> str:
        return self.subject
