from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AnswerType(models.TextChoices):
    """How a city answers a criterion."""

    TEXT = "text", pgettext_lazy("answer type", "Text")
    RATING = "rating", pgettext_lazy("answer type", "Rating")
    NUMBER = "number", pgettext_lazy("answer type", "Number")
    YES_NO = "yes_no", pgettext_lazy("answer type", "Yes or no")
    FILE = "file", pgettext_lazy("answer type", "File")


def answer_type_choices() -> list[tuple[str, str]]:
    """Return the answer types as model choices.

    A model field takes this function, not the list: its migration names the
    function, so adding a value to the enum needs no migration.
    """
    return AnswerType.choices


class FileKind(models.TextChoices):
    """The kinds of file a criterion may ask for as evidence."""

    PDF = "pdf", _("PDF document")
    IMAGE = "image", _("Image")
    OFFICE = "office", _("Office document (text, spreadsheet, presentation)")


# A rating criterion without its own scale is rated from 1 to 5.
DEFAULT_RATING_MIN = 1
DEFAULT_RATING_MAX = 5


# The activity log's label of each action code this app records (common.activity_labels).
ACTIVITY_LABELS = {
    "frameworks.framework.load": _("Criteria framework loaded"),
    "frameworks.shipped.install": _("Shipped frameworks installed"),
    "frameworks.framework.translate": _("Criteria framework translation recorded"),
}
