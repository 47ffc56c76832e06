from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ManualCheck(models.Model):
    """The secretariat's answer to one of the call's manual checks for one submission.

    ``code`` is the check's code (``manual.<slug of its label>``, see
    ``domain.eligibility.manual_check_codes``); ``label`` keeps the wording
    answered. One row per submission and check, updated when answered again.
    """

    submission = models.ForeignKey(
        "calls.Submission",
        verbose_name=_("submission"),
        on_delete=models.CASCADE,
        related_name="manual_checks",
    )
    code = models.CharField(_("code"), max_length=120)
    label = models.CharField(_("label"), max_length=300)
    passed = models.BooleanField(_("passed"))
    note = models.TextField(_("note"), blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("checked by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    checked_at = models.DateTimeField(_("checked"), auto_now=True)

    class Meta:
        ordering = ["submission", "code"]
        verbose_name = _("manual check")
        verbose_name_plural = _("manual checks")
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "code"], name="calls_one_manual_check_per_code"
            )
        ]

    def __str__(self) -> str:
        return f"{self.submission} · {self.code}: {self.passed}"


class AwardWin(models.Model):
    """A city won the award in ``year`` (from a call of this platform, or from the record)."""

    city = models.ForeignKey(
        "network.City",
        verbose_name=_("city"),
        on_delete=models.PROTECT,
        related_name="award_wins",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    call = models.ForeignKey(
        "calls.Call",
        verbose_name=_("call"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="award_wins",
    )
    source = models.CharField(_("source"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["-year", "pk"]
        verbose_name = _("award win")
        verbose_name_plural = _("award wins")
        constraints = [
            models.UniqueConstraint(fields=["city", "year"], name="calls_one_award_win_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.city} · {self.year}"
