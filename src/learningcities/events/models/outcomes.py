from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from learningcities.common.languages import language_choices
from learningcities.common.translated import TranslatableContent

from ..enums import OutcomeStatus
from .events import Event


class OutcomeDocument(TranslatableContent):
    """What an event adopts: a declaration, a statement, a call to action.

    A draft may be shared with member cities for comment until
    ``comments_until``; once adopted it carries its adoption date, its
    documents (one per language) and the cities that endorse it.
    """

    translated_fields = ("title", "summary")

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="outcomes"
    )
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"), blank=True)
    language = models.CharField(
        _("language"), max_length=10, choices=language_choices, default="en"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=OutcomeStatus.choices, default=OutcomeStatus.DRAFT
    )
    comments_until = models.DateField(_("comments until"), null=True, blank=True)
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)
    source = models.URLField(_("published at"), max_length=500, blank=True)

    class Meta:
        ordering = ["-event__starts_on", "pk"]
        verbose_name = _("outcome document")
        verbose_name_plural = _("outcome documents")

    def __str__(self) -> str:
        return self.title


class OutcomeFile(models.Model):
    """The text of an outcome document in one language (a public PDF)."""

    outcome = models.ForeignKey(
        OutcomeDocument,
        verbose_name=_("outcome document"),
        on_delete=models.CASCADE,
        related_name="files",
    )
    language = models.CharField(_("language"), max_length=10, choices=language_choices)
    document = models.ForeignKey(
        "common.Document", verbose_name=_("file"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("outcome document file")
        verbose_name_plural = _("outcome document files")
        constraints = [
            models.UniqueConstraint(
                fields=["outcome", "language"], name="events_one_outcome_file_per_language"
            )
        ]

    def __str__(self) -> str:
        return f"{self.outcome} ({self.language})"


class OutcomeComment(models.Model):
    """A member city's comment on a draft outcome document."""

    outcome = models.ForeignKey(
        OutcomeDocument,
        verbose_name=_("outcome document"),
        on_delete=models.CASCADE,
        related_name="comments",
    )
    city = models.ForeignKey(
        "network.City", verbose_name=_("city"), on_delete=models.CASCADE, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    text = models.TextField(_("comment"), max_length=5000)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["outcome", "created_at"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")

    def __str__(self) -> str:
        return f"{self.city} · {self.outcome}"


class OutcomeEndorsement(models.Model):
    """A city's endorsement of an adopted outcome document."""

    outcome = models.ForeignKey(
        OutcomeDocument,
        verbose_name=_("outcome document"),
        on_delete=models.CASCADE,
        related_name="endorsements",
    )
    city = models.ForeignKey(
        "network.City", verbose_name=_("city"), on_delete=models.CASCADE, related_name="+"
    )
    endorsed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("endorsed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    endorsed_on = models.DateField(_("endorsed on"))

    class Meta:
        ordering = ["outcome", "city__name"]
        verbose_name = _("endorsement of an outcome document")
        verbose_name_plural = _("endorsements of outcome documents")
        constraints = [
            models.UniqueConstraint(
                fields=["outcome", "city"], name="events_one_endorsement_per_city"
            )
        ]

    def __str__(self) -> str:
        return f"{self.city} · {self.outcome}"
