from django.db import models
from django.utils.translation import gettext_lazy as _


class EndorsementQuota(models.Model):
    """How many endorsements of a call a country's National Commission has used.

    One row per (call, country), counted up by a conditional UPDATE (``used <
    quota``) so that two endorsers acting at the same moment can never exceed
    the quota; see ``domain.quotas``.
    """

    call = models.ForeignKey(
        "calls.Call", verbose_name=_("call"), on_delete=models.CASCADE, related_name="quotas"
    )
    country = models.ForeignKey(
        "network.Country", verbose_name=_("country"), on_delete=models.PROTECT, related_name="+"
    )
    used = models.PositiveSmallIntegerField(_("endorsements used"), default=0)

    class Meta:
        verbose_name = _("endorsement quota")
        verbose_name_plural = _("endorsement quotas")
        constraints = [
            models.UniqueConstraint(fields=["call", "country"], name="calls_quota_call_country")
        ]

    def __str__(self) -> str:
        return f"{self.call} · {self.country_id}: {self.used}"
