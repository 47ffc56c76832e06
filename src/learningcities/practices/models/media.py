from pathlib import PurePosixPath

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from learningcities.common.translated import TranslatableContent

from .practices import Practice


class PracticeImage(TranslatableContent):
    """A picture of a practice: re-encoded at two widths, with its text alternative.

    Both files are ``common.Document`` rows of the practice's city, served
    through ``views.media`` (anyone once the practice is published, its city
    and the secretariat before). The upload itself is never kept: what is
    stored was decoded and encoded again (``domain.images``), so it holds no
    EXIF, GPS or other metadata of the original.
    """

    translated_fields = ("alt_text", "caption")

    practice = models.ForeignKey(
        Practice, verbose_name=_("practice"), on_delete=models.CASCADE, related_name="images"
    )
    image = models.OneToOneField(
        "common.Document", on_delete=models.PROTECT, related_name="+", verbose_name=_("image")
    )
    thumbnail = models.OneToOneField(
        "common.Document", on_delete=models.PROTECT, related_name="+", verbose_name=_("thumbnail")
    )
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    thumbnail_width = models.PositiveIntegerField(_("thumbnail width"))
    thumbnail_height = models.PositiveIntegerField(_("thumbnail height"))
    alt_text = models.CharField(
        _("text alternative"),
        max_length=300,
        help_text=_("What the image shows, for people who cannot see it."),
    )
    caption = models.CharField(_("caption"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("image of a practice")
        verbose_name_plural = _("images of practices")

    def __str__(self) -> str:
        return self.alt_text

    @property
    def original_language(self) -> str:
        return self.practice.language

    def get_absolute_url(self) -> str:
        return reverse("practices:image", kwargs={"pk": self.practice_id, "image_id": self.pk})

    @property
    def thumbnail_url(self) -> str:
        return reverse(
            "practices:image-thumbnail", kwargs={"pk": self.practice_id, "image_id": self.pk}
        )


class PracticeAttachment(models.Model):
    """A document attached to a practice (a PDF or office file), with a title to link it by."""

    practice = models.ForeignKey(
        Practice, verbose_name=_("practice"), on_delete=models.CASCADE, related_name="attachments"
    )
    document = models.OneToOneField(
        "common.Document", on_delete=models.PROTECT, related_name="+", verbose_name=_("file")
    )
    title = models.CharField(_("title"), max_length=200)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("attachment of a practice")
        verbose_name_plural = _("attachments of practices")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse(
            "practices:attachment", kwargs={"pk": self.practice_id, "attachment_id": self.pk}
        )

    @property
    def file_type(self) -> str:
        """Return the file's type as its extension in capitals (PDF, DOCX...), for the link."""
        return PurePosixPath(self.document.original_name).suffix.lstrip(".").upper()
