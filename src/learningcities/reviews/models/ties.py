from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..enums import TieKind, TieSource


class JurorTie(models.Model):
    """A juror's tie to a country or a city, beyond their nationality and affiliations.

    Personal, not per call: a juror living in Kenya is tied to Kenya in
    every call. Exactly one of ``country`` and ``city`` is set; a tie to a
    city ties the juror to that city only.
    """

    juror = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("juror"),
        on_delete=models.CASCADE,
        related_name="juror_ties",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=TieKind.choices)
    country = models.ForeignKey(
        "network.Country",
        verbose_name=_("country"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    city = models.ForeignKey(
        "network.City",
        verbose_name=_("city"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.TextField(_("reason"), blank=True)
    source = models.CharField(_("recorded by"), max_length=20, choices=TieSource.choices)
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
        ordering = ["juror", "kind", "pk"]
        verbose_name = _("juror tie")
        verbose_name_plural = _("juror ties")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(country__isnull=False, city__isnull=True)
                    | models.Q(country__isnull=True, city__isnull=False)
                ),
                name="reviews_tie_country_or_city",
            ),
            models.UniqueConstraint(
                fields=["juror", "kind", "country"],
                condition=models.Q(country__isnull=False),
                name="reviews_one_tie_per_country",
            ),
            models.UniqueConstraint(
                fields=["juror", "kind", "city"],
                condition=models.Q(city__isnull=False),
                name="reviews_one_tie_per_city",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.juror} · {self.get_kind_display()} · {self.country or self.city}"
