from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Release(models.Model):
    """The one moment a call's decisions became known: the cohort release (or the award's).

    Made only by ``domain.release`` (``release_cohort``, ``release_winners``);
    one per call, so releasing again finds this row and does nothing. A
    membership call's release names its cohort; an award call's its year.
    """

    call = models.OneToOneField(
        "calls.Call", verbose_name=_("call"), on_delete=models.PROTECT, related_name="release"
    )
    cohort = models.ForeignKey(
        "network.Cohort",
        verbose_name=_("cohort"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    award_year = models.PositiveSmallIntegerField(_("award year"), null=True, blank=True)
    released_at = models.DateTimeField(_("released"))
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("released by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-released_at", "pk"]
        verbose_name = _("release")
        verbose_name_plural = _("releases")

    def __str__(self) -> str:
        return f"{self.call} · {self.released_at:%Y-%m-%d}"


class Certificate(models.Model):
    """The membership certificate of an admitted city: a private PDF its organisation owns."""

    submission = models.OneToOneField(
        "calls.Submission",
        verbose_name=_("submission"),
        on_delete=models.PROTECT,
        related_name="certificate",
    )
    document = models.OneToOneField(
        "common.Document",
        verbose_name=_("document"),
        on_delete=models.PROTECT,
        related_name="certificate",
    )
    number = models.CharField(_("number"), max_length=40, unique=True)
    issued_at = models.DateTimeField(_("issued"))

    class Meta:
        ordering = ["issued_at", "number"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")

    def __str__(self) -> str:
        return self.number
