"""Forms of a practice's images and attachments (``domain.media`` checks the rest)."""

from django import forms
from django.utils.translation import gettext_lazy

from learningcities.common.forms import PrivateDocumentField

from ..domain.media import ATTACHMENT_FAMILIES, IMAGE_FAMILIES, MAX_TEXT, MAX_TITLE

ALT_TEXT_REQUIRED = gettext_lazy(
    "Say what the image shows: the text alternative is required, for people who cannot see it."
)


def _alt_text_field() -> forms.CharField:
    return forms.CharField(
        max_length=MAX_TEXT,
        label=gettext_lazy("Text alternative"),
        help_text=gettext_lazy(
            "What the image shows, for people who cannot see it, such as “Grandparents and "
            "children reading together in a park library”."
        ),
        error_messages={"required": ALT_TEXT_REQUIRED},
    )


def _caption_field() -> forms.CharField:
    return forms.CharField(
        required=False,
        max_length=MAX_TEXT,
        label=gettext_lazy("Caption"),
        help_text=gettext_lazy("Shown under the image: where and when, and who took the photo."),
    )


def _title_field() -> forms.CharField:
    return forms.CharField(
        max_length=MAX_TITLE,
        label=gettext_lazy("Title"),
        help_text=gettext_lazy("The link's text, such as “Evaluation report 2024”."),
    )


class ImageForm(forms.Form):
    """A picture to add, with its text alternative and caption."""

    file = PrivateDocumentField(
        allowed=IMAGE_FAMILIES,
        label=gettext_lazy("Image"),
        help_text=gettext_lazy(
            "JPEG, PNG, GIF or WebP. It is resized for the page; its hidden details "
            "(camera, place) are removed."
        ),
    )
    alt_text = _alt_text_field()
    caption = _caption_field()


class ImageTextForm(forms.Form):
    """The text alternative and caption of a picture already added."""

    alt_text = _alt_text_field()
    caption = _caption_field()


class AttachmentForm(forms.Form):
    """A document to attach (PDF or office file), with the title it is linked by."""

    file = PrivateDocumentField(
        allowed=ATTACHMENT_FAMILIES,
        label=gettext_lazy("Document"),
        help_text=gettext_lazy("A PDF, or a Word, Excel, PowerPoint or OpenDocument file."),
    )
    title = _title_field()


class AttachmentTitleForm(forms.Form):
    """The title of an attachment already added."""

    title = _title_field()
