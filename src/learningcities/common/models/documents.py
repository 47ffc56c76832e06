import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..enums import ScanStatus
from ..storage import private_storage


def document_path(document: "Document", filename: str) -> str:
    """Store under the document's id, never the uploader's name (kept in the row)."""
    extension = filename.rsplit(".", 1)[-1] if "." in filename else "bin"
    # Spread over 256 folders so no folder grows too large.
    return f"documents/{str(document.pk)[:2]}/{document.pk}.{extension}"


class Document(models.Model):
    """A private file (a mayor's letter, evidence): served only through a permission check."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
        help_text=_("Empty for documents of the secretariat."),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=50, db_index=True)
    original_name = models.CharField(_("file name"), max_length=200)
    file = models.FileField(storage=private_storage, upload_to=document_path, max_length=200)
    content_type = models.CharField(_("content type"), max_length=120)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    related_type = models.ForeignKey(
        ContentType, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    related_id = models.CharField(max_length=64, blank=True)
    related_object = GenericForeignKey("related_type", "related_id")
    scan_status = models.CharField(
        _("virus scan"), max_length=12, choices=ScanStatus.choices, default=ScanStatus.NOT_SCANNED
    )
    scan_detail = models.CharField(_("scan result"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        indexes = [
            models.Index(fields=["related_type", "related_id"], name="common_document_object")
        ]

    def __str__(self) -> str:
        return self.original_name
