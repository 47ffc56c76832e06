from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..enums import AssignmentMethod


class Assignment(models.Model):
    """A juror is to review a submission.

    Made only through ``domain.assignments``, which refuses a conflicted
    juror. ``created_by`` is empty for the automatic assignment.
    """

    panel = models.ForeignKey(
        "reviews.Panel",
        verbose_name=_("panel"),
        on_delete=models.CASCADE,
        related_name="assignments",
    )
    submission = models.ForeignKey(
        "calls.Submission",
        verbose_name=_("submission"),
        on_delete=models.CASCADE,
        related_name="assignments",
    )
    juror = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("juror"),
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    method = models.CharField(_("method"), max_length=20, choices=AssignmentMethod.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("assigned"), auto_now_add=True)

    class Meta:
        ordering = ["panel", "submission", "pk"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "juror"], name="reviews_one_assignment_per_juror"
            )
        ]
        indexes = [models.Index(fields=["panel", "juror"], name="reviews_assignment_juror")]

    def __str__(self) -> str:
        return f"{self.juror} → {self.submission}"


class Recusal(models.Model):
    """A juror steps back from one submission (declared by them or recorded by the secretariat).

    A recusal is a conflict: the juror no longer sees the submission, and an
    assignment to it is removed when the recusal is recorded.
    """

    submission = models.ForeignKey(
        "calls.Submission",
        verbose_name=_("submission"),
        on_delete=models.CASCADE,
        related_name="recusals",
    )
    juror = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("juror"),
        on_delete=models.CASCADE,
        related_name="recusals",
    )
    reason = models.TextField(_("reason"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["submission", "pk"]
        verbose_name = _("recusal")
        verbose_name_plural = _("recusals")
        constraints = [
            models.UniqueConstraint(fields=["submission", "juror"], name="reviews_one_recusal")
        ]

    def __str__(self) -> str:
        return f"{self.juror} ✕ {self.submission}"
